/*
 * check_yamldoc.c - the libyaml document the loaders share: the size cap,
 * syntax errors and a second document with their places, the messages
 * about nodes, quoting, paths, numbers with unit suffixes and reading a
 * file whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "rule.h"
#include "testutil.h"
#include "yamldoc.h"

static struct yamldoc	*load(const char *, struct yamldoc_error *);
static void		 check_error(const struct yamldoc_error *, int, int,
			    const char *);

static struct yamldoc *
load(const char *text, struct yamldoc_error *err)
{
	return yamldoc_load(text, strlen(text), 1024, "t.yml", err);
}

static void
check_error(const struct yamldoc_error *err, int line, int column,
    const char *msg)
{
	ck_assert_str_eq(err->msg, msg);
	ck_assert_msg(err->line == line && err->column == column,
	    "%s: at %d:%d, want %d:%d", msg, err->line, err->column, line,
	    column);
}

START_TEST(test_load)
{
	struct yamldoc_error	 err;
	struct yamldoc		*yd;

	ck_assert_ptr_nonnull(yd = load("a: 1\n", &err));
	ck_assert_str_eq(err.file, "t.yml");
	check_error(&err, 0, 0, "");
	ck_assert_ptr_nonnull(yamldoc_root(yd));
	ck_assert_int_eq(yamldoc_end(yd), 0);
	check_error(&err, 0, 0, "");
	yamldoc_free(yd);

	/* Nothing but comments, or nothing: no root, and no error. */
	ck_assert_ptr_nonnull(yd = load("# nothing\n", &err));
	ck_assert_ptr_null(yamldoc_root(yd));
	ck_assert_int_eq(yamldoc_end(yd), 0);
	yamldoc_free(yd);
	ck_assert_ptr_nonnull(yd = load("", &err));
	ck_assert_ptr_null(yamldoc_root(yd));
	yamldoc_free(yd);

	ck_assert_ptr_nonnull(yd = yamldoc_load("a", 1, 1, NULL, &err));
	ck_assert_str_eq(err.file, "");
	yamldoc_free(yd);
	yamldoc_free(NULL);
}
END_TEST

START_TEST(test_size_cap)
{
	struct yamldoc_error	 err;
	struct yamldoc		*yd;

	ck_assert_ptr_null(yamldoc_load("a: 1234567", 10, 9, "big.yml",
	    &err));
	ck_assert_str_eq(err.file, "big.yml");
	check_error(&err, 0, 0, "larger than 9 bytes");
	ck_assert_ptr_nonnull(yd = yamldoc_load("a: 1234567", 10, 10,
	    "big.yml", &err));
	check_error(&err, 0, 0, "");
	yamldoc_free(yd);
}
END_TEST

static const struct {
	const char	*text;
	int		 line, column;
	const char	*msg;
} syntax_cases[] = {
	{ "a: [1, 2\n", 2, 1, "syntax error: did not find expected ',' or "
	    "']' (while parsing a flow sequence)" },
	{ "a: *x\n", 1, 4, "syntax error: found undefined alias" },
	{ "a: b: 1\n", 1, 5,
	    "syntax error: mapping values are not allowed in this context" },
	/* Bad encoding: counted in bytes over the text, from 1:1. */
	{ "a:\n  b: \"\xff\"\n", 2, 7,
	    "invalid input: invalid leading UTF-8 octet" },
	{ "\xff", 1, 1, "invalid input: invalid leading UTF-8 octet" },
};

START_TEST(test_syntax)
{
	struct yamldoc_error	 err;

	ck_assert_ptr_null(load(syntax_cases[_i].text, &err));
	ck_assert_str_eq(err.file, "t.yml");
	check_error(&err, syntax_cases[_i].line, syntax_cases[_i].column,
	    syntax_cases[_i].msg);
}
END_TEST

START_TEST(test_end)
{
	struct yamldoc_error	 err;
	struct yamldoc		*yd;

	ck_assert_ptr_nonnull(yd = load("a: 1\n---\nb: 2\n", &err));
	ck_assert_int_eq(yamldoc_end(yd), -1);
	check_error(&err, 3, 1, "only one YAML document is allowed");
	yamldoc_free(yd);

	/* A syntax error after the first document shows only at the end. */
	ck_assert_ptr_nonnull(yd = load("a: 1\n---\nb: [\n", &err));
	ck_assert_ptr_nonnull(yamldoc_root(yd));
	check_error(&err, 0, 0, "");
	ck_assert_int_eq(yamldoc_end(yd), -1);
	check_error(&err, 4, 1, "syntax error: did not find expected node "
	    "content (while parsing a flow node)");
	yamldoc_free(yd);
}
END_TEST

/* The items of a sequence: what each is, and what messages call it. */
static const char items_text[] =
	"- word\n"
	"- ~\n"
	"- [1]\n"
	"- {k: v}\n"
	"- \"\"\n"
	"-\n"
	"- null\n"
	"- 'null'\n"
	"- NULL\n"
	"- Null\n"
	"- nULL\n";

static const struct {
	int		 is_null;
	const char	*found;		/* what "expected" names; NULL: skip */
} items[] = {
	{ 0, "\"word\"" },
	{ 1, "an empty value" },
	{ 0, "a sequence" },
	{ 0, "a mapping" },
	{ 0, "\"\"" },
	{ 1, NULL },
	{ 1, "an empty value" },
	{ 0, "\"null\"" },
	{ 1, "an empty value" },
	{ 1, "an empty value" },
	{ 0, "\"nULL\"" },
};

START_TEST(test_nodes)
{
	struct yamldoc_error	 err;
	struct yamldoc		*yd;
	yaml_node_t		*root, *v;
	char			 want[128];
	size_t			 i;

	ck_assert_ptr_nonnull(yd = load(items_text, &err));
	ck_assert_ptr_nonnull(root = yamldoc_root(yd));
	ck_assert_uint_eq(yamldoc_nitems(root), sizeof(items) / sizeof(*items));
	for (i = 0; i < sizeof(items) / sizeof(*items); i++) {
		v = yamldoc_item(yd, root, i);
		ck_assert_msg(yamldoc_is_null(v) == items[i].is_null,
		    "item %zu", i);
		if (items[i].found == NULL)
			continue;
		ck_assert_int_eq(yamldoc_expected(yd, v, "p", "a number"), -1);
		snprintf(want, sizeof(want), "p: expected a number, not %s",
		    items[i].found);
		check_error(&err, (int)i + 1, 3, want);
	}
	/* A sequence of none. */
	yamldoc_free(yd);
	ck_assert_ptr_nonnull(yd = load("[]", &err));
	ck_assert_uint_eq(yamldoc_nitems(yamldoc_root(yd)), 0);
	yamldoc_free(yd);
}
END_TEST

START_TEST(test_fail)
{
	struct yamldoc_error	 err;
	struct yamldoc		*yd;
	yaml_node_t		*v;

	ck_assert_ptr_nonnull(yd = load("- a\n- b\n", &err));
	v = yamldoc_item(yd, yamldoc_root(yd), 1);
	ck_assert_int_eq(yamldoc_fail(yd, v, "%s=%d", "x", 5), -1);
	check_error(&err, 2, 3, "x=5");
	/* No node: the message changes, the place stays. */
	ck_assert_int_eq(yamldoc_fail(yd, NULL, "again"), -1);
	check_error(&err, 2, 3, "again");
	ck_assert_str_eq(err.file, "t.yml");
	yamldoc_free(yd);
}
END_TEST

START_TEST(test_quote)
{
	char	out[64], s[41];

	yamldoc_quote(out, sizeof(out), "abc", 3);
	ck_assert_str_eq(out, "\"abc\"");
	yamldoc_quote(out, sizeof(out), "a\tb\x7f\n", 5);
	ck_assert_str_eq(out, "\"a?b??\"");
	yamldoc_quote(out, sizeof(out), "a\0b", 3);
	ck_assert_str_eq(out, "\"a?b\"");
	memset(s, 'x', sizeof(s));
	yamldoc_quote(out, sizeof(out), s, 40);
	ck_assert_str_eq(out, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"");
	yamldoc_quote(out, sizeof(out), s, 41);
	ck_assert_str_eq(out,
	    "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"");
	yamldoc_quote(out, 4, "abcdef", 6);
	ck_assert_str_eq(out, "\"ab");
}
END_TEST

START_TEST(test_paths)
{
	struct yamldoc_error	 err;
	struct yamldoc		*yd;
	yaml_node_t		*root;
	char			 out[128], small[8];

	yamldoc_join(out, sizeof(out), "", "udp");
	ck_assert_str_eq(out, "udp");
	yamldoc_join(out, sizeof(out), "udp", "batch");
	ck_assert_str_eq(out, "udp.batch");
	yamldoc_join(small, sizeof(small), "listen[0]", "port");
	ck_assert_str_eq(small, "listen[");

	/* A key's text made printable, cut, without the quotes. */
	ck_assert_ptr_nonnull(yd = load("- bacth\n- \"a\\tb\"\n- "
	    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n", &err));
	root = yamldoc_root(yd);
	yamldoc_key_path(out, sizeof(out), "udp", yamldoc_item(yd, root, 0));
	ck_assert_str_eq(out, "udp.bacth");
	yamldoc_key_path(out, sizeof(out), "", yamldoc_item(yd, root, 1));
	ck_assert_str_eq(out, "a?b");
	yamldoc_key_path(out, sizeof(out), "x", yamldoc_item(yd, root, 2));
	ck_assert_str_eq(out,
	    "x.kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...");
	yamldoc_free(yd);
}
END_TEST

static const struct yamldoc_suffix sizes[] = {
	{ 'k', 1024 }, { 'M', 1024 * 1024 }, { 0, 1 }
};

static const struct {
	const char	*s;
	int		 sized;		/* with sizes, else no suffix */
	int		 r;
	uint64_t	 v;
} number_cases[] = {
	{ "0", 0, 0, 0 },
	{ "2055", 0, 0, 2055 },
	{ "007", 0, 0, 7 },
	/* The digits stop short of UINT64_MAX: 2^64 - 7 is too large. */
	{ "18446744073709551609", 0, 0, 18446744073709551609ULL },
	{ "18446744073709551610", 0, -1, 0 },
	{ "99999999999999999999", 0, -1, 0 },
	{ "5k", 1, 0, 5120 },
	{ "2M", 1, 0, 2097152 },
	{ "5k", 0, -1, 0 },
	{ "5K", 1, -1, 0 },
	{ "5G", 1, -1, 0 },
	{ "5kk", 1, -1, 0 },
	{ "k", 1, -1, 0 },
	{ "", 0, -1, 0 },
	{ " 5", 0, -1, 0 },
	{ "5 ", 0, -1, 0 },
	{ "-5", 0, -1, 0 },
	{ "1.5", 0, -1, 0 },
	{ "1.5k", 1, -1, 0 },
	{ "18014398509481983k", 1, 0, 18014398509481983ULL * 1024 },
	{ "18014398509481984k", 1, -1, 0 },
};

START_TEST(test_number)
{
	uint64_t	v = 42;
	int		r;

	r = yamldoc_number(number_cases[_i].s, strlen(number_cases[_i].s),
	    number_cases[_i].sized ? sizes : NULL, &v);
	ck_assert_msg(r == number_cases[_i].r, "\"%s\": %d",
	    number_cases[_i].s, r);
	if (r == 0)
		ck_assert_uint_eq(v, number_cases[_i].v);
	else
		ck_assert_uint_eq(v, 42);
}
END_TEST

START_TEST(test_suffix)
{
	ck_assert_uint_eq(yamldoc_suffix(sizes, 'k'), 1024);
	ck_assert_uint_eq(yamldoc_suffix(sizes, 'M'), 1024 * 1024);
	ck_assert_uint_eq(yamldoc_suffix(sizes, 'm'), 0);
	ck_assert_uint_eq(yamldoc_suffix(sizes, '\0'), 0);
	ck_assert_uint_eq(yamldoc_suffix(NULL, 'k'), 0);
}
END_TEST

START_TEST(test_yamldoc_read_file)
{
	struct yamldoc_error	 err;
	char			 path[] = "/tmp/check_yamldoc.XXXXXX";
	char			*text;
	size_t			 len;
	int			 fd;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_int_eq(write(fd, "a: 1\n", 5), 5);
	close(fd);
	ck_assert_int_eq(yamldoc_read_file(path, 5, &text, &len, &err), 0);
	ck_assert_uint_eq(len, 5);
	ck_assert_int_eq(memcmp(text, "a: 1\n", 5), 0);
	ck_assert_str_eq(err.file, path);
	check_error(&err, 0, 0, "");
	free(text);

	ck_assert_int_eq(yamldoc_read_file(path, 4, &text, &len, &err), -1);
	ck_assert_ptr_null(text);
	ck_assert_str_eq(err.file, path);
	check_error(&err, 0, 0, "larger than 4 bytes");
	unlink(path);

	ck_assert_int_eq(yamldoc_read_file("/nonexistent/x.yml", 64, &text,
	    &len, &err), -1);
	ck_assert_ptr_null(text);
	ck_assert_str_eq(err.file, "/nonexistent/x.yml");
	check_error(&err, 0, 0, "cannot open: No such file or directory");
	ck_assert_int_eq(yamldoc_read_file("/", 64, &text, &len, &err), -1);
	check_error(&err, 0, 0, "cannot read: Is a directory");
}
END_TEST

/* The loaders' error structs take the copy whole. */
START_TEST(test_error_copy)
{
	struct yamldoc_error	 err;
	struct config_error	 cerr;
	struct rule_error	 rerr;

	memset(&err, 0, sizeof(err));
	snprintf(err.file, sizeof(err.file), "rules/a.yml");
	err.line = 3;
	err.column = 7;
	snprintf(err.msg, sizeof(err.msg), "search: bad");
	memset(&cerr, 0xff, sizeof(cerr));
	YAMLDOC_ERROR_COPY(&cerr, &err);
	ck_assert_str_eq(cerr.file, "rules/a.yml");
	ck_assert_int_eq(cerr.line, 3);
	ck_assert_int_eq(cerr.column, 7);
	ck_assert_str_eq(cerr.msg, "search: bad");
	memset(&rerr, 0xff, sizeof(rerr));
	YAMLDOC_ERROR_COPY(&rerr, &err);
	ck_assert_str_eq(rerr.file, "rules/a.yml");
	ck_assert_int_eq(rerr.line, 3);
	ck_assert_int_eq(rerr.column, 7);
	ck_assert_str_eq(rerr.msg, "search: bad");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("yamldoc");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_load);
	tcase_add_test(tc, test_size_cap);
	tcase_add_loop_test(tc, test_syntax, 0,
	    sizeof(syntax_cases) / sizeof(*syntax_cases));
	tcase_add_test(tc, test_end);
	tcase_add_test(tc, test_nodes);
	tcase_add_test(tc, test_fail);
	tcase_add_test(tc, test_quote);
	tcase_add_test(tc, test_paths);
	tcase_add_loop_test(tc, test_number, 0,
	    sizeof(number_cases) / sizeof(*number_cases));
	tcase_add_test(tc, test_suffix);
	tcase_add_test(tc, test_yamldoc_read_file);
	tcase_add_test(tc, test_error_copy);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
