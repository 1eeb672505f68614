/*
 * row.c - result rows; see row.h.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "row.h"

#define ROW_ARENA_BLOCK	4096

int
row_init(struct row *r)
{
	memset(r, 0, sizeof(*r));
	if ((r->arena = arena_new(ROW_ARENA_BLOCK, 0)) == NULL)
		return -1;
	return 0;
}

void
row_free(struct row *r)
{
	arena_free(r->arena);
	free(r->f);
	memset(r, 0, sizeof(*r));
}

void
row_reset(struct row *r)
{
	arena_reset(r->arena);
	r->n = 0;
	r->flags = 0;
	r->window_start = r->window_end = 0;
}

struct row_field *
row_find(struct row *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->f[i].name, name) == 0)
			return &r->f[i];
	return NULL;
}

const struct row_field *
row_find_const(const struct row *r, const char *name)
{
	return row_find((struct row *)(uintptr_t)r, name);
}

struct row_field *
row_set(struct row *r, const char *name, unsigned flags)
{
	struct row_field	*f;

	if ((f = row_find(r, name)) == NULL) {
		if (r->n == r->cap) {
			size_t	 ncap = r->cap ? r->cap * 2 : 16;
			void	*p = realloc(r->f, ncap * sizeof(*r->f));

			if (p == NULL)
				return NULL;
			r->f = p;
			r->cap = ncap;
		}
		f = &r->f[r->n];
		if ((f->name = arena_strndup(r->arena, name,
		    strlen(name))) == NULL)
			return NULL;
		r->n++;
	}
	f->vals = NULL;
	f->nvals = 0;
	f->flags = flags;
	return f;
}

int
row_add_value(struct row *r, struct row_field *f, const char *v, size_t len)
{
	struct rec_str	*nv;
	char		*s;

	if (len > UINT32_MAX)
		return -1;
	/* Arrays double at powers of two; the arena keeps the old one. */
	if ((f->nvals & (f->nvals - 1)) == 0) {
		size_t	ncap = f->nvals ? (size_t)f->nvals * 2 : 1;

		if ((nv = arena_alloc(r->arena, ncap * sizeof(*nv))) == NULL)
			return -1;
		if (f->nvals)
			memcpy(nv, f->vals, f->nvals * sizeof(*nv));
		f->vals = nv;
	}
	if ((s = arena_strndup(r->arena, v, len)) == NULL)
		return -1;
	f->vals[f->nvals].ptr = s;
	f->vals[f->nvals].len = (uint32_t)len;
	f->nvals++;
	return 0;
}

struct row_field *
row_set1(struct row *r, const char *name, const char *v, size_t len,
    unsigned flags)
{
	struct row_field	*f;

	if ((f = row_set(r, name, flags)) == NULL ||
	    row_add_value(r, f, v, len) == -1)
		return NULL;
	return f;
}

void
row_remove(struct row *r, size_t i)
{
	if (i >= r->n)
		return;
	memmove(&r->f[i], &r->f[i + 1], (r->n - i - 1) * sizeof(*r->f));
	r->n--;
}
