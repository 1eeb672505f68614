/*
 * metrics.h - the Prometheus endpoint: GET /metrics on a loopback address
 * (metrics: in the config), served by libevent's evhttp from the event
 * loop.
 *
 * Every request renders the daemon's counters afresh from a stats source
 * (statsfmt.h) in the text exposition format 0.0.4. GET and HEAD of
 * /metrics (any query string) answer 200; another path 404; another
 * method 405 (TRACE and CONNECT 501, from evhttp). Requests are small
 * (headers at most METRICS_MAX_HEADERS bytes, bodies METRICS_MAX_BODY)
 * and a connection that says nothing for METRICS_TIMEOUT seconds is
 * closed. The endpoint has no authentication: the config accepts only a
 * loopback address.
 */
#ifndef NVMWATCHD_METRICS_H
#define NVMWATCHD_METRICS_H

#include <stdint.h>

#include "statsfmt.h"

#define METRICS_MAX_HEADERS	8192
#define METRICS_MAX_BODY	1024
#define METRICS_TIMEOUT		10	/* seconds */

struct config;
struct event_base;
struct metrics;

struct metrics_counters {
	uint64_t	requests;	/* every request, answered or not */
	uint64_t	not_found;	/* 404 */
	uint64_t	errors;		/* 405, 500 */
};

/*
 * Listens on conf->metrics_address, port conf->metrics_port (conf is read
 * now, not kept), answering from src(srcarg, ...), which must outlive the
 * endpoint. NULL (logged, naming the address and port) when it cannot
 * bind or memory runs out.
 */
struct metrics	*metrics_new(struct event_base *, const struct config *conf,
		    stats_source_fn *src, void *srcarg);
/* Closes the socket and every connection. NULL: no-op. */
void		 metrics_free(struct metrics *);
const struct metrics_counters *metrics_counters(const struct metrics *);

#endif
