/*
 * spl_match.c - value sets and the expression evaluator.
 *
 * Everything a match needs is built at compile time: exact values in an
 * open-addressing hash table of case-folded text, wildcard values split
 * into folded literal segments, CIDR values in one cidr_set. A match
 * folds as it hashes and compares, so it allocates nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cidr.h"
#include "record.h"
#include "spl_int.h"

static uint32_t	 fold_hash(const char *, size_t);
static int	 fold_eq(const char *, const char *, size_t);
static int	 set_add_exact(struct spl_valset *, const char *, size_t,
		    char *);
static int	 set_add_glob(struct spl_search *, struct spl_glob *,
		    const char *, size_t);
static int	 set_add_cidr(struct spl_search *, struct spl_valset *,
		    const char *, size_t);
static int	 set_classify(struct spl_search *, struct spl_valset *,
		    const char *, size_t);
static size_t	 count_exact(const char *const *, const size_t *, size_t);
static int	 exact_match(const struct spl_valset *, const char *, size_t);
static int	 glob_match(const struct spl_glob *, const char *, size_t);
static const char *fold_find(const char *, size_t, const char *, size_t);
static const struct rec_str *record_getter(void *, const struct spl_field *,
		    uint32_t *);

unsigned char
spl_fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* FNV-1a of the folded bytes. */
static uint32_t
fold_hash(const char *s, size_t n)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < n; i++) {
		h ^= spl_fold((unsigned char)s[i]);
		h *= 16777619u;
	}
	return h;
}

/* folded (already folded) against s, folding s. */
static int
fold_eq(const char *folded, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if ((unsigned char)folded[i] != spl_fold((unsigned char)s[i]))
			return 0;
	return 1;
}

void *
spl_grow(struct arena *a, void *arr, size_t *cap, size_t need, size_t sz)
{
	void	*p;
	size_t	 n;

	if (need <= *cap)
		return arr;
	for (n = *cap ? *cap * 2 : 4; n < need; n *= 2)
		;
	if (n > SIZE_MAX / sz || (p = arena_alloc(a, n * sz)) == NULL)
		return NULL;
	if (*cap)
		memcpy(p, arr, *cap * sz);
	*cap = n;
	return p;
}

static int
set_add_exact(struct spl_valset *set, const char *v, size_t n, char *copy)
{
	uint32_t	h = fold_hash(v, n);
	size_t		i, k;

	for (k = 0; k < n; k++)
		copy[k] = (char)spl_fold((unsigned char)v[k]);
	copy[n] = '\0';
	for (i = h & set->mask; set->tab[i].s != NULL; i = (i + 1) & set->mask)
		if (set->tab[i].hash == h && set->tab[i].len == n &&
		    memcmp(set->tab[i].s, copy, n) == 0)
			return 0;		/* a duplicate */
	set->tab[i].s = copy;
	set->tab[i].len = (uint32_t)n;
	set->tab[i].hash = h;
	set->nexact++;
	return 0;
}

static int
set_add_glob(struct spl_search *s, struct spl_glob *g, const char *v,
    size_t n)
{
	char	*f;
	size_t	 i, k, stars = 0;

	for (i = 0; i < n; i++)
		stars += v[i] == '*';
	if ((f = arena_alloc(s->arena, n + 1)) == NULL ||
	    (g->seg = arena_alloc(s->arena, (stars + 1) * sizeof(*g->seg))) ==
	    NULL || (g->seglen = arena_alloc(s->arena,
	    (stars + 1) * sizeof(*g->seglen))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		f[i] = (char)spl_fold((unsigned char)v[i]);
	f[n] = '\0';
	g->text = f;
	g->nseg = 0;
	g->minlen = 0;
	for (i = 0, k = 0; i <= n; i++) {
		if (i < n && f[i] != '*')
			continue;
		g->seg[g->nseg] = f + k;
		g->seglen[g->nseg++] = i - k;
		g->minlen += i - k;
		k = i + 1;
	}
	return 0;
}

static int
set_add_cidr(struct spl_search *s, struct spl_valset *set, const char *v,
    size_t n)
{
	struct cidr_set	**p;
	size_t		  cap;

	if (set->cidr == NULL) {
		if (s->ncidrs == s->cidrcap) {
			cap = s->cidrcap ? s->cidrcap * 2 : 4;
			if ((p = realloc(s->cidrs, cap * sizeof(*p))) == NULL)
				return -1;
			s->cidrs = p;
			s->cidrcap = cap;
		}
		if ((set->cidr = cidr_set_new()) == NULL)
			return -1;
		s->cidrs[s->ncidrs++] = set->cidr;
	}
	return cidr_set_add(set->cidr, v, n);
}

static int
set_classify(struct spl_search *s, struct spl_valset *set, const char *v,
    size_t n)
{
	size_t	i, stars = 0;
	char	*copy;

	for (i = 0; i < n; i++)
		stars += v[i] == '*';
	if (stars > 0 && stars == n) {
		set->any = 1;
		return 0;
	}
	if (stars > 0)
		return set_add_glob(s, &set->globs[set->nglob++], v, n);
	if (cidr_is_prefix(v, n))
		return set_add_cidr(s, set, v, n);
	if ((copy = arena_alloc(s->arena, n + 1)) == NULL)
		return -1;
	return set_add_exact(set, v, n, copy);
}

static size_t
count_exact(const char *const *values, const size_t *lens, size_t n)
{
	size_t	i, c = 0;

	for (i = 0; i < n; i++)
		if (memchr(values[i], '*', lens[i]) == NULL)
			c++;
	return c;
}

struct spl_valset *
spl_valset_new(struct spl_search *s, const char *const *values,
    const size_t *lens, size_t n)
{
	struct spl_valset	*set;
	size_t			 i, size = 4, nexact, nglob;

	nexact = count_exact(values, lens, n);
	nglob = n - nexact;
	while (size < nexact * 2)
		size *= 2;
	if ((set = arena_alloc(s->arena, sizeof(*set))) == NULL)
		return NULL;
	memset(set, 0, sizeof(*set));
	set->nvalues = n;
	set->mask = size - 1;
	if ((set->tab = arena_alloc(s->arena, size * sizeof(*set->tab))) ==
	    NULL || (set->globs = arena_alloc(s->arena,
	    (nglob ? nglob : 1) * sizeof(*set->globs))) == NULL)
		return NULL;
	memset(set->tab, 0, size * sizeof(*set->tab));
	for (i = 0; i < n; i++)
		if (set_classify(s, set, values[i], lens[i]) == -1)
			return NULL;
	return set;
}

static int
exact_match(const struct spl_valset *set, const char *v, size_t n)
{
	uint32_t	h = fold_hash(v, n);
	size_t		i;

	for (i = h & set->mask; set->tab[i].s != NULL; i = (i + 1) & set->mask)
		if (set->tab[i].hash == h && set->tab[i].len == n &&
		    fold_eq(set->tab[i].s, v, n))
			return 1;
	return 0;
}

/* The first place folded needle (nlen > 0) occurs in s[0..n), or NULL. */
static const char *
fold_find(const char *s, size_t n, const char *needle, size_t nlen)
{
	size_t	i;

	for (i = 0; i + nlen <= n; i++)
		if ((unsigned char)needle[0] == spl_fold((unsigned char)s[i]) &&
		    fold_eq(needle, s + i, nlen))
			return s + i;
	return NULL;
}

/*
 * First segment anchors at the start, last at the end; the ones between
 * are found leftmost in order, which is enough for '*' alone.
 */
static int
glob_match(const struct spl_glob *g, const char *s, size_t n)
{
	const char	*p;
	size_t		 lo, hi, i, last = g->nseg - 1;

	if (n < g->minlen || !fold_eq(g->seg[0], s, g->seglen[0]) ||
	    !fold_eq(g->seg[last], s + n - g->seglen[last], g->seglen[last]))
		return 0;
	lo = g->seglen[0];
	hi = n - g->seglen[last];
	for (i = 1; i < last; i++) {
		if (g->seglen[i] == 0)
			continue;
		if ((p = fold_find(s + lo, hi - lo, g->seg[i],
		    g->seglen[i])) == NULL)
			return 0;
		lo = (size_t)(p - s) + g->seglen[i];
	}
	return 1;
}

int
spl_valset_match(const struct spl_valset *set, const char *v, size_t n)
{
	size_t	i;

	if (set->any || (set->nexact > 0 && exact_match(set, v, n)))
		return 1;
	for (i = 0; i < set->nglob; i++)
		if (glob_match(&set->globs[i], v, n))
			return 1;
	return set->cidr != NULL && cidr_set_match_text(set->cidr, v, n);
}

int
spl_expr_eval(const struct spl_expr *e, spl_get_fn *get, void *arg)
{
	const struct rec_str	*v;
	uint32_t		 n = 0, i;
	size_t			 k;

	switch (e->kind) {
	case SPL_E_TRUE:
		return 1;
	case SPL_E_AND:
		for (k = 0; k < e->nkids; k++)
			if (!spl_expr_eval(e->kids[k], get, arg))
				return 0;
		return 1;
	case SPL_E_OR:
		for (k = 0; k < e->nkids; k++)
			if (spl_expr_eval(e->kids[k], get, arg))
				return 1;
		return 0;
	case SPL_E_NOT:
		return !spl_expr_eval(e->kids[0], get, arg);
	case SPL_E_EQ:
	case SPL_E_NE:
		break;
	}
	if ((v = get(arg, &e->field, &n)) == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (spl_valset_match(e->set, v[i].ptr, v[i].len) ==
		    (e->kind == SPL_E_EQ))
			return 1;
	return 0;
}

static const struct rec_str *
record_getter(void *arg, const struct spl_field *f, uint32_t *n)
{
	if (f->index == FIELD_NONE)
		return NULL;
	return record_get(arg, f->index, n);
}

int
spl_match(const struct spl_search *s, const struct record *r)
{
	/* The getter's argument is void *; the record is only read. */
	union {
		const struct record	*c;
		void			*v;
	} u;

	u.c = r;
	return spl_expr_eval(s->base, record_getter, u.v);
}
