/*
 * decode.c - nvmwatch decode: a file of IPFIX messages to JSON lines.
 *
 * The file is what libfixbuf writes (and `nvmwatch send -o` too): messages
 * back to back, each framed by the length in its 16-byte header. Every
 * message goes to one ipfix session; the message's export time stands in
 * for the receive time, so the output does not depend on when it runs.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "field.h"
#include "ipfix.h"
#include "record.h"
#include "tool.h"

#define IPFIX_HEADER	16
#define READ_CHUNK	65536
#define FILE_MAX	((size_t)1 << 32)	/* refuse larger inputs */

struct decoder {
	const char	*path;
	unsigned	 flags;		/* RECORD_JSON_* */
	struct buf	 out;
	int		 write_failed;
};

static void	 print_record(struct record *, void *);
static void	 print_counters(const struct ipfix_counters *);

/* Reads path ("-": stdin) whole. */
int
tool_read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE	*fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	uint8_t	*p = NULL, *np;
	size_t	 cap = 0, n;

	*len = 0;
	if (fp == NULL) {
		tool_warn("%s", path);
		return -1;
	}
	do {
		if (*len + READ_CHUNK > cap) {
			if (cap >= FILE_MAX ||
			    (np = realloc(p, cap + 4 * READ_CHUNK)) == NULL) {
				tool_warnx("%s: too large", path);
				goto fail;
			}
			p = np;
			cap += 4 * READ_CHUNK;
		}
		n = fread(p + *len, 1, READ_CHUNK, fp);
		*len += n;
	} while (n > 0);
	if (ferror(fp)) {
		tool_warn("read %s", path);
		goto fail;
	}
	if (fp != stdin)
		fclose(fp);
	*data = p;
	return 0;
fail:
	if (fp != stdin)
		fclose(fp);
	free(p);
	return -1;
}

static void
print_record(struct record *rec, void *arg)
{
	struct decoder	*d = arg;

	buf_reset(&d->out);
	record_json(rec, &d->out, d->flags);
	buf_putc(&d->out, '\n');
	if (fwrite(d->out.data, 1, d->out.len, stdout) != d->out.len)
		d->write_failed = 1;
}

/*
 * Hands each framed message to the session. A tail that is no complete
 * message (short header, wrong version, length out of bounds) ends the
 * run with the byte offset where it starts.
 */
int
tool_ipfix_messages(const char *path, struct ipfix_session *s,
    const uint8_t *p, size_t len)
{
	size_t		off = 0, mlen;
	uint32_t	extime;
	int		rc = 0;

	while (off < len) {
		if (len - off < IPFIX_HEADER) {
			tool_warnx("%s: truncated IPFIX message header at byte "
			    "offset %zu (%zu bytes left)", path, off,
			    len - off);
			return -1;
		}
		mlen = (size_t)p[off + 2] << 8 | p[off + 3];
		if (p[off] != 0 || p[off + 1] != 10 || mlen < IPFIX_HEADER ||
		    mlen > len - off) {
			tool_warnx("%s: %s at byte offset %zu", path,
			    p[off] != 0 || p[off + 1] != 10 ?
			    "not an IPFIX message (version is not 10)" :
			    "truncated or malformed IPFIX message", off);
			return -1;
		}
		extime = (uint32_t)p[off + 4] << 24 | (uint32_t)p[off + 5] <<
		    16 | (uint32_t)p[off + 6] << 8 | p[off + 7];
		if (ipfix_session_message(s, p + off, mlen,
		    (double)extime) == -1) {
			tool_warnx("%s: malformed IPFIX message at byte offset "
			    "%zu", path, off);
			rc = -1;
		}
		off += mlen;
	}
	return rc;
}

static void
print_counters(const struct ipfix_counters *c)
{
	fprintf(stderr, "messages %" PRIu64 "\nmalformed %" PRIu64
	    "\nrecords %" PRIu64 "\nno_template %" PRIu64 "\nbad_records %"
	    PRIu64 "\nseq_gaps %" PRIu64 "\ntemplates %" PRIu64
	    "\ntemplate_withdrawals %" PRIu64 "\nbad_templates %" PRIu64
	    "\nunknown_elements %" PRIu64 "\n", c->messages, c->malformed,
	    c->records, c->no_template, c->bad_records, c->seq_gaps,
	    c->templates, c->template_withdrawals, c->bad_templates,
	    c->unknown_elements);
}

int
decode_main(int argc, char **argv)
{
	struct decoder		 d;
	struct field_dict	*dict = NULL;
	struct ipfix_collector	*col = NULL;
	struct ipfix_session	*s = NULL;
	uint8_t			*data = NULL;
	size_t			 len;
	int			 ch, verbose = 0, rc = 1;

	memset(&d, 0, sizeof(d));
	while ((ch = getopt(argc, argv, "kvw")) != -1) {
		switch (ch) {
		case 'k':
			d.flags |= RECORD_JSON_KEYS;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'w':
			d.flags |= RECORD_JSON_WIRE;
			break;
		default:
			tool_warnx("usage: nvmwatch decode [-kvw] FILE|-");
			return 1;
		}
	}
	if (optind + 1 != argc) {
		tool_warnx("usage: nvmwatch decode [-kvw] FILE|-");
		return 1;
	}
	d.path = argv[optind];
	if (tool_read_file(d.path, &data, &len) == -1)
		return 1;
	if ((dict = field_dict_new()) == NULL ||
	    (col = ipfix_collector_new(dict, NULL, print_record, &d)) == NULL ||
	    (s = ipfix_session_new(col, d.path)) == NULL) {
		tool_warnx("out of memory");
		goto fail;
	}
	rc = tool_ipfix_messages(d.path, s, data, len) == -1 ? 1 : 0;
	if (fflush(stdout) == EOF || d.write_failed) {
		tool_warn("stdout");
		rc = 1;
	}
	if (verbose)
		print_counters(ipfix_session_totals(s));
fail:
	if (s != NULL)
		ipfix_session_free(s);
	ipfix_collector_free(col);
	field_dict_free(dict);
	buf_free(&d.out);
	free(data);
	return rc;
}
