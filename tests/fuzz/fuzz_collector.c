/*
 * fuzz_collector.c - libFuzzer target for the collector's syslog lines.
 *
 * The input is one line. Whatever collector_parse() accepts must survive
 * collector_format() and a second parse unchanged: in key="value" form
 * always, in JSON form when the line was JSON (kv values need not be
 * UTF-8, and buf_json_string() writes such bytes as \u00XX, which reads
 * back as other bytes). A difference aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "collector.h"
#include "field.h"
#include "record.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct field_dict	*dict;
static struct record		*rec, *back;

static void
round_trip(enum collector_format fmt)
{
	struct buf		 line = { 0 }, a = { 0 }, b = { 0 };
	struct collector_error	 err;

	/* Records the line form cannot carry are refused, not mangled. */
	if (collector_format(rec, fmt, &line) == -1) {
		if (line.len != 0)
			abort();
		buf_free(&line);
		return;
	}
	if (line.failed)
		abort();
	if (collector_parse(line.data != NULL ? line.data : "", line.len,
	    back, 1.5, NULL, &err) == -1)
		abort();
	record_json(rec, &a, 0);
	record_json(back, &b, 0);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		abort();
	buf_free(&line);
	buf_free(&a);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct collector_counters	c = { 0 };
	struct collector_error		err;

	if (dict == NULL) {
		if ((dict = field_dict_new()) == NULL ||
		    (rec = record_new(dict, 0)) == NULL ||
		    (back = record_new(dict, 0)) == NULL)
			abort();
	}
	if (collector_parse((const char *)data, size, rec, 1.5, &c,
	    &err) == -1)
		return 0;
	round_trip(COLLECTOR_KV);
	if (c.json_lines == 1)
		round_trip(COLLECTOR_JSON);
	return 0;
}
