/*
 * output.h - the records file (decoded records as JSON lines) and the
 * alerts file (one alert per line, row_cmd.h's alert_json()).
 *
 * Records are rendered into a buffer and written when output_flush() is
 * called (the daemon flushes before every return to the event loop, so a
 * reader of the file sees every record that was decoded) or when the buffer
 * grows past OUTPUT_FLUSH_BYTES. Write errors are counted and logged
 * (rate-limited); the records in a failed write are lost and counted.
 */
#ifndef NVMWATCHD_OUTPUT_H
#define NVMWATCHD_OUTPUT_H

#include <stdint.h>

#define OUTPUT_FLUSH_BYTES	(256 * 1024)

struct record;
struct row;
struct rule;
struct output;

struct output_counters {
	uint64_t	records_written;
	uint64_t	bytes_written;
	uint64_t	write_errors;	/* failed write(2) calls */
	uint64_t	records_lost;	/* in failed writes, or not rendered */
	uint64_t	reopens;	/* output_reopen() calls that worked */
};

/*
 * Opens path for appending (created with mode 0640). flags are the
 * RECORD_JSON_* flags. NULL with errno set on failure.
 */
struct output	*output_open(const char *path, unsigned flags);
/* Flushes, closes and frees. NULL: no-op. */
void		 output_close(struct output *);
/* Renders rec (borrowed) as one line. */
void		 output_record(struct output *, const struct record *rec);
/* Renders the alert for row of rule (borrowed) as one line. */
void		 output_alert(struct output *, const struct rule *rule,
		    const struct row *row, double now);
/*
 * Writes what is buffered, then closes the file and opens its path again
 * (created if gone): after logrotate renamed it, new lines go to a new
 * file and none is lost. Returns 0, or -1 (logged) when the path cannot be
 * opened; the old file then stays in use. NULL: no-op.
 */
int		 output_reopen(struct output *);
/* Writes what is buffered. NULL: no-op. */
void		 output_flush(struct output *);
/* Adds c's totals (the file a reload replaced) to o's counters. */
void		 output_add_counters(struct output *o,
		    const struct output_counters *c);
const struct output_counters *output_counters(const struct output *);

#endif
