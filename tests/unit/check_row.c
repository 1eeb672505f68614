/*
 * check_row.c - the commands after stats on result rows (convert ctime in
 * each kind of time zone, table, fields, rename, search) and the alert
 * JSON, from real SPL compiled by spl_compile().
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "field.h"
#include "row.h"
#include "row_cmd.h"
#include "rule.h"
#include "spl.h"
#include "testutil.h"

#define PARIS	"/usr/share/zoneinfo/Europe/Paris"

static struct field_dict	*dict;
static struct row		 row;

static void		 setup(void);
static void		 teardown(void);
static void		 put(const char *, unsigned, ...);
static const char	*show(void);
static int		 apply_tz(const char *, const struct row_tz *);
static int		 apply(const char *);
static struct row_tz	 tz_of(const char *);
static const char	*convert1(const char *, const char *,
			    const struct row_tz *);
static const char	*alert(const struct rule *, double);

static void
setup(void)
{
	dict = field_dict_new();
	ck_assert_ptr_nonnull(dict);
	ck_assert_int_eq(row_init(&row), 0);
}

static void
teardown(void)
{
	row_free(&row);
	field_dict_free(dict);
}

/* Sets field name of the test row to the values that follow, up to NULL;
 * none makes a null field. */
static void
put(const char *name, unsigned flags, ...)
{
	struct row_field	*f;
	const char		*v;
	va_list			 ap;

	f = row_set(&row, name, flags);
	ck_assert_ptr_nonnull(f);
	va_start(ap, flags);
	while ((v = va_arg(ap, const char *)) != NULL)
		ck_assert_int_eq(row_add_value(&row, f, v, strlen(v)), 0);
	va_end(ap);
}

/*
 * The row as text: "name=v" per field, "#" after a ROWF_NUM name, lists
 * (ROWF_MV) in brackets, a null field as name=<null>.
 */
static const char *
show(void)
{
	static char		 out[4096];
	struct buf		 b = { 0 };
	const struct row_field	*f;
	size_t			 i;
	uint32_t		 j;

	buf_puts(&b, "");
	for (i = 0; i < row.n; i++) {
		f = &row.f[i];
		buf_printf(&b, "%s%s%s=", i ? " " : "", f->name,
		    (f->flags & ROWF_NUM) ? "#" : "");
		if (f->nvals == 0)
			buf_puts(&b, "<null>");
		if (f->flags & ROWF_MV)
			buf_putc(&b, '[');
		for (j = 0; j < f->nvals; j++)
			buf_printf(&b, "%s%s", j ? "," : "", f->vals[j].ptr);
		if (f->flags & ROWF_MV)
			buf_putc(&b, ']');
	}
	ck_assert_int_eq(b.failed, 0);
	snprintf(out, sizeof(out), "%s", b.data);
	buf_free(&b);
	return out;
}

static int
apply_tz(const char *text, const struct row_tz *tz)
{
	struct spl_error	 err;
	struct spl_search	*s;
	int			 rc;

	s = spl_compile(text, strlen(text), dict, NULL, &err);
	ck_assert_msg(s != NULL, "%s: %d:%d: %s", text, err.line, err.column,
	    err.msg);
	rc = row_apply(s, &row, tz);
	spl_free(s);
	return rc;
}

static int
apply(const char *text)
{
	struct row_tz	tz = { .kind = ROW_TZ_UTC };

	return apply_tz(text, &tz);
}

static struct row_tz
tz_of(const char *name)
{
	struct row_tz	tz;
	char		err[256];

	ck_assert_msg(row_tz_parse(name, &tz, err, sizeof(err)) == 0, "%s",
	    err);
	return tz;
}

/* A fresh row t=v converted by convert [timeformat=fmt] ctime(t). */
static const char *
convert1(const char *v, const char *fmt, const struct row_tz *tz)
{
	char	q[256];

	row_reset(&row);
	put("t", ROWF_NUM, v, NULL);
	if (fmt == NULL)
		snprintf(q, sizeof(q), "* | stats count by t | convert "
		    "ctime(t)");
	else
		snprintf(q, sizeof(q), "* | stats count by t | convert "
		    "timeformat=\"%s\" ctime(t)", fmt);
	ck_assert_int_eq(apply_tz(q, tz), 1);
	return show();
}

static const char *
alert(const struct rule *rule, double now)
{
	static char	out[8192];
	struct buf	b = { 0 };

	alert_json(rule, &row, now, &b);
	ck_assert_int_eq(b.failed, 0);
	snprintf(out, sizeof(out), "%s", b.data);
	buf_free(&b);
	return out;
}

START_TEST(test_ctime_utc)
{
	const char	*iso = "%Y-%m-%dT%H:%M:%S";
	struct row_tz	 utc = tz_of("UTC");

	ck_assert_str_eq(convert1("1733312345", iso, &utc),
	    "t=2024-12-04T11:39:05");
	/* Fractions are dropped, not rounded: .999 is still that second. */
	ck_assert_str_eq(convert1("1733312345.999", iso, &utc),
	    "t=2024-12-04T11:39:05");
	/* Below zero, the second a fraction lies in is the one below. */
	ck_assert_str_eq(convert1("-1.5", iso, &utc), "t=1969-12-31T23:59:58");
	ck_assert_str_eq(convert1("1e3", iso, &utc), "t=1970-01-01T00:16:40");
	/* Splunk's default format. */
	ck_assert_str_eq(convert1("1733312345.678", NULL, &utc),
	    "t=12/04/2024 11:39:05");
	/* A NULL zone is UTC. */
	ck_assert_str_eq(convert1("0", NULL, NULL), "t=01/01/1970 00:00:00");
	/* Splunk's subsecond forms are not strftime's: kept as written. */
	ck_assert_str_eq(convert1("0", "%S.%Q %3N", &utc), "t=00.%Q %3N");
	ck_assert_str_eq(convert1("0", "", &utc), "t=");
	/* A format longer than the first buffer still converts whole. */
	ck_assert_str_eq(convert1("0", "%_300Y", &utc) + 300 - 4 + 2, "1970");
	ck_assert_uint_eq(row.f[0].vals[0].len, 300);
}
END_TEST

START_TEST(test_ctime_not_numbers)
{
	static const char *const bad[] = { "abc", "", " 1", "1 ", "0x10",
	    "inf", "nan", "1e", "-", ".", "1.2.3", "12abc", "1e999",
	    "99999999999999999" };
	char	want[64];
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "t=%s", bad[i]);
		ck_assert_str_eq(convert1(bad[i], NULL, NULL), want);
	}
	/* A list converts value by value; the rest stay as they are. */
	row_reset(&row);
	put("t", ROWF_MV, "1733312345", "never", "0", NULL);
	put("null", 0, NULL);
	ck_assert_int_eq(apply("* | stats count by t | convert "
	    "timeformat=\"%H:%M\" ctime(t) ctime(null) ctime(absent)"), 1);
	ck_assert_str_eq(show(), "t=[11:39,never,00:00] null=<null>");
}
END_TEST

START_TEST(test_ctime_fixed)
{
	struct row_tz	tz = tz_of("+02:00");

	ck_assert_int_eq(tz.kind, ROW_TZ_FIXED);
	ck_assert_str_eq(convert1("1733312345", "%Y-%m-%dT%H:%M:%S %z", &tz),
	    "t=2024-12-04T13:39:05 +0200");
	tz = tz_of("-0530");
	ck_assert_str_eq(convert1("1733312345", "%d %H:%M:%S %z", &tz),
	    "t=04 06:09:05 -0530");
	/* The date moves too. */
	tz = tz_of("-03:00");
	ck_assert_str_eq(convert1("0", NULL, &tz), "t=12/31/1969 21:00:00");
}
END_TEST

START_TEST(test_ctime_named)
{
	const char	*fmt = "%Y-%m-%d %H:%M:%S %Z";
	struct row_tz	 tz;
	struct stat	 st;
	struct tm	 tm;
	time_t		 t = 1720000000;

	if (stat(PARIS, &st) == -1) {
		fprintf(stderr, "check_row: %s absent, named zone case "
		    "skipped\n", PARIS);
		return;
	}
	tz = tz_of("Europe/Paris");
	ck_assert_int_eq(tz.kind, ROW_TZ_NAMED);
	ck_assert_str_eq(tz.name, "Europe/Paris");
	/* TZ set: it is put back exactly. */
	ck_assert_int_eq(setenv("TZ", "Asia/Tokyo", 1), 0);
	ck_assert_str_eq(convert1("1733312345", fmt, &tz),
	    "t=2024-12-04 12:39:05 CET");
	ck_assert_str_eq(getenv("TZ"), "Asia/Tokyo");
	/* TZ unset: unset again. */
	ck_assert_int_eq(unsetenv("TZ"), 0);
	ck_assert_str_eq(convert1("1720000000", fmt, &tz),
	    "t=2024-07-03 11:46:40 CEST");
	ck_assert_ptr_null(getenv("TZ"));
	/* And the process's local time is what it was. */
	ck_assert_int_eq(setenv("TZ", "UTC0", 1), 0);
	tzset();
	ck_assert_str_eq(convert1("1720000000", fmt, &tz),
	    "t=2024-07-03 11:46:40 CEST");
	ck_assert_ptr_nonnull(localtime_r(&t, &tm));
	ck_assert_int_eq(tm.tm_hour, 9);
	unsetenv("TZ");
	tzset();
}
END_TEST

START_TEST(test_convert_as)
{
	put("firstTime", ROWF_NUM, "1733312345", NULL);
	put("lastTime", ROWF_NUM, "1733312399", NULL);
	put("count", ROWF_NUM, "2", NULL);
	ck_assert_int_eq(apply("* | stats count by a | convert "
	    "timeformat=\"%H:%M:%S\" ctime(firstTime) as first "
	    "ctime(lastTime) AS count ctime(nothere) as gone"), 1);
	/* f is kept, g is written (in place when it existed). */
	ck_assert_str_eq(show(), "firstTime#=1733312345 lastTime#=1733312399 "
	    "count=11:39:59 first=11:39:05");
	/* The seed's form: replacing the field itself, NUM dropped. */
	ck_assert_int_eq(apply("* | stats count by a | convert "
	    "timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(firstTime) "
	    "ctime(lastTime)"), 1);
	ck_assert_str_eq(show(), "firstTime=2024-12-04T11:39:05 "
	    "lastTime=2024-12-04T11:39:59 count=11:39:59 first=11:39:05");
}
END_TEST

START_TEST(test_table)
{
	static const struct {
		const char	*table;
		const char	*want;
	} cases[] = {
		{ "d a", "d=4 a=1" },
		{ "zz a nope", "a=1" },
		{ "x* a", "x1=5 x2=6 a=1" },
		{ "a, a* a", "a=1 ax=7" },
		{ "c *", "c=3 a=1 b=2 d=4 x1=5 x2=6 ax=7" },
		{ "*2 *x*", "x2=6 x1=5 ax=7" },
		{ "A", "" },
		{ "*", "a=1 b=2 c=3 d=4 x1=5 x2=6 ax=7" },
	};
	char	q[128];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		row_reset(&row);
		put("a", 0, "1", NULL);
		put("b", 0, "2", NULL);
		put("c", 0, "3", NULL);
		put("d", 0, "4", NULL);
		put("x1", 0, "5", NULL);
		put("x2", 0, "6", NULL);
		put("ax", 0, "7", NULL);
		snprintf(q, sizeof(q), "* | stats count by a | table %s",
		    cases[i].table);
		ck_assert_int_eq(apply(q), 1);
		ck_assert_msg(strcmp(show(), cases[i].want) == 0,
		    "table %s: %s", cases[i].table, show());
	}
}
END_TEST

START_TEST(test_fields)
{
	put("a", 0, "1", NULL);
	put("b", ROWF_NUM, "2", NULL);
	put("x1", ROWF_MV, "p", "q", NULL);
	put("x2", 0, NULL);
	put("c", 0, "3", NULL);
	/* Kept in row order, not in the order listed. */
	ck_assert_int_eq(apply("* | stats count by a | fields c x* a"), 1);
	ck_assert_str_eq(show(), "a=1 x1=[p,q] x2=<null> c=3");
	ck_assert_int_eq(apply("* | stats count by a | fields + c, x1"), 1);
	ck_assert_str_eq(show(), "x1=[p,q] c=3");
	row_reset(&row);
	put("a", 0, "1", NULL);
	put("b", ROWF_NUM, "2", NULL);
	put("x1", 0, "p", NULL);
	put("x2", 0, NULL);
	put("c", 0, "3", NULL);
	ck_assert_int_eq(apply("* | stats count by a | fields - x* a zz"), 1);
	ck_assert_str_eq(show(), "b#=2 c=3");
}
END_TEST

START_TEST(test_rename)
{
	put("a", 0, "1", NULL);
	put("b", 0, "2", NULL);
	put("c", 0, "3", NULL);
	/* Onto an existing field: that one goes, a keeps its place. */
	ck_assert_int_eq(apply("* | stats count by a | rename a as b"), 1);
	ck_assert_str_eq(show(), "b=1 c=3");
	/* In order: the second pair sees the first's result. */
	ck_assert_int_eq(apply("* | stats count by a | rename b as B, B AS z, "
	    "nothere as c, c as c"), 1);
	ck_assert_str_eq(show(), "z=1 c=3");
	/* Onto a field before it. */
	ck_assert_int_eq(apply("* | stats count by a | rename c as z"), 1);
	ck_assert_str_eq(show(), "z=3");

	row_reset(&row);
	put("firstTime", ROWF_NUM, "1", NULL);
	put("src_ip", 0, "10.0.0.1", NULL);
	put("lastTime", ROWF_NUM, "2", NULL);
	put("dest_ip", ROWF_MV, "10.0.0.2", "10.0.0.3", NULL);
	ck_assert_int_eq(apply("* | stats count by a | rename *Time as *_time "
	    "*_ip AS ip_*"), 1);
	ck_assert_str_eq(show(), "first_time#=1 ip_src=10.0.0.1 last_time#=2 "
	    "ip_dest=[10.0.0.2,10.0.0.3]");
	/* Earlier stars take as little as lets the rest match. */
	ck_assert_int_eq(apply("* | stats count by a | rename i*_* as *.*.*"),
	    1);
	ck_assert_str_eq(show(), "first_time#=1 p.src.=10.0.0.1 last_time#=2 "
	    "p.dest.=[10.0.0.2,10.0.0.3]");
	/* Many onto one name: each replaces the one before. */
	ck_assert_int_eq(apply("* | stats count by a | rename *_time as t"),
	    1);
	ck_assert_str_eq(show(), "p.src.=10.0.0.1 t#=2 "
	    "p.dest.=[10.0.0.2,10.0.0.3]");
	ck_assert_int_eq(apply("* | stats count by a | rename * as x*"), 1);
	ck_assert_str_eq(show(), "xp.src.=10.0.0.1 xt#=2 "
	    "xp.dest.=[10.0.0.2,10.0.0.3]");
}
END_TEST

START_TEST(test_search)
{
	static const struct {
		const char	*search;
		int		 keep;
	} cases[] = {
		{ "host=FOO*", 1 },
		{ "host=\"foo.example\"", 1 },
		{ "host=*.org", 0 },
		{ "NOT host=bar", 1 },
		{ "missing=*", 0 },
		{ "NOT missing=*", 1 },
		{ "missing!=x", 0 },
		{ "empty=*", 0 },
		{ "NOT empty=*", 1 },
		{ "dest=10.0.0.0/8", 1 },
		{ "dest=192.168.0.0/16", 0 },
		{ "dest IN (\"b\", \"10.9.9.9\")", 0 },
		{ "dest IN (\"x\", \"10.0.0.0/8\")", 1 },
		{ "dest=A", 1 },
		{ "count=3 host=f*", 1 },
		{ "count=3 OR host=nope", 1 },
		{ "count=4 OR host=nope", 0 },
	};
	char	q[256];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(q, sizeof(q), "* | stats count by host | search %s",
		    cases[i].search);
		row_reset(&row);
		put("host", 0, "Foo.Example", NULL);
		put("count", ROWF_NUM, "3", NULL);
		put("dest", ROWF_MV, "a", "10.1.2.3", NULL);
		put("empty", ROWF_MV, NULL);
		ck_assert_msg(apply(q) == cases[i].keep, "search %s",
		    cases[i].search);
	}
}
END_TEST

START_TEST(test_pipeline)
{
	put("a", 0, "Foo1", NULL);
	put("count", ROWF_NUM, "7", NULL);
	put("firstTime", ROWF_NUM, "1733312345.5", NULL);
	put("b", ROWF_MV, "x", "y", NULL);
	ck_assert_int_eq(apply("* | stats count min(_time) as firstTime by a "
	    "| convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(firstTime) "
	    "| table a firstTime b | rename a as x | search x=foo*"), 1);
	ck_assert_str_eq(show(), "x=Foo1 firstTime=2024-12-04T11:39:05 "
	    "b=[x,y]");
	/* The search runs after the rename: a is gone. */
	ck_assert_int_eq(apply("* | stats count by a | rename x as a "
	    "| search a=bar | table a"), 0);
	/* Commands after a dropping search do not run. */
	ck_assert_str_eq(show(), "a=Foo1 firstTime=2024-12-04T11:39:05 "
	    "b=[x,y]");
}
END_TEST

START_TEST(test_alert_json)
{
	static char	 name[] = "Cisco NVM - \"Odd\" \\ Rule";
	static char	 short_name[] = "cisco_nvm_odd", id[] = "0b1c-2d";
	static char	 m1[] = "T1059", m2[] = "T1105\"x";
	char		*mitre[] = { m1, m2 };
	struct rule	 rule;

	memset(&rule, 0, sizeof(rule));
	rule.name = name;
	rule.short_name = short_name;
	rule.id = id;
	rule.version = 3;
	rule.mitre = mitre;
	rule.nmitre = 2;
	row.window_start = 1733310000;
	row.window_end = 1733313600;
	row.flags = ROW_LATE | ROW_PARTIAL | ROW_TRUNCATED | ROW_FIRST;
	put("dest", 0, "8.8.8.8", NULL);
	put("count", ROWF_NUM, "3", NULL);
	put("values(process_name)", ROWF_MV, "a.exe", "b\"c\\d\ne", NULL);
	put("one", ROWF_MV, "only", NULL);
	put("nums", ROWF_NUM | ROWF_MV, "0", "-0.5", "1e10", "2.5E+3", "007",
	    "1.", "+1", ".5", "nan", "1e", "-", " 1", NULL);
	put("avg", ROWF_NUM, "Infinity", NULL);
	put("gone", ROWF_NUM, NULL);
	put("bytes", 0, "\xff\xfe ok \xc3\xa9 \x01", NULL);
	put("two", 0, "p", "q", NULL);
	ck_assert_str_eq(alert(&rule, 1733313600.123),
	    "{\"alert_time\":\"2024-12-04T12:00:00.123Z\","
	    "\"rule\":\"Cisco NVM - \\\"Odd\\\" \\\\ Rule\","
	    "\"rule_id\":\"0b1c-2d\",\"rule_version\":3,"
	    "\"rule_file\":\"cisco_nvm_odd\","
	    "\"mitre_attack_id\":[\"T1059\",\"T1105\\\"x\"],"
	    "\"window_start\":\"2024-12-04T11:00:00Z\","
	    "\"window_end\":\"2024-12-04T12:00:00Z\","
	    "\"emit\":\"first\",\"late\":true,\"partial\":true,"
	    "\"truncated\":true,\"fields\":{"
	    "\"dest\":\"8.8.8.8\",\"count\":3,"
	    "\"values(process_name)\":[\"a.exe\",\"b\\\"c\\\\d\\ne\"],"
	    "\"one\":[\"only\"],"
	    "\"nums\":[0,-0.5,1e10,2.5E+3,\"007\",\"1.\",\"+1\",\".5\","
	    "\"nan\",\"1e\",\"-\",\" 1\"],"
	    "\"avg\":\"Infinity\",\"gone\":null,"
	    "\"bytes\":\"\\u00ff\\u00fe ok \xc3\xa9 \\u0001\","
	    "\"two\":[\"p\",\"q\"]}}");
}
END_TEST

START_TEST(test_alert_json_bare)
{
	static char	name[] = "r";
	struct rule	rule;

	memset(&rule, 0, sizeof(rule));
	rule.name = name;
	rule.version = -1;
	row.window_start = 1733310000.75;
	row.window_end = -0.5;
	/* Milliseconds round, and may carry into the next second. */
	ck_assert_str_eq(alert(&rule, 1733313599.9996),
	    "{\"alert_time\":\"2024-12-04T12:00:00.000Z\",\"rule\":\"r\","
	    "\"rule_id\":null,\"rule_version\":null,\"rule_file\":null,"
	    "\"mitre_attack_id\":[],"
	    "\"window_start\":\"2024-12-04T11:00:00Z\","
	    "\"window_end\":\"1969-12-31T23:59:59Z\","
	    "\"emit\":\"close\",\"late\":false,\"partial\":false,"
	    "\"truncated\":false,\"fields\":{}}");
	row.flags = ROW_PARTIAL;
	row.window_start = 1e300;
	ck_assert_str_eq(alert(&rule, -0.0021),
	    "{\"alert_time\":\"1969-12-31T23:59:59.998Z\",\"rule\":\"r\","
	    "\"rule_id\":null,\"rule_version\":null,\"rule_file\":null,"
	    "\"mitre_attack_id\":[],\"window_start\":null,"
	    "\"window_end\":\"1969-12-31T23:59:59Z\","
	    "\"emit\":\"close\",\"late\":false,\"partial\":true,"
	    "\"truncated\":false,\"fields\":{}}");
}
END_TEST

START_TEST(test_tz_parse)
{
	static const struct {
		const char	*s;
		int		 kind;
		long		 offset;
	} good[] = {
		{ "UTC", ROW_TZ_UTC, 0 },
		{ "Z", ROW_TZ_UTC, 0 },
		{ "GMT", ROW_TZ_UTC, 0 },
		{ "+02:00", ROW_TZ_FIXED, 7200 },
		{ "-0530", ROW_TZ_FIXED, -19800 },
		{ "+14:00", ROW_TZ_FIXED, 50400 },
		{ "-00:00", ROW_TZ_FIXED, 0 },
		{ "+0945", ROW_TZ_FIXED, 35100 },
	};
	static const char *const bad[] = { "", "../etc/passwd",
	    "/etc/passwd", "Europe/../Europe/Paris", "+15:00", "+02:60",
	    "+2:00", "+02:0", "+02-00", "02:00", "+020:0", "Europe",
	    "Europe/Nowhere", "zone.tab", "leapseconds", "Europe/Paris/",
	    "Europe\\Paris", "Europe/Paris\n", "Europe/Paris ", "utc" };
	struct row_tz	tz;
	struct stat	st;
	char		err[256], longname[80];
	size_t		i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(row_tz_parse(good[i].s, &tz, err,
		    sizeof(err)) == 0, "%s: %s", good[i].s, err);
		ck_assert_int_eq(tz.kind, good[i].kind);
		ck_assert_int_eq(tz.offset, good[i].offset);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(row_tz_parse(bad[i], &tz, err,
		    sizeof(err)) == -1, "%s accepted", bad[i]);
	/* 64 bytes do not fit struct row_tz's name: refused, not cut. */
	memset(longname, 'A', 64);
	longname[64] = '\0';
	ck_assert_int_eq(row_tz_parse(longname, &tz, err, sizeof(err)), -1);
	ck_assert_int_eq(row_tz_parse("+15:00", &tz, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "timezone \"+15:00\": not UTC, an offset like "
	    "+02:00, or a zone in /usr/share/zoneinfo");
	if (stat(PARIS, &st) == 0) {
		ck_assert_int_eq(row_tz_parse("Europe/Paris", &tz, err,
		    sizeof(err)), 0);
		ck_assert_int_eq(tz.kind, ROW_TZ_NAMED);
		/* Names with '-' and '+'; a zone file, not a rule. */
		ck_assert_int_eq(row_tz_parse("America/Port-au-Prince", &tz,
		    err, sizeof(err)), 0);
		ck_assert_str_eq(tz.name, "America/Port-au-Prince");
		ck_assert_int_eq(row_tz_parse("Etc/GMT+2", &tz, err,
		    sizeof(err)), 0);
		ck_assert_int_eq(tz.kind, ROW_TZ_NAMED);
		ck_assert_str_eq(convert1("0", "%H %Z", &tz), "t=22 -02");
	} else
		fprintf(stderr, "check_row: %s absent, named zone parse "
		    "cases skipped\n", PARIS);
}
END_TEST

static Suite *
row_suite(void)
{
	Suite	*s = suite_create("row");
	TCase	*tc = tcase_create("row");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ctime_utc);
	tcase_add_test(tc, test_ctime_not_numbers);
	tcase_add_test(tc, test_ctime_fixed);
	tcase_add_test(tc, test_ctime_named);
	tcase_add_test(tc, test_convert_as);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_rename);
	tcase_add_test(tc, test_search);
	tcase_add_test(tc, test_pipeline);
	tcase_add_test(tc, test_alert_json);
	tcase_add_test(tc, test_alert_json_bare);
	tcase_add_test(tc, test_tz_parse);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(row_suite());
}
