/*
 * fuzz_ipfix.c - libFuzzer target for the IPFIX decoder.
 *
 * The input is a sequence of IPFIX messages, cut by each one's length
 * field, fed in order to one session (so templates from one message apply
 * to the next). The collector lives for the whole run; each input gets a
 * fresh session, freed at the end.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "field.h"
#include "ipfix.h"
#include "record.h"

#define FUZZ_MAX_MESSAGES	64

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct field_dict	*dict;
static struct ipfix_collector	*col;

static void
fuzz_record(struct record *r, void *arg)
{
	uint32_t	n;
	int		i, nf;
	const int	*f = record_fields(r, &nf);

	for (i = 0; i < nf; i++)
		(void)record_get(r, f[i], &n);
}

static void
fuzz_log(int prio, const char *msg, void *arg)
{
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipfix_session	*s;
	size_t			 off = 0, n;
	int			 i;

	if (col == NULL) {
		if ((dict = field_dict_new()) == NULL ||
		    (col = ipfix_collector_new(dict, NULL, fuzz_record,
		    NULL)) == NULL)
			abort();
		ipfix_collector_set_log(col, fuzz_log, NULL);
	}
	if ((s = ipfix_session_new(col, "fuzz")) == NULL)
		abort();
	for (i = 0; i < FUZZ_MAX_MESSAGES && off < size; i++) {
		n = size - off;
		if (n >= 4) {
			size_t len = (size_t)data[off + 2] << 8 | data[off + 3];

			if (len >= 4 && len < n)
				n = len;
		}
		ipfix_session_message(s, data + off, n, 1491362773.0 + i);
		off += n;
	}
	ipfix_session_free(s);
	return 0;
}
