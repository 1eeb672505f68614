/*
 * check_arena.c - the per-message bump allocator.
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "testutil.h"

START_TEST(test_alloc_aligned_and_distinct)
{
	struct arena	*a = arena_new(64, 0);
	char		*p, *q;

	ck_assert_ptr_nonnull(a);
	p = arena_alloc(a, 3);
	q = arena_alloc(a, 8);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq((uintptr_t)q % sizeof(max_align_t), 0);
	ck_assert_ptr_ne(p, q);
	ck_assert_uint_eq(arena_used(a), 11);
	arena_free(a);
}
END_TEST

START_TEST(test_grows_past_first_block)
{
	struct arena	*a = arena_new(64, 0);
	char		*big;
	int		 i;

	for (i = 0; i < 100; i++)
		ck_assert_ptr_nonnull(arena_alloc(a, 50));
	big = arena_alloc(a, 100000);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 100000);
	ck_assert_uint_eq(arena_used(a), 100 * 50 + 100000);
	arena_free(a);
}
END_TEST

START_TEST(test_limit_refuses)
{
	struct arena	*a = arena_new(64, 256);

	ck_assert_ptr_nonnull(arena_alloc(a, 64));
	ck_assert_ptr_null(arena_alloc(a, 1000));
	arena_reset(a);
	ck_assert_uint_eq(arena_used(a), 0);
	ck_assert_ptr_nonnull(arena_alloc(a, 32));
	arena_free(a);
}
END_TEST

START_TEST(test_reset_reuses_block)
{
	struct arena	*a = arena_new(64, 0);
	char		*first, *again;

	arena_alloc(a, 1000);		/* forces a bigger block */
	arena_reset(a);
	first = arena_alloc(a, 500);
	arena_reset(a);
	again = arena_alloc(a, 500);
	ck_assert_ptr_eq(first, again);
	arena_free(a);
}
END_TEST

START_TEST(test_strndup)
{
	struct arena	*a = arena_new(0, 0);
	char		*s = arena_strndup(a, "process_name=x", 12);

	ck_assert_str_eq(s, "process_name");
	ck_assert_str_eq(arena_strndup(a, "", 0), "");
	arena_free(a);
	arena_free(NULL);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("arena");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_alloc_aligned_and_distinct);
	tcase_add_test(tc, test_grows_past_first_block);
	tcase_add_test(tc, test_limit_refuses);
	tcase_add_test(tc, test_reset_reuses_block);
	tcase_add_test(tc, test_strndup);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
