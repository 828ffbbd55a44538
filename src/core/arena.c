/*
 * core/arena: a bump allocator. Blocks are chained; a request larger than a block gets a block
 * of its own. Freed all at once. Not thread-safe: one arena belongs to one request or import.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define ARENA_BLOCK 16384
#define ARENA_ALIGN 16

typedef struct block {
	struct block *next;
	size_t size, used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
} block;

struct nz_arena {
	block *head;
	size_t total;
};

nz_arena *nz_arena_new(void)
{
	return calloc(1, sizeof(nz_arena));
}

void nz_arena_free(nz_arena *a)
{
	if (!a)
		return;
	block *b = a->head;
	while (b) {
		block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

void *nz_arena_alloc(nz_arena *a, size_t size)
{
	if (!a)
		return NULL;
	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - 2 * ARENA_ALIGN - sizeof(block))
		return NULL;
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	block *b = a->head;
	if (!b || b->size - b->used < size) {
		size_t bsize = size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK;
		block *nb = malloc(sizeof(block) + bsize);
		if (!nb)
			return NULL;
		nb->size = bsize;
		nb->used = 0;
		if (b && bsize == size && b->size - b->used >= ARENA_BLOCK / 4) {
			/* A big one-off allocation: keep the current block in front for small ones.
			 */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += size;
	a->total += size;
	return p;
}

void *nz_arena_zalloc(nz_arena *a, size_t size)
{
	void *p = nz_arena_alloc(a, size);
	if (p)
		memset(p, 0, size);
	return p;
}

char *nz_arena_strndup(nz_arena *a, const char *s, size_t len)
{
	if (!s)
		return NULL;
	char *p = nz_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *nz_arena_strdup(nz_arena *a, const char *s)
{
	return s ? nz_arena_strndup(a, s, strlen(s)) : NULL;
}

char *nz_arena_str(nz_arena *a, nz_str s)
{
	return nz_arena_strndup(a, s.p ? s.p : "", s.len);
}

char *nz_arena_printf(nz_arena *a, const char *fmt, ...)
{
	va_list ap, copy;
	va_start(ap, fmt);
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	char *p = NULL;
	if (n >= 0 && (p = nz_arena_alloc(a, (size_t)n + 1)))
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t nz_arena_used(const nz_arena *a)
{
	return a ? a->total : 0;
}
