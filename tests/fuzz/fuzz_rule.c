/*
 * fuzz_rule.c - libFuzzer target: the same bytes as a detection file
 * (rule_load_string()) and as a macro file (macro_set_load_string()), into
 * a set that already holds the two macros the Cisco NVM detections call, so
 * duplicates and lookups are fuzzed too. A rule that loads is complete; an
 * error is a terminated message at a place inside the file. A rule that
 * loads also runs its commands after stats (convert with its timeformat,
 * table and rename patterns, search) on a row holding its stats fields,
 * and the row becomes an alert.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "field.h"
#include "row.h"
#include "row_cmd.h"
#include "rule.h"
#include "spl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct macro_set	*base_macros(void);
static void		 check_error(const struct rule_error *,
			    const uint8_t *, size_t);
static void		 run_row(const struct rule *);

static const char *const base[] = {
	"name: m\ndefinition: sourcetype=\"cisco:nvm:flowdata\"\n",
	"name: ct\ndefinition: 'convert timeformat=\"%H\" ctime($f$)'\n"
	    "arguments: [f]\n",
};

static struct macro_set *
base_macros(void)
{
	struct macro_set	*set;
	struct rule_error	 err;
	size_t			 i;

	if ((set = macro_set_new()) == NULL)
		abort();
	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		if (macro_set_load_string(set, base[i], strlen(base[i]), "base",
		    &err) == -1)
			abort();
	return set;
}

static void
check_error(const struct rule_error *err, const uint8_t *data, size_t len)
{
	char	out[1024];
	size_t	lines = 1, i;

	/* libyaml breaks lines at \n, \r, NEL, LS and PS. */
	for (i = 0; i < len; i++)
		lines += data[i] == '\n' || data[i] == '\r' ||
		    (data[i] == 0x85 && i > 0 && data[i - 1] == 0xc2) ||
		    ((data[i] == 0xa8 || data[i] == 0xa9) && i > 1 &&
		    data[i - 1] == 0x80 && data[i - 2] == 0xe2);
	if (memchr(err->msg, '\0', sizeof(err->msg)) == NULL ||
	    err->msg[0] == '\0' || err->line < 0 ||
	    (size_t)err->line > lines + 1 || err->column < 0 ||
	    (size_t)err->column > len + 1)
		abort();
	rule_error_format(err, out, sizeof(out));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct field_dict	*dict;
	struct macro_set		*set;
	struct rule_error		 err;
	struct rule			*r;

	if (dict == NULL && (dict = field_dict_new()) == NULL)
		abort();
	set = base_macros();
	if (macro_set_load_string(set, (const char *)data, len, "fuzz.yml",
	    &err) == -1)
		check_error(&err, data, len);
	else if (macro_set_count(set) != sizeof(base) / sizeof(base[0]) + 1)
		abort();
	r = rule_load_string((const char *)data, len, "fuzz.yml", dict, set,
	    NULL, &err);
	if (r == NULL)
		check_error(&err, data, len);
	else if (r->name == NULL || r->search == NULL ||
	    r->compiled == NULL || r->stream.timezone == NULL ||
	    strcmp(r->short_name, "fuzz") != 0 ||
	    r->stream.limits.window <= 0)
		abort();
	else
		run_row(r);
	rule_free(r);
	macro_set_free(set);
	return 0;
}

/* A row as the rule's stats would emit it, through its commands. */
static void
run_row(const struct rule *r)
{
	const struct spl_stats	*st = spl_search_stats(r->compiled);
	struct row_tz		 tz;
	struct row		 row;
	struct row_field	*f;
	struct buf		 b;
	char			 err[160];
	size_t			 i;

	if (row_tz_parse(r->stream.timezone, &tz, err, sizeof(err)) == -1 ||
	    row_init(&row) == -1)
		abort();
	memset(&b, 0, sizeof(b));
	row.window_start = 1767225600;
	row.window_end = 1767229200;
	for (i = 0; st != NULL && i < st->nby; i++)
		if (row_set1(&row, st->by[i].name, "10.0.0.1", 8, 0) == NULL)
			abort();
	for (i = 0; st != NULL && i < st->naggs; i++) {
		if ((f = row_set(&row, st->aggs[i].as, ROWF_MV)) == NULL ||
		    row_add_value(&row, f, "1767225601.5", 12) == -1 ||
		    row_add_value(&row, f, "x\"y", 3) == -1)
			abort();
	}
	if (row_apply(r->compiled, &row, &tz) == 1)
		alert_json(r, &row, 1767229200, &b);
	buf_free(&b);
	row_free(&row);
}
