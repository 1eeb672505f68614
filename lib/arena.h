/*
 * arena.h - a bump allocator reset once per message.
 *
 * Records are built on the hot path without a malloc per field: every string
 * and value array a record holds lives in its arena, and the whole arena is
 * rewound with arena_reset() when the next message starts.
 */
#ifndef NVMWATCH_ARENA_H
#define NVMWATCH_ARENA_H

#include <stddef.h>

struct arena;

/*
 * Returns a new arena whose first block holds at least blocksize bytes,
 * or NULL on allocation failure. Blocks grow as needed, up to limit bytes in
 * all (0: no limit).
 */
struct arena	*arena_new(size_t blocksize, size_t limit);
/* Frees the arena and everything allocated from it; NULL is a no-op. */
void		 arena_free(struct arena *);
/*
 * Forgets every allocation, keeping the largest block for reuse so that a
 * steady stream of similar messages allocates nothing.
 */
void		 arena_reset(struct arena *);
/* size bytes aligned for any type; NULL when the limit would be passed. */
void		*arena_alloc(struct arena *, size_t size);
/* A NUL-terminated copy of len bytes of p; NULL when over the limit. */
char		*arena_strndup(struct arena *, const char *p, size_t len);
/* Bytes handed out since the last reset. */
size_t		 arena_used(const struct arena *);

#endif
