#!/usr/bin/env python3
"""Writes the seed corpus of tests/fuzz/fuzz_envelope.c: envelopes built with PyNaCl
from doc/formats.md ("Sealed message") for the harness's fixed test recipient, good
ones and each way one can be wrong. Sealing is randomised, so the bytes differ from run
to run; what each file exercises does not.

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
             text_len=None):
    named = bytes((named or signer).verify_key)
    head = (b"NKMSG001" + struct.pack(">BBBBQ", kind, frm, to, len(case), seq) + named
            + header_seal + struct.pack(">I", len(text) if text_len is None else text_len)
            + case)
    sig = signer.sign(TAG + head + text).signature
    return head + nacl.public.SealedBox(nacl.public.PublicKey(seal_to)).encrypt(sig + text)


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
        "bad-magic": b"NKMSG002" + good[8:],
        "same-roles": envelope(frm=1, to=1),
        "seq-0": envelope(seq=0),
        "kind-3": envelope(kind=3),
        "text-too-long": envelope(text_len=65537),
        "case-id-bad-char": envelope(case=b"fuzz/case"),
        "case-id-nul": envelope(case=b"fuzz\0case"),
        "empty": b"",
    }
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
