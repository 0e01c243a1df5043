#!/usr/bin/env python3
"""Interoperability with an implementation nakodo did not write: Debian's python3-nacl
(PyNaCl, over libsodium's C API but none of nakodo's code). Every byte layout below is
rebuilt from doc/formats.md, not from nakodo's sources, so a test that passes says the
document is right as well as the code.

  interop.py HELPER      (HELPER: build/tests/interop_helper; prints TAP)

Checks: Python opens nakodo's key file, sealed messages and signatures, and its
receipt (signatures, chain, RFC 9162 inclusion and consistency by hashlib); nakodo
opens Python's sealed, signed envelopes (version 2, padded to a size class, and version
1, as stored before) and its key file, and rejects tampered ones with the documented
verdict, never showing their text. Missing PyNaCl is a failure."""
import hashlib
import os
import struct
import subprocess
import sys
import tempfile

try:
    import nacl
    import nacl.bindings
    import nacl.exceptions
    import nacl.public
    import nacl.pwhash
    import nacl.signing
    import nacl.utils
except ImportError:
    # Debian's package installs for Debian's interpreter; another python3 may come
    # first on PATH (pyenv, a venv), so try Debian's before giving up.
    if (os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3"
            and not os.environ.get("NAKODO_INTEROP_REEXEC")):
        os.environ["NAKODO_INTEROP_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("1..1")
    print("not ok 1 - python3-nacl (PyNaCl) is not installed: the interoperability test "
          "needs it; run `make deps` as root or `apt-get install python3-nacl`")
    sys.exit(1)

PASSPHRASE = b"interop test passphrase, throwaway"
CASE = "interop-case-1"
ROLES = {"claimant": 0, "payer": 1, "mediator": 2}
KINDS = {"message": 1, "deposit": 2}

# ---- TAP ----

count = 0
failures = 0


def check(name, cond, detail=""):
    global count, failures
    count += 1
    if cond:
        print(f"ok {count} - {name}")
    else:
        failures += 1
        print(f"not ok {count} - {name}")
        if detail:
            for line in str(detail).splitlines():
                print(f"# {line}")
    sys.stdout.flush()
    return cond


# ---- encodings, from doc/formats.md ----

def u8(v):
    return struct.pack(">B", v)


def u32(v):
    return struct.pack(">I", v)


def u64(v):
    return struct.pack(">Q", v & 0xFFFFFFFFFFFFFFFF)   # times: two's complement


def str8(s):
    b = s.encode() if isinstance(s, str) else s
    assert len(b) < 256
    return u8(len(b)) + b


def tag(name):
    return name.encode() + b"\0"


def sha256(b):
    return hashlib.sha256(b).digest()


def verifies(pk, msg, sig):
    try:
        nacl.signing.VerifyKey(pk).verify(msg, sig)
        return True
    except nacl.exceptions.BadSignatureError:
        return False


def key_id(server):
    return sha256(tag("nakodo/key-id/v1") + server)[:8]


# ---- manifests the helper writes: "name value" lines ----

def manifest(path):
    with open(path, encoding="ascii") as f:
        return [tuple((line.rstrip("\n") + " ").split(" ", 1)) for line in f]


def hexval(v):
    return bytes.fromhex(v.strip())


def run(helper, *args, env=None):
    p = subprocess.run([helper, *args], capture_output=True, text=True, env=env, check=False)
    return p.returncode, p.stdout, p.stderr


# ---- the party key file ----

KEYFILE_HEADER = 128


def keyfile_open(data, passphrase):
    """Returns (ed25519 seed, x25519 secret, sign pk, seal pk) or raises ValueError."""
    if len(data) != 224 or data[:8] != b"NKPARTY1":
        raise ValueError("size or magic")
    if hashlib.blake2b(data[:208], digest_size=16).digest() != data[208:]:
        raise ValueError("checksum")
    if data[8:12] != b"\x01\x01\x01\x00":
        raise ValueError("version or algorithms")
    passes, memory = struct.unpack(">IQ", data[12:24])
    salt, nonce = data[24:40], data[40:64]
    key = nacl.pwhash.argon2id.kdf(32, passphrase, salt, opslimit=passes, memlimit=memory)
    try:
        plain = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            data[128:208], data[:KEYFILE_HEADER], nonce, key)
    except nacl.exceptions.CryptoError as e:
        raise ValueError("wrong passphrase") from e
    return plain[:32], plain[32:64], data[64:96], data[96:128]


def keyfile_make(seed, x_secret, sign_pk, seal_pk, passphrase):
    passes, memory = 1, 8192    # libsodium's minimum, as NAKODO_TEST_KDF=min
    salt, nonce = nacl.utils.random(16), nacl.utils.random(24)
    header = (b"NKPARTY1" + b"\x01\x01\x01\x00" + u32(passes) + u64(memory) + salt + nonce
              + sign_pk + seal_pk)
    key = nacl.pwhash.argon2id.kdf(32, passphrase, salt, opslimit=passes, memlimit=memory)
    ct = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        seed + x_secret, header, nonce, key)
    body = header + ct
    return body + hashlib.blake2b(body, digest_size=16).digest()


# ---- the envelope ----

MESSAGE_HEADER = 88
MAGIC = {1: b"NKMSG001", 2: b"NKMSG002"}
PADDED_MIN, PADDED_MAX = 256, 65536


def padded_len(text_len):
    """Version 2's size class: the smallest power of two from 256 that holds the text."""
    p = PADDED_MIN
    while p < text_len:
        p *= 2
    return p


def envelope_body(text, version=2, true_len=None, pad=b"\0", size=None):
    """What is signed after the header and sealed after the signature: version 1 the
    text; version 2 u32 true length, the text, and zeros up to its class."""
    if version == 1:
        return text
    size = padded_len(len(text)) if size is None else size
    return (u32(len(text) if true_len is None else true_len) + text
            + pad * (size - len(text)))


def envelope_header(kind, frm, to, seq, sign_pk, seal_pk, shown, version=2):
    cid = CASE.encode()
    return (MAGIC[version] + u8(kind) + u8(frm) + u8(to) + u8(len(cid)) + u64(seq) + sign_pk
            + seal_pk + u32(shown) + cid)


def envelope_make(signer, sign_pk, seal_to, header_seal, text, frm=2, to=1, seq=1,
                  kind=1, signed_tag=tag("nakodo/message/v1"), version=2, body=None,
                  shown=None):
    body = envelope_body(text, version) if body is None else body
    if shown is None:
        shown = len(text) if version == 1 else len(body) - 4
    head = envelope_header(kind, frm, to, seq, sign_pk, header_seal, shown, version)
    sig = signer.sign(signed_tag + head + body).signature
    return head + nacl.public.SealedBox(nacl.public.PublicKey(seal_to)).encrypt(sig + body)


def envelope_parse(env):
    magic, kind, frm, to, idlen, seq = struct.unpack(">8sBBBBQ", env[:20])
    sign_pk, seal_pk = env[20:52], env[52:84]
    (shown,) = struct.unpack(">I", env[84:88])
    return {"magic": magic, "kind": kind, "from": frm, "to": to, "idlen": idlen, "seq": seq,
            "sign": sign_pk, "seal": seal_pk, "shown": shown,
            "case": env[88:88 + idlen].decode("ascii", "replace")}


def check_nakodo_seal(helper, work, env_vars):
    """nakodo seals and signs; PyNaCl opens and verifies. Returns the recipient's keys."""
    rc, _, err = run(helper, "seal", work, env=env_vars)
    if not check("helper seals three envelopes and signs a join and an action", rc == 0, err):
        return None
    items = manifest(os.path.join(work, "seal.txt"))
    m = {k: v for k, v in items}
    sender_sign, sender_seal = hexval(m["sender-sign"]), hexval(m["sender-seal"])
    with open(os.path.join(work, "recipient.key"), "rb") as f:
        keyfile = f.read()
    try:
        seed, x_secret, sign_pk, seal_pk = keyfile_open(keyfile, PASSPHRASE)
        opened = True
    except ValueError as e:
        opened, seed, x_secret, sign_pk, seal_pk = str(e), b"", b"", b"", b""
    check("PyNaCl opens nakodo's key file (Argon2id, XChaCha20-Poly1305, header as AD)",
          opened is True, opened)
    if opened is not True:
        return None
    check("the key file's secrets derive the public keys in its header",
          bytes(nacl.signing.SigningKey(seed).verify_key) == sign_pk
          and bytes(nacl.public.PrivateKey(x_secret).public_key) == seal_pk)
    check("the key file names the recipient's identity",
          sign_pk == hexval(m["recipient-sign"]) and seal_pk == hexval(m["recipient-seal"]))
    try:
        keyfile_open(keyfile, PASSPHRASE + b"!")
        wrong = False
    except ValueError as e:
        wrong = str(e) == "wrong passphrase"
    check("the key file does not open under another passphrase", wrong)

    box = nacl.public.SealedBox(nacl.public.PrivateKey(x_secret))
    lengths = {}
    for i, (k, v) in enumerate(items):
        if k != "envelope":
            continue
        name, kind, seq = v.split()
        text = hexval(items[i + 1][1])
        with open(os.path.join(work, name), "rb") as f:
            env = f.read()
        h = envelope_parse(env)
        L, P = h["idlen"], padded_len(len(text))
        lengths[name] = (len(text), len(env))
        check(f"{name}: the clear header reads as documented (version 2, the size class)",
              h["magic"] == b"NKMSG002" and h["kind"] == KINDS[kind] and h["from"] == 0
              and h["to"] == 1 and h["seq"] == int(seq) and h["sign"] == sender_sign
              and h["seal"] == seal_pk and h["shown"] == P and h["case"] == CASE, h)
        check(f"{name}: its length is 204 + L + P, P the class of T = {len(text)}",
              len(env) == 204 + L + P, len(env))
        try:
            inner = box.decrypt(env[MESSAGE_HEADER + L:])
        except nacl.exceptions.CryptoError as e:
            check(f"{name}: PyNaCl's SealedBox opens it", False, e)
            continue
        check(f"{name}: PyNaCl's SealedBox opens it to signature, true length, text, zeros",
              inner[64:] == u32(len(text)) + text + bytes(P - len(text)), inner[64:])
        signed = tag("nakodo/message/v1") + env[:MESSAGE_HEADER + L] + inner[64:]
        check(f"{name}: the sender's Ed25519 signature covers tag, header and padded body",
              verifies(sender_sign, signed, inner[:64]))
        check(f"{name}: and not the same bytes without the domain tag",
              not verifies(sender_sign, signed[len(tag("nakodo/message/v1")):], inner[:64]))
        check(f"{name}: nor the body with its padding cut off",
              not verifies(sender_sign, signed[:len(signed) - (P - len(text))], inner[:64]))
    short = {n: e for n, (t, e) in lengths.items() if t <= PADDED_MIN}
    check("nakodo's envelopes of 0, 20 and 90 bytes of text, message or deposit, are one "
          "length", len(short) >= 3 and len(set(short.values())) == 1, lengths)

    digest = hashlib.sha512(tag("nakodo/safety-number/v1") + sender_sign + sender_seal).digest()
    number = " ".join("%05u" % (int.from_bytes(digest[5 * g:5 * g + 5], "big") % 100000)
                      for g in range(6))
    check("the sender's safety number is the documented SHA-512 digits",
          m["sender-safety-number"].strip() == number, m["sender-safety-number"] + " vs " + number)
    join = tag("nakodo/join/v1") + str8(CASE) + u8(0) + sender_sign + sender_seal
    check("the join signature covers the documented bytes",
          verifies(sender_sign, join, hexval(m["join-sig"])))
    number, action = m["action"].split()
    body = hexval(m["action-body"])

    def action_bytes(n):
        return (tag("nakodo/action/v1") + str8(CASE) + u8(0) + u64(n) + str8(action)
                + sha256(body))
    check("the action signature covers the documented bytes",
          verifies(sender_sign, action_bytes(int(number)), hexval(m["action-sig"])))
    check("and not another request number",
          not verifies(sender_sign, action_bytes(int(number) + 1), hexval(m["action-sig"])))
    return {"sign": sign_pk, "seal": seal_pk}


# ---- Python seals, nakodo opens ----

def resealed(signer, sign_pk, seal, text):
    """A version-2 envelope whose signature covers the text but not its padding."""
    body = envelope_body(text)
    head = envelope_header(1, 2, 1, 1, sign_pk, seal, len(body) - 4)
    sig = signer.sign(tag("nakodo/message/v1") + head + body[:4 + len(text)]).signature
    return head + nacl.public.SealedBox(nacl.public.PublicKey(seal)).encrypt(sig + body)


def check_python_seal(helper, work, env_vars, recipient):
    """PyNaCl signs and seals envelopes built from the document; nakodo opens the good
    ones and rejects each tampered one with the documented verdict, showing no text."""
    signer = nacl.signing.SigningKey.generate()
    sign_pk = bytes(signer.verify_key)
    other = nacl.signing.SigningKey.generate()
    stranger = bytes(nacl.public.PrivateKey.generate().public_key)
    seal = recipient["seal"]
    text = "From the mediator: a package at 300M grants, 200M loans.\n\u65e5\0end".encode()
    keyfile = os.path.join(work, "recipient.key")

    def opens(name, env, kind="message", case=CASE, sender=sign_pk, next_seq=1):
        path = os.path.join(work, "py-" + name.replace(" ", "-")[:40] + ".env")
        with open(path, "wb") as f:
            f.write(env)
        return run(helper, "open", keyfile, path, case, kind, "payer", sender.hex(),
                   str(next_seq), env=env_vars)

    good = envelope_make(signer, sign_pk, seal, seal, text)
    rc, out, err = opens("good", good)
    check("nakodo opens an envelope PyNaCl signed and sealed (verdict ok)",
          rc == 0 and out.startswith("ok ok\n"), out + err)
    check("with the sender's role, the number and the text intact",
          f"from mediator\nto payer\nseq 1\ntext {text.hex()}\n" in out, out)
    deposit = envelope_make(signer, sign_pk, seal, seal, b"", kind=2, frm=0)
    rc, out, err = opens("deposit", deposit, kind="deposit")
    check("and an empty deposit from the claimant", rc == 0 and "text \n" in out, out + err)
    v1 = envelope_make(signer, sign_pk, seal, seal, text, version=1)
    check("a version-1 envelope (stored before padding) is 200 + L + T bytes",
          len(v1) == 200 + len(CASE) + len(text))
    rc, out, err = opens("version 1", v1)
    check("nakodo still opens a version-1 envelope PyNaCl made",
          rc == 0 and out.startswith("ok ok\n") and f"text {text.hex()}\n" in out, out + err)
    long_text = bytes(range(256)) * 2
    rc, out, err = opens("class 512", envelope_make(signer, sign_pk, seal, seal, long_text))
    check("and a version-2 envelope of the 512-byte class",
          rc == 0 and f"text {long_text.hex()}\n" in out, out + err)
    rc, out, err = opens("padded further", envelope_make(
        signer, sign_pk, seal, seal, text, body=envelope_body(text, size=1024)))
    check("and one padded to a larger class than it needs (the sender's choice)",
          rc == 0 and f"text {text.hex()}\n" in out, out + err)

    flipped = bytearray(good)
    flipped[-1] ^= 1
    renumbered = bytearray(good)
    renumbered[12:20] = u64(2)
    tampered = [
        ("a flipped bit in the sealed part", bytes(flipped), {}, "altered"),
        ("its number changed in the clear header", bytes(renumbered), {"next_seq": 2},
         "altered"),
        ("signed without the domain tag",
         envelope_make(signer, sign_pk, seal, seal, text, signed_tag=b""), {}, "altered"),
        ("signed by a key other than the one it names",
         envelope_make(other, sign_pk, seal, seal, text), {}, "altered"),
        ("sealed to a key other than the one its header names",
         envelope_make(signer, sign_pk, stranger, seal, text), {}, "altered"),
        ("addressed to another recipient key",
         envelope_make(signer, sign_pk, stranger, stranger, text), {}, "not-for-me"),
        ("for another case", good, {"case": "interop-case-2"}, "not-for-me"),
        ("from a sender key other than the registered one", good,
         {"sender": bytes(other.verify_key)}, "wrong-signer"),
        ("truncated by one byte", good[:-1], {}, "malformed"),
        ("one byte longer", good + b"\0", {}, "malformed"),
        ("with a padding byte changed and signed over",
         envelope_make(signer, sign_pk, seal, seal, text,
                       body=envelope_body(text)[:-1] + b"\x01"), {}, "altered"),
        ("with a true length its class does not hold",
         envelope_make(signer, sign_pk, seal, seal, text,
                       body=envelope_body(text, true_len=257)), {}, "altered"),
        ("whose signature leaves out the padding",
         resealed(signer, sign_pk, seal, text), {}, "altered"),
        ("showing a size that is not a class",
         envelope_make(signer, sign_pk, seal, seal, text,
                       body=envelope_body(text, size=300)), {}, "malformed"),
        ("showing another class than its sealed part's",
         envelope_make(signer, sign_pk, seal, seal, text, shown=512), {}, "malformed"),
        ("of version 1 relabelled version 2",
         b"NKMSG002" + v1[8:], {}, "malformed"),
        ("of version 1 with a flipped bit in the sealed part",
         v1[:-1] + bytes([v1[-1] ^ 1]), {}, "altered"),
        ("replayed", good, {"next_seq": 2}, "replayed"),
        ("ahead of a missing one", envelope_make(signer, sign_pk, seal, seal, text, seq=3),
         {}, "out-of-order"),
    ]
    for name, env, kw, verdict in tampered:
        rc, out, err = opens(name, env, **kw)
        check(f"nakodo rejects an envelope {name} as {verdict}, showing no text",
              rc == 1 and out.startswith(f"rejected {verdict}: ") and "\ntext" not in out
              and text.hex() not in out, out + err)

    # a key file written from the document opens in nakodo
    x_secret = nacl.public.PrivateKey.generate()
    data = keyfile_make(bytes(signer), bytes(x_secret), sign_pk, bytes(x_secret.public_key),
                        PASSPHRASE)
    path = os.path.join(work, "python.key")
    with open(path, "wb") as f:
        f.write(data)
    rc, out, err = run(helper, "keyfile", path, env=env_vars)
    check("nakodo opens a key file Python wrote from doc/formats.md",
          rc == 0 and out == f"sign {sign_pk.hex()}\nseal {bytes(x_secret.public_key).hex()}\n",
          out + err)
    altered = bytearray(data)
    altered[150] ^= 1
    altered[208:] = hashlib.blake2b(bytes(altered[:208]), digest_size=16).digest()
    with open(path + ".altered", "wb") as f:
        f.write(altered)
    rc, out, err = run(helper, "keyfile", path + ".altered", env=env_vars)
    check("and refuses it with a ciphertext bit flipped and its checksum fixed",
          rc == 1 and out.startswith("refused ") and "passphrase" in out, out + err)


# ---- the record ----

def node(left, right):
    return sha256(b"\x01" + left + right)


def mth(leaves):
    """RFC 9162 2.1.1, directly."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while 2 * k < n:
        k *= 2
    return node(mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(m, n, root1, root2, proof):
    """RFC 9162 2.1.4.2, with the trivial cases of 2.1.4 first."""
    if m == n:
        return root1 == root2 and not proof
    if m == 0 or m > n or not proof:
        return False
    if m & (m - 1) == 0:
        proof = [root1] + proof
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == root1 and sr == root2


RECEIPT_KEYS = ["nakodo-receipt", "case", "outcome", "currency", "settlement", "events", "head", "closed",
                "server-key-id", "claimant-key", "payer-key", "mediator-key", "statement-sig",
                "claimant-sig", "payer-sig", "mediator-sig", "leaf-index", "proof",
                "checkpoint-key-id", "checkpoint-size", "checkpoint-root", "checkpoint-time",
                "checkpoint-sig"]


def receipt_parse(text):
    fields, proof = {}, []
    for line in text.split("\n")[:-1]:
        key, value = line.split(" ", 1)
        if key == "proof":
            proof.append(bytes.fromhex(value))
        else:
            fields[key] = value
    return fields, proof


def receipt_render(fields, proof):
    """The receipt as doc/formats.md says the writer lays it out."""
    out = []
    for key in RECEIPT_KEYS:
        if key == "proof":
            out += [f"proof {p.hex()}" for p in proof]
        elif key in fields:
            out.append(f"{key} {fields[key]}")
    return "".join(line + "\n" for line in out)


def statement_bytes(f):
    v2 = f["nakodo-receipt"] == "v2"  # a settlement follows the outcome
    b = (tag("nakodo/statement/v2" if v2 else "nakodo/statement/v1") + str8(f["case"])
         + str8(f["outcome"])
         + (str8(f["currency"]) + u64(int(f["settlement"])) if v2 else b"") + u64(int(f["events"]))
         + hexval(f["head"]) + u64(int(f["closed"])) + hexval(f["server-key-id"]))
    for role in ROLES:
        key = f.get(role + "-key")
        b += u8(1) + hexval(key) if key else u8(0)
    return b


def batch_ref(sig):
    """(version, number, index, salt) of a link's batch reference, or None (doc/crypto.md,
    "Batches"): v1's tag, number, index and 20 zero bytes; v2's tag, id, slot and salt."""
    for version in (1, 2):
        head = tag(f"nakodo/batch-ref/v{version}")
        head += b"\0" * (32 - len(head))
        if sig[:32] != head or (version == 1 and sig[44:] != b"\0" * 20):
            continue
        number, index = struct.unpack(">QI", sig[32:44])
        ok = number >= 1 and index < 1024 and (version == 1 or number < 1 << 52)
        return (version, number, index, sig[44:]) if ok else None
    return None


def batch_holds(server, kid, case, seq, head, ref, proof, sig):
    """A link's leaf (v2: salted) with its proof leads to a root the server signed as its
    batch (v2: under the batch's id; the slot and the empty subtrees need no secret to
    check)."""
    if ref is None or len(proof) != 10:
        return False
    version, number, index, salt = ref
    if version == 1:
        h = sha256(tag("nakodo/batch-leaf/v1") + str8(case) + u64(seq) + head)
    else:
        h = sha256(tag("nakodo/batch-leaf/v2") + str8(case) + u64(seq) + head + salt)
    for sibling in proof:
        h = sha256(b"\1" + sibling + h) if index & 1 else sha256(b"\1" + h + sibling)
        index >>= 1
    return verifies(server, tag(f"nakodo/batch/v{version}") + kid + u64(number) + h, sig)


def empty_subtrees():
    """v1's public empty subtree of each height, which a v2 proof must not show."""
    h, out = b"\0" * 32, []
    for _ in range(10):
        out.append(h)
        h = sha256(b"\1" + h + h)
    return out


def check_record(helper, work):
    rc, _, err = run(helper, "record", work)
    if not check("helper builds a case's chain, a Merkle log and a receipt", rc == 0, err):
        return
    items = manifest(os.path.join(work, "record.txt"))
    m = {k: v for k, v in items}
    server = hexval(m["server-key"])
    kid = key_id(server)
    case = m["case"].strip()
    leaves = [hexval(v) for k, v in items if k == "leaf"]

    prev, links_ok, sigs_ok, n, covered, batched, sig = b"\0" * 32, True, True, 0, 0, 0, b""
    for i, (k, v) in enumerate(items):
        if k != "event":
            continue
        seq, time_ms, actor, etype = v.split()
        body, link, sig = (hexval(items[i + j][1]) for j in (1, 2, 3))
        prev = sha256(tag("nakodo/event/v1") + str8(case) + u64(int(seq)) + u64(int(time_ms))
                      + str8(actor) + str8(etype) + u32(len(body)) + body + prev)
        links_ok &= prev == link
        # 64 zero bytes: no countersignature of its own; a later one covers it. A batch
        # reference: the last link's proof vouches for it (doc/crypto.md, "Batches")
        if sig == b"\0" * 64:
            covered += 1
        elif batch_ref(sig):
            batched += 1
        else:
            sigs_ok &= verifies(server, tag("nakodo/countersign/v1") + kid + link, sig)
        n += 1
    check(f"Python recomputes all {n} links of the event chain from the document", links_ok)
    check(f"and the server's countersignature of each but {covered} a later one covers "
          f"and {batched} in batches", sigs_ok and covered == 1 and batched == 2)
    ref = batch_ref(sig)
    number, index = int(m["batch-number"]), int(m["batch-index"])
    proof = [hexval(v) for k, v in items if k == "batch-proof"]
    bsig = hexval(m["batch-sig"])
    check("the last link names its batch and slot, salted (v2)",
          ref is not None and ref[:3] == (2, number, index) and ref[3] != b"\0" * 20)
    check("its proof is the batch tree's fixed depth, ten hashes", len(proof) == 10)
    check("the leaf's path leads to a root the server signed as that batch",
          batch_holds(server, kid, case, n, prev, ref, proof, bsig))
    check("no sibling of the proof is a public empty subtree (the batch's size is not told)",
          not set(proof) & set(empty_subtrees()))
    check("not as another slot of the batch",
          not batch_holds(server, kid, case, n, prev, (2, number, index ^ 1, ref[3]), proof,
                          bsig))
    check("not with another salt",
          not batch_holds(server, kid, case, n, prev,
                          (2, number, index, bytes([ref[3][0] ^ 1]) + ref[3][1:]), proof, bsig))
    check("not for another case's link",
          not batch_holds(server, kid, case + "x", n, prev, ref, proof, bsig))
    check("not with a proof cut short",
          not batch_holds(server, kid, case, n, prev, ref, proof[:-1], bsig))
    check("not as another batch",
          not batch_holds(server, kid, case, n, prev, (2, number + 1, index, ref[3]), proof,
                          bsig))
    check("not as the v1 batch of the same id",
          not batch_holds(server, kid, case, n, prev, (1, number, index, b"\0" * 20), proof,
                          bsig))
    # the same link in a batch of the first format, as logs written before v2 hold it
    v1 = batch_ref(hexval(m["v1-batch-ref"]))
    v1_proof = [hexval(v) for k, v in items if k == "v1-batch-proof"]
    v1_sig = hexval(m["v1-batch-sig"])
    check("a v1 reference still reads: the batch's number and the leaf's place",
          v1 == (1, int(m["v1-batch-number"]), int(m["v1-batch-index"]), b"\0" * 20))
    check("and its proof still verifies",
          batch_holds(server, kid, case, n, prev, v1, v1_proof, v1_sig))
    check("but not under v2's tags",
          not batch_holds(server, kid, case, n, prev, (2,) + v1[1:], v1_proof, v1_sig))

    with open(os.path.join(work, "receipt.txt"), encoding="ascii") as f:
        text = f.read()
    fields, proof = receipt_parse(text)
    check("the receipt is laid out exactly as documented", receipt_render(fields, proof) == text)
    check("its statement names the chain's head, event count and the server's key id",
          hexval(fields["head"]) == prev and int(fields["events"]) == n
          and hexval(fields["server-key-id"]) == kid and fields["case"] == case)
    st = statement_bytes(fields)
    check("the server's signature covers the statement's documented bytes",
          verifies(server, st, hexval(fields["statement-sig"])))
    check("and not a statement with another outcome",
          not verifies(server, statement_bytes({**fields, "outcome": "impasse"}),
                       hexval(fields["statement-sig"])))
    for role, num in ROLES.items():
        if role + "-sig" in fields:
            check(f"the {role}'s signature covers the party-sig tag, role and statement",
                  verifies(hexval(fields[role + "-key"]), tag("nakodo/party-sig/v1") + u8(num) + st,
                           hexval(fields[role + "-sig"])))
    check("both parties signed", "claimant-sig" in fields and "payer-sig" in fields)

    index, size = int(fields["leaf-index"]), int(fields["checkpoint-size"])
    root, leaf = hexval(fields["checkpoint-root"]), sha256(b"\0" + st)
    check("the statement's leaf hash is SHA-256(0x00 || statement), at its index",
          size == len(leaves) and leaves[index] == leaf)
    check("hashlib's RFC 9162 inclusion check takes it to the checkpoint's root",
          verify_inclusion(index, size, leaf, proof, root))
    check("and not at another index", not verify_inclusion(index + 1, size, leaf, proof, root)
          and not verify_inclusion(index - 1, size, leaf, proof, root))
    check("the checkpoint's root is the RFC 9162 tree hash of the log's leaves",
          mth(leaves) == root)
    cp = (tag("nakodo/checkpoint/v1") + hexval(fields["checkpoint-key-id"]) + u64(size) + root
          + u64(int(fields["checkpoint-time"])))
    check("the checkpoint names the server's key id and is signed over the documented bytes",
          hexval(fields["checkpoint-key-id"]) == kid
          and verifies(server, cp, hexval(fields["checkpoint-sig"])))

    for i, (k, v) in enumerate(items):
        if k != "consistency":
            continue
        old, new = (int(x) for x in v.split())
        old_root = hexval(items[i + 1][1])
        cproof = []
        for k2, v2 in items[i + 2:]:
            if k2 != "cproof":
                break
            cproof.append(hexval(v2))
        check(f"consistency {old} -> {new}: the old root is the tree hash of {old} leaves",
              old_root == mth(leaves[:old]))
        check(f"consistency {old} -> {new}: the RFC 9162 check passes",
              verify_consistency(old, new, old_root, root, cproof))
        if cproof:
            check(f"consistency {old} -> {new}: and fails with a hash dropped",
                  not verify_consistency(old, new, old_root, root, cproof[:-1]))


def main():
    if len(sys.argv) != 2:
        print("usage: interop.py HELPER", file=sys.stderr)
        return 2
    helper = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="nakodo-interop-") as work:
        pass_file = os.path.join(work, "passphrase")
        with open(pass_file, "wb") as f:
            f.write(PASSPHRASE + b"\n")
        env_vars = dict(os.environ, NAKODO_PASSPHRASE_FILE=pass_file)
        print(f"# PyNaCl {nacl.__version__}, {sys.executable}")
        recipient = check_nakodo_seal(helper, work, env_vars)
        if recipient:
            check_python_seal(helper, work, env_vars, recipient)
        check_record(helper, work)
    print(f"1..{count}")
    return 1 if failures or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
