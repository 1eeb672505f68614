/*
 * check_window.c - the window table: alignment, watermark, lateness and
 * late generations, emit modes, by-field splits and drops, every
 * aggregation, every cap, flush, counters and deadlines. Rows are
 * captured as text, one line each, and compared whole.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "field.h"
#include "record.h"
#include "row.h"
#include "spl.h"
#include "testutil.h"
#include "window.h"

/* Fields the tests map, beside the built-in ones. */
#define PEN_TEST	32473

static struct field_dict	*dict;
static struct spl_search	*search;
static struct buf		 out;

static void			 setup(void);
static void			 teardown(void);
static void			 capture(void *, struct row *);
static const char		*take(void);
static struct window_table	*table(const char *,
				    const struct window_limits *);
static struct window_limits	 limits(double, double);
static int			 add(struct window_table *, double, double,
				    ...);

static void
setup(void)
{
	static const struct {
		const char	*name;
		enum field_type	 type;
	} extra[] = {
		{ "a", FIELD_STRING },
		{ "b", FIELD_STRING },
		{ "x", FIELD_STRING },
		{ "n", FIELD_STRING },
		{ "m", FIELD_STRING_LIST },
	};
	struct field_error	err;
	size_t			i;

	dict = field_dict_new();
	ck_assert_ptr_nonnull(dict);
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		ck_assert_int_ge(field_dict_map(dict, PEN_TEST,
		    (uint16_t)(i + 1), extra[i].name, extra[i].type, &err), 0);
	search = NULL;
	memset(&out, 0, sizeof(out));
}

static void
teardown(void)
{
	spl_free(search);
	field_dict_free(dict);
	buf_free(&out);
}

/*
 * One line per row: flags (F first, L late, P partial, T truncated, or
 * -), the window, then name=value: "text", a bare number for ROWF_NUM,
 * [...] for ROWF_MV or several values, null for no value.
 */
static void
capture(void *arg, struct row *r)
{
	const struct row_field	*f;
	size_t			 i;
	uint32_t		 j;
	int			 list;

	(void)arg;
	if (r->flags & ROW_FIRST)
		buf_putc(&out, 'F');
	if (r->flags & ROW_LATE)
		buf_putc(&out, 'L');
	if (r->flags & ROW_PARTIAL)
		buf_putc(&out, 'P');
	if (r->flags & ROW_TRUNCATED)
		buf_putc(&out, 'T');
	if (r->flags == 0)
		buf_putc(&out, '-');
	buf_printf(&out, " %.17g-%.17g", r->window_start, r->window_end);
	for (i = 0; i < r->n; i++) {
		f = &r->f[i];
		buf_printf(&out, " %s=", f->name);
		if (f->nvals == 0) {
			buf_puts(&out, "null");
			continue;
		}
		list = (f->flags & ROWF_MV) || f->nvals > 1;
		if (list)
			buf_putc(&out, '[');
		for (j = 0; j < f->nvals; j++) {
			if (j > 0)
				buf_putc(&out, ',');
			if (f->flags & ROWF_NUM)
				buf_append(&out, f->vals[j].ptr,
				    f->vals[j].len);
			else
				buf_printf(&out, "\"%.*s\"",
				    (int)f->vals[j].len, f->vals[j].ptr);
		}
		if (list)
			buf_putc(&out, ']');
	}
	buf_putc(&out, '\n');
}

/* The rows captured since the last call. */
static const char *
take(void)
{
	static char	text[65536];

	ck_assert_int_eq(out.failed, 0);
	ck_assert_uint_lt(out.len, sizeof(text));
	memcpy(text, out.data ? out.data : "", out.len);
	text[out.len] = '\0';
	buf_reset(&out);
	return text;
}

/* A table for "* | stats ..." (spl is what follows the pipe). */
static struct window_table *
table(const char *spl, const struct window_limits *l)
{
	struct spl_error	 err;
	struct window_table	*t;
	char			 text[1024];

	snprintf(text, sizeof(text), "* | %s", spl);
	spl_free(search);
	search = spl_compile(text, strlen(text), dict, NULL, &err);
	ck_assert_msg(search != NULL, "%s: %s", text, err.msg);
	ck_assert_ptr_nonnull(spl_search_stats(search));
	t = window_new(spl_search_stats(search), l, capture, NULL);
	ck_assert_ptr_nonnull(t);
	return t;
}

static struct window_limits
limits(double window, double lateness)
{
	struct window_limits	l;

	window_limits_default(&l);
	l.window = window;
	l.lateness = lateness;
	/* The tests mostly give now 0 with _time far past it; max_future
	 * has its own test. */
	l.max_future = INFINITY;
	return l;
}

/*
 * Adds a record with _time time at clock now, from "field", "value"
 * pairs ending in NULL; a repeated field gets one more value. "-" as a
 * value makes the field an empty list.
 */
static int
add(struct window_table *t, double now, double time, ...)
{
	struct record	*r;
	const char	*name, *v;
	va_list		 ap;
	double		 d;
	int		 f, rc;

	r = record_new(dict, 0);
	ck_assert_ptr_nonnull(r);
	if (time == (double)(uint64_t)time)
		ck_assert_int_eq(record_set_uint(r, F_FLOW_START,
		    (uint64_t)time, ORIGIN_WIRE), 0);
	else
		ck_assert_int_eq(record_set_uint(r, F_FLOW_START_MS,
		    (uint64_t)(time * 1000 + 0.5), ORIGIN_WIRE), 0);
	va_start(ap, time);
	while ((name = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		f = field_dict_lookup(dict, name, strlen(name));
		ck_assert_msg(f != FIELD_NONE, "no field %s", name);
		if (strcmp(v, "-") == 0)
			ck_assert_int_eq(record_set_empty_list(r, f), 0);
		else if (record_has(r, f))
			ck_assert_int_eq(record_append_text(r, f, v, strlen(v),
			    ORIGIN_WIRE), 0);
		else
			ck_assert_int_eq(record_set_text(r, f, v, strlen(v),
			    ORIGIN_WIRE), 0);
	}
	va_end(ap);
	ck_assert_int_eq(record_finish(r, now), 0);
	d = record_time(r) - time;
	ck_assert_msg(d < 1e-6 && d > -1e-6, "time %.17g", record_time(r));
	rc = window_add(t, r, now);
	record_free(r);
	return rc;
}

START_TEST(test_limits)
{
	struct window_limits	 l, bad;
	struct spl_error	 err;
	const char		*text = "* | stats count by a";
	const struct spl_stats	*st;
	struct window_table	*t;

	window_limits_default(&l);
	ck_assert(l.window == 3600 && l.lateness == 600);
	ck_assert_int_eq(l.emit, WINDOW_EMIT_CLOSE);
	ck_assert_uint_eq(l.max_groups, 100000);
	ck_assert_uint_eq(l.max_values, 1000);
	ck_assert_uint_eq(l.max_value_bytes, 4096);
	ck_assert_uint_eq(l.max_split, 1024);
	ck_assert_uint_eq(l.max_bytes, 268435456);
	ck_assert(l.max_future == 300);
	search = spl_compile(text, strlen(text), dict, NULL, &err);
	ck_assert_ptr_nonnull(search);
	st = spl_search_stats(search);

	t = window_new(st, &l, capture, NULL);
	ck_assert_ptr_nonnull(t);
	ck_assert(window_next_deadline(t) == 0);
	window_free(t);
	window_free(NULL);
	ck_assert_ptr_null(window_new(NULL, &l, capture, NULL));
	ck_assert_ptr_null(window_new(st, NULL, capture, NULL));
#define BAD(stmt) do {							\
	bad = l;							\
	stmt;								\
	ck_assert_msg(window_new(st, &bad, capture, NULL) == NULL, #stmt); \
} while (0)
	BAD(bad.window = 0);
	BAD(bad.window = -3600);
	BAD(bad.window = NAN);
	BAD(bad.window = INFINITY);
	BAD(bad.lateness = -1);
	BAD(bad.lateness = NAN);
	BAD(bad.lateness = INFINITY);
	BAD(bad.max_groups = 0);
	BAD(bad.max_values = 0);
	BAD(bad.max_value_bytes = 0);
	BAD(bad.max_split = 0);
	BAD(bad.max_bytes = 0);
	BAD(bad.max_future = -1);
	BAD(bad.max_future = NAN);
	BAD(bad.emit = (enum window_emit)7);
#undef BAD
	bad = l;
	bad.lateness = 0;
	t = window_new(st, &bad, capture, NULL);
	ck_assert_ptr_nonnull(t);
	window_free(t);
}
END_TEST

START_TEST(test_align_hour)
{
	struct window_limits	 l = limits(3600, 600);
	struct window_table	*t = table("stats count by a", &l);

	/* 3600 is the first second of the second hour, not the last of the
	 * first. */
	ck_assert_int_eq(add(t, 0, 3599, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 3600, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 3599.5, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 0, "a", "p", NULL), 0);
	ck_assert_str_eq(take(), "");
	window_tick(t, 4199.999);
	ck_assert_str_eq(take(), "");
	window_tick(t, 4200);
	ck_assert_str_eq(take(), "- 0-3600 a=\"p\" count=3\n");
	window_tick(t, 7800);
	ck_assert_str_eq(take(), "- 3600-7200 a=\"p\" count=1\n");
	ck_assert_uint_eq(window_counters(t)->windows_closed, 2);
	window_free(t);
}
END_TEST

START_TEST(test_align_5m)
{
	struct window_limits	 l = limits(300, 0);
	struct window_table	*t = table("stats count min(_time) by a", &l);

	/* 1700000000 is 5666666 windows of 300 s and 200 s. */
	ck_assert_int_eq(add(t, 0, 1700000000, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1700000099.25, "a", "p", NULL), 0);
	ck_assert_str_eq(take(), "");
	/* Lateness 0: the first record of the next window closes this. */
	ck_assert_int_eq(add(t, 0, 1700000100, "a", "q", NULL), 0);
	ck_assert_str_eq(take(), "- 1699999800-1700000100 a=\"p\" count=2 "
	    "min(_time)=1700000000\n");
	ck_assert_int_eq(add(t, 0, 1700000399.999, "a", "q", NULL), 0);
	ck_assert_str_eq(take(), "");
	ck_assert(window_next_deadline(t) == 1700000400);
	window_tick(t, 1700000400);
	ck_assert_str_eq(take(), "- 1700000100-1700000400 a=\"q\" count=2 "
	    "min(_time)=1700000100\n");
	window_free(t);
}
END_TEST

START_TEST(test_watermark)
{
	struct window_limits	 l = limits(3600, 600);
	struct window_table	*t = table("stats count by a", &l);

	ck_assert_int_eq(add(t, 0, 100, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 3700, "a", "q", NULL), 0);
	ck_assert_int_eq(add(t, 0, 4199, "a", "q", NULL), 0);
	ck_assert_str_eq(take(), "");
	/* Within the lateness: still joins the open window. */
	ck_assert_int_eq(add(t, 0, 3599, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 0, "a", "o", NULL), 0);
	ck_assert_uint_eq(window_counters(t)->late_records, 0);
	/* A record lateness newer than the end closes the window, before
	 * it joins its own. */
	ck_assert_int_eq(add(t, 0, 4200, "a", "q", NULL), 0);
	ck_assert_str_eq(take(),
	    "- 0-3600 a=\"o\" count=1\n"
	    "- 0-3600 a=\"p\" count=2\n");
	/* The clock alone does the same on an idle stream. */
	window_tick(t, 7799);
	ck_assert_str_eq(take(), "");
	window_tick(t, 7800);
	ck_assert_str_eq(take(), "- 3600-7200 a=\"q\" count=3\n");
	ck_assert_uint_eq(window_counters(t)->windows_closed, 2);
	ck_assert(window_next_deadline(t) == 0);
	window_free(t);
}
END_TEST

START_TEST(test_idle_tick)
{
	struct window_limits	 l = limits(3600, 600);
	struct window_table	*t = table("stats count by a", &l);

	ck_assert(window_next_deadline(t) == 0);
	ck_assert_int_eq(add(t, 200, 100, "a", "p", NULL), 0);
	ck_assert(window_next_deadline(t) == 4200);
	ck_assert_int_eq(add(t, 3000, 3700, "a", "p", NULL), 0);
	ck_assert(window_next_deadline(t) == 4200);
	window_tick(t, 4199);
	ck_assert_str_eq(take(), "");
	window_tick(t, 4200);
	ck_assert_str_eq(take(), "- 0-3600 a=\"p\" count=1\n");
	ck_assert(window_next_deadline(t) == 7800);
	/* The clock does not step back: now 0 reopens no closed window. */
	ck_assert_int_eq(add(t, 0, 100, "a", "p", NULL), 0);
	ck_assert_uint_eq(window_counters(t)->late_records, 1);
	ck_assert(window_next_deadline(t) == 4200);
	window_tick(t, 0);
	ck_assert_str_eq(take(), "L 0-3600 a=\"p\" count=1\n");
	ck_assert(window_next_deadline(t) == 7800);
	/* now given to window_add() closes too. */
	ck_assert_int_eq(add(t, 7800, 7700, "a", "p", NULL), 0);
	ck_assert_str_eq(take(), "- 3600-7200 a=\"p\" count=1\n");
	ck_assert(window_next_deadline(t) == 11400);
	window_tick(t, 11400);
	ck_assert_str_eq(take(), "- 7200-10800 a=\"p\" count=1\n");
	ck_assert(window_next_deadline(t) == 0);
	window_free(t);
}
END_TEST

START_TEST(test_late)
{
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t = table("stats count by a", &l);
	const struct window_counters	*c = window_counters(t);

	ck_assert_int_eq(add(t, 4300, 100, "a", "p", NULL), 0);
	/* now passed the window at once: the record is already late. */
	ck_assert_uint_eq(c->late_records, 1);
	ck_assert_str_eq(take(), "");
	ck_assert(window_next_deadline(t) == 4300);
	window_tick(t, 4301);
	ck_assert_str_eq(take(), "L 0-3600 a=\"p\" count=1\n");
	ck_assert(window_next_deadline(t) == 0);

	ck_assert_int_eq(add(t, 4400, 3700, "a", "q", NULL), 0);
	ck_assert_int_eq(add(t, 4400, 200, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 4400, 300, "a", "o", NULL), 0);
	ck_assert_int_eq(add(t, 4400, 400, "a", "p", NULL), 0);
	ck_assert_str_eq(take(), "");
	/* The next tick emits the late groups, and only them. */
	ck_assert(window_next_deadline(t) == 4400);
	window_tick(t, 4500);
	ck_assert_str_eq(take(),
	    "L 0-3600 a=\"o\" count=1\n"
	    "L 0-3600 a=\"p\" count=2\n");
	/* A later late record opens another late generation. */
	ck_assert_int_eq(add(t, 4600, 500, "a", "p", NULL), 0);
	window_tick(t, 4600);
	ck_assert_str_eq(take(), "L 0-3600 a=\"p\" count=1\n");
	ck_assert(window_next_deadline(t) == 7800);
	ck_assert_uint_eq(c->late_records, 5);
	ck_assert_uint_eq(c->rows_late, 4);
	ck_assert_uint_eq(c->rows, 4);
	ck_assert_uint_eq(c->groups, 5);
	ck_assert_uint_eq(c->groups_live, 1);
	ck_assert_uint_eq(c->windows_closed, 0);
	window_flush(t, 4600);
	ck_assert_str_eq(take(), "P 3600-7200 a=\"q\" count=1\n");
	window_free(t);
}
END_TEST

START_TEST(test_emit_first)
{
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t;
	const struct window_counters	*c;

	l.emit = WINDOW_EMIT_FIRST;
	t = table("stats count values(x) as v by a", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 0, 100, "a", "p", "x", "1", NULL), 0);
	ck_assert_str_eq(take(), "FP 0-3600 a=\"p\" count=1 v=[\"1\"]\n");
	ck_assert_int_eq(add(t, 0, 200, "a", "p", "x", "2", NULL), 0);
	ck_assert_int_eq(add(t, 0, 300, "a", "q", NULL), 0);
	ck_assert_str_eq(take(), "FP 0-3600 a=\"q\" count=1 v=null\n");
	/* Nothing at close. */
	ck_assert_int_eq(add(t, 0, 4200, "a", "p", NULL), 0);
	ck_assert_str_eq(take(), "FP 3600-7200 a=\"p\" count=1 v=null\n");
	/* A late group is a new group: its first row at once, late. */
	ck_assert_int_eq(add(t, 0, 400, "a", "p", NULL), 0);
	ck_assert_str_eq(take(), "FLP 0-3600 a=\"p\" count=1 v=null\n");
	window_tick(t, 0);
	ck_assert_str_eq(take(), "");
	window_flush(t, 0);
	ck_assert_str_eq(take(), "");
	ck_assert_uint_eq(c->rows, 4);
	ck_assert_uint_eq(c->rows_first, 4);
	ck_assert_uint_eq(c->rows_late, 1);
	ck_assert_uint_eq(c->rows_partial, 0);
	ck_assert_uint_eq(c->groups_live, 0);
	ck_assert_uint_eq(c->bytes_live, 0);
	window_free(t);
}
END_TEST

START_TEST(test_emit_both)
{
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t;
	const struct window_counters	*c;

	l.emit = WINDOW_EMIT_BOTH;
	t = table("stats count by a", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 0, 100, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 200, "a", "p", NULL), 0);
	ck_assert_str_eq(take(), "FP 0-3600 a=\"p\" count=1\n");
	ck_assert_int_eq(add(t, 0, 4200, "a", "p", NULL), 0);
	ck_assert_str_eq(take(),
	    "- 0-3600 a=\"p\" count=2\n"
	    "FP 3600-7200 a=\"p\" count=1\n");
	ck_assert_int_eq(add(t, 0, 300, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 301, "a", "p", NULL), 0);
	ck_assert_str_eq(take(), "FLP 0-3600 a=\"p\" count=1\n");
	window_tick(t, 0);
	ck_assert_str_eq(take(), "L 0-3600 a=\"p\" count=2\n");
	ck_assert_uint_eq(c->rows, 5);
	ck_assert_uint_eq(c->rows_first, 3);
	ck_assert_uint_eq(c->rows_late, 2);
	window_free(t);
}
END_TEST

START_TEST(test_missing_by)
{
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t;
	const struct window_counters	*c;

	t = table("stats count by a dest_port", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 0, 100, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 100, "dest_port", "80", NULL), 0);
	ck_assert_int_eq(add(t, 0, 100, "a", "p", "dest_port", "-", NULL), 0);
	ck_assert_int_eq(add(t, 0, 100, "a", "p", "dest_port", "80", NULL), 0);
	ck_assert_uint_eq(c->records, 4);
	ck_assert_uint_eq(c->missing_by, 3);
	ck_assert_uint_eq(c->groups, 1);
	window_flush(t, 0);
	ck_assert_str_eq(take(), "P 0-3600 a=\"p\" dest_port=\"80\" count=1\n");
	window_free(t);

	/* A by-field the dictionary does not know is always missing. */
	t = table("stats count by a nosuchfield", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 0, 100, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 100, "a", "q", "x", "1", NULL), 0);
	ck_assert_uint_eq(c->records, 2);
	ck_assert_uint_eq(c->missing_by, 2);
	ck_assert_uint_eq(c->groups, 0);
	ck_assert(window_next_deadline(t) == 0);
	window_flush(t, 0);
	ck_assert_str_eq(take(), "");
	window_free(t);
}
END_TEST

START_TEST(test_no_by)
{
	struct window_limits	 l = limits(3600, 600);
	struct window_table	*t = table("stats count", &l);

	ck_assert_int_eq(add(t, 0, 100, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 200, NULL), 0);
	window_tick(t, 4200);
	ck_assert_str_eq(take(), "- 0-3600 count=2\n");
	window_free(t);
}
END_TEST

START_TEST(test_split)
{
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t;
	const struct window_counters	*c;

	t = table("stats count values(x) as v by a m", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 0, 100, "a", "q", "a", "p", "m", "2", "m", "1",
	    "x", "r1", NULL), 0);
	/* A repeated value of a multivalue by-field counts once. */
	ck_assert_int_eq(add(t, 0, 200, "a", "p", "m", "1", "m", "1",
	    "x", "r2", NULL), 0);
	ck_assert_uint_eq(c->groups, 4);
	window_tick(t, 4200);
	ck_assert_str_eq(take(),
	    "- 0-3600 a=\"p\" m=\"1\" count=2 v=[\"r1\",\"r2\"]\n"
	    "- 0-3600 a=\"p\" m=\"2\" count=1 v=[\"r1\"]\n"
	    "- 0-3600 a=\"q\" m=\"1\" count=1 v=[\"r1\"]\n"
	    "- 0-3600 a=\"q\" m=\"2\" count=1 v=[\"r1\"]\n");
	ck_assert_uint_eq(c->splits_dropped, 0);
	window_free(t);

	/* max_split: the first combinations, the last by-field fastest. */
	l.max_split = 3;
	t = table("stats count by a m", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 0, 100, "a", "q", "a", "p", "m", "2", "m", "1",
	    NULL), 0);
	ck_assert_uint_eq(c->splits_dropped, 1);
	ck_assert_uint_eq(c->groups, 3);
	window_tick(t, 4200);
	ck_assert_str_eq(take(),
	    "- 0-3600 a=\"p\" m=\"2\" count=1\n"
	    "- 0-3600 a=\"q\" m=\"1\" count=1\n"
	    "- 0-3600 a=\"q\" m=\"2\" count=1\n");
	window_free(t);
}
END_TEST

START_TEST(test_row_order)
{
	struct window_limits	 l = limits(3600, 600);
	struct window_table	*t = table("stats count by a b", &l);

	/* Numbers as numbers before text, text in byte order; then the
	 * next by-field. */
	ck_assert_int_eq(add(t, 0, 1, "a", "80", "b", "z", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "443", "b", "z", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "9", "b", "z", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "9", "b", "Z", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "9.0", "b", "y", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "-1", "b", "z", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "a", "b", "z", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "B", "b", "z", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "Ba", "b", "z", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "1a", "b", "z", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "10", "b", "z", NULL), 0);
	window_tick(t, 4200);
	ck_assert_str_eq(take(),
	    "- 0-3600 a=\"-1\" b=\"z\" count=1\n"
	    "- 0-3600 a=\"9\" b=\"Z\" count=1\n"
	    "- 0-3600 a=\"9\" b=\"z\" count=1\n"
	    "- 0-3600 a=\"9.0\" b=\"y\" count=1\n"
	    "- 0-3600 a=\"10\" b=\"z\" count=1\n"
	    "- 0-3600 a=\"80\" b=\"z\" count=1\n"
	    "- 0-3600 a=\"443\" b=\"z\" count=1\n"
	    "- 0-3600 a=\"1a\" b=\"z\" count=1\n"
	    "- 0-3600 a=\"B\" b=\"z\" count=1\n"
	    "- 0-3600 a=\"Ba\" b=\"z\" count=1\n"
	    "- 0-3600 a=\"a\" b=\"z\" count=1\n");
	window_free(t);
}
END_TEST

START_TEST(test_values)
{
	struct window_limits	 l = limits(3600, 600);
	struct window_table	*t;
	char			 v[8];
	int			 i;

	t = table("stats values(dest_port) as port values(x) as x "
	    "values(m) as m dc(m) by a", &l);
	ck_assert_int_eq(add(t, 0, 1, "a", "p", "dest_port", "80", "x", "a",
	    "m", "y", "m", "x", NULL), 0);
	ck_assert_int_eq(add(t, 0, 2, "a", "p", "dest_port", "443", "x", "B",
	    "m", "z", "m", "y", NULL), 0);
	ck_assert_int_eq(add(t, 0, 3, "a", "p", "dest_port", "80", "x", "ab",
	    NULL), 0);
	ck_assert_int_eq(add(t, 0, 3, "a", "p", "x", "", "x", "a", NULL), 0);
	window_tick(t, 4200);
	ck_assert_str_eq(take(), "- 0-3600 a=\"p\" port=[\"443\",\"80\"] "
	    "x=[\"\",\"B\",\"a\",\"ab\"] m=[\"x\",\"y\",\"z\"] dc(m)=3\n");
	window_free(t);

	/* Past the linear scan: the index must dedup as well. */
	t = table("stats values(x) as v dc(x) as n count by a", &l);
	for (i = 0; i < 40; i++) {
		snprintf(v, sizeof(v), "%c%d", 'a' + i % 20, i % 20);
		ck_assert_int_eq(add(t, 0, 1, "a", "p", "x", v, NULL), 0);
	}
	window_tick(t, 4200);
	ck_assert_str_eq(take(), "- 0-3600 a=\"p\" v=[\"a0\",\"b1\",\"c2\","
	    "\"d3\",\"e4\",\"f5\",\"g6\",\"h7\",\"i8\",\"j9\",\"k10\",\"l11\","
	    "\"m12\",\"n13\",\"o14\",\"p15\",\"q16\",\"r17\",\"s18\",\"t19\"] "
	    "n=20 count=40\n");
	window_free(t);
}
END_TEST

START_TEST(test_minmax)
{
	struct window_limits	 l = limits(3600, 600);
	struct window_table	*t;

	t = table("stats min(n) as lo max(n) as hi min(_time) max(_time) "
	    "by a", &l);
	/* All numbers: compared as numbers, written as they came. */
	ck_assert_int_eq(add(t, 0, 10, "a", "num", "n", "10", NULL), 0);
	ck_assert_int_eq(add(t, 0, 9.5, "a", "num", "n", "9", NULL), 0);
	ck_assert_int_eq(add(t, 0, 11, "a", "num", "n", "1e2", NULL), 0);
	ck_assert_int_eq(add(t, 0, 12, "a", "num", "n", "-0.5", "n", "99",
	    NULL), 0);
	/* One text among them: byte order for all. */
	ck_assert_int_eq(add(t, 0, 1, "a", "mix", "n", "10", NULL), 0);
	ck_assert_int_eq(add(t, 0, 2, "a", "mix", "n", "9", NULL), 0);
	ck_assert_int_eq(add(t, 0, 3, "a", "mix", "n", "abc", NULL), 0);
	ck_assert_int_eq(add(t, 0, 4, "a", "mix", "n", "100", NULL), 0);
	/* Spaces, nan and inf are text. */
	ck_assert_int_eq(add(t, 0, 1, "a", "sp", "n", " 5", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "sp", "n", "6", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "sp2", "n", "6 ", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "sp2", "n", "10", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "inf", "n", "inf", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "inf", "n", "10", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "nan", "n", "nan", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "nan", "n", "10", NULL), 0);
	/* Text only; a shorter prefix first. */
	ck_assert_int_eq(add(t, 0, 1, "a", "txt", "n", "ab", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "txt", "n", "a", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "txt", "n", "B", NULL), 0);
	/* No value at all: null. */
	ck_assert_int_eq(add(t, 0, 1, "a", "none", NULL), 0);
	window_tick(t, 4200);
	ck_assert_str_eq(take(),
	    "- 0-3600 a=\"inf\" lo=\"10\" hi=\"inf\" min(_time)=1 "
	    "max(_time)=1\n"
	    "- 0-3600 a=\"mix\" lo=\"10\" hi=\"abc\" min(_time)=1 "
	    "max(_time)=4\n"
	    "- 0-3600 a=\"nan\" lo=\"10\" hi=\"nan\" min(_time)=1 "
	    "max(_time)=1\n"
	    "- 0-3600 a=\"none\" lo=null hi=null min(_time)=1 max(_time)=1\n"
	    "- 0-3600 a=\"num\" lo=-0.5 hi=1e2 min(_time)=9.500 "
	    "max(_time)=12\n"
	    "- 0-3600 a=\"sp\" lo=\" 5\" hi=\"6\" min(_time)=1 "
	    "max(_time)=1\n"
	    "- 0-3600 a=\"sp2\" lo=\"10\" hi=\"6 \" min(_time)=1 "
	    "max(_time)=1\n"
	    "- 0-3600 a=\"txt\" lo=\"B\" hi=\"ab\" min(_time)=1 "
	    "max(_time)=1\n");
	window_free(t);
}
END_TEST

START_TEST(test_count_dc_list)
{
	struct window_limits	 l = limits(3600, 600);
	struct window_table	*t;

	t = table("stats count count(m) count(x) as cx count(nosuch) "
	    "dc(m) dc(nosuch) list(m) as l list(x) as lx by a", &l);
	ck_assert_int_eq(add(t, 0, 1, "a", "p", "m", "b", "m", "a", NULL), 0);
	ck_assert_int_eq(add(t, 0, 2, "a", "p", "m", "b", NULL), 0);
	ck_assert_int_eq(add(t, 0, 3, "a", "p", "m", "-", NULL), 0);
	ck_assert_int_eq(add(t, 0, 4, "a", "p", "m", "c", "m", "b", NULL), 0);
	window_tick(t, 4200);
	ck_assert_str_eq(take(), "- 0-3600 a=\"p\" count=4 count(m)=5 cx=0 "
	    "count(nosuch)=0 dc(m)=3 dc(nosuch)=0 "
	    "l=[\"b\",\"a\",\"b\",\"c\",\"b\"] lx=null\n");
	window_free(t);
}
END_TEST

START_TEST(test_earliest_latest)
{
	struct window_limits	 l = limits(3600, 600);
	struct window_table	*t;

	t = table("stats earliest(x) as e latest(x) as l earliest(m) as em "
	    "latest(m) as lm earliest(nosuch) as en by a", &l);
	ck_assert_int_eq(add(t, 0, 300, "a", "p", "x", "c", "m", "c1", NULL),
	    0);
	ck_assert_int_eq(add(t, 0, 100, "a", "p", "x", "a", "m", "a1",
	    "m", "a2", NULL), 0);
	/* A tie: the first seen stays earliest, the last seen is latest. */
	ck_assert_int_eq(add(t, 0, 100, "a", "p", "x", "a2", NULL), 0);
	ck_assert_int_eq(add(t, 0, 500.25, "a", "p", "x", "e", NULL), 0);
	ck_assert_int_eq(add(t, 0, 500.25, "a", "p", "x", "e2", "m", "e1",
	    NULL), 0);
	/* A record without the field does not count. */
	ck_assert_int_eq(add(t, 0, 50, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 600, "a", "p", NULL), 0);
	window_tick(t, 4200);
	ck_assert_str_eq(take(), "- 0-3600 a=\"p\" e=\"a\" l=\"e2\" "
	    "em=[\"a1\",\"a2\"] lm=[\"e1\"] en=null\n");
	window_free(t);
}
END_TEST

START_TEST(test_sum_avg)
{
	struct window_limits	 l = limits(3600, 600);
	struct window_table	*t;

	t = table("stats sum(n) as s avg(n) as v by a", &l);
	ck_assert_int_eq(add(t, 0, 1, "a", "f", "n", "0.1", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "f", "n", "0.2", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "g", "n", "123456789012", "n", "1",
	    NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "h", "n", "1", "n", "1", "n", "2",
	    NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "i", "n", "1", "n", "2", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "i", "n", "x", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "i", "n", "3", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "t", "n", "x", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "u", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "w", "n", "1e300", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "w", "n", "-3", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "y", "n", "1e308", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "y", "n", "1e308", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "z", "n", "7459979", "n", "1",
	    NULL), 0);
	window_tick(t, 4200);
	ck_assert_str_eq(take(),
	    "- 0-3600 a=\"f\" s=0.30000000000000004 v=0.15000000000000002\n"
	    "- 0-3600 a=\"g\" s=123456789013 v=61728394506.5\n"
	    "- 0-3600 a=\"h\" s=4 v=1.3333333333333333\n"
	    "- 0-3600 a=\"i\" s=6 v=2\n"
	    "- 0-3600 a=\"t\" s=null v=null\n"
	    "- 0-3600 a=\"u\" s=null v=null\n"
	    "- 0-3600 a=\"w\" s=1e+300 v=5e+299\n"
	    "- 0-3600 a=\"y\" s=null v=null\n"
	    "- 0-3600 a=\"z\" s=7459980 v=3729990\n");
	window_free(t);
}
END_TEST

START_TEST(test_cap_values)
{
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t;
	const struct window_counters	*c;

	l.max_values = 2;
	t = table("stats values(x) as v dc(x) as n list(x) as l count by a",
	    &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 0, 1, "a", "p", "x", "b", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "p", "x", "a", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "p", "x", "a", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "p", "x", "c", NULL), 0);
	/* Exactly at the cap is not truncated. */
	ck_assert_int_eq(add(t, 0, 1, "a", "q", "x", "b", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "q", "x", "b", NULL), 0);
	window_tick(t, 4200);
	ck_assert_str_eq(take(),
	    "T 0-3600 a=\"p\" v=[\"a\",\"b\"] n=2 l=[\"b\",\"a\"] count=4\n"
	    "- 0-3600 a=\"q\" v=[\"b\"] n=1 l=[\"b\",\"b\"] count=2\n");
	/* c, twice (values, dc), and the last two of the list. */
	ck_assert_uint_eq(c->values_dropped, 4);
	ck_assert_uint_eq(c->rows_truncated, 1);
	ck_assert_uint_eq(c->rows, 2);
	window_free(t);
}
END_TEST

START_TEST(test_cap_bytes)
{
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t;
	const struct window_counters	*c;

	l.max_value_bytes = 4;
	t = table("stats values(x) as v max(n) as mx earliest(x) as e "
	    "count(x) as cx by a", &l);
	c = window_counters(t);
	/* By-values are cut too, so these two are one group. */
	ck_assert_int_eq(add(t, 0, 1, "a", "abcdef", "x", "abcdxyz", NULL), 0);
	ck_assert_int_eq(add(t, 0, 2, "a", "abcdXY", "x", "abcd", NULL), 0);
	ck_assert_uint_eq(c->groups, 1);
	/* "é" is c3 a9: not split; "日" takes three bytes. */
	ck_assert_int_eq(add(t, 0, 1, "a", "ab\xc3\xa9", "x",
	    "\xe6\x97\xa5\xe6\x9c\xac", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "abc\xc3\xa9", "x", "abc", NULL),
	    0);
	/* A four-byte character after one byte: one byte kept. */
	ck_assert_int_eq(add(t, 0, 1, "a", "z\xf0\x9f\x98\x80", "x", "ok",
	    NULL), 0);
	/* A number cut short is compared as what was kept. */
	ck_assert_int_eq(add(t, 0, 1, "a", "num", "n", "123456", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "num", "n", "999", NULL), 0);
	ck_assert_int_eq(add(t, 0, 1, "a", "fine", "x", "abcd", NULL), 0);
	window_tick(t, 4200);
	ck_assert_str_eq(take(),
	    "T 0-3600 a=\"abc\" v=[\"abc\"] mx=null e=\"abc\" cx=1\n"
	    "T 0-3600 a=\"abcd\" v=[\"abcd\"] mx=null e=\"abcd\" cx=2\n"
	    "T 0-3600 a=\"ab\xc3\xa9\" v=[\"\xe6\x97\xa5\"] mx=null "
	    "e=\"\xe6\x97\xa5\" cx=1\n"
	    "- 0-3600 a=\"fine\" v=[\"abcd\"] mx=null e=\"abcd\" cx=1\n"
	    "T 0-3600 a=\"num\" v=null mx=1234 e=null cx=0\n"
	    "T 0-3600 a=\"z\" v=[\"ok\"] mx=null e=\"ok\" cx=1\n");
	/*
	 * By-values once per record: abcdef, abcdXY, abc\xc3\xa9,
	 * z\xf0...; aggregated values each time they enter: abcdxyz twice
	 * (values, earliest), the kanji twice, 123456 once.
	 */
	ck_assert_uint_eq(c->values_cut, 9);
	ck_assert_uint_eq(c->rows_truncated, 5);
	window_free(t);
}
END_TEST

START_TEST(test_cap_groups)
{
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t;
	const struct window_counters	*c;

	l.max_groups = 2;
	t = table("stats count by a", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 0, 1, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 3700, "a", "q", NULL), 0);
	ck_assert_int_eq(add(t, 0, 2, "a", "p", NULL), 0);
	ck_assert_str_eq(take(), "");
	/* The oldest by creation goes, though it was used last. */
	ck_assert_int_eq(add(t, 0, 3, "a", "r", NULL), 0);
	ck_assert_str_eq(take(), "P 0-3600 a=\"p\" count=2\n");
	ck_assert_uint_eq(c->groups_live, 2);
	ck_assert_int_eq(add(t, 0, 4, "a", "p", NULL), 0);
	ck_assert_str_eq(take(), "P 3600-7200 a=\"q\" count=1\n");
	/* Its window emptied: it is gone, the deadline follows. */
	ck_assert(window_next_deadline(t) == 4200);
	window_tick(t, 4200);
	ck_assert_str_eq(take(),
	    "- 0-3600 a=\"p\" count=1\n"
	    "- 0-3600 a=\"r\" count=1\n");
	ck_assert_uint_eq(c->rows_partial, 2);
	ck_assert_uint_eq(c->groups_evicted, 2);
	ck_assert_uint_eq(c->groups, 4);
	ck_assert_uint_eq(c->groups_live, 0);
	ck_assert_uint_eq(c->bytes_live, 0);
	ck_assert_uint_eq(c->windows_closed, 1);
	window_free(t);
}
END_TEST

START_TEST(test_flush)
{
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t;
	const struct window_counters	*c;

	t = table("stats count values(x) as v by a", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 0, 100, "a", "p", "x", "1", NULL), 0);
	ck_assert_int_eq(add(t, 0, 4000, "a", "p", "x", "2", NULL), 0);
	ck_assert_int_eq(add(t, 0, 4300, "a", "q", NULL), 0);
	ck_assert_str_eq(take(), "- 0-3600 a=\"p\" count=1 v=[\"1\"]\n");
	ck_assert_int_eq(add(t, 0, 200, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 7300, "a", "p", NULL), 0);
	ck_assert(c->bytes_live > 0);
	/* The watermark's own closes first, late rows, then the rest. */
	window_flush(t, 8000);
	ck_assert_str_eq(take(),
	    "- 3600-7200 a=\"p\" count=1 v=[\"2\"]\n"
	    "- 3600-7200 a=\"q\" count=1 v=null\n"
	    "L 0-3600 a=\"p\" count=1 v=null\n"
	    "P 7200-10800 a=\"p\" count=1 v=null\n");
	ck_assert_uint_eq(c->groups_live, 0);
	ck_assert_uint_eq(c->bytes_live, 0);
	ck_assert(window_next_deadline(t) == 0);
	window_flush(t, 8000);
	ck_assert_str_eq(take(), "");
	window_free(t);
}
END_TEST

START_TEST(test_counters)
{
	struct window_limits		 l = limits(300, 60);
	struct window_table		*t;
	const struct window_counters	*c;

	l.max_values = 1;
	l.max_split = 2;
	t = table("stats count values(x) by a", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 0, 10, "a", "p", "x", "1", NULL), 0);
	ck_assert_int_eq(add(t, 0, 20, "a", "p", "x", "2", NULL), 0);
	ck_assert_int_eq(add(t, 0, 30, "x", "2", NULL), 0);
	ck_assert_int_eq(add(t, 0, 40, "a", "q", "a", "r", "a", "s", NULL),
	    0);
	ck_assert_int_eq(add(t, 0, 400, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 50, "a", "p", NULL), 0);
	window_tick(t, 0);
	window_flush(t, 0);
	ck_assert_str_eq(take(),
	    "T 0-300 a=\"p\" count=2 values(x)=[\"1\"]\n"
	    "- 0-300 a=\"q\" count=1 values(x)=null\n"
	    "- 0-300 a=\"r\" count=1 values(x)=null\n"
	    "L 0-300 a=\"p\" count=1 values(x)=null\n"
	    "P 300-600 a=\"p\" count=1 values(x)=null\n");
	ck_assert_uint_eq(c->records, 6);
	ck_assert_uint_eq(c->missing_by, 1);
	ck_assert_uint_eq(c->late_records, 1);
	ck_assert_uint_eq(c->groups, 5);
	ck_assert_uint_eq(c->rows, 5);
	ck_assert_uint_eq(c->rows_late, 1);
	ck_assert_uint_eq(c->rows_partial, 1);
	ck_assert_uint_eq(c->rows_first, 0);
	ck_assert_uint_eq(c->rows_truncated, 1);
	ck_assert_uint_eq(c->values_dropped, 1);
	ck_assert_uint_eq(c->values_cut, 0);
	ck_assert_uint_eq(c->splits_dropped, 1);
	ck_assert_uint_eq(c->windows_closed, 1);
	ck_assert_uint_eq(c->groups_live, 0);
	ck_assert_uint_eq(c->bytes_live, 0);
	window_free(t);
}
END_TEST

START_TEST(test_bytes_live)
{
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t;
	const struct window_counters	*c;
	uint64_t			 one, same, more;
	char				 v[16];
	int				 i;

	t = table("stats count min(_time) values(x) by a", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 0, 1, "a", "p", "x", "1", NULL), 0);
	one = c->bytes_live;
	ck_assert_uint_gt(one, 0);
	/* The same group again, same values: nothing grows. */
	ck_assert_int_eq(add(t, 0, 2, "a", "p", "x", "1", NULL), 0);
	ck_assert_uint_eq(c->bytes_live, one);
	ck_assert_int_eq(add(t, 0, 1, "a", "q", "x", "1", NULL), 0);
	ck_assert_uint_eq(c->bytes_live, 2 * one);
	for (i = 0; i < 100; i++) {
		snprintf(v, sizeof(v), "value%d", i);
		ck_assert_int_eq(add(t, 0, 3, "a", "q", "x", v, NULL), 0);
	}
	more = c->bytes_live;
	ck_assert_uint_gt(more, 2 * one + 100 * 6);
	same = more;
	ck_assert_int_eq(add(t, 0, 3, "a", "q", "x", "value7", NULL), 0);
	ck_assert_uint_eq(c->bytes_live, same);
	window_flush(t, 0);
	ck_assert_uint_eq(c->bytes_live, 0);
	window_free(t);
}
END_TEST

START_TEST(test_deadline)
{
	struct window_limits	 l = limits(300, 30);
	struct window_table	*t = table("stats count by a", &l);

	ck_assert(window_next_deadline(t) == 0);
	ck_assert_int_eq(add(t, 50, 610, "a", "p", NULL), 0);
	ck_assert(window_next_deadline(t) == 930);
	/* An older window, still in time, is the earlier deadline. */
	ck_assert_int_eq(add(t, 60, 599, "a", "p", NULL), 0);
	ck_assert(window_next_deadline(t) == 630);
	ck_assert_int_eq(add(t, 70, 660, "a", "p", NULL), 0);
	ck_assert_str_eq(take(), "- 300-600 a=\"p\" count=1\n");
	ck_assert(window_next_deadline(t) == 930);
	/* A late group waits: due at once, at the last now given. */
	ck_assert_int_eq(add(t, 80, 10, "a", "p", NULL), 0);
	ck_assert(window_next_deadline(t) == 80);
	window_tick(t, 90);
	ck_assert_str_eq(take(), "L 0-300 a=\"p\" count=1\n");
	ck_assert(window_next_deadline(t) == 930);
	window_tick(t, 930);
	ck_assert_str_eq(take(), "- 600-900 a=\"p\" count=2\n");
	ck_assert(window_next_deadline(t) == 0);
	window_free(t);
}
END_TEST

/* The start of every row in out, in order, checked against want[]. */
static void
starts_are(const double *want, size_t n)
{
	const char	*p = out.data, *nl;
	size_t		 i;

	ck_assert_int_eq(out.failed, 0);
	for (i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(p);
		ck_assert_msg(strtod(p + 2, NULL) == want[i], "row %zu: %.40s",
		    i, p);
		nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		p = nl + 1;
	}
	ck_assert_uint_eq((size_t)(p - out.data), out.len);
	buf_reset(&out);
}

/*
 * Records each in a different past hour: one late generation each, and
 * as many in-time windows under a long lateness. Both are found in O(1)
 * and closed in order of their end (the old scanned lists took 74 s for
 * 100000 such records; this test runs in well under the suite timeout).
 */
START_TEST(test_many_windows)
{
	enum { N = 50000, STEP = 7919 };	/* N and STEP coprime */
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t;
	const struct window_counters	*c;
	double				*want, now = (double)N * 3600 + 7200;
	size_t				 i, k;

	want = calloc(N, sizeof(*want));
	ck_assert_ptr_nonnull(want);
	for (i = 0; i < N; i++)
		want[i] = (double)i * 3600;
	t = table("stats count by a", &l);
	c = window_counters(t);
	for (i = 0, k = 0; i < N; i++, k = (k + STEP) % N)
		ck_assert_int_eq(add(t, now, (double)k * 3600 + 1, "a", "p",
		    NULL), 0);
	ck_assert_uint_eq(c->late_records, N);
	ck_assert_uint_eq(c->groups_live, N);
	ck_assert(window_next_deadline(t) == now);
	window_tick(t, now);
	ck_assert_uint_eq(c->rows_late, N);
	starts_are(want, N);
	ck_assert_uint_eq(c->groups_live, 0);
	ck_assert(window_next_deadline(t) == 0);
	window_free(t);

	/* In time, under a lateness longer than all of them. */
	l.lateness = (double)N * 3600;
	t = table("stats count by a", &l);
	c = window_counters(t);
	for (i = 0, k = 0; i < N; i++, k = (k + STEP) % N)
		ck_assert_int_eq(add(t, 0, (double)k * 3600 + 1, "a", "p",
		    NULL), 0);
	ck_assert_uint_eq(c->late_records, 0);
	ck_assert(window_next_deadline(t) == 3600 + l.lateness);
	/* The watermark passes the first half: those close, in order. */
	window_tick(t, (double)(N / 2) * 3600 + l.lateness);
	ck_assert_uint_eq(c->windows_closed, N / 2);
	starts_are(want, N / 2);
	ck_assert(window_next_deadline(t) ==
	    (double)(N / 2 + 1) * 3600 + l.lateness);
	window_flush(t, 0);
	starts_are(want + N / 2, N - N / 2);
	window_free(t);
	free(want);
}
END_TEST

/*
 * A record dated far ahead of the clock lands in its own window but
 * moves the watermark only max_future past now: the window of now stays
 * open for the records that follow.
 */
START_TEST(test_future)
{
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t;
	const struct window_counters	*c;

	l.max_future = 300;
	t = table("stats count by a", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 1000, 36000000000.0, "a", "f", NULL), 0);
	ck_assert_uint_eq(c->future_records, 1);
	/* Exactly now + max_future is not in the future. */
	ck_assert_int_eq(add(t, 1000, 1300, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 1000, 100, "a", "p", NULL), 0);
	ck_assert_uint_eq(c->future_records, 1);
	ck_assert_uint_eq(c->late_records, 0);
	ck_assert_str_eq(take(), "");
	ck_assert(window_next_deadline(t) == 4200);
	/* A second one, further still, changes nothing either. */
	ck_assert_int_eq(add(t, 1000, 72000000000.0, "a", "f", NULL), 0);
	ck_assert_uint_eq(c->future_records, 2);
	ck_assert_str_eq(take(), "");
	window_tick(t, 4200);
	ck_assert_str_eq(take(), "- 0-3600 a=\"p\" count=2\n");
	ck_assert(window_next_deadline(t) == 36000003600.0 + 600);
	window_flush(t, 4200);
	ck_assert_str_eq(take(),
	    "P 36000000000-36000003600 a=\"f\" count=1\n"
	    "P 72000000000-72000003600 a=\"f\" count=1\n");
	ck_assert_uint_eq(c->late_records, 0);
	window_free(t);

	/* Without the cap (infinite), the same record closes the hour. */
	l.max_future = INFINITY;
	t = table("stats count by a", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 1000, 36000000000.0, "a", "f", NULL), 0);
	ck_assert_int_eq(add(t, 1000, 100, "a", "p", NULL), 0);
	ck_assert_uint_eq(c->future_records, 0);
	ck_assert_uint_eq(c->late_records, 1);
	window_tick(t, 1000);
	ck_assert_str_eq(take(), "L 0-3600 a=\"p\" count=1\n");
	window_free(t);
}
END_TEST

/* emit: first frees the oldest at the cap, counted; it alerts again. */
START_TEST(test_evict_first)
{
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t;
	const struct window_counters	*c;

	l.emit = WINDOW_EMIT_FIRST;
	l.max_groups = 2;
	t = table("stats count by a", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 0, 1, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 2, "a", "q", NULL), 0);
	ck_assert_int_eq(add(t, 0, 3, "a", "p", NULL), 0);
	ck_assert_str_eq(take(),
	    "FP 0-3600 a=\"p\" count=1\n"
	    "FP 0-3600 a=\"q\" count=1\n");
	ck_assert_int_eq(add(t, 0, 4, "a", "r", NULL), 0);
	ck_assert_str_eq(take(), "FP 0-3600 a=\"r\" count=1\n");
	ck_assert_uint_eq(c->groups_evicted, 1);
	ck_assert_uint_eq(c->rows_partial, 0);
	/* p was evicted: it is a new group, and alerts again. */
	ck_assert_int_eq(add(t, 0, 5, "a", "p", NULL), 0);
	ck_assert_str_eq(take(), "FP 0-3600 a=\"p\" count=1\n");
	ck_assert_uint_eq(c->groups_evicted, 2);
	ck_assert_uint_eq(c->groups, 4);
	ck_assert_uint_eq(c->rows_first, 4);
	window_flush(t, 0);
	ck_assert_str_eq(take(), "");
	window_free(t);
}
END_TEST

/* Over max_bytes the oldest groups go out partial, as at max_groups. */
START_TEST(test_cap_max_bytes)
{
	struct window_limits		 l = limits(3600, 600);
	struct window_table		*t;
	const struct window_counters	*c;
	const char			*text;
	uint64_t			 one;
	char				 v[16];
	int				 i;

	t = table("stats count values(x) as v by a", &l);
	ck_assert_int_eq(add(t, 0, 1, "a", "p", NULL), 0);
	one = window_counters(t)->bytes_live;
	window_free(t);

	l.max_bytes = (size_t)(2 * one + one / 2);
	t = table("stats count values(x) as v by a", &l);
	c = window_counters(t);
	ck_assert_int_eq(add(t, 0, 1, "a", "p", NULL), 0);
	ck_assert_int_eq(add(t, 0, 2, "a", "q", NULL), 0);
	ck_assert_int_eq(add(t, 0, 3, "a", "p", NULL), 0);
	ck_assert_uint_eq(c->bytes_live, 2 * one);
	ck_assert_str_eq(take(), "");
	ck_assert_int_eq(add(t, 0, 4, "a", "r", NULL), 0);
	ck_assert_str_eq(take(), "P 0-3600 a=\"p\" count=2 v=null\n");
	ck_assert_uint_eq(c->bytes_live, 2 * one);
	ck_assert_uint_eq(c->groups_evicted, 1);
	/* A group that grows pushes out the older ones, then itself, with
	 * the values it has. */
	for (i = 0; c->groups_evicted < 4; i++) {
		ck_assert_int_lt(i, 1000);
		snprintf(v, sizeof(v), "v%d", i);
		ck_assert_int_eq(add(t, 0, 5, "a", "s", "x", v, NULL), 0);
		ck_assert_uint_le(c->bytes_live, l.max_bytes);
	}
	text = take();
	ck_assert_msg(strncmp(text,
	    "P 0-3600 a=\"q\" count=1 v=null\n"
	    "P 0-3600 a=\"r\" count=1 v=null\n"
	    "P 0-3600 a=\"s\" count=", 81) == 0, "%s", text);
	snprintf(v, sizeof(v), "count=%d ", i);
	ck_assert_ptr_nonnull(strstr(text, v));
	ck_assert_uint_eq(c->rows_partial, 4);
	ck_assert_uint_eq(c->groups_live, 0);
	ck_assert_uint_eq(c->bytes_live, 0);
	window_free(t);
}
END_TEST

/*
 * A row over 1 MiB (values() of 300 values of 4000 bytes): emitted
 * whole, after which the scratch row is freed and made anew, and the
 * next row is right.
 */
START_TEST(test_big_row)
{
	struct window_limits	 l = limits(3600, 600);
	struct window_table	*t;
	const char		*text;
	char			*v;
	int			 i;

	l.max_values = 1000;
	t = table("stats dc(x) as n values(x) as v by a", &l);
	v = malloc(4001);
	ck_assert_ptr_nonnull(v);
	memset(v, 'y', 4000);
	v[4000] = '\0';
	for (i = 0; i < 300; i++) {
		snprintf(v, 5, "%04d", i);
		v[4] = 'y';
		ck_assert_int_eq(add(t, 0, 1, "a", "big", "x", v, NULL), 0);
	}
	window_tick(t, 4200);
	ck_assert_uint_gt(out.len, 300 * 4000);
	text = strstr(out.data, "n=300 v=[\"0000yyy");
	ck_assert_ptr_nonnull(text);
	buf_reset(&out);
	ck_assert_int_eq(add(t, 4200, 3601, "a", "small", "x", "1", NULL), 0);
	window_tick(t, 7800);
	ck_assert_str_eq(take(), "- 3600-7200 a=\"small\" n=1 v=[\"1\"]\n");
	window_free(t);
	free(v);
}
END_TEST

static uint32_t
fnv1a(uint32_t h, const void *p, size_t len)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < len; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * 512 by-values whose group keys (window start, length, bytes, NUL, as
 * window.c laid them out) all have one 32-bit FNV-1a hash, the hash the
 * table used before it was keyed: nine blocks of eight characters, each block
 * one of a colliding pair found by a birthday search from the state the
 * blocks before it left (a Joux multicollision). They are all distinct
 * groups, emitted right.
 */
START_TEST(test_fnv_collisions)
{
	enum { BLOCKS = 9, BLEN = 8, NKEYS = 1 << BLOCKS, SLOTS = 1 << 20 };
	static const char	 alpha[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
	struct window_limits	 l = limits(3600, 600);
	struct window_table	*t;
	char			 pair[BLOCKS][2][BLEN], **keys, line[128];
	char			*slot_b, blk[BLEN];
	uint32_t		*slot_h, h0, h, len = BLOCKS * BLEN;
	uint64_t		 x = 88172645463325252ULL;
	uint8_t			*used;
	double			 start = 0;
	size_t			 b, i, j;
	struct buf		 want;

	slot_h = calloc(SLOTS, sizeof(*slot_h));
	slot_b = calloc(SLOTS, BLEN);
	used = calloc(SLOTS, 1);
	ck_assert(slot_h != NULL && slot_b != NULL && used != NULL);
	h0 = fnv1a(2166136261u, &start, sizeof(start));
	h0 = fnv1a(h0, &len, sizeof(len));
	for (b = 0; b < BLOCKS; b++) {
		memset(used, 0, SLOTS);
		for (;;) {
			for (j = 0; j < BLEN; j++) {
				x ^= x << 13;	/* xorshift64 */
				x ^= x >> 7;
				x ^= x << 17;
				blk[j] = alpha[(x >> 32) % (sizeof(alpha) - 1)];
			}
			h = fnv1a(h0, blk, BLEN);
			for (i = h & (SLOTS - 1); used[i] && slot_h[i] != h;
			    i = (i + 1) & (SLOTS - 1))
				;
			if (!used[i]) {
				used[i] = 1;
				slot_h[i] = h;
				memcpy(slot_b + i * BLEN, blk, BLEN);
				continue;
			}
			if (memcmp(slot_b + i * BLEN, blk, BLEN) == 0)
				continue;
			memcpy(pair[b][0], blk, BLEN);
			memcpy(pair[b][1], slot_b + i * BLEN, BLEN);
			break;
		}
		h0 = h;
	}
	free(used);
	free(slot_b);
	free(slot_h);

	keys = calloc(NKEYS, sizeof(*keys));
	ck_assert_ptr_nonnull(keys);
	for (i = 0; i < NKEYS; i++) {
		keys[i] = calloc(1, len + 1);
		ck_assert_ptr_nonnull(keys[i]);
		for (b = 0; b < BLOCKS; b++)
			memcpy(keys[i] + b * BLEN, pair[b][(i >> b) & 1], BLEN);
		h = fnv1a(2166136261u, &start, sizeof(start));
		h = fnv1a(h, &len, sizeof(len));
		ck_assert_uint_eq(fnv1a(h, keys[i], len + 1),
		    fnv1a(h0, "", 1));
	}
	t = table("stats count by a", &l);
	for (i = 0; i < NKEYS; i++) {
		ck_assert_int_eq(add(t, 0, 1, "a", keys[i], NULL), 0);
		ck_assert_int_eq(add(t, 0, 2, "a", keys[NKEYS - 1 - i], NULL),
		    0);
	}
	ck_assert_uint_eq(window_counters(t)->groups, NKEYS);
	window_tick(t, 4200);
	qsort(keys, NKEYS, sizeof(*keys), cmp_key);
	memset(&want, 0, sizeof(want));
	for (i = 0; i < NKEYS; i++) {
		snprintf(line, sizeof(line), "- 0-3600 a=\"%s\" count=2\n",
		    keys[i]);
		buf_puts(&want, line);
		free(keys[i]);
	}
	ck_assert_str_eq(take(), want.data);
	buf_free(&want);
	free(keys);
	window_free(t);
}
END_TEST

static Suite *
window_suite(void)
{
	Suite	*s = suite_create("window");
	TCase	*tc = tcase_create("window");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_align_hour);
	tcase_add_test(tc, test_align_5m);
	tcase_add_test(tc, test_watermark);
	tcase_add_test(tc, test_idle_tick);
	tcase_add_test(tc, test_late);
	tcase_add_test(tc, test_emit_first);
	tcase_add_test(tc, test_emit_both);
	tcase_add_test(tc, test_missing_by);
	tcase_add_test(tc, test_no_by);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_row_order);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_minmax);
	tcase_add_test(tc, test_count_dc_list);
	tcase_add_test(tc, test_earliest_latest);
	tcase_add_test(tc, test_sum_avg);
	tcase_add_test(tc, test_cap_values);
	tcase_add_test(tc, test_cap_bytes);
	tcase_add_test(tc, test_cap_groups);
	tcase_add_test(tc, test_flush);
	tcase_add_test(tc, test_counters);
	tcase_add_test(tc, test_bytes_live);
	tcase_add_test(tc, test_deadline);
	tcase_add_test(tc, test_many_windows);
	tcase_add_test(tc, test_future);
	tcase_add_test(tc, test_evict_first);
	tcase_add_test(tc, test_cap_max_bytes);
	tcase_add_test(tc, test_big_row);
	tcase_add_test(tc, test_fnv_collisions);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(window_suite());
}
