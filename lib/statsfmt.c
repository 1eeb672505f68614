/*
 * statsfmt.c - counter tables rendered as stats: words, text, JSON and
 * Prometheus exposition; see statsfmt.h.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "statsfmt.h"

/*
 * One visit of the source, copied: JSON and Prometheus gather the sets of
 * a labelled group, which the source may visit in any order, so they
 * render from copies after the source has returned.
 */
struct stats_set {
	const struct stats_table	*t;
	const char			*label;	/* NULL: unlabelled */
	const char			*value;
	uint64_t			*v;	/* t->nfields values, then the
						   label and value strings */
	int				 done;	/* rendered with its group */
};

struct stats_sets {
	struct stats_set	*sets;
	size_t			 n;
	size_t			 cap;
	int			 failed;
};

static uint64_t	field_get(const void *, const struct stats_field *);
static void	text_visit(void *, const struct stats_table *, const char *,
		    const char *, const void *);
static void	sets_visit(void *, const struct stats_table *, const char *,
		    const char *, const void *);
static int	sets_collect(struct stats_sets *, stats_source_fn *, void *);
static void	sets_free(struct stats_sets *);
static void	json_group(struct buf *, struct stats_sets *, size_t);
static void	json_fields(struct buf *, const struct stats_set *);
static void	prom_group(struct buf *, struct stats_sets *, size_t);
static void	prom_metric(struct buf *, const struct stats_table *,
		    const struct stats_field *);
static void	prom_name(struct buf *, const struct stats_table *,
		    const struct stats_field *);
static void	prom_escape(struct buf *, const char *, int);
static int	name_valid(const char *);

static uint64_t
field_get(const void *counters, const struct stats_field *f)
{
	uint64_t	v;

	memcpy(&v, (const char *)counters + f->off, sizeof(v));
	return v;
}

void
stats_put(struct buf *b, const struct stats_table *t, const void *counters)
{
	size_t	i;

	for (i = 0; i < t->nfields; i++)
		buf_printf(b, " %s%s=%llu", t->prefix, t->fields[i].name,
		    (unsigned long long)field_get(counters, &t->fields[i]));
}

void
stats_word(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		buf_putc(b, (isalnum((unsigned char)*s) || *s == '_' ||
		    *s == '.' || *s == '-') ? *s : '_');
}

void
stats_sub(const struct stats_table *t, void *dst, const void *src)
{
	uint64_t	d, s;
	size_t		i;

	for (i = 0; i < t->nfields; i++) {
		d = field_get(dst, &t->fields[i]);
		s = field_get(src, &t->fields[i]);
		d = d > s ? d - s : 0;
		memcpy((char *)dst + t->fields[i].off, &d, sizeof(d));
	}
}

void
stats_add(const struct stats_table *t, void *dst, const void *src)
{
	uint64_t	d;
	size_t		i;

	for (i = 0; i < t->nfields; i++) {
		if (t->fields[i].flags & STATS_GAUGE)
			continue;
		d = field_get(dst, &t->fields[i]) +
		    field_get(src, &t->fields[i]);
		memcpy((char *)dst + t->fields[i].off, &d, sizeof(d));
	}
}

void
stats_render_text(struct buf *b, stats_source_fn *src, void *srcarg)
{
	src(srcarg, text_visit, b);
}

static void
text_visit(void *arg, const struct stats_table *t, const char *label,
    const char *value, const void *counters)
{
	struct buf	*b = arg;
	size_t		 i;

	buf_puts(b, t->group);
	if (label != NULL) {
		buf_printf(b, " %s=", label);
		stats_word(b, value);
	}
	for (i = 0; i < t->nfields; i++)
		buf_printf(b, " %s=%llu", t->fields[i].name,
		    (unsigned long long)field_get(counters, &t->fields[i]));
	buf_putc(b, '\n');
}

static void
sets_visit(void *arg, const struct stats_table *t, const char *label,
    const char *value, const void *counters)
{
	struct stats_sets	*ss = arg;
	struct stats_set	*s;
	size_t			 i, llen = 0, vlen = 0, cap;
	char			*p;

	if (ss->failed)
		return;
	if (ss->n == ss->cap) {
		cap = ss->cap ? ss->cap * 2 : 16;
		if ((s = reallocarray(ss->sets, cap, sizeof(*s))) == NULL) {
			ss->failed = 1;
			return;
		}
		ss->sets = s;
		ss->cap = cap;
	}
	if (label != NULL) {
		llen = strlen(label) + 1;
		vlen = strlen(value) + 1;
	}
	s = &ss->sets[ss->n];
	memset(s, 0, sizeof(*s));
	s->t = t;
	if ((s->v = malloc(t->nfields * sizeof(uint64_t) + llen + vlen)) ==
	    NULL) {
		ss->failed = 1;
		return;
	}
	ss->n++;
	for (i = 0; i < t->nfields; i++)
		s->v[i] = field_get(counters, &t->fields[i]);
	if (label != NULL) {
		p = (char *)(s->v + t->nfields);
		s->label = memcpy(p, label, llen);
		s->value = memcpy(p + llen, value, vlen);
	}
}

/* Copies every visit of src into ss: 0, or -1 (ss freed) out of memory. */
static int
sets_collect(struct stats_sets *ss, stats_source_fn *src, void *srcarg)
{
	memset(ss, 0, sizeof(*ss));
	src(srcarg, sets_visit, ss);
	if (ss->failed) {
		sets_free(ss);
		return -1;
	}
	return 0;
}

static void
sets_free(struct stats_sets *ss)
{
	size_t	i;

	for (i = 0; i < ss->n; i++)
		free(ss->sets[i].v);
	free(ss->sets);
	memset(ss, 0, sizeof(*ss));
}

void
stats_render_json(struct buf *b, stats_source_fn *src, void *srcarg)
{
	struct stats_sets	ss;
	size_t			i;
	int			first = 1;

	if (sets_collect(&ss, src, srcarg) == -1) {
		b->failed = 1;
		return;
	}
	buf_putc(b, '{');
	for (i = 0; i < ss.n; i++) {
		if (ss.sets[i].done)
			continue;
		if (!first)
			buf_putc(b, ',');
		first = 0;
		json_group(b, &ss, i);
	}
	buf_puts(b, "}\n");
	sets_free(&ss);
}

/* "GROUP":{...} for the group of set i, with every later set of it. */
static void
json_group(struct buf *b, struct stats_sets *ss, size_t i)
{
	const struct stats_table	*t = ss->sets[i].t;
	struct stats_set		*s;
	size_t				 j;

	buf_json_string(b, t->group, strlen(t->group));
	buf_putc(b, ':');
	if (ss->sets[i].label == NULL) {
		ss->sets[i].done = 1;
		json_fields(b, &ss->sets[i]);
		return;
	}
	buf_putc(b, '{');
	for (j = i; j < ss->n; j++) {
		s = &ss->sets[j];
		if (s->t != t || s->done)
			continue;
		if (j > i)
			buf_putc(b, ',');
		s->done = 1;
		buf_json_string(b, s->value, strlen(s->value));
		buf_putc(b, ':');
		json_fields(b, s);
	}
	buf_putc(b, '}');
}

static void
json_fields(struct buf *b, const struct stats_set *s)
{
	size_t	i;

	buf_putc(b, '{');
	for (i = 0; i < s->t->nfields; i++) {
		if (i > 0)
			buf_putc(b, ',');
		buf_json_string(b, s->t->fields[i].name,
		    strlen(s->t->fields[i].name));
		buf_printf(b, ":%llu", (unsigned long long)s->v[i]);
	}
	buf_putc(b, '}');
}

void
stats_render_prometheus(struct buf *b, stats_source_fn *src, void *srcarg)
{
	struct stats_sets	ss;
	size_t			i;

	if (sets_collect(&ss, src, srcarg) == -1) {
		b->failed = 1;
		return;
	}
	for (i = 0; i < ss.n; i++)
		if (!ss.sets[i].done)
			prom_group(b, &ss, i);
	sets_free(&ss);
}

/*
 * Every metric of the group of set i: the exposition wants all series of
 * a metric together, so each field goes through every set of the group.
 */
static void
prom_group(struct buf *b, struct stats_sets *ss, size_t i)
{
	const struct stats_table	*t = ss->sets[i].t;
	struct stats_set		*s;
	size_t				 j, k;

	for (k = 0; k < t->nfields; k++) {
		prom_metric(b, t, &t->fields[k]);
		for (j = i; j < ss->n; j++) {
			s = &ss->sets[j];
			if (s->t != t)
				continue;
			s->done = 1;
			prom_name(b, t, &t->fields[k]);
			if (s->label != NULL) {
				buf_printf(b, "{%s=\"", s->label);
				prom_escape(b, s->value, 1);
				buf_puts(b, "\"}");
			}
			buf_printf(b, " %llu\n", (unsigned long long)s->v[k]);
		}
	}
}

/* "# HELP" and "# TYPE" of a metric. */
static void
prom_metric(struct buf *b, const struct stats_table *t,
    const struct stats_field *f)
{
	buf_puts(b, "# HELP ");
	prom_name(b, t, f);
	buf_putc(b, ' ');
	prom_escape(b, f->help, 0);
	buf_puts(b, "\n# TYPE ");
	prom_name(b, t, f);
	buf_puts(b, f->flags & STATS_GAUGE ? " gauge\n" : " counter\n");
}

/* nvmwatch_GROUP_NAME, and _total for a counter (units stay before it). */
static void
prom_name(struct buf *b, const struct stats_table *t,
    const struct stats_field *f)
{
	buf_printf(b, "nvmwatch_%s_%s%s", t->group, f->name,
	    f->flags & STATS_GAUGE ? "" : "_total");
}

/*
 * Help text escapes \ and newline; a label value ("quote" set) also ".
 * Bytes that are not UTF-8 become U+FFFD: the exposition is UTF-8.
 */
static void
prom_escape(struct buf *b, const char *s, int quote)
{
	size_t	n, len = strlen(s);

	while (len > 0) {
		if (*s == '\\')
			buf_puts(b, "\\\\");
		else if (*s == '\n')
			buf_puts(b, "\\n");
		else if (*s == '"' && quote)
			buf_puts(b, "\\\"");
		else if ((n = utf8_valid_len((const unsigned char *)s,
		    len)) > 0) {
			buf_append(b, s, n);
			s += n;
			len -= n;
			continue;
		} else
			buf_puts(b, "\xef\xbf\xbd");
		s++;
		len--;
	}
}

int
stats_table_valid(const struct stats_table *t)
{
	size_t	i;

	if (t->group == NULL || !isalpha((unsigned char)t->group[0]) ||
	    !name_valid(t->group))
		return -1;
	for (i = 0; i < t->nfields; i++)
		if (!name_valid(t->fields[i].name) ||
		    t->fields[i].help == NULL || t->fields[i].help[0] == '\0')
			return -1;
	return 0;
}

/* A non-empty run of [a-zA-Z0-9_]. */
static int
name_valid(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}
