/*
 * collector.h - the NVM collector's syslog output, as records.
 *
 * Cisco's NVM collector turns nvzFlow into syslog lines, one event per
 * line (ELEMENTS.md, "The NVM collector's own output"): after a syslog
 * header, either key="value" pairs (older collectors; '' inside the quotes
 * means an empty value) or one flat JSON object of strings (newer ones). A
 * relay may put a second header in front of the first. Three streams share
 * the format: flows, endpoints ("sysdata") and interfaces ("ifdata").
 *
 * collector_parse() turns one line into a record through the same field
 * dictionary as IPFIX (keys are the dictionary's collector keys), so a
 * flow that arrives as a collector line and the same flow as IPFIX are the
 * same record to the engine: same fields, same text values (numbers in
 * decimal, hashes and UDIDs in upper-case hex, addresses as IPv4/IPv6
 * text), same multivalue lists, same derived fields (record_finish()).
 * Keys the collector computes itself and IPFIX never carries (fv, fst,
 * fet and the account splits liuida/liuidp, paa/pap, ppaa/ppap; ELEMENTS.md
 * "Collector-derived keys") are skipped and counted: record_finish()
 * derives the splits as it does for IPFIX.
 *
 * collector_format() is the inverse, for `nvmwatch send --format kv|json`:
 * a record as the collector would print it (no syslog header), for the
 * records the format can hold.
 */
#ifndef NVMWATCH_COLLECTOR_H
#define NVMWATCH_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct record;

enum collector_format {
	COLLECTOR_KV,		/* key="value" key="value" ... */
	COLLECTOR_JSON,		/* {"key": "value", ...} */
};

/* Why a line was refused; the caller counts and samples these. */
struct collector_error {
	char	msg[160];
	size_t	offset;		/* byte offset in the line */
};

/*
 * What collector_parse() saw; the caller adds these up. The three key and
 * value counters count in the lines that became records only: a refused
 * line counts once, in bad_lines.
 */
struct collector_counters {
	uint64_t	lines;		/* lines given */
	uint64_t	records;	/* lines that became a record */
	uint64_t	bad_lines;	/* refused (syntax, no event) */
	uint64_t	unknown_keys;	/* keys not in the dictionary, and
					   derived fields: skipped */
	uint64_t	collector_keys;	/* the collector's own keys, skipped */
	uint64_t	bad_values;	/* values the field's type refused */
	uint64_t	kv_lines;	/* of the records: key="value" form */
	uint64_t	json_lines;	/* of the records: JSON form */
};

/* The longest line collector_parse() accepts by default. */
#define COLLECTOR_LINE_MAX	65536

/*
 * Parses line[0..len) (no trailing newline needed; a trailing \r or \n is
 * ignored; need not be NUL-terminated) into rec, which is cleared first
 * and finished (record_finish(rec, recv_time)) on success. A key is
 * looked up with field_dict_lookup_key(): aliases, keyed fields' CIM names
 * and derived fields (bytes, user, _time, ...) are unknown keys, skipped
 * and counted, as are the collector's own keys. A value the field's type
 * refuses leaves the field absent and is counted, except in sa and da: a
 * flow whose address cannot be read is refused, not turned into a record
 * of another kind. Returns 0, or -1 with err filled (and the line counted
 * as bad) when the line holds no event. c may be NULL.
 */
int	collector_parse(const char *line, size_t len, struct record *rec,
	    double recv_time, struct collector_counters *c,
	    struct collector_error *err);

/*
 * Appends rec's wire fields (ORIGIN_WIRE values only, collector keys, in
 * the record's field order) as one line in format fmt, without a newline.
 * Returns 0, or -1 with b unchanged when the record holds a value the
 * format cannot write so that collector_parse() reads it back: in both
 * forms a list item with a ',' (the item separator), a list of one empty
 * item, a value that is exactly '' (read as empty) or holds a NUL (JSON's
 * \u0000 is refused on reading); in key="value" form also a value with a
 * LF or CR (how the collector writes those, if ever, is unknown, and a
 * syslog line cannot carry them raw).
 */
int	collector_format(const struct record *rec, enum collector_format fmt,
	    struct buf *b);

#endif
