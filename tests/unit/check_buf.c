/*
 * check_buf.c - growable buffer and JSON string escaping.
 */
#include <string.h>

#include "buf.h"
#include "testutil.h"

static const char *
json_of(struct buf *b, const char *s, size_t len)
{
	buf_reset(b);
	buf_json_string(b, s, len);
	return b->data;
}

START_TEST(test_append_and_printf)
{
	struct buf	b = { 0 };
	int		i;

	buf_puts(&b, "a");
	buf_putc(&b, 'b');
	buf_printf(&b, "%d-%s", 42, "x");
	ck_assert_str_eq(b.data, "ab42-x");
	for (i = 0; i < 1000; i++)
		buf_puts(&b, "0123456789");
	ck_assert_uint_eq(b.len, 6 + 10000);
	ck_assert_int_eq(b.failed, 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_json_escapes)
{
	struct buf	b = { 0 };

	ck_assert_str_eq(json_of(&b, "plain", 5), "\"plain\"");
	ck_assert_str_eq(json_of(&b, "MYNVM\\dummy11", 13),
	    "\"MYNVM\\\\dummy11\"");
	ck_assert_str_eq(json_of(&b, "a\"b\n\t\r", 6), "\"a\\\"b\\n\\t\\r\"");
	ck_assert_str_eq(json_of(&b, "\x01\x7f", 2), "\"\\u0001\\u007f\"");
	ck_assert_str_eq(json_of(&b, "a\0b", 3), "\"a\\u0000b\"");
	buf_free(&b);
}
END_TEST

START_TEST(test_json_utf8)
{
	struct buf	b = { 0 };

	/* Valid UTF-8 passes through; invalid bytes are escaped one by one. */
	ck_assert_str_eq(json_of(&b, "caf\xc3\xa9", 5), "\"caf\xc3\xa9\"");
	ck_assert_str_eq(json_of(&b, "\xe2\x82\xac", 3), "\"\xe2\x82\xac\"");
	ck_assert_str_eq(json_of(&b, "\xff", 1), "\"\\u00ff\"");
	ck_assert_str_eq(json_of(&b, "\xc3", 1), "\"\\u00c3\"");
	ck_assert_str_eq(json_of(&b, "\xed\xa0\x80", 3),
	    "\"\\u00ed\\u00a0\\u0080\"");		/* a surrogate */
	ck_assert_str_eq(json_of(&b, "\xc0\xaf", 2), "\"\\u00c0\\u00af\"");
	buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("buf");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_append_and_printf);
	tcase_add_test(tc, test_json_escapes);
	tcase_add_test(tc, test_json_utf8);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
