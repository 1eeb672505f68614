/*
 * arena.c - bump allocator; see arena.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

struct arena_block {
	struct arena_block	*next;
	size_t			 size;
	size_t			 used;
	max_align_t		 data[];
};

struct arena {
	struct arena_block	*head;
	size_t			 blocksize;
	size_t			 limit;
	size_t			 total;		/* bytes in all blocks */
	size_t			 used;		/* bytes handed out */
};

static struct arena_block	*arena_grow(struct arena *, size_t);

struct arena *
arena_new(size_t blocksize, size_t limit)
{
	struct arena	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->blocksize = blocksize ? blocksize : 4096;
	a->limit = limit;
	if (arena_grow(a, a->blocksize) == NULL) {
		free(a);
		return NULL;
	}
	return a;
}

void
arena_free(struct arena *a)
{
	struct arena_block	*b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void
arena_reset(struct arena *a)
{
	struct arena_block	*b, *next, *keep = a->head;

	/* Keep the largest block; the head is always the newest and largest. */
	for (b = a->head->next; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	keep->next = NULL;
	keep->used = 0;
	a->head = keep;
	a->total = keep->size;
	a->used = 0;
}

static struct arena_block *
arena_grow(struct arena *a, size_t need)
{
	struct arena_block	*b;
	size_t			 size = a->head ? a->head->size * 2 : a->blocksize;

	while (size < need)
		size *= 2;
	if (a->limit && a->total + size > a->limit) {
		if (a->total + need > a->limit)
			return NULL;
		size = need;
	}
	if ((b = malloc(sizeof(*b) + size)) == NULL)
		return NULL;
	b->next = a->head;
	b->size = size;
	b->used = 0;
	a->head = b;
	a->total += size;
	return b;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	struct arena_block	*b = a->head;
	const size_t		 align = sizeof(max_align_t);
	size_t			 off;

	size = size ? size : 1;
	off = (b->used + align - 1) & ~(align - 1);
	if (off > b->size || b->size - off < size) {
		if ((b = arena_grow(a, size)) == NULL)
			return NULL;
		off = 0;
	}
	b->used = off + size;
	a->used += size;
	return (char *)b->data + off;
}

char *
arena_strndup(struct arena *a, const char *p, size_t len)
{
	char	*s;

	if ((s = arena_alloc(a, len + 1)) == NULL)
		return NULL;
	if (len)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

size_t
arena_used(const struct arena *a)
{
	return a->used;
}
