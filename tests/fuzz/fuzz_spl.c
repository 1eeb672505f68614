/*
 * fuzz_spl.c - libFuzzer target: spl_compile() on any text, with a few
 * macros (arguments, nesting, a cycle) so expansion is fuzzed too. What
 * compiles is dumped and matched against a fixed record; what does not
 * must give a terminated message at a position inside the text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "field.h"
#include "record.h"
#include "spl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 lookup(void *, const char *, size_t, struct spl_macro_def *);
static struct record *fixed_record(struct field_dict *);

struct fuzz_macro {
	const char	*name;
	size_t		 nargs;
	const char	*argnames[2];
	const char	*definition;
};

static const struct fuzz_macro macros[] = {
	{ "m", 0, { NULL }, "sourcetype=\"cisco:nvm:flowdata\"" },
	{ "ct", 1, { "field" },
	    "convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime($field$)" },
	{ "two", 2, { "a", "b" }, "$a$=$b$ `m` ```c```" },
	{ "loop", 0, { NULL }, "`loop`" },
	{ "bad", 0, { NULL }, "(\"" },
};

static int
lookup(void *arg, const char *name, size_t nargs, struct spl_macro_def *def)
{
	size_t	i;

	(void)arg;
	for (i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
		if (strcmp(macros[i].name, name) == 0 &&
		    macros[i].nargs == nargs) {
			def->definition = macros[i].definition;
			def->nargs = nargs;
			def->argnames = macros[i].argnames;
			return 0;
		}
	return -1;
}

static struct record *
fixed_record(struct field_dict *dict)
{
	struct record	*r;

	if ((r = record_new(dict, 0)) == NULL)
		abort();
	record_set_text(r, F_PROCESS_NAME, "Calc.exe", 8, ORIGIN_WIRE);
	record_set_text(r, F_DEST, "10.1.2.3", 8, ORIGIN_WIRE);
	record_set_text(r, F_SRC, "2001:db8::1", 11, ORIGIN_WIRE);
	record_append_text(r, F_MODULE_NAME_LIST, "a.dll", 5, ORIGIN_WIRE);
	record_append_text(r, F_MODULE_NAME_LIST, "B.DLL", 5, ORIGIN_WIRE);
	record_set_text(r, F_PROCESS_ARGUMENTS, "", 0, ORIGIN_WIRE);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct field_dict	*dict;
	static struct record		*r;
	struct spl_macro_fn		 fn = { lookup, NULL };
	struct spl_error		 err;
	struct spl_search		*s;
	struct buf			 b = { 0 };
	size_t				 lines = 1, i;

	if (dict == NULL) {
		if ((dict = field_dict_new()) == NULL)
			abort();
		r = fixed_record(dict);
	}
	s = spl_compile((const char *)data, len, dict, &fn, &err);
	if (s == NULL) {
		for (i = 0; i < len; i++)
			lines += data[i] == '\n';
		if (memchr(err.msg, '\0', sizeof(err.msg)) == NULL ||
		    err.msg[0] == '\0' || err.line < 0 ||
		    (size_t)err.line > lines || err.column < 0 ||
		    (size_t)err.column > len + 1)
			abort();
		return 0;
	}
	(void)spl_match(s, r);
	spl_dump(s, &b);
	buf_free(&b);
	spl_free(s);
	return 0;
}
