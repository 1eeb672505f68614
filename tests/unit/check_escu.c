/*
 * check_escu.c - conformance with Splunk's detection content, read from the
 * directory NVMWATCH_ESCU_DIR names (security_content's layout: macros/,
 * detections/). The content is third-party and not in the tree: without
 * the variable the suite says so and exits 77, which ctest counts as a
 * skip.
 *
 * Every macro file loads. Every detection either loads and compiles, or
 * fails only at a command the SPL subset does not support yet (where,
 * eval, regex, rex, lookup), and then the error's line and column are the
 * first byte of that command's word in the file.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "rule.h"
#include "testutil.h"

#define SEED	"cisco_nvm___non_network_binary_making_network_connection"

static const char	*escu_dir;
static struct field_dict *dict;
static struct macro_set	*macros;

/*
 * The detections that load and compile today (11 of the 16 Cisco NVM
 * detections of July to September 2026), in name order. The other five
 * stop at rex (2), regex, eval and lookup. A detection that starts to load
 * as the subset grows moves here.
 */
static const char *const loading[] = {
	"cisco_nvm___browser_spawned_unix_shell_with_external_connection",
	"cisco_nvm___mshtml_or_mshta_network_execution_without_url_in_cli",
	"cisco_nvm___non_network_binary_making_network_connection",
	"cisco_nvm___rclone_execution_with_network_activity",
	"cisco_nvm___rundll32_abuse_of_mshtml_dll_for_payload_download",
	"cisco_nvm___susp_script_from_archive_triggering_network_activity",
	"cisco_nvm___suspicious_download_from_file_sharing_website",
	"cisco_nvm___suspicious_network_connection_from_process_with_no_args",
	"cisco_nvm___suspicious_network_connection_initiated_via_msxsl",
	"cisco_nvm___suspicious_network_connection_to_ip_lookup_service_api",
	"cisco_nvm___webserver_download_from_file_sharing_website",
};

/* The commands a detection may still fail at. */
static const char *const pending[] = {
	"where", "eval", "regex", "rex", "lookup",
};

static void	 setup(void);
static void	 teardown(void);
static char	*subdir(const char *);
static const char *pending_word(const char *);
static void	 check_failure(const char *, const struct rule_error *);

static char *
subdir(const char *name)
{
	char	*p;

	ck_assert_int_ne(asprintf(&p, "%s/%s", escu_dir, name), -1);
	return p;
}

static void
setup(void)
{
	struct rule_error	 err;
	char			*dir = subdir("macros");

	ck_assert_ptr_nonnull(dict = field_dict_new());
	ck_assert_ptr_nonnull(macros = macro_set_new());
	ck_assert_msg(macro_set_load_dir(macros, dir, &err) >= 0,
	    "%s:%d:%d: %s", err.file, err.line, err.column, err.msg);
	free(dir);
}

static void
teardown(void)
{
	macro_set_free(macros);
	field_dict_free(dict);
}

/* The command of "search: unsupported command 'X'" when X is pending. */
static const char *
pending_word(const char *msg)
{
	static const char	 prefix[] = "search: unsupported command '";
	size_t			 i, n;

	if (strncmp(msg, prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	msg += sizeof(prefix) - 1;
	for (i = 0; i < sizeof(pending) / sizeof(pending[0]); i++) {
		n = strlen(pending[i]);
		if (strncmp(msg, pending[i], n) == 0 && strcmp(msg + n, "'") == 0)
			return pending[i];
	}
	return NULL;
}

/* err is about a pending command, and points at its word in the file. */
static void
check_failure(const char *path, const struct rule_error *err)
{
	const char	*word, *p;
	char		*text;
	int		 line;
	size_t		 n;

	word = pending_word(err->msg);
	ck_assert_msg(word != NULL, "%s:%d:%d: %s", err->file, err->line,
	    err->column, err->msg);
	ck_assert_str_eq(err->file, path);
	text = test_read_file(path, NULL);
	p = text;
	for (line = 1; line < err->line && p != NULL; line++)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	ck_assert_msg(p != NULL && err->column >= 1, "%s:%d:%d: no such place",
	    path, err->line, err->column);
	p += err->column - 1;
	n = strlen(word);
	ck_assert_msg(strncmp(p, word, n) == 0 && !isalnum((unsigned char)p[n])
	    && p[n] != '_', "%s:%d:%d: %s: the file has \"%.20s\" there", path,
	    err->line, err->column, err->msg, p);
	free(text);
}

START_TEST(test_macros)
{
	struct macro_set	*set;
	struct rule_error	 err;
	char			*dir = subdir("macros"), **paths;
	int			 n, i;

	/* Each file on its own, and the directory as a whole. */
	n = rule_paths(dir, &paths, &err);
	ck_assert_msg(n > 0, "%s: %s", err.file, err.msg);
	for (i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(set = macro_set_new());
		ck_assert_msg(macro_set_load(set, paths[i], &err) == 0,
		    "%s:%d:%d: %s", err.file, err.line, err.column, err.msg);
		ck_assert_uint_eq(macro_set_count(set), 1);
		macro_set_free(set);
	}
	ck_assert_uint_eq(macro_set_count(macros), (size_t)n);
	rule_paths_free(paths, n);
	free(dir);
}
END_TEST

START_TEST(test_detections)
{
	struct rule_error	 err;
	struct rule		*r;
	char			*dir = subdir("detections"), **paths;
	size_t			 nloaded = 0, want = sizeof(loading) /
				    sizeof(loading[0]);
	int			 n, i;

	n = rule_paths(dir, &paths, &err);
	ck_assert_msg(n > 0, "%s: %s", err.file, err.msg);
	for (i = 0; i < n; i++) {
		if ((r = rule_load(paths[i], dict, macros, NULL, &err)) ==
		    NULL) {
			check_failure(paths[i], &err);
			continue;
		}
		ck_assert_ptr_nonnull(r->compiled);
		ck_assert_msg(nloaded < want && strcmp(r->short_name,
		    loading[nloaded]) == 0, "%s loads, not in the list",
		    r->short_name);
		nloaded++;
		rule_free(r);
	}
	ck_assert_msg(nloaded == want, "%zu of %zu expected detections load",
	    nloaded, want);
	rule_paths_free(paths, n);
	free(dir);
}
END_TEST

START_TEST(test_seed)
{
	struct rule_error	 err;
	struct rule		*r;
	char			*path = subdir("detections/" SEED ".yml");

	r = rule_load(path, dict, macros, NULL, &err);
	ck_assert_msg(r != NULL, "%s:%d:%d: %s", err.file, err.line,
	    err.column, err.msg);
	ck_assert_str_eq(r->name,
	    "Cisco NVM - Non-Network Binary Making Network Connection");
	ck_assert_str_eq(r->short_name, SEED);
	ck_assert_str_eq(r->id, "c6db35af-8a0e-4b61-88ed-738e66f15715");
	ck_assert_int_eq(r->version, 7);
	ck_assert_str_eq(r->type, "Anomaly");
	ck_assert_uint_eq(r->nmitre, 2);
	ck_assert_str_eq(r->mitre[0], "T1055");
	ck_assert_str_eq(r->mitre[1], "T1036");
	ck_assert_ptr_nonnull(strstr(r->search, "\"win32calc.exe\""));
	ck_assert_str_eq(r->stream.timezone, "UTC");
	ck_assert(r->stream.limits.window == 3600);
	rule_free(r);
	free(path);
}
END_TEST

static Suite *
escu_suite(void)
{
	Suite	*s = suite_create("escu");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_macros);
	tcase_add_test(tc, test_detections);
	tcase_add_test(tc, test_seed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	if ((escu_dir = getenv("NVMWATCH_ESCU_DIR")) == NULL ||
	    escu_dir[0] == '\0') {
		printf("check_escu: skipped: NVMWATCH_ESCU_DIR not set\n");
		return 77;
	}
	return test_run_suite(escu_suite());
}
