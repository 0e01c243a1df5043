#!/usr/bin/env python3
"""Turns a data file into a C source that holds its bytes, so the command carries its
embedded default with it: embed.py INPUT OUTPUT SYMBOL."""
import sys

src, dst, name = sys.argv[1:4]
data = open(src, "rb").read()
with open(dst, "w", encoding="ascii") as out:
    out.write("/* Generated from %s by tools/embed.py; do not edit. */\n" % src.split("/")[-1])
    out.write("#include <stddef.h>\n")
    out.write("const size_t %s_len = %d;\n" % (name, len(data)))
    out.write("const char %s[] = {\n" % name)
    for i in range(0, len(data), 16):
        out.write("  " + ", ".join("0x%02x" % b for b in data[i:i + 16]) + ",\n")
    out.write("  0x00\n};\n")
