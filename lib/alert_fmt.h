/*
 * alert_fmt.h - an alert (a rule and one finished row) as the payload a
 * sink sends, and as an RFC 5424 or RFC 3164 syslog message.
 *
 * Pure: no I/O, no clock (the alert time is the caller's now), no locale.
 * Every function appends to a struct buf; when an allocation fails the
 * buf's failed flag is set and the text must not be sent.
 *
 * Every output is one line of valid UTF-8: no byte below 0x20 and no DEL
 * is written raw, whatever the rule and row hold. Bytes that are not
 * UTF-8 are kept where the format has a way to say a byte (json: \u00XX,
 * as alert_json(); kv and leef: \xHH) and become U+FFFD where it has not
 * (cef, the syslog header and structured data). Long values are kept
 * whole: cutting is the syslog framing's job (max_bytes below).
 *
 * Null fields (no value) are written only by json; the other formats
 * have no null and leave them out. A list (several values, or ROWF_MV)
 * is its values joined with ',' (commas inside values are not escaped).
 */
#ifndef NVMWATCH_ALERT_FMT_H
#define NVMWATCH_ALERT_FMT_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct row;
struct rule;

enum alert_format {
	ALERT_JSON,
	ALERT_CEF,
	ALERT_LEEF,
	ALERT_KV
};

#define ALERT_SCHEMA_VERSION	1	/* "schema_version" of json */
#define ALERT_CEF_SEVERITY	5	/* CEF header severity (0-10) */
/*
 * The SD-ID's enterprise number when the operator gives none: 32473, the
 * example Private Enterprise Number of RFC 5612, reserved for
 * documentation. Sites that own a PEN should set theirs.
 */
#define ALERT_ENTERPRISE_DEFAULT	32473u
/* Every syslog receiver must take 480 bytes (RFC 5424 6.1): a smaller
 * max_bytes is raised to this. */
#define ALERT_SYSLOG_MIN	480
#define ALERT_SYSLOG_3164_MAX	1024	/* RFC 3164 4.1 */
#define ALERT_TRUNC_MARKER	"...[truncated]"

/*
 * "json", "cef", "leef", "kv" to the format: 0, or -1 for another name.
 * alert_format_name() is the reverse.
 */
int		 alert_format_parse(const char *name, enum alert_format *fmt);
const char	*alert_format_name(enum alert_format fmt);

/*
 * Appends the alert for row r of rule (both borrowed) in format fmt, no
 * newline; now is the alert time (epoch seconds).
 *
 * json	alert_json()'s object with "schema_version":1 as its first key.
 * cef	CEF:0|Cisco|nvmwatch|VERSION|SHORT|NAME|5|EXT where VERSION is
 *	nvmwatch's, SHORT the rule file and NAME the rule's name; header
 *	'\' and '|' escaped. EXT: rt (alert time, ms), start and end (the
 *	window, ms), cs1 rule_id, cn1 rule_version, cs2 mitre_attack_id,
 *	cs3 flags (late,partial,truncated,first; when any), then the
 *	fields in row order. A field with one value goes to a standard key
 *	where it fits: src (an IP address), dest (dst when an IP address,
 *	else dhost), dest_hostname (dhost), dest_port (dpt), src_port (spt;
 *	ports 0-65535), transport (proto), user (suser), process_name
 *	(sproc), process_id (spid), count (cnt; integers). Each standard
 *	key is used once; every other field is nvmwatch_NAME, NAME with
 *	each character outside [A-Za-z0-9_] as '_'. Values: '\', '=' escaped
 *	with '\', LF and CR as \n and \r, other controls as U+FFFD.
 * leef	LEEF:2.0|Cisco|nvmwatch|VERSION|SHORT|x09| then attributes
 *	separated by tab (declared "x09"; LEEF defines no escaping inside
 *	values, so tab is the one byte no value can hold: every control is
 *	escaped): devTimeFormat, devTime (the alert time), sev, then rule,
 *	rule_id, rule_version, rule_file, mitre_attack_id, window_start,
 *	window_end, flags, then the fields: src, dst, srcPort, dstPort,
 *	proto, usrName where they fit as for cef, others by their name
 *	mapped as for cef (and prefixed nvmwatch_ when it is a LEEF
 *	predefined key or one of ours). Values: '\' as \\, tab, LF, CR as
 *	\t \n \r, other controls and non-UTF-8 bytes as \xHH. Header
 *	fields: '|' and controls as '_'.
 * kv	key="value" pairs separated by a space, the form Splunk extracts
 *	from syslog without configuration: alert_time, rule, rule_id,
 *	rule_version, rule_file, mitre_attack_id, window_start, window_end,
 *	emit, late, partial, truncated, then the fields (names mapped as
 *	for cef; prefixed nvmwatch_ when one of the keys before). Values:
 *	'"' and '\' escaped with '\', LF CR tab as \n \r \t, other controls
 *	and non-UTF-8 bytes as \xHH. Absent rule keys are left out.
 */
void	alert_format(const struct rule *rule, const struct row *r,
	    double now, enum alert_format fmt, struct buf *b);

/*
 * Appends one RFC 5424 message (no framing, no newline):
 *
 *	<PRI>1 TIMESTAMP HOSTNAME nvmwatch - MSGID [nvmwatch@EN ...] MSG
 *
 * PRI is facility * 8 + severity (facility clamped to 0-23, severity to
 * 0-7). TIMESTAMP is now in UTC with milliseconds. HOSTNAME (borrowed;
 * NULL or empty: "-") and MSGID (the rule file's name; "-" when it has
 * none) keep printable US-ASCII, other characters becoming '_', cut at
 * 255 and 32 bytes. PROCID is nil. The SD-ELEMENT nvmwatch@enterprise
 * holds kv's keys but alert_time, then the fields (names: printable
 * ASCII but '=', ']', '"', cut at 32 bytes; values with '"', '\' and ']'
 * escaped, controls and non-UTF-8 as U+FFFD). MSG is the alert in
 * payload_fmt, without a BOM.
 *
 * When the message is longer than max_bytes (at least ALERT_SYSLOG_MIN)
 * MSG is cut at a character boundary and ends with ALERT_TRUNC_MARKER,
 * so the message is max_bytes long at most. When the header and the
 * structured data alone do not leave room for the marker, SD-PARAMs are
 * dropped from the end (the SD-ELEMENT may end with none, and is "-"
 * when even its SD-ID does not fit).
 */
void	alert_syslog_5424(const struct rule *rule, const struct row *r,
	    double now, enum alert_format payload_fmt, const char *hostname,
	    int facility, int severity, uint32_t enterprise,
	    size_t max_bytes, struct buf *b);

/*
 * Appends one RFC 3164 message: <PRI>Mmm dd hh:mm:ss HOSTNAME nvmwatch: MSG
 * with the time in UTC (3164 has no zone; receivers should be told) and
 * MSG the alert in payload_fmt. PRI, HOSTNAME and truncation as for
 * alert_syslog_5424(); ALERT_SYSLOG_3164_MAX is the RFC's size.
 */
void	alert_syslog_3164(const struct rule *rule, const struct row *r,
	    double now, enum alert_format payload_fmt, const char *hostname,
	    int facility, int severity, size_t max_bytes, struct buf *b);

#endif
