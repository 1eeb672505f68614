/*
 * output.c - the records file; see output.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "record.h"
#include "log.h"
#include "output.h"
#include "stats.h"
#include "row_cmd.h"

struct output {
	char			*path;
	int			 fd;
	unsigned		 flags;
	struct buf		 buf;
	uint64_t		 pending;	/* records in buf */
	struct output_counters	 counters;
	struct log_limit	 limit;
};

static int	output_write(struct output *, const char *, size_t);
static void	output_line(struct output *, size_t);

struct output *
output_open(const char *path, unsigned flags)
{
	struct output	*o;
	int		 saved;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->flags = flags;
	o->limit = (struct log_limit)LOG_LIMIT_INITIALIZER(5);
	if ((o->path = strdup(path)) == NULL)
		goto fail;
	o->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (o->fd == -1)
		goto fail;
	return o;
fail:
	saved = errno;
	free(o->path);
	free(o);
	errno = saved;
	return NULL;
}

int
output_reopen(struct output *o)
{
	int	fd;

	if (o == NULL)
		return 0;
	output_flush(o);
	fd = open(o->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1) {
		log_warn("reopen %s (still writing to the old file)", o->path);
		return -1;
	}
	if (close(o->fd) == -1)
		log_warn("close %s", o->path);
	o->fd = fd;
	o->counters.reopens++;
	return 0;
}

void
output_close(struct output *o)
{
	if (o == NULL)
		return;
	output_flush(o);
	if (close(o->fd) == -1)
		log_warn("close %s", o->path);
	buf_free(&o->buf);
	free(o->path);
	free(o);
}

void
output_record(struct output *o, const struct record *rec)
{
	size_t	mark = o->buf.len;

	record_json(rec, &o->buf, o->flags);
	output_line(o, mark);
}

void
output_alert(struct output *o, const struct rule *rule, const struct row *row,
    double now)
{
	size_t	mark = o->buf.len;

	alert_json(rule, row, now, &o->buf);
	output_line(o, mark);
}

/* Ends the line rendered since mark; on failure, forgets it and counts. */
static void
output_line(struct output *o, size_t mark)
{
	buf_putc(&o->buf, '\n');
	if (o->buf.failed) {
		/* Out of memory: keep what was buffered before this line. */
		o->buf.len = mark;
		o->buf.failed = 0;
		o->counters.records_lost++;
		if (log_limit(&o->limit, time(NULL)))
			log_warnx("%s: line dropped: out of memory", o->path);
		return;
	}
	o->pending++;
	if (o->buf.len >= OUTPUT_FLUSH_BYTES)
		output_flush(o);
}

void
output_flush(struct output *o)
{
	if (o == NULL || o->buf.len == 0)
		return;
	if (output_write(o, o->buf.data, o->buf.len) == 0) {
		o->counters.records_written += o->pending;
		o->counters.bytes_written += o->buf.len;
	} else
		o->counters.records_lost += o->pending;
	o->pending = 0;
	buf_reset(&o->buf);
}

/* Writes all of p, retrying on EINTR and short writes. */
static int
output_write(struct output *o, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(o->fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			o->counters.write_errors++;
			if (log_limit(&o->limit, time(NULL)))
				log_warn("write %s", o->path);
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

void
output_add_counters(struct output *o, const struct output_counters *c)
{
	if (o != NULL && c != NULL)
		stats_add(&stats_output, &o->counters, c);
}

const struct output_counters *
output_counters(const struct output *o)
{
	return &o->counters;
}
