#!/usr/bin/env python3
"""Searches a running process's writable memory for figures: each as decimal text, as a
little-endian int64 anywhere, and as a little-endian int32 at a 4-byte boundary (the
int32 form is short enough to occur by chance in random bytes; aligned hits only keep
that chance near 1 in 10^4 per run). Prints one line per hit, naming the mapping.

usage: memscan.py [--text] PID FIGURE...   (--text: the decimal text form only)
exit 0 none found, 1 found, 77 memory unreadable"""
import re
import struct
import sys


def patterns(figure, text_only):
    yield "text", str(figure).encode(), 1
    if text_only:
        return
    yield "int64", struct.pack("<q", figure), 1
    if -2**31 <= figure < 2**31:
        yield "int32", struct.pack("<i", figure), 4


HUGE = 1 << 32		# mappings larger than this are address-space reservations
CHUNK = 16 << 20
OVERLAP = 16		# longer than any needle, so none is split between chunks unseen


def chunks(mem, start, end):
    """(address, bytes) pieces of [start, end), each overlapping the previous by OVERLAP."""
    at = start
    while at < end:
        base = max(start, at - OVERLAP)
        try:
            mem.seek(base)
            data = mem.read(min(end, at + CHUNK) - base)
        except OSError:
            return	# e.g. a guard page
        yield base, data
        at += CHUNK


def regions(pid):
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            parts = line.split()
            start, end = (int(x, 16) for x in parts[0].split("-"))
            name = parts[5] if len(parts) > 5 else "[anon]"
            # a figure arrives at run time, so it can only be in memory the process may
            # write: code and read-only data of the libraries are not searched (their
            # bytes would match an int32 by chance)
            if parts[1][:2] != "rw" or name in ("[vvar]", "[vsyscall]", "[vdso]"):
                continue
            yield start, end, name


def main():
    args = sys.argv[1:]
    text_only = args[0] == "--text"
    if text_only:
        args = args[1:]
    pid, figures = int(args[0]), [int(f) for f in args[1:]]
    hits = 0
    try:
        mem = open(f"/proc/{pid}/mem", "rb", 0)
    except OSError as e:
        print(f"cannot open /proc/{pid}/mem: {e.strerror}")
        return 77
    scanned = skipped = 0
    with mem:
        for start, end, name in regions(pid):
            if end - start > HUGE:
                skipped += 1	# a sanitizer's shadow reservation, not data
                continue
            for at0, data in chunks(mem, start, end):
                scanned += len(data)
                for figure in figures:
                    for form, needle, align in patterns(figure, text_only):
                        for m in re.finditer(re.escape(needle), data):
                            at = at0 + m.start()
                            if at % align or (at0 > start and m.start() < OVERLAP and
                                               m.start() + len(needle) <= OVERLAP):
                                continue	# misaligned, or found in the previous chunk
                            hits += 1
                            ctx = data[max(0, m.start() - 24):m.start() + len(needle) + 24]
                            print(f"{figure} as {form} at {at:#x} in {name} "
                                  f"(+{at - start:#x}): {ctx!r}")
    if scanned == 0:
        print("no memory could be read")
        return 77
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
