/*
 * check_rule.c - detection and macro files: the shipped rules and macros,
 * every error with its exact place and message, search errors mapped back
 * into the file for each YAML scalar style, stream settings, macro sets and
 * rules directories.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "field.h"
#include "hash.h"
#include "rule.h"
#include "spl.h"
#include "testutil.h"

#define SEED_FILE	NVMWATCH_CONF_DIR \
	"/rules/cisco_nvm___non_network_binary_making_network_connection.yml"

static struct field_dict	*dict;
static struct macro_set		*macros;

static void		 setup(void);
static void		 teardown(void);
static char		*replace(const char *, const char *, const char *);
static struct rule	*load(const char *, struct rule_error *);
static struct rule	*load_ok(const char *);
static void		 load_fail(const char *, int, int, const char *);
static void		 points_at(const char *, const struct rule_error *,
			    const char *);
static void		 assert_defaults(const struct rule_stream *);
static void		 write_file(const char *, const char *, const char *);

static void
setup(void)
{
	struct rule_error	err;

	ck_assert_ptr_nonnull(dict = field_dict_new());
	ck_assert_ptr_nonnull(macros = macro_set_new());
	ck_assert_msg(macro_set_load_dir(macros, NVMWATCH_CONF_DIR "/macros",
	    &err) == 2, "%s:%d:%d: %s", err.file, err.line, err.column,
	    err.msg);
}

static void
teardown(void)
{
	macro_set_free(macros);
	field_dict_free(dict);
}

/* s with the first from replaced by to; the caller frees. */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char	*at = strstr(s, from);
	char		*out;

	ck_assert_msg(at != NULL, "no \"%s\"", from);
	ck_assert_int_ne(asprintf(&out, "%.*s%s%s", (int)(at - s), s, to,
	    at + strlen(from)), -1);
	return out;
}

static struct rule *
load(const char *text, struct rule_error *err)
{
	return rule_load_string(text, strlen(text), "t.yml", dict, macros,
	    NULL, err);
}

static struct rule *
load_ok(const char *text)
{
	struct rule_error	 err;
	struct rule		*r;

	r = load(text, &err);
	ck_assert_msg(r != NULL, "%s:%d:%d: %s\n%s", err.file, err.line,
	    err.column, err.msg, text);
	return r;
}

static void
load_fail(const char *text, int line, int column, const char *msg)
{
	struct rule_error	 err;
	struct rule		*r;

	r = load(text, &err);
	ck_assert_msg(r == NULL, "loaded: %s", text);
	ck_assert_str_eq(err.file, "t.yml");
	ck_assert_msg(err.line == line && err.column == column &&
	    strcmp(err.msg, msg) == 0, "%s\ngot  %d:%d: %s\nwant %d:%d: %s",
	    text, err.line, err.column, err.msg, line, column, msg);
}

/* err's line and column in text are where word starts. */
static void
points_at(const char *text, const struct rule_error *err, const char *word)
{
	const char	*p = text;
	int		 line;

	for (line = 1; line < err->line && p != NULL; line++)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	ck_assert_ptr_nonnull(p);
	ck_assert_int_ge(err->column, 1);
	ck_assert_msg(strncmp(p + err->column - 1, word, strlen(word)) == 0,
	    "%d:%d: %s: at \"%.20s\", not \"%s\"", err->line, err->column,
	    err->msg, p + err->column - 1, word);
}

static void
assert_defaults(const struct rule_stream *st)
{
	struct window_limits	def;

	window_limits_default(&def);
	ck_assert(st->limits.window == 3600 && def.window == 3600);
	ck_assert(st->limits.lateness == 600 && def.lateness == 600);
	ck_assert_int_eq(st->limits.emit, WINDOW_EMIT_CLOSE);
	ck_assert_uint_eq(st->limits.max_groups, def.max_groups);
	ck_assert_uint_eq(st->limits.max_values, def.max_values);
	ck_assert_uint_eq(st->limits.max_value_bytes, def.max_value_bytes);
	ck_assert_uint_eq(st->limits.max_split, def.max_split);
	ck_assert_uint_eq(st->limits.max_groups, 100000);
	ck_assert_uint_eq(st->limits.max_values, 1000);
	ck_assert_uint_eq(st->limits.max_value_bytes, 4096);
	ck_assert_uint_eq(st->limits.max_split, 1024);
	ck_assert_str_eq(st->timezone, "UTC");
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char	 path[1024];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* The shipped rules and macros load, and the seed is the seed. */
START_TEST(test_shipped)
{
	struct rule_error	 err;
	struct rule		*r;
	char			**paths, *text, *seed;
	size_t			 len, slen;
	int			 n;

	ck_assert_uint_eq(macro_set_count(macros), 2);
	n = rule_paths(NVMWATCH_CONF_DIR "/rules", &paths, &err);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(paths[0], SEED_FILE);
	r = rule_load(paths[0], dict, macros, NULL, &err);
	ck_assert_msg(r != NULL, "%s:%d:%d: %s", err.file, err.line,
	    err.column, err.msg);
	ck_assert_str_eq(r->path, SEED_FILE);
	ck_assert_str_eq(r->name,
	    "Cisco NVM - Non-Network Binary Making Network Connection");
	ck_assert_str_eq(r->short_name,
	    "cisco_nvm___non_network_binary_making_network_connection");
	ck_assert_str_eq(r->id, "c6db35af-8a0e-4b61-88ed-738e66f15715");
	ck_assert_str_eq(r->type, "Anomaly");
	ck_assert_int_eq(r->version, -1);
	ck_assert_uint_eq(r->nmitre, 2);
	ck_assert_str_eq(r->mitre[0], "T1055");
	ck_assert_str_eq(r->mitre[1], "T1036");
	ck_assert_ptr_nonnull(strstr(r->description, "process hollowing"));
	ck_assert_ptr_nonnull(r->compiled);
	ck_assert_ptr_nonnull(spl_search_stats(r->compiled));
	ck_assert_uint_eq(spl_search_stats(r->compiled)->nby, 9);
	assert_defaults(&r->stream);
	text = test_read_file(SEED_FILE, &len);
	ck_assert_uint_gt(r->identlen, len);
	ck_assert_int_eq(memcmp(r->ident, text, len), 0);
	ck_assert_int_eq(r->ident[len], '\0');
	/* The search is the seed's text, byte for byte (the file adds \n). */
	seed = (char *)test_read_data("seed_search.spl", &slen);
	ck_assert_uint_eq(strlen(r->search) + 1, slen);
	ck_assert_int_eq(memcmp(r->search, seed, slen - 1), 0);
	free(seed);
	free(text);
	rule_free(r);
	rule_paths_free(paths, n);
}
END_TEST

START_TEST(test_minimal)
{
	struct rule	*r;

	r = load_ok("name: x\nsearch: process_name=calc.exe\n");
	ck_assert_str_eq(r->name, "x");
	ck_assert_str_eq(r->short_name, "t");
	ck_assert_str_eq(r->path, "t.yml");
	ck_assert_ptr_null(r->id);
	ck_assert_ptr_null(r->type);
	ck_assert_ptr_null(r->description);
	ck_assert_int_eq(r->version, -1);
	ck_assert_uint_eq(r->nmitre, 0);
	ck_assert_ptr_null(r->mitre);
	ck_assert_ptr_null(spl_search_stats(r->compiled));
	assert_defaults(&r->stream);
	rule_free(r);
	rule_free(NULL);
}
END_TEST

/* Keys the format has and nvmwatch does not read, whatever their shape. */
START_TEST(test_unknown_keys)
{
	struct rule	*r;

	r = load_ok("name: x\nid: 1\nversion: 3\n"
	    "drilldown_searches:\n  - name: a\n    search: '| from x'\n"
	    "tests: [{a: 1}, b]\nreferences:\n  - http://a\n"
	    "how_to_implement: |\n  text\nasset_type: ~\nrba: {a: {b: c}}\n"
	    "status: production\nauthor: Someone, Splunk\n"
	    "search: process_name=calc.exe\n");
	ck_assert_str_eq(r->id, "1");
	ck_assert_int_eq(r->version, 3);
	rule_free(r);
	/* Empty optional keys count as absent. */
	r = load_ok("name: x\nid:\ntype: ~\nversion:\nmitre_attack_id:\n"
	    "nvmwatch:\ntags:\nsearch: a=1\n");
	ck_assert_ptr_null(r->id);
	ck_assert_int_eq(r->version, -1);
	rule_free(r);
}
END_TEST

START_TEST(test_tags_mitre)
{
	struct rule	*r;

	r = load_ok("name: x\nsearch: a=1\ntags:\n  analytic_story: [s]\n"
	    "  mitre_attack_id:\n  - T1059.001\n  - T1105\n  product: [p]\n");
	ck_assert_uint_eq(r->nmitre, 2);
	ck_assert_str_eq(r->mitre[0], "T1059.001");
	ck_assert_str_eq(r->mitre[1], "T1105");
	rule_free(r);
	/* The top level wins over tags:. */
	r = load_ok("name: x\nsearch: a=1\nmitre_attack_id: [T1]\n"
	    "tags: {mitre_attack_id: [T2, T3]}\n");
	ck_assert_uint_eq(r->nmitre, 1);
	ck_assert_str_eq(r->mitre[0], "T1");
	rule_free(r);
	r = load_ok("name: x\nsearch: a=1\nmitre_attack_id: []\n");
	ck_assert_uint_eq(r->nmitre, 0);
	rule_free(r);
}
END_TEST

START_TEST(test_settings)
{
	struct rule	*r;

	r = load_ok("name: x\nsearch: a=1 | stats count by src\nnvmwatch:\n"
	    "  window: 5m\n  lateness: 0\n  emit: both\n"
	    "  timezone: \"+02:00\"\n  max_groups: 10\n  max_values: 20\n"
	    "  max_value_bytes: 1k\n  max_split: 30\n");
	ck_assert(r->stream.limits.window == 300);
	ck_assert(r->stream.limits.lateness == 0);
	ck_assert_int_eq(r->stream.limits.emit, WINDOW_EMIT_BOTH);
	ck_assert_str_eq(r->stream.timezone, "+02:00");
	ck_assert_uint_eq(r->stream.limits.max_groups, 10);
	ck_assert_uint_eq(r->stream.limits.max_values, 20);
	ck_assert_uint_eq(r->stream.limits.max_value_bytes, 1024);
	ck_assert_uint_eq(r->stream.limits.max_split, 30);
	rule_free(r);
	r = load_ok("name: x\nsearch: a=1\nnvmwatch: {window: 1.5h, "
	    "lateness: 90, emit: first, max_value_bytes: 1M}\n");
	ck_assert(r->stream.limits.window == 5400);
	ck_assert(r->stream.limits.lateness == 90);
	ck_assert_int_eq(r->stream.limits.emit, WINDOW_EMIT_FIRST);
	ck_assert_uint_eq(r->stream.limits.max_value_bytes, 1024 * 1024);
	ck_assert_uint_eq(r->stream.limits.max_groups, 100000);
	rule_free(r);
	r = load_ok("name: x\nsearch: a=1\nnvmwatch:\n  window: 1.25s\n"
	    "  lateness: 2d\n  emit: close\n  max_bytes: 1G\n"
	    "  max_future: 0\n");
	ck_assert(r->stream.limits.window == 1.25);
	ck_assert_uint_eq(r->stream.limits.max_bytes, 1024ULL * 1024 * 1024);
	ck_assert(r->stream.limits.max_future == 0);
	ck_assert(r->stream.limits.lateness == 2 * 86400);
	rule_free(r);
	r = load_ok("name: x\nsearch: a=1\nnvmwatch:\n  sinks: [siem.tcp, "
	    "alerts-file, A_1]\n");
	ck_assert_uint_eq(r->stream.nsinks, 3);
	ck_assert_str_eq(r->stream.sinks[0], "siem.tcp");
	ck_assert_str_eq(r->stream.sinks[1], "alerts-file");
	ck_assert_str_eq(r->stream.sinks[2], "A_1");
	rule_free(r);
	r = load_ok("name: x\nsearch: a=1\nnvmwatch: {window: 5m}\n");
	ck_assert_ptr_null(r->stream.sinks);
	ck_assert_uint_eq(r->stream.nsinks, 0);
	rule_free(r);
	if (access("/usr/share/zoneinfo/Europe/Paris", R_OK) == 0) {
		r = load_ok("name: x\nsearch: a=1\nnvmwatch:\n"
		    "  timezone: Europe/Paris\n");
		ck_assert_str_eq(r->stream.timezone, "Europe/Paris");
		rule_free(r);
	}
}
END_TEST

/* The caller's defaults, then the file's block over them. */
START_TEST(test_caller_defaults)
{
	struct rule_stream	 def, copy;
	struct rule_error	 err;
	struct rule		*r;
	const char		*text;

	ck_assert_int_eq(rule_stream_default(&def), 0);
	assert_defaults(&def);
	ck_assert_ptr_null(def.sinks);
	ck_assert_uint_eq(def.nsinks, 0);
	def.limits.window = 60;
	def.limits.max_groups = 7;
	free(def.timezone);
	ck_assert_ptr_nonnull(def.timezone = strdup("-05:00"));
	text = "name: x\nsearch: a=1\nnvmwatch:\n  max_groups: 8\n";
	r = rule_load_string(text, strlen(text), "d/x.yaml", dict, macros,
	    &def, &err);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->short_name, "x");
	ck_assert(r->stream.limits.window == 60);
	ck_assert_uint_eq(r->stream.limits.max_groups, 8);
	ck_assert_str_eq(r->stream.timezone, "-05:00");
	ck_assert_ptr_ne(r->stream.timezone, def.timezone);
	rule_free(r);
	ck_assert_int_eq(rule_stream_copy(&copy, &def), 0);
	ck_assert_str_eq(copy.timezone, "-05:00");
	ck_assert_ptr_ne(copy.timezone, def.timezone);
	ck_assert_ptr_null(copy.sinks);
	rule_stream_free(&copy);
	ck_assert_ptr_null(copy.timezone);
	/* Sinks travel with the defaults; the file's list replaces them. */
	ck_assert_ptr_nonnull(def.sinks = calloc(2, sizeof(*def.sinks)));
	ck_assert_ptr_nonnull(def.sinks[0] = strdup("a"));
	ck_assert_ptr_nonnull(def.sinks[1] = strdup("b"));
	def.nsinks = 2;
	ck_assert_int_eq(rule_stream_copy(&copy, &def), 0);
	ck_assert_uint_eq(copy.nsinks, 2);
	ck_assert_str_eq(copy.sinks[1], "b");
	ck_assert_ptr_ne(copy.sinks[1], def.sinks[1]);
	rule_stream_free(&copy);
	ck_assert_ptr_null(copy.sinks);
	ck_assert_uint_eq(copy.nsinks, 0);
	text = "name: x\nsearch: a=1\nnvmwatch:\n  sinks: [c]\n";
	r = rule_load_string(text, strlen(text), "d/x.yaml", dict, macros,
	    &def, &err);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->stream.nsinks, 1);
	ck_assert_str_eq(r->stream.sinks[0], "c");
	ck_assert_uint_eq(def.nsinks, 2);
	rule_free(r);
	text = "name: x\nsearch: a=1\n";
	r = rule_load_string(text, strlen(text), "d/x.yaml", dict, macros,
	    &def, &err);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->stream.nsinks, 2);
	rule_free(r);
	rule_stream_free(&def);
}
END_TEST

/* A filter macro nobody defined is "search *"; with no macro set too. */
START_TEST(test_filter_default)
{
	static const char	 text[] =
	    "name: x\nsearch: a=1 | `x_filter`\n";
	struct rule_error	 err;
	struct rule		*r;

	r = load_ok(text);
	rule_free(r);
	r = rule_load_string(text, strlen(text), "t.yml", dict, NULL, NULL,
	    &err);
	ck_assert_ptr_nonnull(r);
	rule_free(r);
	load_fail("name: x\nsearch: a=1 | `x_filters`\n", 2, 15,
	    "search: unknown macro 'x_filters'");
}
END_TEST

/* A rule's identity: the file's bytes, the macros its search expanded,
 * its effective settings; what a reload compares. */
START_TEST(test_ident)
{
	static const char	 text[] = "name: x\nsearch: a=1 `m1`\n";
	static const char	 want[] = "name: x\nsearch: a=1 `m1`\n"
	    "\0macro m1 0 b=2"
	    "\0stream 3600 600 0 100000 1000 4096 1024 268435456 300 UTC";
	struct macro_set	*m2;
	struct rule_stream	 st;
	struct rule_error	 err;
	struct rule		*a, *b, *c, *d, *e;

	ck_assert_ptr_nonnull(m2 = macro_set_new());
	ck_assert_int_eq(macro_set_load_string(m2, "name: m1\n"
	    "definition: b=3\n", 25, "m1.yml", &err), 0);
	a = load_ok("name: x\nsearch: a=1\n");
	b = load_ok("name: x\nsearch: a=1\n");
	c = load_ok("name: x\nsearch: a=2\n");
	ck_assert_uint_eq(a->identlen, b->identlen);
	ck_assert_int_eq(memcmp(a->ident, b->ident, a->identlen), 0);
	ck_assert_int_ne(memcmp(a->ident, c->ident, a->identlen), 0);
	rule_free(a);
	rule_free(b);
	rule_free(c);
	/* The same file with another macro text or other defaults. */
	ck_assert_int_eq(macro_set_load_string(macros, "name: m1\n"
	    "definition: b=2\n", 25, "m1.yml", &err), 0);
	d = load_ok(text);
	ck_assert_uint_eq(d->identlen, sizeof(want) - 1);
	ck_assert_int_eq(memcmp(d->ident, want, sizeof(want) - 1), 0);
	e = rule_load_string(text, strlen(text), "t.yml", dict, m2, NULL,
	    &err);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_ne(memcmp(d->ident, e->ident, d->identlen), 0);
	rule_free(e);
	ck_assert_int_eq(rule_stream_default(&st), 0);
	st.limits.window = 1800;
	e = rule_load_string(text, strlen(text), "t.yml", dict, macros, &st,
	    &err);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_ne(memcmp(d->ident, e->ident, d->identlen), 0);
	rule_free(e);
	rule_stream_free(&st);
	rule_free(d);
	macro_set_free(m2);

	/* The same definition with its arguments in another order. */
	ck_assert_ptr_nonnull(m2 = macro_set_new());
	ck_assert_int_eq(macro_set_load_string(m2, "name: m3\n"
	    "arguments: [a, b]\ndefinition: x=$a$ y=$b$\n", 51, "m3.yml",
	    &err), 0);
	ck_assert_int_eq(macro_set_load_string(macros, "name: m3\n"
	    "arguments: [b, a]\ndefinition: x=$a$ y=$b$\n", 51, "m3.yml",
	    &err), 0);
	d = rule_load_string("name: x\nsearch: a=1 `m3(1,2)`\n", 30, "t.yml",
	    dict, macros, NULL, &err);
	e = rule_load_string("name: x\nsearch: a=1 `m3(1,2)`\n", 30, "t.yml",
	    dict, m2, NULL, &err);
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(d->identlen, e->identlen);
	ck_assert_int_ne(memcmp(d->ident, e->ident, d->identlen), 0);
	ck_assert_ptr_nonnull(memmem(d->ident, d->identlen,
	    "macro m3 2 b a x=$a$ y=$b$", 26));
	rule_free(d);
	rule_free(e);
	macro_set_free(m2);
}
END_TEST

struct error_case {
	const char	*text;
	int		 line, column;
	const char	*msg;
};

static const struct error_case errors[] = {
	/* Required keys and types. */
	{ "search: a=1\n", 1, 1, "missing key \"name\"" },
	{ "name: x\n", 1, 1, "missing key \"search\"" },
	{ "name:\nsearch: a=1\n", 1, 6,
	    "name: expected a string, not an empty value" },
	{ "name: [a]\nsearch: a=1\n", 1, 7,
	    "name: expected a string, not a sequence" },
	{ "name: \"\"\nsearch: a=1\n", 1, 7, "name: must not be empty" },
	{ "name: \"a\\tb\"\nsearch: a=1\n", 1, 7,
	    "name: contains a control character" },
	{ "name: x\nsearch: {a: 1}\n", 2, 9,
	    "search: expected a string, not a mapping" },
	{ "name: x\nsearch: \"a=\\0\"\n", 2, 9,
	    "search: contains a control character" },
	{ "name: x\nid: [1]\nsearch: a=1\n", 2, 5,
	    "id: expected a string, not a sequence" },
	{ "name: x\ndescription: {a: b}\nsearch: a=1\n", 2, 14,
	    "description: expected a string, not a mapping" },
	{ "name: x\ntype: [a]\nsearch: a=1\n", 2, 7,
	    "type: expected a string, not a sequence" },
	{ "name: x\nauthor: [a]\nsearch: a=1\n", 2, 9,
	    "author: expected a string, not a sequence" },
	{ "name: x\nversion: seven\nsearch: a=1\n", 2, 10,
	    "version: expected a whole number (0 or more), not \"seven\"" },
	{ "name: x\nversion: -1\nsearch: a=1\n", 2, 10,
	    "version: expected a whole number (0 or more), not \"-1\"" },
	{ "name: x\nversion: 1.5\nsearch: a=1\n", 2, 10,
	    "version: expected a whole number (0 or more), not \"1.5\"" },
	{ "name: x\nversion: 99999999999\nsearch: a=1\n", 2, 10,
	    "version: expected a whole number (0 or more), not "
	    "\"99999999999\"" },
	{ "name: x\nversion: [7]\nsearch: a=1\n", 2, 10,
	    "version: expected a whole number (0 or more), not a sequence" },
	/* MITRE ids. */
	{ "name: x\nsearch: a=1\nmitre_attack_id: T1055\n", 3, 18,
	    "mitre_attack_id: expected a sequence, not \"T1055\"" },
	{ "name: x\nsearch: a=1\nmitre_attack_id:\n  - T1\n  - [T2]\n", 5, 5,
	    "mitre_attack_id[1]: expected a string, not a sequence" },
	{ "name: x\nsearch: a=1\ntags: [a]\n", 3, 7,
	    "tags: expected a mapping, not a sequence" },
	{ "name: x\nsearch: a=1\ntags:\n  mitre_attack_id: {a: 1}\n", 4, 20,
	    "tags.mitre_attack_id: expected a sequence, not a mapping" },
	{ "name: x\nsearch: a=1\ntags:\n  mitre_attack_id: [T1]\n"
	    "  mitre_attack_id: [T2]\n", 5, 3,
	    "tags.mitre_attack_id: duplicate key (first at line 4)" },
	/* The nvmwatch: block. */
	{ "name: x\nsearch: a=1\nnvmwatch:\n  sinks: siem\n", 4, 10,
	    "nvmwatch.sinks: expected a sequence, not \"siem\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  sinks: []\n", 4, 10,
	    "nvmwatch.sinks: empty list (leave the key out to send to every "
	    "sink)" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  sinks: [a, [b]]\n", 4, 14,
	    "nvmwatch.sinks[1]: expected a string, not a sequence" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  sinks:\n    - a\n    - ~\n",
	    6, 7, "nvmwatch.sinks[1]: expected a string, not an empty value" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  sinks: [siem, \"a b\"]\n", 4,
	    17, "nvmwatch.sinks[1]: expected a sink name (letters, digits, _, "
	    ". and -, at most 64), not \"a b\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  sinks: [\"\"]\n", 4, 11,
	    "nvmwatch.sinks[0]: expected a sink name (letters, digits, _, . "
	    "and -, at most 64), not \"\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  sinks:\n    - siem\n"
	    "    - file\n    - siem\n", 7, 7,
	    "nvmwatch.sinks[2]: \"siem\" is listed twice" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  sinks: [a, b, c, d, e, f, g, h, "
	    "i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z, A, B, C, D, "
	    "E, F, G]\n", 4, 10, "nvmwatch.sinks: more than 32 entries" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  sinks: [a]\n  sinks: [b]\n", 5,
	    3, "nvmwatch.sinks: duplicate key (first at line 4)" },
	{ "name: x\nsearch: a=1\nnvmwatch: 5\n", 3, 11,
	    "nvmwatch: expected a mapping, not \"5\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  windwo: 1h\n", 4, 3,
	    "nvmwatch.windwo: unknown key (expected window, lateness, emit, "
	    "timezone, max_groups, max_values, max_value_bytes, max_split, "
	    "max_bytes, max_future, sinks)" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  window: 0\n", 4, 11,
	    "nvmwatch.window: \"0\" is out of range (1s or more, at most "
	    "30d)" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  window: 0.5s\n", 4, 11,
	    "nvmwatch.window: \"0.5s\" is out of range (1s or more, at most "
	    "30d)" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  window: 31d\n", 4, 11,
	    "nvmwatch.window: \"31d\" is out of range (1s or more, at most "
	    "30d)" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  lateness: 721h\n", 4, 13,
	    "nvmwatch.lateness: \"721h\" is out of range (0 or more, at most "
	    "30d)" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  window: 5x\n", 4, 11,
	    "nvmwatch.window: expected a duration (seconds, or a number with "
	    "s, m, h or d), not \"5x\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  window: 1h30m\n", 4, 11,
	    "nvmwatch.window: expected a duration (seconds, or a number with "
	    "s, m, h or d), not \"1h30m\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  window: .5h\n", 4, 11,
	    "nvmwatch.window: expected a duration (seconds, or a number with "
	    "s, m, h or d), not \".5h\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  window: 1.h\n", 4, 11,
	    "nvmwatch.window: expected a duration (seconds, or a number with "
	    "s, m, h or d), not \"1.h\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  lateness: -1\n", 4, 13,
	    "nvmwatch.lateness: expected a duration (seconds, or a number "
	    "with s, m, h or d), not \"-1\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  window:\n", 4, 10,
	    "nvmwatch.window: expected a duration (seconds, or a number with "
	    "s, m, h or d), not an empty value" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  emit: never\n", 4, 9,
	    "nvmwatch.emit: expected one of close, first, both, not "
	    "\"never\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  emit: [close]\n", 4, 9,
	    "nvmwatch.emit: expected one of close, first, both, not a "
	    "sequence" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  timezone: Mars/Olympus\n", 4,
	    13, "nvmwatch.timezone: timezone \"Mars/Olympus\": not UTC, an "
	    "offset like +02:00, or a zone in /usr/share/zoneinfo" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  timezone: \"+25:00\"\n", 4,
	    13, "nvmwatch.timezone: timezone \"+25:00\": not UTC, an "
	    "offset like +02:00, or a zone in /usr/share/zoneinfo" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  timezone: ../../etc/passwd\n",
	    4, 13, "nvmwatch.timezone: timezone \"../../etc/passwd\": not "
	    "UTC, an offset like +02:00, or a zone in /usr/share/zoneinfo" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  timezone: [UTC]\n", 4, 13,
	    "nvmwatch.timezone: expected a string, not a sequence" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  max_groups: 0\n", 4, 15,
	    "nvmwatch.max_groups: \"0\" is out of range 1..16777216" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  max_groups: 1k\n", 4, 15,
	    "nvmwatch.max_groups: expected a whole number, not \"1k\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  max_values: 99999999999999999"
	    "999\n", 4, 15, "nvmwatch.max_values: expected a whole number, "
	    "not \"99999999999999999999\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  max_value_bytes: 2M\n", 4, 20,
	    "nvmwatch.max_value_bytes: \"2M\" is out of range 1..1048576" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  max_value_bytes: 4G\n", 4, 20,
	    "nvmwatch.max_value_bytes: \"4G\" is out of range 1..1048576" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  max_value_bytes: 4T\n", 4, 20,
	    "nvmwatch.max_value_bytes: expected a size (bytes, or a number "
	    "with k, M or G), not \"4T\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  max_bytes: 65G\n", 4, 14,
	    "nvmwatch.max_bytes: \"65G\" is out of range 1..68719476736" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  max_future: -1\n", 4, 15,
	    "nvmwatch.max_future: expected a duration (seconds, or a number "
	    "with s, m, h or d), not \"-1\"" },
	{ "name: x\nsearch: a=1\nnvmwatch:\n  max_split: -3\n", 4, 14,
	    "nvmwatch.max_split: expected a whole number, not \"-3\"" },
	/* Duplicate keys, also of keys nvmwatch ignores. */
	{ "name: a\nname: b\nsearch: a=1\n", 2, 1,
	    "name: duplicate key (first at line 1)" },
	{ "name: a\nsearch: a=1\nreferences: []\nx: 1\nreferences: {}\n", 5,
	    1, "references: duplicate key (first at line 3)" },
	{ "name: a\nsearch: a=1\nb: 1\nc: 1\nc: 2\nb: 2\n", 5, 1,
	    "c: duplicate key (first at line 4)" },
	{ "name: a\nsearch: a=1\nnvmwatch:\n  window: 1h\n  emit: close\n"
	    "  window: 2h\n", 6, 3,
	    "nvmwatch.window: duplicate key (first at line 4)" },
	{ "name: a\nsearch: a=1\n? [k]\n: v\n", 3, 3,
	    "top level: a key must be a string" },
	/* The document. */
	{ "", 0, 0, "empty file (expected a mapping)" },
	{ "# nothing\n", 0, 0, "empty file (expected a mapping)" },
	{ "- a\n- b\n", 1, 1, "top level: expected a mapping, not a sequence" },
	{ "hello\n", 1, 1, "top level: expected a mapping, not \"hello\"" },
	{ "name: a\nsearch: a=1\n---\nname: b\n", 4, 1,
	    "only one YAML document is allowed" },
	{ "name: a\nsearch: |\n  a=1\n bad: 2\n", 4, 2, "syntax error: did "
	    "not find expected key (while parsing a block mapping)" },
	{ "name: a\nsearch: a: 1\n", 2, 10,
	    "syntax error: mapping values are not allowed in this context" },
	{ "name: a\nsearch: [a=1\n", 3, 1, "syntax error: did not find "
	    "expected ',' or ']' (while parsing a flow sequence)" },
	{ "name: a\nsearch: *x\n", 2, 9, "syntax error: found undefined "
	    "alias" },
	{ "name: \"\xff\"\nsearch: a=1\n", 1, 8,
	    "invalid input: invalid leading UTF-8 octet" },
	{ "name: x\nsearch: \"a=1\n", 3, 1, "syntax error: found unexpected "
	    "end of stream (while scanning a quoted scalar)" },
};

START_TEST(test_errors)
{
	load_fail(errors[_i].text, errors[_i].line, errors[_i].column,
	    errors[_i].msg);
}
END_TEST

/*
 * Search errors in every scalar style. want is the word the error must
 * point at in the file.
 */
struct place_case {
	const char	*text;
	const char	*want;
	int		 line, column;
	const char	*msg;
};

static const struct place_case places[] = {
	/* Literal blocks: keep, strip, clip, comments, blank lines. */
	{ "name: a\nsearch: |\n  process_name=x\n  | where x>1\n", "where",
	    4, 5, "search: unsupported command 'where'" },
	{ "name: a\nsearch: |- # a comment | >\n    a=1\n    | eval y=2\n",
	    "eval", 4, 7, "search: unsupported command 'eval'" },
	{ "name: a\nsearch: |+\n\n   a=1\n\n     b=2 | rex x\n\nid: 1\n", "rex",
	    6, 12, "search: unsupported command 'rex'" },
	{ "name: a\nsearch: !!str |\n  a=1 | lookup t f\n", "lookup", 3, 9,
	    "search: unsupported command 'lookup'" },
	{ "name: a\nsearch: |\n  a=\"\xc3\xa9\xc3\xa9\" | where x\n", "where",
	    3, 14, "search: unsupported command 'where'" },
	{ "name: a\r\nsearch: |\r\n  a=1\r\n  | where x\r\nid: 1\r\n",
	    "where", 4, 5, "search: unsupported command 'where'" },
	{ "name: a\rsearch: |\r  a=1\r\r  | where x\rid: 1\r", NULL, 5, 5,
	    "search: unsupported command 'where'" },
	/* LS breaks the line but stays in the text: the scalar's start. */
	{ "name: a\nsearch: |\n  a=1\xe2\x80\xa8  | where x\n", NULL, 2, 9,
	    "search: unsupported command 'where'" },
	{ "name: a\nsearch: |\n  a=\"\tx\"\t| where x\n", "where", 3, 12,
	    "search: unsupported command 'where'" },
	{ "name: a\nnvmwatch:\n  window: 1h\nsearch: |\n      a=1\n"
	    "        b=2\n      | regex x=y\nid: 2\n", "regex", 7, 9,
	    "search: unsupported command 'regex'" },
	/* Folded blocks: lines joined by spaces, blank lines kept. */
	{ "name: a\nsearch: >\n  a=1\n  b=2\n  | where x\n", "where", 5, 5,
	    "search: unsupported command 'where'" },
	{ "name: a\nsearch: >-\n  a=1\n\n  b=2\n    c=3\n  | eval x\n", "eval",
	    7, 5, "search: unsupported command 'eval'" },
	/* Plain scalars, one line and several. */
	{ "name: a\nsearch: a=1 | where x>1\n", "where", 2, 15,
	    "search: unsupported command 'where'" },
	{ "name: a\nsearch: a=1 | where x>1   # comment\n", "where", 2, 15,
	    "search: unsupported command 'where'" },
	{ "name: a\nsearch: a=1\n   b=2\n\n   | where x\nid: 1\n", "where", 5,
	    6, "search: unsupported command 'where'" },
	/* Quoted scalars. */
	{ "name: a\nsearch: \"a=1 | where x\"\n", "where", 2, 16,
	    "search: unsupported command 'where'" },
	{ "name: a\nsearch: 'a=\"b\" | eval x'\n", "eval", 2, 18,
	    "search: unsupported command 'eval'" },
	{ "name: a\r \nsearch: a=1 | where x\n", NULL, 3, 15,
	    "search: unsupported command 'where'" },
	{ "name: a\nsearch: \"a=1\n  b=2\n  | where x\"\n", "where", 4, 5,
	    "search: unsupported command 'where'" },
	{ "name: a\nsearch: '  a=1\n\n    | rex x  '\n", "rex", 4, 7,
	    "search: unsupported command 'rex'" },
	/* Other errors: inside a word, at the end, in a macro call. */
	{ "name: a\nsearch: |\n  a=1\n  | stats median(x) by y\n", "median",
	    4, 11, "search: unsupported stats function 'median'" },
	{ "name: a\nsearch: |\n  a=1\n  | `security_content_ctime(a, b)`\n",
	    "`security", 4, 5, "search: macro security_content_ctime takes 1 "
	    "arguments, not 2" },
	{ "name: a\nsearch: |\n  a=1\n  | `nowhere`\n", "`nowhere", 4, 5,
	    "search: unknown macro 'nowhere'" },
	{ "name: a\nsearch: |\n  a=1\n  hello\n", "hello", 4, 3,
	    "search: free-text search term 'hello' not supported" },
};

START_TEST(test_places)
{
	const struct place_case	*c = &places[_i];
	struct rule_error	 err;
	struct rule		*r;

	r = load(c->text, &err);
	ck_assert_msg(r == NULL, "loaded: %s", c->text);
	ck_assert_msg(err.line == c->line && err.column == c->column &&
	    strcmp(err.msg, c->msg) == 0, "%s\ngot  %d:%d: %s\nwant %d:%d: %s",
	    c->text, err.line, err.column, err.msg, c->line, c->column, c->msg);
	if (c->want != NULL)
		points_at(c->text, &err, c->want);
}
END_TEST

/* Escapes shift the text of a one-line quoted scalar: the line is right. */
START_TEST(test_place_escapes)
{
	struct rule_error	 err;

	ck_assert_ptr_null(load("name: a\nsearch: \"a=\\\"b\\\" | where x\"\n",
	    &err));
	ck_assert_int_eq(err.line, 2);
	ck_assert_str_eq(err.msg, "search: unsupported command 'where'");
	ck_assert_ptr_null(load("name: a\nsearch: \"a=1\\n  | where x\"\n",
	    &err));
	ck_assert_int_eq(err.line, 2);
	ck_assert_ptr_null(load("name: a\nsearch: \"a=\\\"\n  b\\\" | where "
	    "x\"\n", &err));
	ck_assert_int_eq(err.line, 2);
	ck_assert_int_eq(err.column, 9);
	/* An indentation indicator the first line does not follow. */
	ck_assert_ptr_null(load("name: a\nsearch: |2\n    a=1\n  | where x\n",
	    &err));
	ck_assert_int_eq(err.line, 2);
	ck_assert_int_eq(err.column, 9);
	ck_assert_str_eq(err.msg, "search: unsupported command 'where'");
}
END_TEST

/* Caps on what a file may hold. */
START_TEST(test_caps)
{
	char	*text, *p;
	int	 i;

	ck_assert_ptr_nonnull(text = malloc(4096));
	p = text + sprintf(text, "name: x\nsearch: a=1\nmitre_attack_id:\n");
	for (i = 0; i < 64; i++)
		p += sprintf(p, "  - T%d\n", i);
	rule_free(load_ok(text));
	sprintf(p, "  - T64\n");
	load_fail(text, 4, 3, "mitre_attack_id: more than 64 entries");
	p = text + sprintf(text, "name: ");
	memset(p, 'n', 257);
	sprintf(p + 257, "\nsearch: a=1\n");
	load_fail(text, 1, 7, "name: longer than 256 bytes");
	sprintf(p + 256, "\nsearch: a=1\n");
	rule_free(load_ok(text));
	free(text);
}
END_TEST

/*
 * The seed file with one word changed: the error points at that word, in
 * the shipped literal block and with the block folded instead.
 */
static const char *const seed_edits[][3] = {
	{ "| table", "| eventstats", "eventstats" },
	{ "| table", "| where x>1 | table", "where" },
	{ "min(_time)", "median(_time)", "median" },
	{ "\"calc.exe\",", "\"calc.exe\", ( ,", "(" },
	{ "security_content_ctime(lastTime)",
	    "security_content_ctime(lastTime, x)", "`security" },
	{ "NOT dest IN", "NOT dest IN (", "(" },
	{ "| stats count", "| eval x=1 | stats count", "eval" },
	{ "process_id transport", "process_id transport | rex", "rex" },
};

START_TEST(test_seed_edits)
{
	struct rule_error	 err;
	char			*text, *edited, *folded;
	size_t			 len;

	text = test_read_file(SEED_FILE, &len);
	edited = replace(text, seed_edits[_i][0], seed_edits[_i][1]);
	ck_assert_ptr_null(load(edited, &err));
	ck_assert_str_eq(err.file, "t.yml");
	ck_assert_msg(strncmp(err.msg, "search: ", 8) == 0, "%s", err.msg);
	points_at(edited, &err, seed_edits[_i][2]);
	folded = replace(edited, "search: |-", "search: >-");
	ck_assert_ptr_null(load(folded, &err));
	points_at(folded, &err, seed_edits[_i][2]);
	free(folded);
	free(edited);
	free(text);
}
END_TEST

/* The seed compiles the same as a folded block and as one plain line. */
START_TEST(test_seed_styles)
{
	struct rule	*r;
	char		*text, *folded;
	size_t		 len;

	text = test_read_file(SEED_FILE, &len);
	folded = replace(text, "search: |-", "search: >-");
	r = load_ok(folded);
	ck_assert_ptr_null(strchr(r->search, '\n'));
	rule_free(r);
	free(folded);
	free(text);
}
END_TEST

START_TEST(test_too_big)
{
	struct rule_error	 err;
	char			*big;
	size_t			 n = 1024 * 1024 + 1;

	ck_assert_ptr_nonnull(big = malloc(n));
	memset(big, '#', n);
	ck_assert_ptr_null(rule_load_string(big, n, "big.yml", dict, macros,
	    NULL, &err));
	ck_assert_str_eq(err.msg, "larger than 1048576 bytes");
	ck_assert_int_eq(macro_set_load_string(macros, big, n, "big.yml",
	    &err), -1);
	ck_assert_str_eq(err.msg, "larger than 1048576 bytes");
	free(big);
	ck_assert_ptr_null(rule_load("/nonexistent/x.yml", dict, macros, NULL,
	    &err));
	ck_assert_str_eq(err.file, "/nonexistent/x.yml");
	ck_assert_str_eq(err.msg, "cannot open: No such file or directory");
}
END_TEST

/*
 * Macros.
 */

static int
macro_text(struct macro_set *set, const char *text, const char *name,
    struct rule_error *err)
{
	return macro_set_load_string(set, text, strlen(text), name, err);
}

START_TEST(test_macro_load)
{
	struct macro_set	*set;
	struct rule_error	 err;
	struct rule		*r;
	const char		*text;

	ck_assert_ptr_nonnull(set = macro_set_new());
	ck_assert_uint_eq(macro_set_count(set), 0);
	ck_assert_int_eq(macro_text(set, "name: m\ndefinition: a=1\n"
	    "id: x\ndescription: [ignored]\n", "m.yml", &err), 0);
	/* The same name with another count is another macro. */
	ck_assert_int_eq(macro_text(set, "name: m(2)\ndefinition: $x$=$y$\n"
	    "arguments:\n  - x\n  - y\n", "m2.yml", &err), 0);
	ck_assert_int_eq(macro_text(set, "name: e\ndefinition: ''\n",
	    "e.yml", &err), 0);
	ck_assert_uint_eq(macro_set_count(set), 3);
	text = "name: x\nsearch: |\n  `m` `m(b, 2)` `e`\n";
	r = rule_load_string(text, strlen(text), "t.yml", dict, set, NULL,
	    &err);
	ck_assert_msg(r != NULL, "%d:%d: %s", err.line, err.column, err.msg);
	rule_free(r);
	/* Neither count: the compiler says which there is. */
	text = "name: x\nsearch: |\n  a=1 `m(a)`\n";
	ck_assert_ptr_null(rule_load_string(text, strlen(text), "t.yml", dict,
	    set, NULL, &err));
	ck_assert_int_eq(err.line, 3);
	ck_assert_int_eq(err.column, 7);
	ck_assert_ptr_nonnull(strstr(err.msg, "macro m takes"));
	macro_set_free(set);
	macro_set_free(NULL);
}
END_TEST

START_TEST(test_macro_duplicate)
{
	struct macro_set	*set;
	struct rule_error	 err;

	ck_assert_ptr_nonnull(set = macro_set_new());
	ck_assert_int_eq(macro_text(set, "name: ct\ndefinition: a\n"
	    "arguments: [f]\n", "one.yml", &err), 0);
	ck_assert_int_eq(macro_text(set, "id: 2\nname: ct(1)\n"
	    "definition: b\narguments: [g]\n", "two.yml", &err), -1);
	ck_assert_str_eq(err.file, "two.yml");
	ck_assert_int_eq(err.line, 2);
	ck_assert_int_eq(err.column, 7);
	ck_assert_str_eq(err.msg, "name: macro \"ct\" with 1 argument is "
	    "already defined in one.yml:1");
	ck_assert_uint_eq(macro_set_count(set), 1);
	macro_set_free(set);
}
END_TEST

static const struct error_case macro_errors[] = {
	{ "definition: a\n", 1, 1, "missing key \"name\"" },
	{ "name: m\n", 1, 1, "missing key \"definition\"" },
	{ "name: m\ndefinition:\n", 2, 12,
	    "definition: expected a string, not an empty value" },
	{ "name: m\ndefinition: [a]\n", 2, 13,
	    "definition: expected a string, not a sequence" },
	{ "name: [m]\ndefinition: a\n", 1, 7,
	    "name: expected a string, not a sequence" },
	{ "name: m(2)\ndefinition: a\narguments: [x]\n", 1, 7,
	    "name: \"m(2)\" says 2 arguments, arguments: lists 1" },
	{ "name: m(1)\ndefinition: a\n", 1, 7,
	    "name: \"m(1)\" says 1 argument, arguments: lists 0" },
	{ "name: m(x)\ndefinition: a\n", 1, 7, "name: expected a macro name, "
	    "or name(N) with N its arguments, not \"m(x)\"" },
	{ "name: a b\ndefinition: a\n", 1, 7, "name: expected a macro name "
	    "(no blanks, quotes, (, ), ` or $), not \"a b\"" },
	{ "name: (1)\ndefinition: a\narguments: [x]\n", 1, 7, "name: "
	    "expected a macro name (no blanks, quotes, (, ), ` or $), not "
	    "\"(1)\"" },
	{ "name: m\ndefinition: a\narguments: x\n", 3, 12,
	    "arguments: expected a sequence, not \"x\"" },
	{ "name: m\ndefinition: a\narguments: [x, {a: b}]\n", 3, 16,
	    "arguments[1]: expected a string, not a mapping" },
	{ "name: m\ndefinition: a\narguments: [x, y, x]\n", 3, 19,
	    "arguments[2]: \"x\" is already arguments[0]" },
	{ "name: m\ndefinition: a\narguments: [\"$x\"]\n", 3, 13,
	    "arguments[0]: expected letters, digits and _" },
	{ "name: m\ndefinition: a\nname: n\n", 3, 1,
	    "name: duplicate key (first at line 1)" },
	{ "[name, definition]\n", 1, 1,
	    "top level: expected a mapping, not a sequence" },
	{ "name: m\ndefinition: 'a\n", 3, 1, "syntax error: found unexpected "
	    "end of stream (while scanning a quoted scalar)" },
};

START_TEST(test_macro_errors)
{
	const struct error_case	*c = &macro_errors[_i];
	struct macro_set	*set;
	struct rule_error	 err;

	ck_assert_ptr_nonnull(set = macro_set_new());
	ck_assert_int_eq(macro_text(set, c->text, "m.yml", &err), -1);
	ck_assert_str_eq(err.file, "m.yml");
	ck_assert_msg(err.line == c->line && err.column == c->column &&
	    strcmp(err.msg, c->msg) == 0, "%s\ngot  %d:%d: %s\nwant %d:%d: %s",
	    c->text, err.line, err.column, err.msg, c->line, c->column, c->msg);
	ck_assert_uint_eq(macro_set_count(set), 0);
	macro_set_free(set);
}
END_TEST

/* A directory loads whole or not at all. */
START_TEST(test_macro_dir)
{
	struct macro_set	*set;
	struct rule_error	 err;
	char			 dir[] = "/tmp/check_rule.XXXXXX", path[1024];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(set = macro_set_new());
	ck_assert_int_eq(macro_text(set, "name: keep\ndefinition: a=1\n",
	    "keep.yml", &err), 0);
	write_file(dir, "a.yml", "name: a\ndefinition: a=1\n");
	write_file(dir, "b.yaml", "name: b\ndefinition: b=1\n");
	write_file(dir, "c.yml", "name: a\ndefinition: again\n");
	ck_assert_int_eq(macro_set_load_dir(set, dir, &err), -1);
	snprintf(path, sizeof(path), "%s/c.yml", dir);
	ck_assert_str_eq(err.file, path);
	ck_assert_int_eq(err.line, 1);
	ck_assert_ptr_nonnull(strstr(err.msg, "already defined in"));
	ck_assert_ptr_nonnull(strstr(err.msg, "/a.yml:1"));
	ck_assert_uint_eq(macro_set_count(set), 1);
	unlink(path);
	ck_assert_int_eq(macro_set_load_dir(set, dir, &err), 2);
	ck_assert_uint_eq(macro_set_count(set), 3);
	snprintf(path, sizeof(path), "%s/a.yml", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/b.yaml", dir);
	unlink(path);
	ck_assert_int_eq(macro_set_load_dir(set, dir, &err), 0);
	rmdir(dir);
	ck_assert_int_eq(macro_set_load_dir(set, dir, &err), -1);
	ck_assert_str_eq(err.file, dir);
	ck_assert_str_eq(err.msg,
	    "cannot open directory: No such file or directory");
	macro_set_free(set);
}
END_TEST

/* Many macros: the index grows and every one is still found. */
START_TEST(test_macro_many)
{
	struct macro_set	*set;
	struct rule_error	 err;
	struct rule		*r;
	char			 text[128], *search;
	int			 i;

	ck_assert_ptr_nonnull(set = macro_set_new());
	for (i = 0; i < 500; i++) {
		snprintf(text, sizeof(text), "name: m%d\ndefinition: f%d=1\n",
		    i, i);
		ck_assert_int_eq(macro_text(set, text, "x.yml", &err), 0);
	}
	ck_assert_uint_eq(macro_set_count(set), 500);
	/* A backtick cannot start a plain scalar: quote it. */
	ck_assert_int_ne(asprintf(&search, "name: x\nsearch: '`m0` `m137` "
	    "`m499`'\n"), -1);
	r = rule_load_string(search, strlen(search), "t.yml", dict, set, NULL,
	    &err);
	ck_assert_msg(r != NULL, "%s", err.msg);
	rule_free(r);
	free(search);
	macro_set_free(set);
}
END_TEST

/*
 * Directories and messages.
 */

START_TEST(test_paths)
{
	struct rule_error	 err;
	char			 dir[] = "/tmp/check_rule.XXXXXX", path[1024];
	char			**paths;
	int			 n, i;
	static const char *const files[] = { "b.yml", "a.yaml", ".hidden.yml",
	    "c.txt", "B.yml", "yml", ".yml", "d.yml~" };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < (int)(sizeof(files) / sizeof(files[0])); i++)
		write_file(dir, files[i], "x");
	snprintf(path, sizeof(path), "%s/sub.yml", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	n = rule_paths(dir, &paths, &err);
	ck_assert_int_eq(n, 3);
	snprintf(path, sizeof(path), "%s/B.yml", dir);
	ck_assert_str_eq(paths[0], path);
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	ck_assert_str_eq(paths[1], path);
	snprintf(path, sizeof(path), "%s/b.yml", dir);
	ck_assert_str_eq(paths[2], path);
	rule_paths_free(paths, n);
	for (i = 0; i < (int)(sizeof(files) / sizeof(files[0])); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/sub.yml", dir);
	rmdir(path);
	n = rule_paths(dir, &paths, &err);
	ck_assert_int_eq(n, 0);
	rule_paths_free(paths, n);
	rmdir(dir);
	ck_assert_int_eq(rule_paths(dir, &paths, &err), -1);
	ck_assert_str_eq(err.file, dir);
	ck_assert_int_eq(err.line, 0);
	ck_assert_str_eq(err.msg,
	    "cannot open directory: No such file or directory");
}
END_TEST

START_TEST(test_error_format)
{
	struct rule_error	err;
	char			out[600];

	memset(&err, 0, sizeof(err));
	snprintf(err.file, sizeof(err.file), "r.yml");
	snprintf(err.msg, sizeof(err.msg), "search: unsupported command "
	    "'where'");
	err.line = 40;
	err.column = 7;
	rule_error_format(&err, out, sizeof(out));
	ck_assert_str_eq(out, "r.yml:40:7: search: unsupported command "
	    "'where'");
	err.line = err.column = 0;
	rule_error_format(&err, out, sizeof(out));
	ck_assert_str_eq(out, "r.yml: search: unsupported command 'where'");
	rule_error_format(&err, out, 8);
	ck_assert_str_eq(out, "r.yml: ");
}
END_TEST

static Suite *
rule_suite(void)
{
	Suite	*s = suite_create("rule");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_shipped);
	tcase_add_test(tc, test_minimal);
	tcase_add_test(tc, test_unknown_keys);
	tcase_add_test(tc, test_tags_mitre);
	tcase_add_test(tc, test_settings);
	tcase_add_test(tc, test_caller_defaults);
	tcase_add_test(tc, test_filter_default);
	tcase_add_test(tc, test_ident);
	tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof(errors) /
	    sizeof(errors[0])));
	tcase_add_loop_test(tc, test_places, 0, (int)(sizeof(places) /
	    sizeof(places[0])));
	tcase_add_test(tc, test_place_escapes);
	tcase_add_test(tc, test_caps);
	tcase_add_loop_test(tc, test_seed_edits, 0, (int)(sizeof(seed_edits) /
	    sizeof(seed_edits[0])));
	tcase_add_test(tc, test_seed_styles);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_macro_load);
	tcase_add_test(tc, test_macro_duplicate);
	tcase_add_loop_test(tc, test_macro_errors, 0,
	    (int)(sizeof(macro_errors) / sizeof(macro_errors[0])));
	tcase_add_test(tc, test_macro_dir);
	tcase_add_test(tc, test_macro_many);
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_error_format);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(rule_suite());
}
