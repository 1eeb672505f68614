/*
 * testutil.h - helpers shared by the Check suites.
 */
#ifndef NVMWATCH_TESTUTIL_H
#define NVMWATCH_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <check.h>

/* Reads tests/data/<name> whole; aborts the test when it cannot. Caller frees. */
uint8_t	*test_read_data(const char *name, size_t *len);
/* Reads the file at path whole, NUL-terminated; aborts the test when it
 * cannot. *len (when not NULL) gets its length. Caller frees. */
char	*test_read_file(const char *path, size_t *len);
/* Runs suite s with CK_NORMAL output; returns the process exit code. */
int	 test_run_suite(Suite *s);

#endif
