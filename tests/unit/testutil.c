/*
 * testutil.c - helpers shared by the Check suites.
 */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

uint8_t *
test_read_data(const char *name, size_t *len)
{
	char	path[1024];

	snprintf(path, sizeof(path), "%s/%s", NVMWATCH_TEST_DATA, name);
	return (uint8_t *)test_read_file(path, len);
}

char *
test_read_file(const char *path, size_t *len)
{
	FILE	*f;
	char	*p;
	long	 n;

	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	p = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = 0;
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return p;
}

int
test_run_suite(Suite *s)
{
	SRunner	*sr = srunner_create(s);
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
