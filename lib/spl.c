/*
 * spl.c - a compiled search: its lifetime and what the engine reads of it.
 * The compiler is spl_macro.c, spl_lex.c and spl_parse.c; matching is in
 * spl_match.c; the canonical dump in spl_dump.c.
 */
#include <stdlib.h>

#include "arena.h"
#include "cidr.h"
#include "spl_int.h"

void
spl_free(struct spl_search *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ncidrs; i++)
		cidr_set_free(s->cidrs[i]);
	free(s->cidrs);
	arena_free(s->arena);
	free(s);
}

const struct spl_expr *
spl_search_expr(const struct spl_search *s)
{
	return s->base;
}

const struct spl_stats *
spl_search_stats(const struct spl_search *s)
{
	return s->has_stats ? &s->stats : NULL;
}

size_t
spl_search_ncmds(const struct spl_search *s)
{
	return s->ncmds;
}

const struct spl_cmd *
spl_search_cmd(const struct spl_search *s, size_t i)
{
	return i < s->ncmds ? &s->cmds[i] : NULL;
}
