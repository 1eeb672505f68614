/*
 * check_engine.c - the engine with the shipped seed rule (conf/rules) and
 * macros (conf/macros), on records built by hand, against the alerts
 * computed by hand from Splunk's semantics (docs/SPL_SEMANTICS.md): which
 * records match, how they group, counts, first and last times, sorted
 * value lists, ctime text, table order; then rules without stats, a post-
 * stats search that drops rows, and a failing time zone.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "engine.h"
#include "field.h"
#include "record.h"
#include "row.h"
#include "row_cmd.h"
#include "rule.h"
#include "testutil.h"

#define T0	1767225600.0	/* 2026-01-01T00:00:00Z */
#define SEED	NVMWATCH_CONF_DIR "/rules/" \
		"cisco_nvm___non_network_binary_making_network_connection.yml"

static struct field_dict	*dict;
static struct macro_set		*macros;
static struct engine		*eng;
static struct buf		 out;
static struct record		*rec;

static void	setup(void);
static void	teardown(void);
static void	capture(void *, const struct rule *, const struct row *,
		    double);
static const char *take(void);
static void	load(const char *path);
static void	flow(double t, ...);

static void
setup(void)
{
	struct rule_error	err;
	char			dir[512];

	memset(&err, 0, sizeof(err));
	memset(&out, 0, sizeof(out));
	ck_assert_ptr_nonnull(dict = field_dict_new());
	ck_assert_ptr_nonnull(macros = macro_set_new());
	snprintf(dir, sizeof(dir), "%s/macros", NVMWATCH_CONF_DIR);
	ck_assert_msg(macro_set_load_dir(macros, dir, &err) == 2,
	    "%s:%d: %s", err.file, err.line, err.msg);
	ck_assert_ptr_nonnull(eng = engine_new(capture, NULL));
	ck_assert_ptr_nonnull(rec = record_new(dict, 0));
}

static void
teardown(void)
{
	record_free(rec);
	engine_free(eng);
	macro_set_free(macros);
	field_dict_free(dict);
	buf_free(&out);
}

static void
capture(void *arg, const struct rule *rule, const struct row *row,
    double now)
{
	(void)arg;
	alert_json(rule, row, now, &out);
	buf_putc(&out, '\n');
}

/* What was emitted since the last call. */
static const char *
take(void)
{
	static char	*last;

	free(last);
	last = strndup(out.data ? out.data : "", out.len);
	buf_reset(&out);
	return last;
}

static void
load(const char *path)
{
	struct rule_error	 err;
	struct rule		*r;

	memset(&err, 0, sizeof(err));
	r = rule_load(path, dict, macros, NULL, &err);
	ck_assert_msg(r != NULL, "%s:%d:%d: %s", err.file, err.line,
	    err.column, err.msg);
	ck_assert_int_eq(engine_add_rule(eng, r), 0);
}

/*
 * A flow at time t (flow start in milliseconds) with the given collector
 * key/value pairs, NULL-terminated; a value starting with '[' is a list
 * of values separated by '|'. The record is run through the engine with
 * now = t.
 */
static void
flow(double t, ...)
{
	const char	*k, *v, *p, *e;
	va_list		 ap;
	int		 f;
	char		 ms[32];

	record_clear(rec);
	snprintf(ms, sizeof(ms), "%.0f", t * 1000);
	ck_assert_int_eq(record_set_text(rec, F_FLOW_START_MS, ms, strlen(ms),
	    ORIGIN_WIRE), 0);
	va_start(ap, t);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		f = field_dict_lookup(dict, k, strlen(k));
		ck_assert_msg(f != FIELD_NONE, "no field %s", k);
		if (v[0] != '[') {
			ck_assert_int_eq(record_set_text(rec, f, v, strlen(v),
			    ORIGIN_WIRE), 0);
			continue;
		}
		for (p = v + 1; *p != '\0'; p = *e ? e + 1 : e) {
			e = p + strcspn(p, "|");
			ck_assert_int_eq(record_append_text(rec, f, p,
			    (size_t)(e - p), ORIGIN_WIRE), 0);
		}
	}
	va_end(ap);
	ck_assert_int_eq(record_finish(rec, t), 0);
	engine_record(eng, rec, t);
}

/* The ten by-fields and the values() fields of a notepad.exe flow. */
#define NOTEPAD(dest, dp, parg) \
	"pr", "6", "sa", "10.1.1.5", "da", dest, "sp", "50000", "dp", dp, \
	"pn", "notepad.exe", "pid", "4242", "ppath", \
	"C:\\Windows\\System32\\notepad.exe", "pppath", \
	"C:\\Windows\\explorer.exe", "pil", "8192", "ppil", "8192", \
	"parg", parg, "pparg", "C:\\Windows\\explorer.exe", "ph", "AA11", \
	"pph", "BB22", "dh", "evil.example"

#define META	"\"rule\":\"Cisco NVM - Non-Network Binary Making Network " \
		"Connection\",\"rule_id\":\"c6db35af-8a0e-4b61-88ed-738e66f15715\"," \
		"\"rule_version\":null,\"rule_file\":\"cisco_nvm___non_network_" \
		"binary_making_network_connection\",\"mitre_attack_id\":[\"T1055\"," \
		"\"T1036\"]"

START_TEST(test_seed_rows)
{
	load(SEED);
	/* Group 1: two flows of the same notepad.exe, the second earlier. */
	flow(T0 + 100.25, NOTEPAD("8.8.8.8", "443", "notepad.exe a.txt"),
	    "mnl", "[ntdll.dll|kernel32.dll", NULL);
	flow(T0 + 50.75, NOTEPAD("8.8.8.8", "80", "notepad.exe"),
	    "mnl", "[Kernel32.dll|ntdll.dll", "aliul", "[CORP\\bob", NULL);
	/* Group 2: CALC.EXE matches calc.exe; IPv6 outside every range. */
	flow(T0 + 200, "pr", "17", "sa", "fd00::5", "da", "2001:db8::1",
	    "dp", "53", "pn", "CALC.EXE", "pid", "77", "ppath",
	    "C:\\calc.exe", "pppath", "C:\\cmd.exe", "pil", "4096", "ppil",
	    "12288", NULL);
	/* Excluded: private, loopback, ::1 (a string), the wrong process. */
	flow(T0 + 300, NOTEPAD("10.9.9.9", "443", "x"), NULL);
	flow(T0 + 301, NOTEPAD("127.0.0.1", "443", "x"), NULL);
	flow(T0 + 302, NOTEPAD("::1", "443", "x"), NULL);
	flow(T0 + 303, "pr", "6", "sa", "10.1.1.5", "da", "8.8.8.8",
	    "pn", "notepad.exe.bak", "pid", "1", "ppath", "a", "pppath", "b",
	    "pil", "1", "ppil", "1", NULL);
	/* Matches, but lacks a by-field (no parent integrity level). */
	flow(T0 + 304, "pr", "6", "sa", "10.1.1.5", "da", "8.8.4.4",
	    "pn", "notepad.exe", "pid", "4242", "ppath", "a", "pppath", "b",
	    "pil", "8192", NULL);
	ck_assert_str_eq(take(), "");
	/* 00:59:59 + lateness 10m does not close the window... */
	flow(T0 + 3599 + 600, "pr", "6", "sa", "10.0.0.1", "da", "10.0.0.2",
	    "pn", "svchost.exe", NULL);
	ck_assert_str_eq(take(), "");
	/* ...a flow at 01:10:00 does: both rows, sorted by src first. */
	flow(T0 + 3600 + 600, "pr", "6", "sa", "10.0.0.1", "da", "10.0.0.2",
	    "pn", "svchost.exe", NULL);
	ck_assert_str_eq(take(),
	    "{\"alert_time\":\"2026-01-01T01:10:00.000Z\"," META ","
	    "\"window_start\":\"2026-01-01T00:00:00Z\","
	    "\"window_end\":\"2026-01-01T01:00:00Z\",\"emit\":\"close\","
	    "\"late\":false,\"partial\":false,\"truncated\":false,"
	    "\"fields\":{"
	    "\"parent_process_integrity_level\":\"8192\","
	    "\"parent_process_path\":\"C:\\\\Windows\\\\explorer.exe\","
	    "\"parent_process_arguments\":[\"C:\\\\Windows\\\\explorer.exe\"],"
	    "\"parent_process_hash\":[\"BB22\"],"
	    "\"process_integrity_level\":\"8192\","
	    "\"process_path\":\"C:\\\\Windows\\\\System32\\\\notepad.exe\","
	    "\"process_name\":\"notepad.exe\","
	    "\"process_arguments\":[\"notepad.exe\",\"notepad.exe a.txt\"],"
	    "\"process_hash\":[\"AA11\"],"
	    "\"process_id\":\"4242\","
	    "\"additional_logged_in_users_list\":[\"CORP\\\\bob\"],"
	    "\"module_name_list\":[\"Kernel32.dll\",\"kernel32.dll\","
	    "\"ntdll.dll\"],"
	    "\"module_hash_list\":null,"
	    "\"src\":\"10.1.1.5\","
	    "\"dest_hostname\":[\"evil.example\"],"
	    "\"dest\":\"8.8.8.8\","
	    "\"dest_port\":[\"443\",\"80\"],"
	    "\"transport\":\"tcp\","
	    "\"firstTime\":\"2026-01-01T00:00:50\","
	    "\"lastTime\":\"2026-01-01T00:01:40\"}}\n"
	    "{\"alert_time\":\"2026-01-01T01:10:00.000Z\"," META ","
	    "\"window_start\":\"2026-01-01T00:00:00Z\","
	    "\"window_end\":\"2026-01-01T01:00:00Z\",\"emit\":\"close\","
	    "\"late\":false,\"partial\":false,\"truncated\":false,"
	    "\"fields\":{"
	    "\"parent_process_integrity_level\":\"12288\","
	    "\"parent_process_path\":\"C:\\\\cmd.exe\","
	    "\"parent_process_arguments\":null,"
	    "\"parent_process_hash\":null,"
	    "\"process_integrity_level\":\"4096\","
	    "\"process_path\":\"C:\\\\calc.exe\","
	    "\"process_name\":\"CALC.EXE\","
	    "\"process_arguments\":null,"
	    "\"process_hash\":null,"
	    "\"process_id\":\"77\","
	    "\"additional_logged_in_users_list\":null,"
	    "\"module_name_list\":null,"
	    "\"module_hash_list\":null,"
	    "\"src\":\"fd00::5\","
	    "\"dest_hostname\":null,"
	    "\"dest\":\"2001:db8::1\","
	    "\"dest_port\":[\"53\"],"
	    "\"transport\":\"udp\","
	    "\"firstTime\":\"2026-01-01T00:03:20\","
	    "\"lastTime\":\"2026-01-01T00:03:20\"}}\n");
	/* A late record of that window: a late row at the next tick. */
	flow(T0 + 10, NOTEPAD("1.1.1.1", "8080", "late"), NULL);
	ck_assert_str_eq(take(), "");
	engine_tick(eng, T0 + 4300);
	ck_assert_ptr_nonnull(strstr(take(), "\"late\":true"));
}
END_TEST

/* Record counters: what matched, what grouped, what was dropped. */
START_TEST(test_seed_counters)
{
	struct engine_rule_stats	st;

	load(SEED);
	flow(T0 + 1, NOTEPAD("8.8.8.8", "443", "a"), NULL);
	flow(T0 + 2, NOTEPAD("8.8.8.8", "443", "a"), NULL);
	flow(T0 + 3, "pr", "6", "sa", "10.1.1.5", "da", "8.8.4.4",
	    "pn", "notepad.exe", NULL);
	flow(T0 + 4, NOTEPAD("192.168.1.1", "443", "a"), NULL);
	engine_flush(eng, T0 + 5);
	engine_rule_stats(eng, 0, &st);
	ck_assert_uint_eq(st.matched, 3);
	ck_assert_uint_eq(st.window.missing_by, 1);
	ck_assert_uint_eq(st.window.groups, 1);
	ck_assert_uint_eq(st.alerts, 1);
	ck_assert_uint_eq(st.window.rows_partial, 1);
	ck_assert_ptr_nonnull(strstr(take(), "\"partial\":true"));
	ck_assert_uint_eq(engine_nrules(eng), 1);
	ck_assert_str_eq(engine_rule(eng, 0)->short_name,
	    "cisco_nvm___non_network_binary_making_network_connection");
}
END_TEST

/* A rule without stats alerts on every matching record, at once. */
START_TEST(test_no_stats)
{
	struct rule_error	 err;
	struct rule		*r;
	static const char	 text[] =
	    "name: every notepad\n"
	    "search: process_name=notepad.exe | table process_name dest\n";

	memset(&err, 0, sizeof(err));
	r = rule_load_string(text, sizeof(text) - 1, "nostats.yml", dict,
	    macros, NULL, &err);
	ck_assert_msg(r != NULL, "%d:%d: %s", err.line, err.column, err.msg);
	ck_assert_int_eq(engine_add_rule(eng, r), 0);
	flow(T0, NOTEPAD("8.8.8.8", "443", "a"), NULL);
	ck_assert_str_eq(take(), "{\"alert_time\":\"2026-01-01T00:00:00.000Z\","
	    "\"rule\":\"every notepad\",\"rule_id\":null,\"rule_version\":null,"
	    "\"rule_file\":\"nostats\",\"mitre_attack_id\":[],"
	    "\"window_start\":\"2026-01-01T00:00:00Z\","
	    "\"window_end\":\"2026-01-01T00:00:00Z\",\"emit\":\"close\","
	    "\"late\":false,\"partial\":false,\"truncated\":false,"
	    "\"fields\":{\"process_name\":\"notepad.exe\","
	    "\"dest\":\"8.8.8.8\"}}\n");
	ck_assert_uint_eq(engine_next_deadline(eng) == 0, 1);
}
END_TEST

/* A search after stats drops rows; they are counted as filtered. */
START_TEST(test_filtered)
{
	struct engine_rule_stats	 st;
	struct rule_error		 err;
	struct rule			*r;
	static const char		 text[] =
	    "name: two or more\n"
	    "search: pn=notepad.exe | stats count by src | search count=2\n";

	memset(&err, 0, sizeof(err));
	r = rule_load_string(text, sizeof(text) - 1, "f.yml", dict, macros,
	    NULL, &err);
	ck_assert_msg(r != NULL, "%d:%d: %s", err.line, err.column, err.msg);
	ck_assert_int_eq(engine_add_rule(eng, r), 0);
	flow(T0 + 1, NOTEPAD("8.8.8.8", "443", "a"), NULL);
	flow(T0 + 2, NOTEPAD("8.8.8.8", "443", "a"), NULL);
	flow(T0 + 3, "pr", "6", "sa", "10.7.7.7", "da", "8.8.8.8",
	    "pn", "notepad.exe", NULL);
	ck_assert_double_eq(engine_next_deadline(eng), T0 + 3600 + 600);
	engine_tick(eng, T0 + 4200);
	ck_assert_str_eq(take(), "{\"alert_time\":\"2026-01-01T01:10:00.000Z\","
	    "\"rule\":\"two or more\",\"rule_id\":null,\"rule_version\":null,"
	    "\"rule_file\":\"f\",\"mitre_attack_id\":[],"
	    "\"window_start\":\"2026-01-01T00:00:00Z\","
	    "\"window_end\":\"2026-01-01T01:00:00Z\",\"emit\":\"close\","
	    "\"late\":false,\"partial\":false,\"truncated\":false,"
	    "\"fields\":{\"src\":\"10.1.1.5\",\"count\":2}}\n");
	engine_rule_stats(eng, 0, &st);
	ck_assert_uint_eq(st.alerts, 1);
	ck_assert_uint_eq(st.filtered, 1);
}
END_TEST

static struct rule *
rule_text(const char *text, const char *file)
{
	struct rule_error	 err;
	struct rule		*r;

	memset(&err, 0, sizeof(err));
	r = rule_load_string(text, strlen(text), file, dict, macros, NULL,
	    &err);
	ck_assert_msg(r != NULL, "%d:%d: %s", err.line, err.column, err.msg);
	return r;
}

/*
 * A reload: the unchanged rule keeps its open group and counters, and its
 * alert counts the records from before and after; the changed rule's old
 * group stays with the old engine (flushed there), the new copy starts
 * empty; a removed rule stays behind too.
 */
START_TEST(test_adopt)
{
	static const char	 same[] = "name: same\n"
	    "search: pn=notepad.exe | stats count by src\n";
	static const char	 v1[] = "name: changes\n"
	    "search: pn=notepad.exe | stats count by dest\n";
	static const char	 v2[] = "name: changes\n"
	    "search: pn=notepad.exe | stats dc(src) as n by dest\n";
	static const char	 gone[] = "name: gone\n"
	    "search: pn=notepad.exe | stats count\n";
	struct engine_rule_stats st;
	struct engine		*old;

	ck_assert_int_eq(engine_add_rule(eng, rule_text(same, "s.yml")), 0);
	ck_assert_int_eq(engine_add_rule(eng, rule_text(v1, "c.yml")), 0);
	ck_assert_int_eq(engine_add_rule(eng, rule_text(gone, "g.yml")), 0);
	flow(T0 + 1, NOTEPAD("8.8.8.8", "443", "a"), NULL);
	flow(T0 + 2, NOTEPAD("8.8.8.8", "443", "a"), NULL);
	ck_assert_str_eq(take(), "");

	old = eng;
	ck_assert_ptr_nonnull(eng = engine_new(capture, NULL));
	ck_assert_int_eq(engine_add_rule(eng, rule_text(v2, "c.yml")), 0);
	ck_assert_int_eq(engine_add_rule(eng, rule_text(same, "new/s.yml")),
	    0);
	ck_assert_uint_eq(engine_adopt(eng, old), 1);
	ck_assert_str_eq(engine_rule(eng, 1)->short_name, "s");
	/* Kept by file name and identity; it has the new path. */
	ck_assert_str_eq(engine_rule(eng, 1)->path, "new/s.yml");
	engine_rule_stats(eng, 1, &st);
	ck_assert_uint_eq(st.matched, 2);
	ck_assert_uint_eq(st.window.groups_live, 1);
	engine_rule_stats(eng, 0, &st);
	ck_assert_uint_eq(st.matched, 0);

	/* What stays behind: changed and removed, with their groups. */
	ck_assert_uint_eq(engine_nrules(old), 3);
	engine_flush(old, T0 + 3);
	ck_assert_str_eq(take(),
	    "{\"alert_time\":\"2026-01-01T00:00:03.000Z\",\"rule\":\"changes\","
	    "\"rule_id\":null,\"rule_version\":null,\"rule_file\":\"c\","
	    "\"mitre_attack_id\":[],\"window_start\":\"2026-01-01T00:00:00Z\","
	    "\"window_end\":\"2026-01-01T01:00:00Z\",\"emit\":\"close\","
	    "\"late\":false,\"partial\":true,\"truncated\":false,"
	    "\"fields\":{\"dest\":\"8.8.8.8\",\"count\":2}}\n"
	    "{\"alert_time\":\"2026-01-01T00:00:03.000Z\",\"rule\":\"gone\","
	    "\"rule_id\":null,\"rule_version\":null,\"rule_file\":\"g\","
	    "\"mitre_attack_id\":[],\"window_start\":\"2026-01-01T00:00:00Z\","
	    "\"window_end\":\"2026-01-01T01:00:00Z\",\"emit\":\"close\","
	    "\"late\":false,\"partial\":true,\"truncated\":false,"
	    "\"fields\":{\"count\":2}}\n");
	engine_free(old);

	flow(T0 + 4, NOTEPAD("8.8.8.8", "443", "a"), NULL);
	engine_tick(eng, T0 + 4200);
	ck_assert_str_eq(take(),
	    "{\"alert_time\":\"2026-01-01T01:10:00.000Z\",\"rule\":\"changes\","
	    "\"rule_id\":null,\"rule_version\":null,\"rule_file\":\"c\","
	    "\"mitre_attack_id\":[],\"window_start\":\"2026-01-01T00:00:00Z\","
	    "\"window_end\":\"2026-01-01T01:00:00Z\",\"emit\":\"close\","
	    "\"late\":false,\"partial\":false,\"truncated\":false,"
	    "\"fields\":{\"dest\":\"8.8.8.8\",\"n\":1}}\n"
	    "{\"alert_time\":\"2026-01-01T01:10:00.000Z\",\"rule\":\"same\","
	    "\"rule_id\":null,\"rule_version\":null,\"rule_file\":\"s\","
	    "\"mitre_attack_id\":[],\"window_start\":\"2026-01-01T00:00:00Z\","
	    "\"window_end\":\"2026-01-01T01:00:00Z\",\"emit\":\"close\","
	    "\"late\":false,\"partial\":false,\"truncated\":false,"
	    "\"fields\":{\"src\":\"10.1.1.5\",\"count\":3}}\n");
}
END_TEST

static Suite *
engine_suite(void)
{
	Suite	*s = suite_create("engine");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_seed_rows);
	tcase_add_test(tc, test_seed_counters);
	tcase_add_test(tc, test_no_stats);
	tcase_add_test(tc, test_filtered);
	tcase_add_test(tc, test_adopt);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(engine_suite());
}
