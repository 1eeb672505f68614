/*
 * row_cmd.h - the commands after stats, run on each result row, and the
 * rendering of a finished row as an alert.
 *
 * row_apply() runs a compiled search's post-stats commands in order on a
 * row (docs/SPL_SEMANTICS.md, "After stats"):
 *   convert [timeformat=F] ctime(f) [as g]
 *	each value of f that is a number of epoch seconds becomes
 *	strftime(F) of its whole seconds in the rule's time zone (%Y, %m,
 *	%d, %H, %M, %S and the rest of strftime; Splunk's %Q/%N subsecond
 *	forms are not supported and stay as written); a value that is not a
 *	number is left as it is (as Splunk does); "as g" writes g and keeps
 *	f. The field loses ROWF_NUM.
 *   table a b c*	keeps the named fields in that order ('*' patterns
 *			match names, each match in row order); absent names
 *			are skipped
 *   fields [+] a b	keeps the named fields, in row order
 *   fields - a b	removes them
 *   rename a as b	renames (a '*' in both maps the matched part); a
 *			rename onto an existing field replaces it
 *   search expr	keeps the row when expr holds over its fields (the
 *			base search's semantics: case-insensitive values,
 *			wildcards, CIDR, missing fields)
 * Field names in rows are the names the commands write (no dictionary).
 */
#ifndef NVMWATCH_ROW_CMD_H
#define NVMWATCH_ROW_CMD_H

#include <stddef.h>

struct buf;
struct row;
struct rule;
struct spl_search;

/* A time zone for ctime: UTC, a fixed offset, or a tz database name. */
struct row_tz {
	int	kind;			/* ROW_TZ_* */
	long	offset;			/* seconds east of UTC (FIXED) */
	char	name[64];		/* as written (NAMED) */
};
#define ROW_TZ_UTC	0
#define ROW_TZ_FIXED	1		/* "+HH:MM", "-HH:MM", "+HHMM" */
#define ROW_TZ_NAMED	2		/* "Europe/Paris": via TZ and
					   localtime_r(); the process is
					   single-threaded where this runs */

/*
 * Parses s: "UTC" (or "Z"), a fixed offset, or a zone name found under the
 * tz database directory (/usr/share/zoneinfo). Returns 0, or -1 with err
 * filled (size errsize).
 */
int	row_tz_parse(const char *s, struct row_tz *tz, char *err,
	    size_t errsize);

/*
 * Runs the commands of s after stats on r, in order. Returns 1 when the
 * row survives, 0 when a search command dropped it, -1 when out of memory.
 */
int	row_apply(const struct spl_search *s, struct row *r,
	    const struct row_tz *tz);

/*
 * Appends the alert for r (a finished row of rule) as one JSON object, no
 * newline:
 *   {"alert_time":"2026-12-04T21:10:00.000Z","rule":NAME,"rule_id":ID,
 *    "rule_version":N,"rule_file":SHORT,"mitre_attack_id":[...],
 *    "window_start":"...Z","window_end":"...Z","emit":"close"|"first",
 *    "late":false,"partial":false,"truncated":false,"fields":{...}}
 * fields in row order; ROWF_MV fields as arrays, ROWF_NUM values as JSON
 * numbers, others as strings; a null field as null. now is alert_time.
 * Keys absent from the rule (id, version) are null.
 */
void	alert_json(const struct rule *rule, const struct row *r, double now,
	    struct buf *b);

#endif
