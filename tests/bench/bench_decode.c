/*
 * bench_decode.c - records per second for IPFIX decoding alone.
 *
 * Generates flows with nvmgen, encodes them into IPFIX messages in memory
 * with the exporter (templates included, 1400-byte messages as over UDP),
 * then decodes every message through one ipfix_session, several rounds,
 * and prints the figures. Nothing is timed but the decode loop.
 *
 * usage: bench_decode [-n FLOWS] [-r ROUNDS] [-e ENDPOINTS] [-s SEED]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "field.h"
#include "ipfix.h"
#include "ipfix_export.h"
#include "nvmgen.h"
#include "record.h"

struct msgs {
	uint8_t	*data;
	size_t	 len, cap;
	size_t	 count;
};

static int
collect(const uint8_t *msg, size_t len, void *arg)
{
	struct msgs	*m = arg;

	if (m->len + len > m->cap) {
		size_t	 cap = m->cap ? m->cap * 2 : 1 << 20;
		uint8_t	*p;

		while (cap < m->len + len)
			cap *= 2;
		if ((p = realloc(m->data, cap)) == NULL)
			return -1;
		m->data = p;
		m->cap = cap;
	}
	memcpy(m->data + m->len, msg, len);
	m->len += len;
	m->count++;
	return 0;
}

static void
count_record(struct record *rec, void *arg)
{
	uint64_t	*n = arg;

	(void)rec;
	(*n)++;
}

static double
seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
encode(const struct field_dict *dict, struct nvmgen_opts *o, struct msgs *m)
{
	struct nvmgen_error	 gerr;
	struct nvmgen		*gen = nvmgen_new(o, &gerr);
	struct record		*rec = record_new(dict, 0);
	struct ipfix_exporter	*ex;
	char			 err[160];

	ex = ipfix_exporter_new(dict, NULL, collect, m, err, sizeof(err));
	if (gen == NULL || rec == NULL || ex == NULL) {
		fprintf(stderr, "bench_decode: setup failed: %s %s\n",
		    gen ? "" : gerr.msg, ex ? "" : err);
		exit(1);
	}
	while (nvmgen_next(gen, rec) == 1)
		if (ipfix_exporter_add(ex, rec, 0, (uint32_t)o->base_time) == -1) {
			fprintf(stderr, "bench_decode: encode: %s\n",
			    ipfix_exporter_error(ex));
			exit(1);
		}
	ipfix_exporter_flush(ex);
	ipfix_exporter_free(ex);
	record_free(rec);
	nvmgen_free(gen);
}

int
main(int argc, char *argv[])
{
	struct nvmgen_opts	 o;
	struct msgs		 m = { 0 };
	struct field_dict	*dict = field_dict_new();
	struct ipfix_collector	*col;
	struct ipfix_session	*s;
	uint64_t		 delivered = 0;
	unsigned		 rounds = 5, i;
	size_t			 off, len;
	double			 t0, t;
	int			 ch;

	nvmgen_opts_default(&o);
	o.flows = 200000;
	o.endpoints = 50;
	o.seed = 1;
	o.base_time = 1784017733;
	o.duration = 3600;
	while ((ch = getopt(argc, argv, "n:r:e:s:")) != -1) {
		switch (ch) {
		case 'n': o.flows = strtoull(optarg, NULL, 10); break;
		case 'r': rounds = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'e': o.endpoints = (unsigned)strtoul(optarg, NULL, 10); break;
		case 's': o.seed = strtoull(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: bench_decode [-n flows] "
			    "[-r rounds] [-e endpoints] [-s seed]\n");
			return 2;
		}
	}
	encode(dict, &o, &m);
	col = ipfix_collector_new(dict, NULL, count_record, &delivered);
	t0 = seconds();
	for (i = 0; i < rounds; i++) {
		/* A fresh session per round: templates are learnt again. */
		s = ipfix_session_new(col, "bench");
		for (off = 0; off + 16 <= m.len; off += len) {
			len = (size_t)m.data[off + 2] << 8 | m.data[off + 3];
			ipfix_session_message(s, m.data + off, len, 0);
		}
		ipfix_session_free(s);
	}
	t = seconds() - t0;
	printf("decode: %u rounds x %zu messages (%zu bytes, %llu records "
	    "each)\n", rounds, m.count, m.len,
	    (unsigned long long)(delivered / rounds));
	printf("decode: %.0f records/s, %.1f MB/s, %.0f ns/record, "
	    "malformed=%llu bad_records=%llu\n",
	    (double)delivered / t, (double)m.len * rounds / t / 1e6,
	    t * 1e9 / (double)delivered,
	    (unsigned long long)ipfix_collector_totals(col)->malformed,
	    (unsigned long long)ipfix_collector_totals(col)->bad_records);
	ipfix_collector_free(col);
	field_dict_free(dict);
	free(m.data);
	return 0;
}
