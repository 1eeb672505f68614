/*
 * check_ctlproto.c - the control protocol: every request the parser
 * accepts and the exact message of each it refuses; the request lines
 * written; the reply's status line both ways, with its limits.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctlproto.h"
#include "testutil.h"

static const struct {
	const char		*line;
	enum control_command	 command;
	int			 json;
} good[] = {
	{ "stats", CONTROL_STATS, 0 },
	{ "stats json", CONTROL_STATS, 1 },
	{ "rules", CONTROL_RULES, 0 },
	{ "rules json", CONTROL_RULES, 1 },
	{ "reload", CONTROL_RELOAD, 0 },
};

static const struct {
	const char	*line;
	const char	*msg;
} bad[] = {
	{ "", "empty request" },
	{ " ", "extra space in request" },
	{ " stats", "extra space in request" },
	{ "stats ", "extra space in request" },
	{ "stats  json", "extra space in request" },
	{ "stats\r", "request contains a control character" },
	{ "stats\tjson", "request contains a control character" },
	{ "rules\x7f", "request contains a control character" },
	{ "Stats", "unknown command \"Stats\" (stats, rules, reload)" },
	{ "STATS", "unknown command \"STATS\" (stats, rules, reload)" },
	{ "stat", "unknown command \"stat\" (stats, rules, reload)" },
	{ "statsjson", "unknown command \"statsjson\" (stats, rules, "
	    "reload)" },
	{ "GET / HTTP/1.1", "unknown command \"GET\" (stats, rules, "
	    "reload)" },
	{ "h\xc3\xa9llo", "unknown command \"h??llo\" (stats, rules, "
	    "reload)" },
	{ "abcdefghijklmnopqrstuvwxyz0123456789", "unknown command "
	    "\"abcdefghijklmnopqrstuvwxyz012345...\" (stats, rules, reload)" },
	{ "stats JSON", "unknown argument \"JSON\" to stats (json)" },
	{ "rules text", "unknown argument \"text\" to rules (json)" },
	{ "stats json json", "too many arguments to stats" },
	{ "rules json x y z", "too many arguments to rules" },
	{ "reload json", "reload takes no argument" },
	{ "reload now", "reload takes no argument" },
};

START_TEST(test_parse_good)
{
	struct control_request	req;
	char			msg[256] = "", line[CONTROL_REQUEST_MAX];

	memset(&req, 0xff, sizeof(req));
	ck_assert_int_eq(control_parse(good[_i].line, strlen(good[_i].line),
	    &req, msg, sizeof(msg)), 0);
	ck_assert_int_eq(req.command, good[_i].command);
	ck_assert_int_eq(req.json, good[_i].json);
	ck_assert_str_eq(msg, "");
	/* And back: the same line, with its LF. */
	ck_assert_uint_eq(control_request_line(&req, line, sizeof(line)),
	    strlen(good[_i].line) + 1);
	ck_assert_int_eq(strncmp(line, good[_i].line, strlen(good[_i].line)),
	    0);
	ck_assert_str_eq(line + strlen(good[_i].line), "\n");
}
END_TEST

START_TEST(test_parse_bad)
{
	struct control_request	req;
	char			msg[256];

	ck_assert_int_eq(control_parse(bad[_i].line, strlen(bad[_i].line),
	    &req, msg, sizeof(msg)), -1);
	ck_assert_str_eq(msg, bad[_i].msg);
}
END_TEST

START_TEST(test_parse_bounds)
{
	struct control_request	req;
	char			msg[256], *p;

	/* NUL is a control character, and nothing past len is read. */
	ck_assert_int_eq(control_parse("stats\0json", 10, &req, msg,
	    sizeof(msg)), -1);
	ck_assert_str_eq(msg, "request contains a control character");
	ck_assert_int_eq(control_parse("rules json", 5, &req, msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(req.json, 0);
	p = malloc(6);
	ck_assert_ptr_nonnull(p);
	memcpy(p, "reload", 6);		/* no NUL */
	ck_assert_int_eq(control_parse(p, 6, &req, msg, sizeof(msg)), 0);
	ck_assert_int_eq(req.command, CONTROL_RELOAD);
	free(p);
	/* 255 bytes and the LF fit; 256 do not. */
	p = malloc(CONTROL_REQUEST_MAX);
	ck_assert_ptr_nonnull(p);
	memset(p, 'a', CONTROL_REQUEST_MAX);
	ck_assert_int_eq(control_parse(p, CONTROL_REQUEST_MAX - 1, &req, msg,
	    sizeof(msg)), -1);
	ck_assert_str_eq(msg, "unknown command "
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" (stats, rules, reload)");
	ck_assert_int_eq(control_parse(p, CONTROL_REQUEST_MAX, &req, msg,
	    sizeof(msg)), -1);
	ck_assert_str_eq(msg, "request longer than 256 bytes");
	free(p);
	/* A small message buffer: cut, still terminated. */
	ck_assert_int_eq(control_parse("x", 1, &req, msg, 8), -1);
	ck_assert_str_eq(msg, "unknown");
	ck_assert_str_eq(control_command_name(CONTROL_RULES), "rules");
}
END_TEST

static const struct {
	int		 ok;
	const char	*msg;
	const char	*head;
} heads[] = {
	{ 1, "ignored", "OK\n" },
	{ 0, "rules: 2 errors", "ERR rules: 2 errors\n" },
	{ 0, "", "ERR failed\n" },
	{ 0, " \n\t", "ERR failed\n" },
	{ 0, "  padded  \n", "ERR padded\n" },
	{ 0, "two\nlines", "ERR two lines\n" },
	{ 0, "a\r\nb\tc\x7f" "d", "ERR a  b c d\n" },
	{ 0, "caf\xc3\xa9", "ERR caf\xc3\xa9\n" },
};

START_TEST(test_reply_head)
{
	struct buf	b = { 0 };

	control_reply_head(&b, heads[_i].ok, heads[_i].msg,
	    strlen(heads[_i].msg));
	ck_assert(!b.failed);
	ck_assert_str_eq(b.data, heads[_i].head);
	buf_free(&b);
}
END_TEST

START_TEST(test_reply_head_long)
{
	struct buf	 b = { 0 };
	char		*m;
	size_t		 n = CONTROL_MESSAGE_MAX + 100;

	m = malloc(n);
	ck_assert_ptr_nonnull(m);
	memset(m, 'x', n);
	control_reply_head(&b, 0, m, n);
	ck_assert_uint_eq(b.len, 4 + CONTROL_MESSAGE_MAX + 1);
	buf_free(&b);
	/* "é" across the cut: both of its bytes go. */
	m[CONTROL_MESSAGE_MAX - 1] = (char)0xc3;
	m[CONTROL_MESSAGE_MAX] = (char)0xa9;
	control_reply_head(&b, 0, m, n);
	ck_assert_uint_eq(b.len, 4 + CONTROL_MESSAGE_MAX - 1 + 1);
	ck_assert_int_eq(b.data[b.len - 2], 'x');
	buf_free(&b);
	/* Continuation bytes only: cut where the cap says. */
	memset(m, 0x80, n);
	control_reply_head(&b, 0, m, n);
	ck_assert_uint_eq(b.len, 4 + CONTROL_MESSAGE_MAX + 1);
	buf_free(&b);
	free(m);
}
END_TEST

static const struct {
	const char	*data;
	size_t		 len;		/* 0: strlen */
	int		 ok;
	const char	*message;	/* ERR's, or the parse error */
	const char	*body;
} replies[] = {
	{ "OK\n", 0, 1, NULL, "" },
	{ "OK\nrules\n", 0, 1, NULL, "rules\n" },
	{ "OK\n\0bin\n", 8, 1, NULL, "\0bin\n" },
	{ "ERR no such thing\n", 0, 0, "no such thing", "" },
	{ "ERR x\ntrailing", 0, 0, "x", "trailing" },
	{ "ERR caf\xc3\xa9\n", 0, 0, "caf\xc3\xa9", "" },
	{ "", 0, -1, "empty reply", NULL },
	{ "OK", 0, -1, "no status line", NULL },
	{ "ERR something", 0, -1, "no status line", NULL },
	{ "ok\n", 0, -1, "malformed status line \"ok\"", NULL },
	{ "OK \n", 0, -1, "malformed status line \"OK?\"", NULL },
	{ "OK\r\n", 0, -1, "malformed status line \"OK?\"", NULL },
	{ "ERR\n", 0, -1, "malformed status line \"ERR\"", NULL },
	{ "ERR \n", 0, -1, "malformed status line \"ERR?\"", NULL },
	{ "ERR a\tb\n", 0, -1, "malformed status line \"ERR?a?b\"", NULL },
	{ "ERR a\0b\n", 8, -1, "malformed status line \"ERR?a?b\"", NULL },
	{ "HTTP/1.1 200 OK\r\n\r\n", 0, -1,
	    "malformed status line \"HTTP/1.1?200?OK?\"", NULL },
};

START_TEST(test_reply_parse)
{
	struct control_reply	 rep;
	char			 msg[256] = "";
	size_t			 len = replies[_i].len;
	int			 rv;

	if (len == 0)
		len = strlen(replies[_i].data);
	rv = control_reply_parse(replies[_i].data, len, &rep, msg,
	    sizeof(msg));
	if (replies[_i].ok == -1) {
		ck_assert_int_eq(rv, -1);
		ck_assert_str_eq(msg, replies[_i].message);
		return;
	}
	ck_assert_int_eq(rv, 0);
	ck_assert_int_eq(rep.ok, replies[_i].ok);
	if (rep.ok)
		ck_assert_ptr_null(rep.message);
	else {
		ck_assert_uint_eq(rep.message_len,
		    strlen(replies[_i].message));
		ck_assert_int_eq(memcmp(rep.message, replies[_i].message,
		    rep.message_len), 0);
	}
	ck_assert_ptr_eq(rep.body, replies[_i].data + (len - rep.body_len));
	ck_assert_int_eq(memcmp(rep.body, replies[_i].body, rep.body_len), 0);
}
END_TEST

START_TEST(test_reply_limits)
{
	struct control_reply	 rep;
	struct buf		 b = { 0 };
	char			 msg[256], *m;
	size_t			 n = CONTROL_MESSAGE_MAX + 10;

	/* The longest head the server writes parses; one byte more not. */
	m = malloc(n);
	ck_assert_ptr_nonnull(m);
	memset(m, 'y', n);
	control_reply_head(&b, 0, m, n);
	ck_assert_int_eq(control_reply_parse(b.data, b.len, &rep, msg,
	    sizeof(msg)), 0);
	ck_assert_uint_eq(rep.message_len, CONTROL_MESSAGE_MAX);
	buf_reset(&b);
	buf_puts(&b, "ERR ");
	buf_append(&b, m, CONTROL_MESSAGE_MAX + 1);
	buf_puts(&b, "\n");
	ck_assert_int_eq(control_reply_parse(b.data, b.len, &rep, msg,
	    sizeof(msg)), -1);
	ck_assert_str_eq(msg, "status line longer than 1029 bytes");
	buf_free(&b);
	free(m);
	/* Past the cap, whatever it holds (the length alone is checked). */
	ck_assert_int_eq(control_reply_parse("OK\n",
	    (size_t)CONTROL_REPLY_MAX + 1, &rep, msg, sizeof(msg)), -1);
	ck_assert_str_eq(msg, "reply longer than 67108864 bytes");
}
END_TEST

#define N(a)	((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite	*s = suite_create("ctlproto");
	TCase	*tc = tcase_create("core");

	tcase_add_loop_test(tc, test_parse_good, 0, N(good));
	tcase_add_loop_test(tc, test_parse_bad, 0, N(bad));
	tcase_add_test(tc, test_parse_bounds);
	tcase_add_loop_test(tc, test_reply_head, 0, N(heads));
	tcase_add_test(tc, test_reply_head_long);
	tcase_add_loop_test(tc, test_reply_parse, 0, N(replies));
	tcase_add_test(tc, test_reply_limits);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
