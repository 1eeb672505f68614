/*
 * check_spl.c - the SPL compiler and matcher: every point of the base
 * search in docs/SPL_SEMANTICS.md, macros and comments, the commands after
 * stats, error positions, and the seed detection's golden dump.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "field.h"
#include "record.h"
#include "spl.h"
#include "testutil.h"

struct test_macro {
	const char	*name;
	size_t		 nargs;
	const char	*argnames[2];
	const char	*definition;
};

static const struct test_macro macro_table[] = {
	{ "cisco_network_visibility_module_flowdata", 0, { NULL },
	    "sourcetype=\"cisco:nvm:flowdata\"" },
	{ "security_content_ctime", 1, { "field" },
	    "convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime($field$)" },
	{ "calc", 0, { NULL }, "process_name=calc.exe" },
	{ "name_is", 1, { "n" }, "process_name=\"$n$\"" },
	{ "pair", 2, { "f", "v" }, "$f$=$v$ `calc`" },
	{ "loop_a", 0, { NULL }, "process_name=a `loop_b`" },
	{ "loop_b", 0, { NULL }, "`loop_a`" },
	{ "self", 0, { NULL }, "`self`" },
	{ "bad_inside", 0, { NULL }, "process_name=a | eval x=1" },
	{ "outer", 0, { NULL }, "`bad_inside`" },
	{ "my_filter", 0, { NULL }, "search process_name=keep*" },
	{ "commented", 0, { NULL }, "```note``` process_name=c*" },
};

static struct field_dict	*dict;

static void		 setup(void);
static void		 teardown(void);
static int		 lookup(void *, const char *, size_t,
			    struct spl_macro_def *);
static struct spl_search *compile(const char *);
static void		 compile_error(const char *, int, int, const char *);
static struct record	*rec(const char *, ...);
static int		 matches(const char *, const struct record *);
static const char	*dump(const struct spl_search *);
static const char	*dump_of(const char *);
static const struct rec_str *row_get(void *, const struct spl_field *,
			    uint32_t *);

static void
setup(void)
{
	dict = field_dict_new();
	ck_assert_ptr_nonnull(dict);
}

static void
teardown(void)
{
	field_dict_free(dict);
}

static int
lookup(void *arg, const char *name, size_t nargs, struct spl_macro_def *def)
{
	size_t	i;

	(void)arg;
	for (i = 0; i < sizeof(macro_table) / sizeof(macro_table[0]); i++) {
		if (strcmp(macro_table[i].name, name) != 0 ||
		    macro_table[i].nargs != nargs)
			continue;
		def->definition = macro_table[i].definition;
		def->nargs = macro_table[i].nargs;
		def->argnames = macro_table[i].argnames;
		return 0;
	}
	return -1;
}

static struct spl_search *
compile(const char *text)
{
	struct spl_macro_fn	 fn = { lookup, NULL };
	struct spl_error	 err;
	struct spl_search	*s;

	s = spl_compile(text, strlen(text), dict, &fn, &err);
	ck_assert_msg(s != NULL, "%s: %d:%d: %s", text, err.line, err.column,
	    err.msg);
	return s;
}

static void
compile_error(const char *text, int line, int column, const char *msg)
{
	struct spl_macro_fn	 fn = { lookup, NULL };
	struct spl_error	 err;
	struct spl_search	*s;

	s = spl_compile(text, strlen(text), dict, &fn, &err);
	ck_assert_msg(s == NULL, "%s: compiled", text);
	ck_assert_str_eq(err.msg, msg);
	ck_assert_msg(err.line == line && err.column == column,
	    "%s: at %d:%d, want %d:%d", text, err.line, err.column, line,
	    column);
}

/* A record from "field", "value" pairs; a repeated field gets one more
 * value (multivalue). NULL ends the list. */
static struct record *
rec(const char *name, ...)
{
	struct record	*r;
	const char	*v;
	va_list		 ap;
	int		 f;

	r = record_new(dict, 0);
	ck_assert_ptr_nonnull(r);
	va_start(ap, name);
	for (; name != NULL; name = va_arg(ap, const char *)) {
		v = va_arg(ap, const char *);
		f = field_dict_lookup(dict, name, strlen(name));
		ck_assert_msg(f != FIELD_NONE, "no field %s", name);
		if (record_has(r, f))
			ck_assert_int_eq(record_append_text(r, f, v, strlen(v),
			    ORIGIN_WIRE), 0);
		else
			ck_assert_int_eq(record_set_text(r, f, v, strlen(v),
			    ORIGIN_WIRE), 0);
	}
	va_end(ap);
	return r;
}

static int
matches(const char *text, const struct record *r)
{
	struct spl_search	*s = compile(text);
	int			 m;

	m = spl_match(s, r);
	spl_free(s);
	return m;
}

static const char *
dump(const struct spl_search *s)
{
	static char	out[65536];
	struct buf	b = { 0 };

	spl_dump(s, &b);
	ck_assert_int_eq(b.failed, 0);
	snprintf(out, sizeof(out), "%s", b.data);
	buf_free(&b);
	return out;
}

static const char *
dump_of(const char *text)
{
	struct spl_search	*s = compile(text);
	const char		*d;

	d = dump(s);
	spl_free(s);
	return d;
}

/* A result row: pairs of name, value in a NULL-terminated array. */
static const struct rec_str *
row_get(void *arg, const struct spl_field *f, uint32_t *n)
{
	static struct rec_str	 v;
	const char *const	*row = arg;

	for (; row[0] != NULL; row += 2)
		if (strcmp(row[0], f->name) == 0) {
			v.ptr = row[1];
			v.len = (uint32_t)strlen(row[1]);
			*n = 1;
			return &v;
		}
	return NULL;
}

START_TEST(test_value_case)
{
	struct record	*r = rec("process_name", "calc.exe", NULL);

	ck_assert_int_eq(matches("process_name=\"Calc.EXE\"", r), 1);
	ck_assert_int_eq(matches("process_name=CALC.exe", r), 1);
	ck_assert_int_eq(matches("process_name=calc.ex", r), 0);
	/* Field names are case-sensitive: this one is not in the dict. */
	ck_assert_int_eq(matches("Process_Name=calc.exe", r), 0);
	/* The collector key names the same field. */
	ck_assert_int_eq(matches("pn=calc.exe", r), 1);
	/* Spaces around '=' are allowed. */
	ck_assert_int_eq(matches("process_name = \"calc.exe\"", r), 1);
	record_free(r);
}
END_TEST

START_TEST(test_wildcards)
{
	struct record	*r = rec("process_path", "/usr/bin/Bash", NULL);

	ck_assert_int_eq(matches("process_path=/usr*", r), 1);		/* prefix */
	ck_assert_int_eq(matches("process_path=\"*/bash\"", r), 1);	/* suffix */
	ck_assert_int_eq(matches("process_path=/usr*bash", r), 1);	/* middle */
	ck_assert_int_eq(matches("process_path=*u*b*n*a*", r), 1);	/* several */
	ck_assert_int_eq(matches("process_path=*bin*", r), 1);
	ck_assert_int_eq(matches("process_path=*", r), 1);		/* alone */
	ck_assert_int_eq(matches("process_path=**", r), 1);
	ck_assert_int_eq(matches("process_path=/usr/bin/bash*", r), 1);	/* empty */
	ck_assert_int_eq(matches("process_path=*/usr/bin/bash", r), 1);
	ck_assert_int_eq(matches("process_path=/usr/*/bin/bash", r), 0);
	ck_assert_int_eq(matches("process_path=*/zsh", r), 0);
	ck_assert_int_eq(matches("process_path=/bin*", r), 0);
	ck_assert_int_eq(matches("process_path=*bash*bash", r), 0);
	record_free(r);
	/* Prefix and suffix must not overlap. */
	r = rec("process_name", "aba", NULL);
	ck_assert_int_eq(matches("process_name=ab*ba", r), 0);
	ck_assert_int_eq(matches("process_name=ab*a", r), 1);
	ck_assert_int_eq(matches("process_name=a*a*a", r), 0);
	record_free(r);
	/* A backslash cannot escape '*'. */
	r = rec("process_name", "a\\b", NULL);
	ck_assert_int_eq(matches("process_name=\"a\\*\"", r), 1);
	ck_assert_int_eq(matches("process_name=a\\*", r), 1);
	record_free(r);
	r = rec("process_name", "a*", NULL);
	ck_assert_int_eq(matches("process_name=\"a\\*\"", r), 0);
	record_free(r);
	/* An empty value matches only an empty value. */
	r = rec("process_name", "", NULL);
	ck_assert_int_eq(matches("process_name=\"\"", r), 1);
	ck_assert_int_eq(matches("process_name=*", r), 1);
	ck_assert_int_eq(matches("process_name=?*", r), 0);
	record_free(r);
}
END_TEST

START_TEST(test_quotes)
{
	struct record	*r;

	r = rec("process_arguments", "C:\\Windows\\x.exe say \"hi\"", NULL);
	ck_assert_int_eq(matches("process_arguments="
	    "\"c:\\\\windows\\\\x.exe say \\\"hi\\\"\"", r), 1);
	ck_assert_int_eq(matches("process_arguments=\"*\\\\Windows\\\\*\"",
	    r), 1);
	record_free(r);
	/* Any other backslash sequence stays as written. */
	r = rec("process_arguments", "\\s+\\d", NULL);
	ck_assert_int_eq(matches("process_arguments=\"\\s+\\d\"", r), 1);
	ck_assert_int_eq(matches("process_arguments=\"\\\\s+\\d\"", r), 1);
	record_free(r);
	/* The rclone detection: "*\\\\*" is two backslashes. */
	r = rec("process_arguments", "copy \\\\server\\share", NULL);
	ck_assert_int_eq(matches("process_arguments=\"*\\\\\\\\*\"", r), 1);
	record_free(r);
	r = rec("process_arguments", "copy \\server", NULL);
	ck_assert_int_eq(matches("process_arguments=\"*\\\\\\\\*\"", r), 0);
	record_free(r);
	/* Quoted keywords are values, a quoted '=' is part of a value. */
	r = rec("process_name", "NOT", "process_path", "a=b|c", NULL);
	ck_assert_int_eq(matches("process_name=\"NOT\"", r), 1);
	ck_assert_int_eq(matches("process_path=\"a=b|c\"", r), 1);
	record_free(r);
}
END_TEST

START_TEST(test_in)
{
	const char	*q = "process_name IN (\"a.exe\", \"b*\", C.EXE)";
	struct record	*r;

	r = rec("process_name", "A.exe", NULL);
	ck_assert_int_eq(matches(q, r), 1);
	record_free(r);
	r = rec("process_name", "bravo.exe", NULL);
	ck_assert_int_eq(matches(q, r), 1);
	record_free(r);
	r = rec("process_name", "c.exe", NULL);
	ck_assert_int_eq(matches(q, r), 1);
	record_free(r);
	r = rec("process_name", "d.exe", NULL);
	ck_assert_int_eq(matches(q, r), 0);
	ck_assert_int_eq(matches("NOT process_name IN (a, b)", r), 1);
	record_free(r);
	ck_assert_str_eq(dump_of("process_name IN (z, \"B*\", a, a, *c)"),
	    "search process_name IN (\"a\", \"z\", glob(\"*c\"), "
	    "glob(\"b*\"))\n");
}
END_TEST

START_TEST(test_cidr)
{
	const char	*v4 = "dest=\"10.0.0.0/8\"";
	const char	*list = "dest IN (\"192.168.0.0/16\", \"2001:db8::/32\","
			    " \"::1\")";
	struct record	*r;

	r = rec("dest", "10.1.2.3", NULL);
	ck_assert_int_eq(matches(v4, r), 1);
	ck_assert_int_eq(matches(list, r), 0);
	record_free(r);
	r = rec("dest", "11.0.0.1", NULL);
	ck_assert_int_eq(matches(v4, r), 0);
	record_free(r);
	/* A host name matches no CIDR, even one that looks like it. */
	r = rec("dest", "10.example.com", NULL);
	ck_assert_int_eq(matches(v4, r), 0);
	ck_assert_int_eq(matches("dest=10.*", r), 1);
	record_free(r);
	r = rec("dest", "2001:DB8:0::1", NULL);
	ck_assert_int_eq(matches(list, r), 1);
	record_free(r);
	r = rec("dest", "192.168.7.7", NULL);
	ck_assert_int_eq(matches(list, r), 1);
	record_free(r);
	/* "::1" is not CIDR: a string match, so another spelling misses. */
	r = rec("dest", "::1", NULL);
	ck_assert_int_eq(matches(list, r), 1);
	record_free(r);
	r = rec("dest", "0:0:0:0:0:0:0:1", NULL);
	ck_assert_int_eq(matches(list, r), 0);
	ck_assert_int_eq(matches("dest=\"::1/128\"", r), 1);
	record_free(r);
	ck_assert_str_eq(dump_of("dest IN (\"::1\", \"10.1.2.3/8\", "
	    "\"2001:db8::/32\")"), "search dest IN (\"::1\", "
	    "cidr(\"10.0.0.0/8\"), cidr(\"2001:db8::/32\"))\n");
}
END_TEST

START_TEST(test_missing)
{
	struct record	*r = rec("process_name", "x", NULL);

	ck_assert_int_eq(matches("NOT process_path=a", r), 1);
	ck_assert_int_eq(matches("process_path!=a", r), 0);
	ck_assert_int_eq(matches("process_path=*", r), 0);
	ck_assert_int_eq(matches("NOT process_path=*", r), 1);
	ck_assert_int_eq(matches("NOT process_path=\"*\"", r), 1);
	ck_assert_int_eq(matches("process_name=*", r), 1);
	ck_assert_int_eq(matches("NOT process_name=*", r), 0);
	ck_assert_int_eq(matches("process_name!=a", r), 1);
	ck_assert_int_eq(matches("process_name!=X", r), 0);
	/* A name outside the dictionary is always missing on a record. */
	ck_assert_int_eq(matches("NOT no_such_field=1", r), 1);
	ck_assert_int_eq(matches("no_such_field!=1", r), 0);
	record_free(r);
}
END_TEST

START_TEST(test_multivalue)
{
	struct record	*r = rec("module_name_list", "a.dll",
			    "module_name_list", "b.dll", NULL);

	ck_assert_int_eq(matches("module_name_list=a.dll", r), 1);
	ck_assert_int_eq(matches("module_name_list=B.DLL", r), 1);
	ck_assert_int_eq(matches("module_name_list=c.dll", r), 0);
	ck_assert_int_eq(matches("module_name_list IN (x, b*)", r), 1);
	/* Some value differs: != is true; NOT = is false. */
	ck_assert_int_eq(matches("module_name_list!=a.dll", r), 1);
	ck_assert_int_eq(matches("NOT module_name_list=a.dll", r), 0);
	ck_assert_int_eq(matches("module_name_list!=*.dll", r), 0);
	record_free(r);
	r = rec("module_name_list", "a.dll", NULL);
	ck_assert_int_eq(matches("module_name_list!=a.dll", r), 0);
	record_free(r);
}
END_TEST

START_TEST(test_precedence)
{
	struct record	*r;

	/* a b OR c is a AND (b OR c). */
	ck_assert_str_eq(dump_of("pn=a ppath=b OR parg=c"),
	    "search (pn=\"a\" AND (ppath=\"b\" OR parg=\"c\"))\n");
	ck_assert_str_eq(dump_of("pn=a AND ppath=b OR parg=c"),
	    "search (pn=\"a\" AND (ppath=\"b\" OR parg=\"c\"))\n");
	ck_assert_str_eq(dump_of("pn=a OR ppath=b parg=c"),
	    "search ((pn=\"a\" OR ppath=\"b\") AND parg=\"c\")\n");
	ck_assert_str_eq(dump_of("NOT pn=a OR ppath=b"),
	    "search ((NOT pn=\"a\") OR ppath=\"b\")\n");
	ck_assert_str_eq(dump_of("(pn=a ppath=b) OR parg=c"),
	    "search ((pn=\"a\" AND ppath=\"b\") OR parg=\"c\")\n");
	ck_assert_str_eq(dump_of("NOT (pn=a OR ppath=b) NOT NOT parg=c"),
	    "search ((NOT (pn=\"a\" OR ppath=\"b\")) AND (NOT (NOT parg=\"c\")))\n");
	ck_assert_str_eq(dump_of("pn=a OR (ppath=b OR parg=c) OR pn=d"),
	    "search (pn=\"a\" OR ppath=\"b\" OR parg=\"c\" OR pn=\"d\")\n");
	/* Lower-case keywords are not keywords. */
	compile_error("pn=a or ppath=b", 1, 6,
	    "free-text search term 'or' not supported");
	r = rec("process_name", "a", "process_arguments", "c", NULL);
	ck_assert_int_eq(matches("pn=a ppath=b OR parg=c", r), 1);
	ck_assert_int_eq(matches("pn=a OR ppath=b parg=x", r), 0);
	ck_assert_int_eq(matches("NOT pn=b OR parg=x", r), 1);
	ck_assert_int_eq(matches("NOT (pn=a OR parg=x)", r), 0);
	record_free(r);
	r = rec("process_path", "b", NULL);
	ck_assert_int_eq(matches("pn=a ppath=b OR parg=c", r), 0);
	ck_assert_int_eq(matches("(pn=a parg=c) OR ppath=b", r), 1);
	record_free(r);
}
END_TEST

START_TEST(test_match_all)
{
	struct record	*r = rec("process_name", "x", NULL);

	ck_assert_int_eq(matches("*", r), 1);
	ck_assert_int_eq(matches("* pn=x", r), 1);
	ck_assert_int_eq(matches("* pn=y", r), 0);
	ck_assert_int_eq(matches("search pn=x", r), 1);
	ck_assert_int_eq(matches("pn=x | search *", r), 1);
	ck_assert_int_eq(matches("pn=x | search ppath=y", r), 0);
	ck_assert_str_eq(dump_of("*"), "search *\n");
	ck_assert_str_eq(dump_of("pn=x | search *"), "search pn=\"x\"\n");
	ck_assert_str_eq(dump_of("pn=x | search ppath=y | search parg=z"),
	    "search (pn=\"x\" AND ppath=\"y\" AND parg=\"z\")\n");
	record_free(r);
	compile_error("pn=x foo", 1, 6,
	    "free-text search term 'foo' not supported");
	compile_error("pn=x \"foo bar\"", 1, 6,
	    "free-text search term \"foo bar\" not supported");
}
END_TEST

START_TEST(test_macros)
{
	struct record	*r = rec("process_name", "calc.exe", "sourcetype",
			    "cisco:nvm:flowdata", NULL);

	ck_assert_int_eq(matches("`calc`", r), 1);
	ck_assert_int_eq(matches("`name_is(CALC.EXE)`", r), 1);
	ck_assert_int_eq(matches("`name_is( calc.exe )`", r), 1);
	ck_assert_int_eq(matches("`pair(sourcetype, \"cisco:nvm:*\")`", r),
	    1);
	ck_assert_int_eq(matches("`cisco_network_visibility_module_flowdata`"
	    " `calc`", r), 1);
	/* A filter macro the caller defines is used, not "search *". */
	ck_assert_int_eq(matches("`calc` | `my_filter`", r), 0);
	ck_assert_str_eq(dump_of("`calc` | `missing_filter`"),
	    "search process_name=\"calc.exe\"\n");
	ck_assert_str_eq(dump_of("`calc` | stats count | `missing_filter`"),
	    "search process_name=\"calc.exe\"\n| stats\n    count AS count\n"
	    "| search *\n");
	ck_assert_str_eq(dump_of("`commented`"),
	    "search process_name=glob(\"c*\")\n");
	/* Backticks inside quotes are literal. */
	ck_assert_str_eq(dump_of("process_arguments=\"*`calc`*\""),
	    "search process_arguments=glob(\"*`calc`*\")\n");
	record_free(r);
	compile_error("pn=x\n  `nope`", 2, 3, "unknown macro 'nope'");
	compile_error("pn=x `nope(1, 2)`", 1, 6, "unknown macro 'nope(2)'");
	compile_error("pn=x `calc(1)`", 1, 6, "unknown macro 'calc(1)'");
	compile_error("pn=x\n `loop_a`", 2, 2,
	    "macro cycle: loop_a calls itself (in macro loop_b, "
	    "called from loop_a)");
	compile_error("`self`", 1, 1,
	    "macro cycle: self calls itself (in macro self)");
	compile_error("pn=x `calc", 1, 6, "unterminated macro call");
	/* Arguments are pasted as written, quotes included. */
	compile_error("`name_is(\"x\")`", 1, 1,
	    "free-text search term 'x' not supported (in macro name_is)");
	/* An error inside an expansion points at the outer backtick. */
	compile_error("pn=x\n\t`bad_inside`", 2, 2,
	    "unsupported command 'eval' (in macro bad_inside)");
	compile_error("pn=x `outer`", 1, 6, "unsupported command 'eval' "
	    "(in macro bad_inside, called from outer)");
}
END_TEST

START_TEST(test_comments)
{
	struct record	*r = rec("process_name", "calc.exe", NULL);

	ck_assert_int_eq(matches("pn=calc.exe ```pn=no```", r), 1);
	ck_assert_int_eq(matches("pn=calc.exe```\nspans | eval\nlines```"
	    "ppath=* OR pn=*", r), 1);
	ck_assert_str_eq(dump_of("pn=a```x```ppath=b"),
	    "search (pn=\"a\" AND ppath=\"b\")\n");
	record_free(r);
	/* Positions after a comment still count the original lines. */
	compile_error("pn=a ```one\ntwo```\n  | eval x=1", 3, 5,
	    "unsupported command 'eval'");
	compile_error("pn=a\n ```never closed", 2, 2, "unterminated comment");
}
END_TEST

START_TEST(test_errors)
{
	compile_error("pn=a\n| stats count by src\n| eval x=1", 3, 3,
	    "unsupported command 'eval'");
	compile_error("pn=a | where x>1", 1, 8, "unsupported command 'where'");
	compile_error("pn=a | regex parg=\"x\"", 1, 8,
	    "unsupported command 'regex'");
	compile_error("pn=a | rex field=parg \"(?<x>.)\"", 1, 8,
	    "unsupported command 'rex'");
	compile_error("pn=a | lookup t f", 1, 8,
	    "unsupported command 'lookup'");
	compile_error("pn=a\n  (ppath=b OR (parg=c)", 2, 3,
	    "unbalanced parenthesis: '(' is not closed");
	compile_error("pn=a ppath=b)", 1, 13,
	    "unbalanced parenthesis: unexpected ')'");
	compile_error("pn=a | search (ppath=b", 1, 15,
	    "unbalanced parenthesis: '(' is not closed");
	compile_error("pn IN (a, b", 1, 7,
	    "unbalanced parenthesis: '(' is not closed");
	compile_error("pn=a\nppath=\"abc", 2, 7, "unterminated quoted string");
	compile_error("pn=a | stats count median(x) by src", 1, 20,
	    "unsupported stats function 'median'");
	compile_error("pn=a | stats values by src", 1, 14,
	    "stats function 'values' needs a field");
	compile_error("pn=a | stats by src", 1, 8,
	    "stats needs at least one function");
	compile_error("pn=a | stats count by", 1, 20,
	    "'by' needs at least one field");
	compile_error("pn=a | stats count | stats count", 1, 22,
	    "only one stats command is supported");
	compile_error("pn=a | convert dur2sec(x)", 1, 16,
	    "unsupported convert function 'dur2sec'");
	compile_error("pn=", 1, 4, "expected a value after '=', "
	    "found end of search");
	compile_error("", 1, 1, "missing search terms");
	compile_error("| stats count", 1, 1, "missing search terms");
	compile_error("pn=a ()", 1, 6, "empty parentheses");
	compile_error("AND pn=a", 1, 1, "unexpected 'AND'");
	compile_error("pn=a OR", 1, 8, "expected a search term, "
	    "found end of search");
	compile_error("pn=a |", 1, 7, "expected a command after '|', "
	    "found end of search");
	compile_error("pn IN a", 1, 7, "expected '(' after IN, found word");
	compile_error("pn IN ()", 1, 7, "empty IN list");
	compile_error("pn in (a)", 1, 4, "IN must be upper case");
	compile_error("pn=a bytes>5", 1, 6,
	    "comparison operators are not supported: 'bytes>5'");
	ck_assert_str_eq(dump_of("pn IN(a,b)"), "search pn IN (\"a\", \"b\")\n");
	compile_error("proc*=a", 1, 1,
	    "wildcard field names are not supported");
	compile_error("pn=a | table", 1, 8, "table needs at least one field");
	compile_error("pn=a | rename x y", 1, 17,
	    "expected 'old as new' in rename, found word");
}
END_TEST

START_TEST(test_nesting)
{
	char	deep[2048];
	size_t	i;

	memset(deep, '(', 300);
	snprintf(deep + 300, sizeof(deep) - 300, "pn=a");
	compile_error(deep, 1, 257, "search nested deeper than 256");
	for (i = 0; i < 300; i++)
		memcpy(deep + 4 * i, "NOT ", 4);
	snprintf(deep + 1200, sizeof(deep) - 1200, "pn=a");
	compile_error(deep, 1, 1025, "search nested deeper than 256");
	/* Up to the limit is fine. */
	memset(deep, '(', 256);
	snprintf(deep + 256, sizeof(deep) - 256, "pn=a");
	memset(deep + 260, ')', 256);
	deep[516] = '\0';
	ck_assert_str_eq(dump_of(deep), "search pn=\"a\"\n");
}
END_TEST

START_TEST(test_stats)
{
	const struct spl_stats	*st;
	struct spl_search	*s;

	s = compile("pn=a | stats count, count(dest) dc(src) AS n "
	    "min(_time) max(_time) as lastTime values(aliul) AS x "
	    "list(parg) earliest(fss) latest(fes) sum(bytes) avg(bytes) "
	    "BY src, dest user");
	st = spl_search_stats(s);
	ck_assert_ptr_nonnull(st);
	ck_assert_uint_eq(st->naggs, 11);
	ck_assert_int_eq(st->aggs[0].func, SPL_FN_COUNT);
	ck_assert_ptr_null(st->aggs[0].field.name);
	ck_assert_str_eq(st->aggs[0].as, "count");
	ck_assert_int_eq(st->aggs[1].func, SPL_FN_COUNT);
	ck_assert_str_eq(st->aggs[1].as, "count(dest)");
	ck_assert_int_eq(st->aggs[1].field.index, F_DEST);
	ck_assert_int_eq(st->aggs[2].func, SPL_FN_DC);
	ck_assert_str_eq(st->aggs[2].as, "n");
	ck_assert_int_eq(st->aggs[3].func, SPL_FN_MIN);
	ck_assert_int_eq(st->aggs[3].field.index, F_TIME);
	ck_assert_str_eq(st->aggs[3].as, "min(_time)");
	ck_assert_str_eq(st->aggs[4].as, "lastTime");
	ck_assert_int_eq(st->aggs[5].func, SPL_FN_VALUES);
	ck_assert_int_eq(st->aggs[5].field.index, F_ALIUL);
	ck_assert_int_eq(st->aggs[6].func, SPL_FN_LIST);
	ck_assert_int_eq(st->aggs[6].field.index, F_PROCESS_ARGUMENTS);
	ck_assert_str_eq(st->aggs[6].field.name, "parg");
	ck_assert_int_eq(st->aggs[7].func, SPL_FN_EARLIEST);
	ck_assert_int_eq(st->aggs[8].func, SPL_FN_LATEST);
	ck_assert_int_eq(st->aggs[9].func, SPL_FN_SUM);
	ck_assert_int_eq(st->aggs[10].func, SPL_FN_AVG);
	ck_assert_str_eq(st->aggs[10].as, "avg(bytes)");
	ck_assert_uint_eq(st->nby, 3);
	ck_assert_str_eq(st->by[0].name, "src");
	ck_assert_int_eq(st->by[0].index, F_SRC);
	ck_assert_int_eq(st->by[1].index, F_DEST);
	ck_assert_str_eq(st->by[2].name, "user");
	ck_assert_int_eq(st->by[2].index, F_USER);
	ck_assert_uint_eq(spl_search_ncmds(s), 0);
	spl_free(s);
	s = compile("pn=a");
	ck_assert_ptr_null(spl_search_stats(s));
	spl_free(s);
}
END_TEST

START_TEST(test_commands)
{
	static const char *const row_hit[] = { "firstTime", "2026-01-01",
	    "dest", "8.8.8.8", NULL };
	static const char *const row_miss[] = { "firstTime", "2026-01-01",
	    NULL };
	const struct spl_cmd	*c;
	struct spl_search	*s;
	union {
		const char *const	*c;
		void			*v;
	} u;

	s = compile("pn=a | stats min(_time) as firstTime by dest "
	    "| convert ctime(firstTime) ctime(lastTime) AS last "
	    "| table firstTime, dest last | rename dest as d, x AS y "
	    "| fields - x y | fields z | search dest=8.8.0.0/16");
	ck_assert_uint_eq(spl_search_ncmds(s), 6);
	c = spl_search_cmd(s, 0);
	ck_assert_int_eq(c->kind, SPL_CMD_CONVERT);
	ck_assert_int_eq(c->line, 1);
	ck_assert_int_eq(c->column, 48);
	ck_assert_str_eq(c->timeformat, SPL_TIMEFORMAT_DEFAULT);
	ck_assert_uint_eq(c->nconvert, 2);
	ck_assert_str_eq(c->convert[0].field.name, "firstTime");
	ck_assert_ptr_null(c->convert[0].as);
	ck_assert_str_eq(c->convert[1].as, "last");
	c = spl_search_cmd(s, 1);
	ck_assert_int_eq(c->kind, SPL_CMD_TABLE);
	ck_assert_uint_eq(c->nfields, 3);
	ck_assert_str_eq(c->fields[2].name, "last");
	c = spl_search_cmd(s, 2);
	ck_assert_int_eq(c->kind, SPL_CMD_RENAME);
	ck_assert_uint_eq(c->nrename, 2);
	ck_assert_str_eq(c->rename[1].to, "y");
	c = spl_search_cmd(s, 3);
	ck_assert_int_eq(c->kind, SPL_CMD_FIELDS);
	ck_assert_int_eq(c->fields_remove, 1);
	ck_assert_uint_eq(c->nfields, 2);
	c = spl_search_cmd(s, 4);
	ck_assert_int_eq(c->fields_remove, 0);
	c = spl_search_cmd(s, 5);
	ck_assert_int_eq(c->kind, SPL_CMD_SEARCH);
	u.c = row_hit;
	ck_assert_int_eq(spl_expr_eval(c->expr, row_get, u.v), 1);
	u.c = row_miss;
	ck_assert_int_eq(spl_expr_eval(c->expr, row_get, u.v), 0);
	ck_assert_ptr_null(spl_search_cmd(s, 6));
	ck_assert_str_eq(dump(s), "search pn=\"a\"\n"
	    "| stats\n    min(_time) AS firstTime\n  BY dest\n"
	    "| convert timeformat=\"%m/%d/%Y %H:%M:%S\" ctime(firstTime) "
	    "ctime(lastTime) AS last\n"
	    "| table firstTime dest last\n"
	    "| rename dest AS d, x AS y\n"
	    "| fields - x y\n| fields + z\n"
	    "| search dest=cidr(\"8.8.0.0/16\")\n");
	spl_free(s);
	/* Without stats, the commands apply to each record as a row. */
	s = compile("pn=a | table pn | search ppath=b");
	ck_assert_ptr_null(spl_search_stats(s));
	ck_assert_uint_eq(spl_search_ncmds(s), 2);
	spl_free(s);
	compile_error("pn=a | table pn | stats count", 1, 19,
	    "stats after a row command is not supported");
}
END_TEST

START_TEST(test_seed)
{
	struct spl_search	*s;
	struct record		*r;
	char			*text, *want;
	size_t			 len, wlen;

	text = (char *)test_read_data("seed_search.spl", &len);
	want = (char *)test_read_data("seed_search.dump", &wlen);
	s = compile(text);
	ck_assert_msg(strcmp(dump(s), want) == 0, "dump:\n%s", dump(s));
	r = rec("sourcetype", "cisco:nvm:flowdata", "process_name",
	    "Calc.exe", "dest", "8.8.8.8", NULL);
	ck_assert_int_eq(spl_match(s, r), 1);
	record_free(r);
	r = rec("sourcetype", "cisco:nvm:flowdata", "process_name",
	    "IMEWDBLD.EXE", "dest", "2001:db8::1", NULL);
	ck_assert_int_eq(spl_match(s, r), 1);
	record_free(r);
	r = rec("sourcetype", "cisco:nvm:flowdata", "process_name",
	    "calc.exe", "dest", "172.20.1.1", NULL);
	ck_assert_int_eq(spl_match(s, r), 0);
	record_free(r);
	r = rec("sourcetype", "cisco:nvm:flowdata", "process_name",
	    "calc.exe", "dest", "::1", NULL);
	ck_assert_int_eq(spl_match(s, r), 0);
	record_free(r);
	r = rec("sourcetype", "cisco:nvm:flowdata", "process_name",
	    "chrome.exe", "dest", "8.8.8.8", NULL);
	ck_assert_int_eq(spl_match(s, r), 0);
	record_free(r);
	r = rec("sourcetype", "other", "process_name", "calc.exe", "dest",
	    "8.8.8.8", NULL);
	ck_assert_int_eq(spl_match(s, r), 0);
	record_free(r);
	/* No dest at all: NOT dest IN (...) is true. */
	r = rec("sourcetype", "cisco:nvm:flowdata", "process_name",
	    "calc.exe", NULL);
	ck_assert_int_eq(spl_match(s, r), 1);
	record_free(r);
	spl_free(s);
	free(text);
	free(want);
}
END_TEST

START_TEST(test_no_macros)
{
	struct spl_error	 err;
	struct spl_search	*s;
	const char		*q = "pn=a | `x_filter`";

	s = spl_compile(q, strlen(q), dict, NULL, &err);
	ck_assert_ptr_nonnull(s);
	spl_free(s);
	spl_free(NULL);
	q = "`x`";
	ck_assert_ptr_null(spl_compile(q, strlen(q), dict, NULL, &err));
	ck_assert_str_eq(err.msg, "unknown macro 'x'");
	/* A NUL byte is an error, not the end of a name. */
	ck_assert_ptr_null(spl_compile("pn=a\n src\0x=1", 14, dict, NULL,
	    &err));
	ck_assert_str_eq(err.msg, "NUL byte in search text");
	ck_assert_int_eq(err.line, 2);
	ck_assert_int_eq(err.column, 5);
	/* The text need not be NUL-terminated. */
	s = spl_compile("pn=a ppath=b", 4, dict, NULL, &err);
	ck_assert_str_eq(dump(s), "search pn=\"a\"\n");
	spl_free(s);
}
END_TEST

static Suite *
spl_suite(void)
{
	Suite	*s = suite_create("spl");
	TCase	*tc = tcase_create("spl");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_value_case);
	tcase_add_test(tc, test_wildcards);
	tcase_add_test(tc, test_quotes);
	tcase_add_test(tc, test_in);
	tcase_add_test(tc, test_cidr);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_multivalue);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_match_all);
	tcase_add_test(tc, test_macros);
	tcase_add_test(tc, test_comments);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_nesting);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_commands);
	tcase_add_test(tc, test_seed);
	tcase_add_test(tc, test_no_macros);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(spl_suite());
}
