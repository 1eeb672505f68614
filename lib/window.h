/*
 * window.h - the window table: `stats ... by ...` over tumbling event-time
 * windows, for one rule.
 *
 * Records that passed a rule's base search are added with window_add().
 * Each lands in the window [s, s + window) with s = floor(_time / window)
 * * window (windows are aligned to multiples of their length since the
 * epoch, so a 1h window is a clock hour, as Splunk's hourly run), and in
 * one group per combination of its by-field values (a multivalue by-field
 * splits the record into one group per value; a record lacking any
 * by-field, or having it with no value, joins no group and is counted).
 *
 * Time. The table never reads a clock: every call takes `now` (epoch
 * seconds) from the caller. The watermark is
 *
 *	max(latest _time added, now) - lateness
 *
 * and a window is closed once the watermark reaches its end: its rows are
 * emitted (sorted by their by-values) and its groups freed. So a window
 * closes when a record at least `lateness` newer arrives, or, on an idle
 * stream, when the caller's clock passes end + lateness (window_tick()).
 * A record whose window is already closed is not lost: it opens a fresh
 * group for that window, emitted with ROW_LATE at the next window_tick().
 * The clock only moves forward and is trusted: a caller that passes one
 * absurd now (years ahead) closes every window and makes every record
 * late until its clock catches up. Records' times are not trusted: see
 * max_future.
 *
 * Emit modes: WINDOW_EMIT_CLOSE emits each group's row when its window
 * closes; FIRST emits a row (ROW_FIRST | ROW_PARTIAL) as soon as a group
 * appears, from its first record, and nothing at close; BOTH does both.
 *
 * Rows. A row holds the by-fields first (in `by` order, single values),
 * then each aggregation under its `as` name, in the stats order:
 *   count, count(f)   number of records (of values of f)      ROWF_NUM
 *   dc(f)             number of distinct values of f          ROWF_NUM
 *   min(f), max(f)    numeric comparison when every value is a number
 *                     (num_parse(): decimal, no hex, inf, nan or space)
 *                     (then ROWF_NUM, the winning value as it was
 *                     written), else byte-order comparison of the text
 *   values(f)         distinct values, byte order             ROWF_MV
 *   list(f)           every value in arrival order            ROWF_MV
 *   earliest(f), latest(f)  f of the record with the smallest / largest
 *                     _time (first seen wins a tie for earliest, last
 *                     seen for latest); multivalue f keeps its values
 *   sum(f), avg(f)    over the numeric values; shortest text that reads
 *                     back as the same double                 ROWF_NUM
 * A function over f where no record of the group had f yields a field
 * with no values (null). Multivalue fields feed every value.
 *
 * Caps (struct window_limits), each counted in struct window_counters:
 *  - max_values: a values()/list()/dc() field keeps at most this many
 *    values per group; later distinct values are counted, not kept, and
 *    the row carries ROW_TRUNCATED.
 *  - max_value_bytes: a longer value (by-field or aggregated) is cut to
 *    this many bytes (at a UTF-8 character boundary) and the row carries
 *    ROW_TRUNCATED.
 *  - max_groups: when a new group would exceed it, the oldest open group
 *    (by creation) is emitted at once with ROW_PARTIAL and freed; nothing
 *    is dropped. Under emit: first it is freed without a row (its row
 *    went out when it appeared), so an evicted group that appears again
 *    is a new group and alerts again. Counted in groups_evicted.
 *  - max_split: one record opens at most this many groups through
 *    multivalue by-fields; the rest of the combinations are counted.
 *  - max_bytes: when, after a record is added, the open groups hold more
 *    than this many bytes (bytes_live), the oldest groups are emitted at
 *    once with ROW_PARTIAL and freed, as at max_groups, until they hold
 *    no more (a group alone over the cap goes too). The table's own
 *    buckets, heaps and scratch are not counted; its scratch row is
 *    freed after any row over 1 MiB.
 *  - max_future: a record's _time moves the watermark at most this far
 *    past the caller's now (the record still lands in the window of its
 *    own _time), so one endpoint with its clock years ahead cannot close
 *    every window early; such records are counted (future_records).
 *    Infinity turns the guard off.
 *
 * Cost: adding a record is O(1) expected whatever the records' times and
 * by-values: windows and groups are hashed (with a key random per table,
 * so by-values cannot be chosen to collide), and closing touches only
 * the windows that close.
 *
 * Memory: each group is one allocation for its key and fixed state plus
 * the value sets that grow with it; window_counters().bytes_live is the
 * sum, for the benchmark and the metrics.
 */
#ifndef NVMWATCH_WINDOW_H
#define NVMWATCH_WINDOW_H

#include <stddef.h>
#include <stdint.h>

struct record;
struct row;
struct spl_stats;
struct window_table;

enum window_emit {
	WINDOW_EMIT_CLOSE,
	WINDOW_EMIT_FIRST,
	WINDOW_EMIT_BOTH,
};

struct window_limits {
	double			window;		/* seconds > 0; default 3600 */
	double			lateness;	/* seconds >= 0; default 600 */
	enum window_emit	emit;		/* default CLOSE */
	size_t			max_groups;	/* default 100000 */
	size_t			max_values;	/* default 1000 */
	size_t			max_value_bytes; /* default 4096 */
	size_t			max_split;	/* default 1024 */
	size_t			max_bytes;	/* default 256 MiB */
	double			max_future;	/* seconds >= 0 (may be
						   infinite); default 300 */
};

/* The defaults above. */
void	window_limits_default(struct window_limits *);

struct window_counters {
	uint64_t	records;	/* records given to window_add() */
	uint64_t	missing_by;	/* records lacking a by-field */
	uint64_t	late_records;	/* records for a closed window */
	uint64_t	groups;		/* groups opened */
	uint64_t	rows;		/* rows emitted, all kinds */
	uint64_t	rows_late;	/* of which ROW_LATE */
	uint64_t	rows_partial;	/* of which emitted early at max_groups */
	uint64_t	rows_first;	/* of which ROW_FIRST */
	uint64_t	rows_truncated;	/* of which ROW_TRUNCATED */
	uint64_t	values_dropped;	/* values not kept at max_values */
	uint64_t	values_cut;	/* values cut at max_value_bytes */
	uint64_t	splits_dropped;	/* group combinations over max_split */
	uint64_t	groups_evicted;	/* emitted (or, under emit: first,
					   freed) early at max_groups or
					   max_bytes, in every emit mode */
	uint64_t	future_records;	/* _time past now + max_future */
	uint64_t	windows_closed;
	uint64_t	groups_live;	/* open now */
	uint64_t	bytes_live;	/* bytes held by open groups */
};

/*
 * Called for each emitted row. The row (and every string in it) is the
 * table's scratch: valid during the call only; the callback may rewrite it
 * (the row commands do) but must not call back into the table.
 */
typedef void	window_emit_fn(void *arg, struct row *row);

/*
 * A table for stats (borrowed: must outlive the table) with limits
 * (copied). NULL on allocation failure or when limits are invalid
 * (window <= 0, lateness < 0, max_future < 0 or NaN, a cap of 0).
 */
struct window_table	*window_new(const struct spl_stats *stats,
			    const struct window_limits *limits,
			    window_emit_fn *emit, void *arg);
/* Frees the table and its open groups without emitting them. */
void			 window_free(struct window_table *);

/*
 * Adds a record that passed the rule's base search, at the caller's time
 * now. May emit rows (windows the new watermark closes, the group cap,
 * emit: first). Returns 0, or -1 when out of memory (counted by the
 * caller; the table stays consistent).
 */
int			 window_add(struct window_table *,
			    const struct record *rec, double now);
/*
 * Advances the clock: emits the rows of every window the watermark
 * max(latest _time, now) - lateness has passed, and every late group.
 */
void			 window_tick(struct window_table *, double now);
/* Emits every open group now, marked partial when its window had not
 * closed by the watermark; for shutdown and end of replay. */
void			 window_flush(struct window_table *, double now);

const struct window_counters *window_counters(const struct window_table *);

/*
 * The earliest time at which window_tick() will have something to emit
 * if no record arrives (end + lateness of the oldest open window, or now
 * when late groups wait), or 0 when nothing is open: for the daemon's
 * timer.
 */
double			 window_next_deadline(const struct window_table *);

#endif
