/*
 * fuzz_config.c - libFuzzer target: config_load_string() on any input;
 * what loads must dump to text that loads again to the same dump.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct config_error	 err;
	struct config		*cfg, *again;
	struct buf		 b = { 0 }, b2 = { 0 };

	cfg = config_load_string((const char *)data, len, "fuzz", &err);
	if (cfg == NULL) {
		/* Every error is a bounded, terminated string. */
		if (memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
			abort();
		return 0;
	}
	config_dump(cfg, &b);
	again = config_load_string(b.data, b.len, "dump", &err);
	if (again == NULL && !b.failed)
		abort();
	if (again != NULL) {
		config_dump(again, &b2);
		if (!b.failed && !b2.failed && strcmp(b.data, b2.data) != 0)
			abort();
	}
	config_free(again);
	config_free(cfg);
	buf_free(&b);
	buf_free(&b2);
	return 0;
}
