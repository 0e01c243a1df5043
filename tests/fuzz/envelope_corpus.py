#!/usr/bin/env python3
"""Writes the seed corpus of tests/fuzz/fuzz_envelope.c: envelopes built with PyNaCl
from doc/formats.md ("Sealed message") for the harness's fixed test recipient, good
ones and each way one can be wrong, of both versions: version 1 (the text alone, as
stored before padding; unprefixed names) and version 2 (padded to a size class; names
"v2-"). Sealing is randomised, so the bytes differ from run to run; what each file
exercises does not.

  envelope_corpus.py DIR      (needs python3-nacl)"""
import os
import struct
import sys

import nacl.public
import nacl.signing

CASE = b"fuzz-case-1"
TAG = b"nakodo/message/v1\0"
# the harness's parties: the payer receives (seal secret 0x33...), the claimant sends
RECIPIENT = bytes(nacl.public.PrivateKey(b"\x33" * 32).public_key)
SENDER = nacl.signing.SigningKey(b"\x44" * 32)
STRANGER = nacl.signing.SigningKey(b"\x66" * 32)
STRANGER_SEAL = bytes(nacl.public.PrivateKey(b"\x77" * 32).public_key)


def envelope(text=b"hello from the claimant", kind=1, frm=0, to=1, seq=1, case=CASE,
             signer=SENDER, named=None, seal_to=RECIPIENT, header_seal=RECIPIENT,
             text_len=None, magic=b"NKMSG001", body=None, signed=None):
    """Version 1 unless magic or body say otherwise: body is what follows the signature
    in the box (the text), signed what the signature covers after the header (the body),
    text_len what the header shows (the body's length)."""
    body = text if body is None else body
    named = bytes((named or signer).verify_key)
    head = (magic + struct.pack(">BBBBQ", kind, frm, to, len(case), seq) + named
            + header_seal + struct.pack(">I", len(body) if text_len is None else text_len)
            + case)
    sig = signer.sign(TAG + head + (body if signed is None else signed)).signature
    return head + nacl.public.SealedBox(nacl.public.PublicKey(seal_to)).encrypt(sig + body)


def padded_len(n):
    """Version 2's size class: the smallest power of two from 256 that holds n bytes."""
    p = 256
    while p < n:
        p *= 2
    return p


def body_v2(text, true_len=None, size=None, pad=b"\0"):
    """u32 true length, the text, zeros up to the class."""
    size = padded_len(len(text)) if size is None else size
    return (struct.pack(">I", len(text) if true_len is None else true_len) + text
            + pad * (size - len(text)))


def envelope_v2(text=b"hello from the claimant", body=None, shown=None, **kw):
    body = body_v2(text) if body is None else body
    return envelope(text, magic=b"NKMSG002", body=body,
                    text_len=len(body) - 4 if shown is None else shown, **kw)


def main():
    out = sys.argv[1]
    good = envelope()
    flipped = bytearray(good)
    flipped[-5] ^= 0x10
    renumbered = bytearray(good)
    renumbered[19] = 2
    seeds = {
        "valid": good,
        "valid-empty": envelope(b""),
        "valid-deposit": envelope(b"deposit 1200000", kind=2),
        "valid-nul-utf8": envelope("a NUL \0 and UTF-8 \u65e5\u672c".encode()),
        "valid-long": envelope(b"x" * 3000),
        "seq-5": envelope(seq=5),
        "mediator-to-claimant": envelope(frm=2, to=0),
        "other-case": envelope(case=b"another_case"),
        "other-recipient": envelope(seal_to=STRANGER_SEAL, header_seal=STRANGER_SEAL),
        "sealed-elsewhere": envelope(seal_to=STRANGER_SEAL),
        "wrong-signer": envelope(signer=STRANGER),
        "forged-signature": envelope(signer=STRANGER, named=SENDER),
        "untagged": None,
        "altered-box": bytes(flipped),
        "altered-seq": bytes(renumbered),
        "truncated": good[:-1],
        "longer": good + b"\0",
        "header-only": good[:88 + len(CASE)],
        "bad-magic": b"NKMSG003" + good[8:],
        "same-roles": envelope(frm=1, to=1),
        "seq-0": envelope(seq=0),
        "kind-3": envelope(kind=3),
        "text-too-long": envelope(text_len=65537),
        "case-id-bad-char": envelope(case=b"fuzz/case"),
        "case-id-nul": envelope(case=b"fuzz\0case"),
        "empty": b"",
    }
    good2 = envelope_v2()
    flipped2 = bytearray(good2)
    flipped2[-5] ^= 0x10
    renumbered2 = bytearray(good2)
    renumbered2[19] = 2
    text = b"hello from the claimant"
    seeds.update({
        "v2-valid": good2,
        "v2-valid-empty": envelope_v2(b""),
        "v2-valid-deposit": envelope_v2(b"deposit 1200000", kind=2),
        "v2-valid-class-edge": envelope_v2(b"y" * 256),
        "v2-valid-512": envelope_v2(b"z" * 257),
        "v2-valid-nul-utf8": envelope_v2("a NUL \0 and UTF-8 \u65e5\u672c".encode()),
        "v2-valid-long": envelope_v2(b"x" * 3000),
        "v2-valid-padded-further": envelope_v2(body=body_v2(text, size=1024)),
        "v2-seq-5": envelope_v2(seq=5),
        "v2-other-case": envelope_v2(case=b"another_case"),
        "v2-wrong-signer": envelope_v2(signer=STRANGER),
        "v2-altered-box": bytes(flipped2),
        "v2-altered-seq": bytes(renumbered2),
        "v2-padding-not-zero": envelope_v2(body=body_v2(text, pad=b"\1")),
        "v2-padding-unsigned": envelope_v2(signed=body_v2(text)[:4 + len(text)]),
        "v2-true-len-over-class": envelope_v2(body=body_v2(text, true_len=257)),
        "v2-true-len-huge": envelope_v2(body=body_v2(text, true_len=0xFFFFFFFF)),
        "v2-shown-not-class": envelope_v2(body=body_v2(text, size=300)),
        "v2-shown-other-class": envelope_v2(shown=512),
        "v2-shown-over-max": envelope_v2(shown=131072),
        "v2-magic-v1-body": envelope(magic=b"NKMSG002", text_len=256, body=b"q" * 256),
        "v1-magic-v2-body": b"NKMSG001" + good2[8:84] + struct.pack(">I", 260) + good2[88:],
        "v2-truncated": good2[:-1],
        "v2-longer": good2 + b"\0",
        "v2-header-only": good2[:88 + len(CASE)],
    })
    head = bytes(good[:88 + len(CASE)])
    sig = SENDER.sign(head + b"hello from the claimant").signature
    seeds["untagged"] = head + nacl.public.SealedBox(
        nacl.public.PublicKey(RECIPIENT)).encrypt(sig + b"hello from the claimant")
    os.makedirs(out, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
