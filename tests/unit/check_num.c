/*
 * check_num.c - the number parser and the JSON number check: what each
 * accepts and rejects, the value read, and that neither reads p[len].
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "testutil.h"

static const struct {
	const char	*text;
	double		 value;
} good[] = {
	{ "0", 0 },
	{ "5", 5 },
	{ "-5", -5 },
	{ "+5", 5 },
	{ "007", 7 },
	{ "1.5", 1.5 },
	{ "-0.5", -0.5 },
	{ ".5", 0.5 },
	{ "5.", 5 },
	{ "-.5", -0.5 },
	{ "1e2", 100 },
	{ "1E2", 100 },
	{ "1e+2", 100 },
	{ "1e-2", 0.01 },
	{ "2.5e3", 2500 },
	{ ".5e1", 5 },
	{ "1733312345.678", 1733312345.678 },
	{ "123456789012345", 123456789012345.0 },
	{ "1234567890123456789", 1234567890123456789.0 },
	{ "0.1", 0.1 },
	{ "0.30000000000000004", 0.30000000000000004 },
	{ "1e-400", 0 },	/* underflows to zero: still finite */
	{ "00000000000000000000000000000000000000000000000000000000000000"
	    "000000000042", 42 },	/* longer than the stack copy */
};

static const char *const bad[] = {
	"", "-", "+", ".", "-.", "e5", ".e5", "1e", "1e+", "1e-", "1.2.3",
	"--1", "+-1", " 1", "1 ", "\t1", "1\n", "0x10", "0X10", "0x1p3",
	"inf", "-inf", "Infinity", "nan", "NaN", "1e999", "-1e999", "1,5",
	"1_000", "1a", "a1", "1e5.5", "1d", "1f", "\xd9\xa1",
};

static const char *const json_good[] = {
	"0", "-0", "5", "-5", "10", "1.5", "-0.5", "0.25", "1e2", "1E2",
	"1e+2", "1e-2", "0e0", "-0.0e-0", "12345678901234567890123",
};

static const char *const json_bad[] = {
	"", "-", "+1", "01", "-01", "007", ".5", "5.", "-.5", "1.e2", "1e",
	"1e+", "0x10", "inf", "nan", " 1", "1 ", "1.2.3", "--1", "1e2.5",
};

START_TEST(test_parse_good)
{
	double	d = -1;
	size_t	len = strlen(good[_i].text);

	ck_assert_msg(num_parse(good[_i].text, len, &d) == 0, "%s",
	    good[_i].text);
	ck_assert_msg(d == good[_i].value, "%s: %.17g", good[_i].text, d);
}
END_TEST

START_TEST(test_parse_bad)
{
	double	d = 123;

	ck_assert_msg(num_parse(bad[_i], strlen(bad[_i]), &d) == -1, "%s",
	    bad[_i]);
	ck_assert(d == 123);
}
END_TEST

START_TEST(test_parse_bounds)
{
	char	*p;
	double	 d = 0;

	/* Only p[0..len): what follows, readable or not, is not looked at. */
	ck_assert_int_eq(num_parse("12345", 2, &d), 0);
	ck_assert(d == 12);
	ck_assert_int_eq(num_parse("1e5x", 3, &d), 0);
	ck_assert(d == 1e5);
	ck_assert_int_eq(num_parse("1.5e", 3, &d), 0);
	ck_assert(d == 1.5);
	p = malloc(3);
	ck_assert_ptr_nonnull(p);
	memcpy(p, "2e1", 3);	/* no NUL */
	ck_assert_int_eq(num_parse(p, 3, &d), 0);
	ck_assert(d == 20);
	ck_assert_int_eq(num_is_json(p, 3), 1);
	free(p);
	/* -0 is a number, negative zero. */
	ck_assert_int_eq(num_parse("-0", 2, &d), 0);
	ck_assert(d == 0 && signbit(d));
}
END_TEST

START_TEST(test_json_good)
{
	ck_assert_msg(num_is_json(json_good[_i], strlen(json_good[_i])) == 1,
	    "%s", json_good[_i]);
}
END_TEST

START_TEST(test_json_bad)
{
	ck_assert_msg(num_is_json(json_bad[_i], strlen(json_bad[_i])) == 0,
	    "%s", json_bad[_i]);
}
END_TEST

#define N(a)	((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite	*s = suite_create("num");
	TCase	*tc = tcase_create("core");

	tcase_add_loop_test(tc, test_parse_good, 0, N(good));
	tcase_add_loop_test(tc, test_parse_bad, 0, N(bad));
	tcase_add_test(tc, test_parse_bounds);
	tcase_add_loop_test(tc, test_json_good, 0, N(json_good));
	tcase_add_loop_test(tc, test_json_bad, 0, N(json_bad));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
