/* Bounded growable buffers (buffers.h). */
#include <nakodo/buffers.h>
#include <nakodo/alloc.h>

#include <stdint.h>
#include <string.h>

bool nk_buf_append(struct nk_buf *b, const void *bytes, size_t n)
{
	if (b->too_big || b->failed)
		return false;
	if (n > b->max - b->len || b->len > b->max) {
		b->too_big = true;
		return false;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *grown;

		while (cap < b->len + n + 1 && cap <= SIZE_MAX / 2)
			cap *= 2;
		if (cap < b->len + n + 1 || !(grown = nk_alloc_realloc(b->data, cap))) {
			b->failed = true;
			return false;
		}
		b->data = grown;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, bytes, n);
	b->len += n;
	b->data[b->len] = '\0';
	return true;
}

void nk_buf_free(struct nk_buf *b)
{
	nk_alloc_free(b->data);
	*b = (struct nk_buf){ .max = b->max };
}
