/* The interoperability helper's parts (tests/interop/): what each subcommand writes is
 * read by interop.py, which checks it with PyNaCl against doc/formats.md. */
#ifndef NAKODO_INTEROP_HELPER_H
#define NAKODO_INTEROP_HELPER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes "name HEX\n" of n bytes to f. */
void put_hex(FILE *f, const char *name, const uint8_t *p, size_t n);
/* Writes data to dir/name (replacing it); 0 on success, 1 with a message otherwise. */
int write_file(const char *dir, const char *name, const void *data, size_t len);

/* helper record DIR: a case's event chain, a Merkle log holding its closing statement,
 * the receipt and a consistency proof (helper_record.c). */
int cmd_record(int argc, char **argv);

#endif
