/*
 * engine.c - rules over the record stream; see engine.h.
 *
 * Each rule is a compiled search, a window table when it has stats, and
 * its time zone for ctime. A row a table emits comes back through
 * engine_emit(), which runs the post-stats commands on it and hands the
 * survivors to the caller. A rule without stats turns each matching record
 * into a row of its fields (dictionary names, in the order the record set
 * them) and sends it down the same path at once.
 *
 * Time moves with every record, not only with the ones a rule matches:
 * engine_record() ticks every table once per ENGINE_TICK seconds of the
 * caller's clock, so a window closes on any traffic (and replay, which has
 * no timer, closes windows as the data's time passes, as the daemon's
 * timer does live).
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "field.h"
#include "record.h"
#include "row.h"
#include "row_cmd.h"
#include "rule.h"
#include "spl.h"

struct engine_rule {
	struct engine		*engine;
	struct rule		*rule;
	struct window_table	*win;		/* NULL without stats */
	struct row_tz		 tz;
	struct engine_rule_stats st;
	double			 now;		/* of the call that emits */
};

struct engine {
	struct engine_rule	**rules;
	size_t			  n, cap;
	engine_alert_fn		 *fn;
	void			 *arg;
	struct row		  row;		/* rows of rules without stats */
	double			  last_tick;	/* now of the last engine_tick() */
};

static void	engine_emit(void *, struct row *);
static void	engine_rule_free(struct engine_rule *);
static int	engine_record_row(struct engine_rule *, const struct record *);

struct engine *
engine_new(engine_alert_fn *fn, void *arg)
{
	struct engine	*e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	if (row_init(&e->row) == -1) {
		free(e);
		return NULL;
	}
	e->fn = fn;
	e->arg = arg;
	return e;
}

void
engine_free(struct engine *e)
{
	size_t	i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n; i++)
		engine_rule_free(e->rules[i]);
	free(e->rules);
	row_free(&e->row);
	free(e);
}

static void
engine_rule_free(struct engine_rule *er)
{
	window_free(er->win);
	rule_free(er->rule);
	free(er);
}

int
engine_add_rule(struct engine *e, struct rule *rule)
{
	struct engine_rule	*er;
	const struct spl_stats	*stats;
	char			 err[160];

	if (e->n == e->cap) {
		size_t	 ncap = e->cap ? e->cap * 2 : 8;
		void	*p = realloc(e->rules, ncap * sizeof(*e->rules));

		if (p == NULL) {
			rule_free(rule);
			return -1;
		}
		e->rules = p;
		e->cap = ncap;
	}
	if ((er = calloc(1, sizeof(*er))) == NULL) {
		rule_free(rule);
		return -1;
	}
	er->engine = e;
	er->rule = rule;
	if (row_tz_parse(rule->stream.timezone, &er->tz, err,
	    sizeof(err)) == -1) {
		engine_rule_free(er);
		return -1;
	}
	if ((stats = spl_search_stats(rule->compiled)) != NULL &&
	    (er->win = window_new(stats, &rule->stream.limits, engine_emit,
	    er)) == NULL) {
		engine_rule_free(er);
		return -1;
	}
	e->rules[e->n++] = er;
	return 0;
}

size_t
engine_adopt(struct engine *e, struct engine *old)
{
	struct engine_rule	*tmp;
	const struct rule	*a, *b;
	char			*path;
	size_t			 i, j, kept = 0;

	for (i = 0; i < e->n; i++) {
		a = e->rules[i]->rule;
		for (j = 0; j < old->n; j++) {
			b = old->rules[j]->rule;
			if (strcmp(a->short_name, b->short_name) != 0 ||
			    a->identlen != b->identlen ||
			    memcmp(a->ident, b->ident, a->identlen) != 0)
				continue;
			/* The windows call back with their engine_rule. */
			tmp = e->rules[i];
			e->rules[i] = old->rules[j];
			old->rules[j] = tmp;
			e->rules[i]->engine = e;
			/* The same file, perhaps under another path now. */
			path = e->rules[i]->rule->path;
			e->rules[i]->rule->path = tmp->rule->path;
			tmp->rule->path = path;
			tmp->engine = old;
			kept++;
			break;
		}
	}
	if (old->last_tick > e->last_tick)
		e->last_tick = old->last_tick;
	return kept;
}

size_t
engine_nrules(const struct engine *e)
{
	return e->n;
}

const struct rule *
engine_rule(const struct engine *e, size_t i)
{
	return i < e->n ? e->rules[i]->rule : NULL;
}

void
engine_rule_stats(const struct engine *e, size_t i,
    struct engine_rule_stats *out)
{
	const struct engine_rule	*er = e->rules[i];

	*out = er->st;
	if (er->win != NULL)
		out->window = *window_counters(er->win);
}

void
engine_record(struct engine *e, const struct record *rec, double now)
{
	struct engine_rule	*er;
	size_t			 i;

	for (i = 0; i < e->n; i++) {
		er = e->rules[i];
		if (!spl_match(er->rule->compiled, rec))
			continue;
		er->st.matched++;
		er->now = now;
		if (er->win != NULL) {
			if (window_add(er->win, rec, now) == -1)
				er->st.errors++;
		} else if (engine_record_row(er, rec) == -1)
			er->st.errors++;
	}
	if (now >= e->last_tick + ENGINE_TICK)
		engine_tick(e, now);
}

void
engine_tick(struct engine *e, double now)
{
	size_t	i;

	e->last_tick = now;
	for (i = 0; i < e->n; i++) {
		if (e->rules[i]->win == NULL)
			continue;
		e->rules[i]->now = now;
		window_tick(e->rules[i]->win, now);
	}
}

void
engine_flush(struct engine *e, double now)
{
	size_t	i;

	for (i = 0; i < e->n; i++) {
		if (e->rules[i]->win == NULL)
			continue;
		e->rules[i]->now = now;
		window_flush(e->rules[i]->win, now);
	}
}

double
engine_next_deadline(const struct engine *e)
{
	double	d, next = 0;
	size_t	i;

	for (i = 0; i < e->n; i++) {
		if (e->rules[i]->win == NULL)
			continue;
		d = window_next_deadline(e->rules[i]->win);
		if (d > 0 && (next == 0 || d < next))
			next = d;
	}
	return next;
}

/* A rule without stats: the record's fields become the row. */
static int
engine_record_row(struct engine_rule *er, const struct record *rec)
{
	const struct field_dict	*dict = record_dict(rec);
	const struct field_def	*def;
	const struct rec_str	*v;
	struct row		*row = &er->engine->row;
	struct row_field	*f;
	const int		*fields;
	uint32_t		 n, j;
	int			 i, nf;
	unsigned		 flags;

	row_reset(row);
	row->window_start = row->window_end = record_time(rec);
	fields = record_fields(rec, &nf);
	for (i = 0; i < nf; i++) {
		if ((v = record_get(rec, fields[i], &n)) == NULL)
			continue;
		def = field_dict_get(dict, fields[i]);
		flags = 0;
		if (def->flags & FIELD_MULTI)
			flags |= ROWF_MV;
		if (def->flags & FIELD_NUMERIC)
			flags |= ROWF_NUM;
		if ((f = row_set(row, def->name, flags)) == NULL)
			return -1;
		for (j = 0; j < n; j++)
			if (row_add_value(row, f, v[j].ptr, v[j].len) == -1)
				return -1;
	}
	engine_emit(er, row);
	return 0;
}

/* Every row of a rule ends here: post-stats commands, then the caller. */
static void
engine_emit(void *arg, struct row *row)
{
	struct engine_rule	*er = arg;
	struct engine		*e = er->engine;

	switch (row_apply(er->rule->compiled, row, &er->tz)) {
	case 1:
		er->st.alerts++;
		if (e->fn != NULL)
			e->fn(e->arg, er->rule, row, er->now);
		break;
	case 0:
		er->st.filtered++;
		break;
	default:
		er->st.errors++;
		break;
	}
}
