/*
 * check_field.c - the field dictionary: names, keys, elements, overrides.
 */
#include <stdio.h>
#include <string.h>

#include "field.h"
#include "testutil.h"

static int
lookup(const struct field_dict *d, const char *name)
{
	return field_dict_lookup(d, name, strlen(name));
}

START_TEST(test_names_and_keys_resolve_alike)
{
	struct field_dict	*d = field_dict_new();

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(lookup(d, "process_name"), F_PROCESS_NAME);
	ck_assert_int_eq(lookup(d, "pn"), F_PROCESS_NAME);
	ck_assert_int_eq(lookup(d, "dest"), F_DEST);
	ck_assert_int_eq(lookup(d, "da"), F_DEST);
	ck_assert_int_eq(lookup(d, "dest_ip"), F_DEST);
	ck_assert_int_eq(lookup(d, "mnl"), F_MODULE_NAME_LIST);
	ck_assert_int_eq(lookup(d, "aliul"), F_ALIUL);
	ck_assert_int_eq(lookup(d, "_time"), F_TIME);
	/* Field names are case-sensitive, as in SPL. */
	ck_assert_int_eq(lookup(d, "Process_Name"), FIELD_NONE);
	ck_assert_int_eq(lookup(d, "nosuchfield"), FIELD_NONE);
	ck_assert_int_eq(field_dict_lookup(d, "pnx", 2), F_PROCESS_NAME);
	ck_assert_int_eq(field_dict_lookup(d, "pn\0xyz", 6), FIELD_NONE);
	ck_assert_int_eq(field_dict_lookup(d, "p", 1), FIELD_NONE);
	ck_assert_int_eq(field_dict_count(d), FIELD_BUILTIN_COUNT);
	field_dict_free(d);
}
END_TEST

START_TEST(test_every_builtin_name_is_unique)
{
	struct field_dict	*d = field_dict_new();
	int			 i;

	for (i = 0; i < FIELD_BUILTIN_COUNT; i++) {
		const struct field_def *f = field_dict_get(d, i);

		ck_assert_ptr_nonnull(f->name);
		ck_assert_int_eq(lookup(d, f->name), i);
		if (f->key)
			ck_assert_int_eq(lookup(d, f->key), i);
		if (f->alias)
			ck_assert_int_eq(lookup(d, f->alias), i);
	}
	ck_assert_ptr_null(field_dict_get(d, FIELD_BUILTIN_COUNT));
	field_dict_free(d);
}
END_TEST

static int
lookup_key(const struct field_dict *d, const char *key)
{
	return field_dict_lookup_key(d, key, strlen(key));
}

/*
 * A collector key is a field's key, or the CIM name of a wire field that
 * has no key; never an alias, a keyed field's CIM name or a derived field.
 */
START_TEST(test_lookup_key)
{
	struct field_dict	*d = field_dict_new();
	struct field_error	 err;
	int			 i, f;

	ck_assert_int_eq(lookup_key(d, "pn"), F_PROCESS_NAME);
	ck_assert_int_eq(lookup_key(d, "sa"), F_SRC);
	ck_assert_int_eq(lookup_key(d, "udid"), F_UDID);
	ck_assert_int_eq(lookup_key(d, "aliul"), F_ALIUL);
	ck_assert_int_eq(lookup_key(d, "agent_version"), F_AGENT_VERSION);
	ck_assert_int_eq(lookup_key(d, "liuida"), F_LOGGED_IN_USER_AUTHORITY);
	ck_assert_int_eq(lookup_key(d, "process_name"), FIELD_NONE);
	ck_assert_int_eq(lookup_key(d, "src"), FIELD_NONE);
	ck_assert_int_eq(lookup_key(d, "src_ip"), FIELD_NONE);
	ck_assert_int_eq(lookup_key(d, "additional_logged_in_users_list"),
	    FIELD_NONE);
	ck_assert_int_eq(lookup_key(d, "nosuchkey"), FIELD_NONE);
	ck_assert_int_eq(field_dict_lookup_key(d, "pnx", 2), F_PROCESS_NAME);
	ck_assert_int_eq(field_dict_lookup_key(d, "pn\0", 3), FIELD_NONE);
	/* Derived and metadata fields without a key are never keys. */
	for (i = 0; i < FIELD_BUILTIN_COUNT; i++) {
		const struct field_def *def = field_dict_get(d, i);

		if (def->key == NULL && (def->flags & (FIELD_DERIVED |
		    FIELD_META)))
			ck_assert_msg(lookup_key(d, def->name) == FIELD_NONE,
			    "%s is a key", def->name);
	}
	ck_assert_int_eq(lookup_key(d, "bytes"), FIELD_NONE);
	ck_assert_int_eq(lookup_key(d, "user"), FIELD_NONE);
	ck_assert_int_eq(lookup_key(d, "_time"), FIELD_NONE);
	/* A field added by the field map is its own key. */
	f = field_dict_map(d, 9, 40000, "custom_thing", FIELD_STRING, &err);
	ck_assert_int_ge(f, FIELD_BUILTIN_COUNT);
	ck_assert_int_eq(lookup_key(d, "custom_thing"), f);
	field_dict_free(d);
}
END_TEST

/*
 * Every field the sixteen ESCU Cisco NVM detections name in a search,
 * stats (by, values), table or alert text, other than those the search
 * itself makes (eval, rex, lookup outputs, stats AS names).
 */
START_TEST(test_escu_detection_fields)
{
	static const char *const names[] = {
		"_time", "sourcetype", "src", "src_ip", "dest", "dest_ip",
		"dest_port", "dest_hostname", "transport", "bytes_in",
		"bytes_out", "fss", "fes", "aliul", "module_name_list",
		"module_hash_list", "http_method", "user", "process",
		"process_id", "process_name", "process_path",
		"process_arguments", "process_hash", "process_integrity_level",
		"parent_process", "parent_process_id", "parent_process_name",
		"parent_process_path", "parent_process_arguments",
		"parent_process_hash", "parent_process_integrity_level",
	};
	struct field_dict	*d = field_dict_new();
	size_t			 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(lookup(d, names[i]) != FIELD_NONE, "no field %s",
		    names[i]);
	field_dict_free(d);
}
END_TEST

START_TEST(test_cim_derived_fields)
{
	struct field_dict	*d = field_dict_new();
	struct field_error	 err;
	static const int	 f[] = { F_USER, F_PROCESS, F_PARENT_PROCESS };
	size_t			 i;

	ck_assert_int_eq(lookup(d, "user"), F_USER);
	ck_assert_int_eq(lookup(d, "process"), F_PROCESS);
	ck_assert_int_eq(lookup(d, "parent_process"), F_PARENT_PROCESS);
	/* src_ip and dest_ip are other names of src and dest, not copies. */
	ck_assert_int_eq(lookup(d, "src_ip"), F_SRC);
	ck_assert_int_eq(lookup(d, "dest_ip"), F_DEST);
	ck_assert_int_eq(lookup(d, "User"), FIELD_NONE);
	ck_assert_int_eq(lookup(d, "processes"), FIELD_NONE);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		const struct field_def *def = field_dict_get(d, f[i]);

		ck_assert_ptr_null(def->key);
		ck_assert_ptr_null(def->alias);
		ck_assert_int_eq(def->type, FIELD_STRING);
		ck_assert_uint_eq(def->flags, FIELD_DERIVED);
	}
	/* Derived: no element may carry them. */
	ck_assert_int_eq(field_dict_map(d, 9, 12399, "user", FIELD_STRING,
	    &err), -1);
	ck_assert_str_eq(err.msg, "element 9.12399: field user is derived "
	    "and cannot come from the wire");
	ck_assert_int_eq(field_dict_element(d, 9, 12399), FIELD_NONE);
	field_dict_free(d);
}
END_TEST

START_TEST(test_elements)
{
	struct field_dict	*d = field_dict_new();

	ck_assert_int_eq(field_dict_element(d, 0, 8), F_SRC);
	ck_assert_int_eq(field_dict_element(d, 0, 27), F_SRC);
	ck_assert_int_eq(field_dict_element(d, 0, 28), F_DEST);
	ck_assert_int_eq(field_dict_element(d, 9, 12340), F_PROCESS_NAME);
	ck_assert_int_eq(field_dict_element(d, 9, 12352), F_MODULE_NAME_LIST);
	ck_assert_int_eq(field_dict_element(d, 9, 12375),
	    F_PARENT_PROCESS_INTEGRITY_LEVEL);
	ck_assert_int_eq(field_dict_element(d, 9, 12373), FIELD_NONE);
	ck_assert_int_eq(field_dict_element(d, 0, 12340), FIELD_NONE);
	field_dict_free(d);
}
END_TEST

START_TEST(test_map_existing_and_new)
{
	struct field_dict	*d = field_dict_new();
	struct field_error	 err;
	int			 f;

	/* An unpublished element mapped to a known key. */
	f = field_dict_map(d, 9, 12380, "aliul", FIELD_STRING_LIST, &err);
	ck_assert_int_eq(f, F_ALIUL);
	ck_assert_int_eq(field_dict_element(d, 9, 12380), F_ALIUL);
	/* A brand-new key. */
	f = field_dict_map(d, 9, 12390, "hx", FIELD_HEX, &err);
	ck_assert_int_eq(f, FIELD_BUILTIN_COUNT);
	ck_assert_int_eq(lookup(d, "hx"), f);
	ck_assert_int_eq(field_dict_get(d, f)->type, FIELD_HEX);
	ck_assert_int_eq(field_dict_count(d), FIELD_BUILTIN_COUNT + 1);
	/* Overriding a published element re-points it. */
	f = field_dict_map(d, 9, 12340, "hx", FIELD_HEX, &err);
	ck_assert_int_eq(field_dict_element(d, 9, 12340), f);
	/* Overriding a type sets the numeric/multi flags. */
	f = field_dict_map(d, 9, 12391, "fsg", FIELD_STRING, &err);
	ck_assert_int_eq(f, F_FLOW_REPORT_STAGE);
	ck_assert_uint_eq(field_dict_get(d, f)->flags & FIELD_NUMERIC, 0);
	/* New and remapped fields get the same flags for the same type. */
	f = field_dict_map(d, 9, 12392, "tnew", FIELD_TIME_MS, &err);
	ck_assert_uint_eq(field_dict_get(d, f)->flags, FIELD_NUMERIC);
	f = field_dict_map(d, 9, 12393, "lnew", FIELD_HEX_LIST, &err);
	ck_assert_uint_eq(field_dict_get(d, f)->flags, FIELD_MULTI);
	field_dict_free(d);
}
END_TEST

START_TEST(test_map_errors)
{
	struct field_dict	*d = field_dict_new();
	struct field_error	 err;

	ck_assert_int_eq(field_dict_map(d, 9, 0, "x", FIELD_UINT, &err), -1);
	ck_assert_str_eq(err.msg, "element 9.0: bad element id or type");
	ck_assert_int_eq(field_dict_map(d, 9, 1, "transport", FIELD_UINT,
	    &err), -1);
	ck_assert_str_eq(err.msg, "element 9.1: field transport is derived "
	    "and cannot come from the wire");
	ck_assert_int_eq(field_dict_map(d, 9, 1, "x", (enum field_type)99,
	    &err), -1);
	field_dict_free(d);
}
END_TEST

START_TEST(test_many_new_fields)
{
	struct field_dict	*d = field_dict_new();
	struct field_error	 err;
	char			 name[32];
	int			 i;

	for (i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		ck_assert_int_eq(field_dict_map(d, 77, (uint16_t)(i + 1), name,
		    FIELD_STRING, &err), FIELD_BUILTIN_COUNT + i);
	}
	for (i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		ck_assert_int_eq(lookup(d, name), FIELD_BUILTIN_COUNT + i);
		ck_assert_int_eq(field_dict_element(d, 77, (uint16_t)(i + 1)),
		    FIELD_BUILTIN_COUNT + i);
	}
	ck_assert_int_eq(lookup(d, "process_name"), F_PROCESS_NAME);
	field_dict_free(d);
}
END_TEST

START_TEST(test_type_names)
{
	ck_assert_int_eq(field_type_parse("string_list"), FIELD_STRING_LIST);
	ck_assert_int_eq(field_type_parse("uint"), FIELD_UINT);
	ck_assert_int_eq(field_type_parse("u32"), -1);
	ck_assert_str_eq(field_type_name(FIELD_HEX_LIST), "hex_list");
	ck_assert_str_eq(field_type_name((enum field_type)42), "?");
	field_dict_free(NULL);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("field");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_names_and_keys_resolve_alike);
	tcase_add_test(tc, test_every_builtin_name_is_unique);
	tcase_add_test(tc, test_lookup_key);
	tcase_add_test(tc, test_escu_detection_fields);
	tcase_add_test(tc, test_cim_derived_fields);
	tcase_add_test(tc, test_elements);
	tcase_add_test(tc, test_map_existing_and_new);
	tcase_add_test(tc, test_map_errors);
	tcase_add_test(tc, test_many_new_fields);
	tcase_add_test(tc, test_type_names);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
