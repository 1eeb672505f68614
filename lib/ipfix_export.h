/*
 * ipfix_export.h - encodes records as nvzFlow IPFIX messages (libfixbuf).
 *
 * The exporter is the mirror of ipfix.h: it takes a struct record, looks up
 * the value of every element of the record's template by field (through the
 * field dictionary) and hands back complete IPFIX messages, one at a time,
 * through a callback. It never opens a socket or a file and never reads the
 * clock: the caller owns the transport and passes the export time.
 *
 * Templates are those of ELEMENTS.md (262 endpoint, 266 interface, 267 IPv4
 * flow, 268 IPv6 flow, same elements, order and lengths) plus two that carry
 * the newer process elements after the flow elements: 269 (267 + process)
 * and 270 (268 + process). The module name and hash lists are written as
 * RFC 6313 basicLists (semantic allOf) of 9.12348 (string) and 9.12350
 * (32 octets).
 *
 * Templates go out in a message of their own before the first data record
 * and again after every template_interval data messages, so a collector
 * that starts late learns them. No message is longer than mtu; a record
 * too large to fit a message alone is refused.
 */
#ifndef NVMWATCH_IPFIX_EXPORT_H
#define NVMWATCH_IPFIX_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define IPFIX_TID_ENDPOINT	262
#define IPFIX_TID_INTERFACE	266
#define IPFIX_TID_FLOW4		267
#define IPFIX_TID_FLOW6		268
#define IPFIX_TID_FLOW4_PROC	269
#define IPFIX_TID_FLOW6_PROC	270

#define IPFIX_VARLEN		65535
#define IPFIX_EXPORT_ODID	127	/* as in every real sample */
#define IPFIX_EXPORT_MTU	1400
#define IPFIX_EXPORT_INTERVAL	32	/* data messages between template sends */

/* One field specifier of a template. */
struct ipfix_export_element {
	uint32_t	pen;		/* 0 for IANA */
	uint16_t	id;
	uint16_t	len;		/* IPFIX_VARLEN for variable length */
};

struct ipfix_export_template {
	uint16_t				 id;
	int					 nelems;
	const struct ipfix_export_element	*elems;
};

/*
 * The built-in template tid, or NULL. The table is static: callers (the
 * generator, tests) use it to set fields in template order.
 */
const struct ipfix_export_template	*ipfix_export_template(uint16_t tid);
/* The built-in template ids, in the order they are sent; *n gets the count. */
const uint16_t				*ipfix_export_template_ids(int *n);
/*
 * The template a record belongs in: record_template() when it names a
 * built-in template, else chosen from the fields present (endpoint,
 * interface, flow by address family and process fields). 0 when none fits.
 */
uint16_t	ipfix_export_choose(const struct record *);

struct ipfix_export_opts {
	uint32_t	odid;		/* 0: IPFIX_EXPORT_ODID */
	size_t		mtu;		/* 0: IPFIX_EXPORT_MTU; 128 to 65535 */
	unsigned	template_interval; /* 0: IPFIX_EXPORT_INTERVAL */
};

struct ipfix_export_stats {
	uint64_t	messages;		/* all messages handed out */
	uint64_t	template_messages;	/* of which carried templates */
	uint64_t	records;		/* data records encoded */
	uint64_t	bytes;
	uint64_t	refused;		/* records refused (see add) */
};

/*
 * Called with each complete message; msg is borrowed until it returns.
 * Return 0, or -1 to make the exporter call that emitted fail (the
 * message counts as handed out).
 */
typedef int	ipfix_export_fn(const uint8_t *msg, size_t len, void *arg);

struct ipfix_exporter;

/*
 * dict is borrowed and must outlive the exporter; opts may be NULL for the
 * defaults and is copied. NULL on allocation failure or bad options, with
 * a message in err (which may be NULL) of errlen bytes.
 */
struct ipfix_exporter	*ipfix_exporter_new(const struct field_dict *dict,
			    const struct ipfix_export_opts *opts,
			    ipfix_export_fn *fn, void *arg,
			    char *err, size_t errlen);
/* Frees without flushing; NULL is a no-op. */
void			 ipfix_exporter_free(struct ipfix_exporter *);

/*
 * Encodes rec (borrowed) into the current message with template tid
 * (0: ipfix_export_choose()). Full messages are handed to the callback
 * first; export_time (epoch seconds, nonzero) stamps messages started
 * here. Returns 0, or -1 (see ipfix_exporter_error()) when the record is
 * refused: no template fits, a value does not fit its element, or the
 * record alone exceeds the MTU. Refused records are counted and leave no
 * trace in the message; a failing callback also returns -1.
 */
int	ipfix_exporter_add(struct ipfix_exporter *, const struct record *rec,
	    uint16_t tid, uint32_t export_time);
/* Hands out the message being built, if any. 0, or -1 from the callback. */
int	ipfix_exporter_flush(struct ipfix_exporter *);
/* Sends the templates again before the next data record. */
void	ipfix_exporter_resend_templates(struct ipfix_exporter *);

const struct ipfix_export_stats	*ipfix_exporter_stats(
				    const struct ipfix_exporter *);
/* The last error message; borrowed. */
const char			*ipfix_exporter_error(
				    const struct ipfix_exporter *);

#endif
