/*
 * rules_list.c - the loaded rules as text and JSON for the control
 * socket's "rules" command. See rules_list.h and nvmwatch(1).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "engine.h"
#include "rule.h"
#include "rules_list.h"
#include "spl.h"

#define GAP		2		/* spaces between columns */
#define RULES_HEADER	((size_t)-1)	/* line(): the titles */

enum rules_col {
	COL_RULE, COL_NAME, COL_ID, COL_VERSION, COL_FILE, COL_WINDOW,
	COL_EMIT, COL_GROUPS, COL_BYTES, COL_MATCHED, COL_ALERTS, COL_N
};

static const struct {
	const char	*title;
	int		 right;		/* numbers: aligned right */
} cols[COL_N] = {
	{ "RULE", 0 }, { "NAME", 0 }, { "ID", 0 }, { "VERSION", 1 },
	{ "FILE", 0 }, { "WINDOW", 1 }, { "EMIT", 0 }, { "GROUPS", 1 },
	{ "BYTES", 1 }, { "MATCHED", 1 }, { "ALERTS", 1 },
};

static const char *const emit_names[] = {
	[WINDOW_EMIT_CLOSE] = "close",
	[WINDOW_EMIT_FIRST] = "first",
	[WINDOW_EMIT_BOTH] = "both",
};

static void	line(struct buf *, struct buf *, const struct engine *, size_t,
		    const size_t *);
static void	cell(struct buf *, const struct engine *, size_t, int);
static void	text(struct buf *, const char *);
static void	duration(struct buf *, double);
static void	json_rule(struct buf *, const struct engine *, size_t);
static void	json_str(struct buf *, const char *, const char *);
static void	json_u64(struct buf *, const char *, uint64_t);

void
rules_list_text(struct buf *out, const struct engine *e)
{
	struct buf	b;
	size_t		w[COL_N], n = engine_nrules(e), i;
	int		c;

	memset(&b, 0, sizeof(b));
	for (c = 0; c < COL_N; c++)
		w[c] = strlen(cols[c].title);
	for (i = 0; i < n; i++)
		for (c = 0; c < COL_N; c++) {
			buf_reset(&b);
			cell(&b, e, i, c);
			if (b.len > w[c])
				w[c] = b.len;
		}
	line(out, &b, e, RULES_HEADER, w);
	for (i = 0; i < n; i++)
		line(out, &b, e, i, w);
	if (b.failed)
		out->failed = 1;
	buf_free(&b);
}

/* One line of the table, rule i's or (RULES_HEADER) the titles; b is
 * scratch. */
static void
line(struct buf *out, struct buf *b, const struct engine *e, size_t i,
    const size_t *w)
{
	size_t	pad;
	int	c;

	for (c = 0; c < COL_N; c++) {
		buf_reset(b);
		if (i == RULES_HEADER)
			buf_puts(b, cols[c].title);
		else
			cell(b, e, i, c);
		pad = w[c] > b->len ? w[c] - b->len : 0;
		if (cols[c].right)
			buf_printf(out, "%*s", (int)pad, "");
		buf_append(out, b->data, b->len);
		if (c + 1 < COL_N)
			buf_printf(out, "%*s",
			    GAP + (int)(cols[c].right ? 0 : pad), "");
	}
	buf_putc(out, '\n');
}

/* Rule i's value in column c. */
static void
cell(struct buf *b, const struct engine *e, size_t i, int c)
{
	const struct rule		*r = engine_rule(e, i);
	const struct rule_stream	*s = &r->stream;
	struct engine_rule_stats	 st;
	int				 windowed;

	windowed = spl_search_stats(r->compiled) != NULL;
	engine_rule_stats(e, i, &st);
	switch (c) {
	case COL_RULE:
		text(b, r->short_name);
		break;
	case COL_NAME:
		text(b, r->name);
		break;
	case COL_ID:
		text(b, r->id != NULL ? r->id : "-");
		break;
	case COL_VERSION:
		if (r->version >= 0)
			buf_printf(b, "%ld", r->version);
		else
			buf_putc(b, '-');
		break;
	case COL_FILE:
		text(b, r->path);
		break;
	case COL_WINDOW:
		if (windowed)
			duration(b, s->limits.window);
		else
			buf_putc(b, '-');
		break;
	case COL_EMIT:
		buf_puts(b, windowed ? emit_names[s->limits.emit] : "-");
		break;
	case COL_GROUPS:
		buf_printf(b, "%llu",
		    (unsigned long long)st.window.groups_live);
		break;
	case COL_BYTES:
		buf_printf(b, "%llu", (unsigned long long)st.window.bytes_live);
		break;
	case COL_MATCHED:
		buf_printf(b, "%llu", (unsigned long long)st.matched);
		break;
	case COL_ALERTS:
		buf_printf(b, "%llu", (unsigned long long)st.alerts);
		break;
	}
}

/* s with control characters as '?': one line, one cell. */
static void
text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		buf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/* Seconds in the largest unit that divides them: 1h, 90m, 45s, 0.5s. */
static void
duration(struct buf *b, double secs)
{
	static const struct {
		double	 unit;
		char	 suffix;
	} units[] = { { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };
	size_t	i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (secs >= units[i].unit && fmod(secs, units[i].unit) == 0) {
			buf_printf(b, "%.0f%c", secs / units[i].unit,
			    units[i].suffix);
			return;
		}
	buf_printf(b, "%gs", secs);
}

void
rules_list_json(struct buf *out, const struct engine *e)
{
	size_t	i, n = engine_nrules(e);

	buf_puts(out, "[\n");
	for (i = 0; i < n; i++) {
		json_rule(out, e, i);
		buf_puts(out, i + 1 < n ? ",\n" : "\n");
	}
	buf_puts(out, "]\n");
}

static void
json_rule(struct buf *b, const struct engine *e, size_t i)
{
	const struct rule		*r = engine_rule(e, i);
	struct engine_rule_stats	 st;
	int				 windowed;

	windowed = spl_search_stats(r->compiled) != NULL;
	engine_rule_stats(e, i, &st);
	json_str(b, "{\"rule\":", r->short_name);
	json_str(b, ",\"name\":", r->name);
	json_str(b, ",\"id\":", r->id);
	if (r->version >= 0)
		buf_printf(b, ",\"version\":%ld", r->version);
	else
		buf_puts(b, ",\"version\":null");
	json_str(b, ",\"file\":", r->path);
	if (windowed)
		buf_printf(b, ",\"window\":%.17g", r->stream.limits.window);
	else
		buf_puts(b, ",\"window\":null");
	json_str(b, ",\"emit\":", windowed ?
	    emit_names[r->stream.limits.emit] : NULL);
	json_u64(b, ",\"groups_live\":", st.window.groups_live);
	json_u64(b, ",\"bytes_live\":", st.window.bytes_live);
	json_u64(b, ",\"matched\":", st.matched);
	json_u64(b, ",\"alerts\":", st.alerts);
	buf_putc(b, '}');
}

/* key (with its punctuation), then s as a JSON string, or null. */
static void
json_str(struct buf *b, const char *key, const char *s)
{
	buf_puts(b, key);
	if (s != NULL)
		buf_json_string(b, s, strlen(s));
	else
		buf_puts(b, "null");
}

static void
json_u64(struct buf *b, const char *key, uint64_t v)
{
	buf_printf(b, "%s%llu", key, (unsigned long long)v);
}
