/*
 * record.h - one decoded nvzFlow record, as the engine and the sinks see it.
 *
 * A record holds, for each field of its dictionary, zero or more text values
 * (multivalue fields keep every value, in order). Values are text because
 * that is what SPL compares; the field's type says whether it is a number.
 * All storage comes from the record's arena: record_clear() forgets the
 * values and rewinds the arena, so the hot path allocates nothing once warm.
 *
 * Lifetime: values returned by record_get() are borrowed and valid until the
 * next record_clear() or record_free(). A consumer that keeps a value copies it.
 */
#ifndef NVMWATCH_RECORD_H
#define NVMWATCH_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "field.h"

struct buf;
struct record;

enum record_kind {
	RECORD_UNKNOWN,
	RECORD_FLOW,		/* 5-tuple: templates 267/268 */
	RECORD_ENDPOINT,	/* udid + host/OS: template 262 */
	RECORD_INTERFACE,	/* udid + interface fields: template 266 */
	RECORD_PROCESS,		/* process fields without a 5-tuple */
	RECORD_KIND_COUNT
};

/* Where a value came from; JSON output can be limited to the wire. */
enum record_origin {
	ORIGIN_WIRE,		/* decoded from IPFIX or a collector line */
	ORIGIN_DERIVED,		/* computed by record_finish() */
	ORIGIN_ENRICHED,	/* joined from a cached endpoint/interface/process */
};

struct rec_str {
	const char	*ptr;		/* NUL-terminated */
	uint32_t	 len;
};

/*
 * A record for dict (borrowed: must outlive the record). arena_limit caps
 * the bytes one record may hold (0: 1 MiB). NULL on allocation failure.
 */
struct record		*record_new(const struct field_dict *dict,
			    size_t arena_limit);
void			 record_free(struct record *);
/* Forgets every value and metadata; rewinds the arena. */
void			 record_clear(struct record *);

const struct field_dict	*record_dict(const struct record *);

/*
 * Values of field, or NULL when absent; *n gets the count (1 for a single
 * value). Borrowed until record_clear().
 */
const struct rec_str	*record_get(const struct record *, int field,
			    uint32_t *n);
/* First value of field or NULL. */
const char		*record_get1(const struct record *, int field);
int			 record_has(const struct record *, int field);
enum record_origin	 record_origin(const struct record *, int field);
/* Fields present, in the order they were first set; borrowed. */
const int		*record_fields(const struct record *, int *n);

/*
 * Setters. Each replaces the field's value (or, for record_append*, adds
 * one more value to a multivalue field) and copies what it is given into
 * the arena. They return 0, or -1 when the arena limit is reached or the
 * input does not fit the field's type (the field is then left absent).
 */
int	record_set_text(struct record *, int field, const char *, size_t,
	    enum record_origin);
int	record_set_uint(struct record *, int field, uint64_t,
	    enum record_origin);
/*
 * Sets field from its wire encoding (network byte order), rendered by the
 * field's type: UINT/TIME_* from 1 to 8 octets, ADDR from 4 or 16 octets
 * (other lengths become hex), HEX as upper-case hex, STRING as is.
 */
int	record_set_wire(struct record *, int field, const uint8_t *, size_t);
/* Adds one value to a multivalue field from a list item's wire bytes:
 * STRING_LIST items as text, HEX_LIST items as upper-case hex. */
int	record_append_wire(struct record *, int field, const uint8_t *, size_t);
/* Adds one text value to a multivalue field. */
int	record_append_text(struct record *, int field, const char *, size_t,
	    enum record_origin);
/* Marks field present with zero values (an empty list). */
int	record_set_empty_list(struct record *, int field);

/* Metadata. */
void			 record_set_kind(struct record *, enum record_kind);
enum record_kind	 record_kind(const struct record *);
void			 record_set_source(struct record *, uint32_t odid,
			    uint16_t template_id);
uint32_t		 record_odid(const struct record *);
uint16_t		 record_template(const struct record *);
/* _time in seconds (fractional with milliseconds); valid after finish. */
double			 record_time(const struct record *);

/* The kind that the fields present imply (see enum record_kind). */
enum record_kind	 record_classify(const struct record *);
/*
 * Classifies the record when its kind is unknown and computes the derived
 * fields once: transport, bytes, _time (fsms, else fss, else recv_time),
 * authority/principal splits, sourcetype, user, process and
 * parent_process (CIM command lines). Returns 0, or -1 when the arena
 * is full (derived fields are then partly missing).
 */
int			 record_finish(struct record *, double recv_time);
/*
 * Computes again the fields derived from process and account context
 * (the authority/principal splits, user, process, parent_process),
 * replacing derived values but never wire ones: for a flow that
 * enrichment has just joined such context into. 0, or -1 when the arena
 * is full.
 */
int			 record_derive_context(struct record *);

const char		*record_kind_name(enum record_kind);

/* JSON rendering flags. */
#define RECORD_JSON_KEYS	0x01	/* collector keys where a field has one */
#define RECORD_JSON_WIRE	0x02	/* wire values only, plus _template/_odid */

/* Appends the record as one JSON object (no newline) to b. */
void			 record_json(const struct record *, struct buf *b,
			    unsigned flags);

#endif
