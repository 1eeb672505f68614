/*
 * nvmwatchd.h - the daemon's state, shared by nvmwatchd.c (start-up, the
 * record path, signals, shutdown) and the modules that act on the whole
 * daemon: the reload (reload.c), the control socket's commands and the
 * metrics endpoint.
 */
#ifndef NVMWATCHD_H
#define NVMWATCHD_H

#include <stdint.h>
#include <time.h>

#include "listen.h"
#include "log.h"
#include "statsfmt.h"

struct buf;
struct config;
struct enrich;
struct engine;
struct event;
struct event_base;
struct exporter_table;
struct field_dict;
struct ipfix_collector;
struct listen;
struct output;
struct sink_set;
struct syslog_in;
struct control;
struct metrics;

struct nvmwatchd {
	struct config		*conf;
	struct event_base	*base;
	struct field_dict	*dict;
	struct ipfix_collector	*collector;
	struct syslog_in	*syslog;	/* collector lines */
	struct enrich		*enrich;
	struct exporter_table	*exporters;
	struct output		*output;
	struct engine		*engine;
	struct output		*alerts;
	struct sink_set		*sinks;		/* sinks:; NULL: none */
	struct listen		*listen;
	struct listen_fds	 passed;	/* by systemd; kept for reloads */
	struct event		*ev_signal[4];
	struct event		*ev_timer;
	struct event		*ev_tick;
	struct event		*ev_watchdog;	/* WATCHDOG=1; NULL: no watchdog */
	uint64_t		 records;	/* given to nvmwatchd_record() */
	uint64_t		 status_records; /* records at the last STATUS= */
	double			 status_time;	/* loop time of the last STATUS= */
	struct log_limit	 limit;		/* decoder messages */
	struct log_limit	 final_limit;	/* final=1 session lines */
	uint64_t		 enrich_failed;	/* enrich_apply() returned -1 */
	uint64_t		 final_suppressed; /* sessions not logged */
	struct control		*control;	/* control socket; NULL: none */
	struct metrics		*metrics;	/* GET /metrics; NULL: off */
	uint64_t		 reloads;	/* reloads applied */
	uint64_t		 reload_failures; /* reloads refused */
	time_t			 start_time;	/* wall clock at start-up */

	/* For reloads (reload.c). */
	char			*conf_path;	/* absolute: the daemon may have
						   left its directory */
	int			 verbose;	/* -v given */
	struct config		*boot_conf;	/* as started: what a reload
						   cannot change is compared
						   with it */
	struct config		*listen_conf;	/* what listen borrows */
	struct listen_counters	 listen_carry;	/* totals of closed listeners
						   not yet added to new ones */
	struct config		*sink_conf;	/* what sinks borrows */
	struct sink_set		*retired;	/* replaced sinks, draining */
	struct config		*retired_conf;
	double			 retired_deadline;
	struct event		*ev_retire;
	int			 stopping;	/* in nvmwatchd_stop(): no
						   reloads */
	int			 started;	/* nvmwatchd_start() done */
};

/*
 * Reloads the configuration file and its rules (SIGHUP, `nvmwatch
 * reload`): everything is loaded and checked first; on any error nothing
 * changes, msg gets the error (file:line:column: message) and -1 is
 * returned. On success msg gets a one-line summary and 0 is returned.
 * See reload.c.
 */
int	nvmwatchd_reload(struct nvmwatchd *, struct buf *msg);
/* Frees the sinks a reload retired, counting what they still held as
 * dropped. No-op without any. */
void	nvmwatchd_retired_free(struct nvmwatchd *);

/* In nvmwatchd.c, for the reload: */
struct row;
struct rule;
/*
 * A rule routed to a sink conf does not define: an error naming the rule
 * file and the sink. Each is logged, or, with first, only the first goes
 * there (a reload's reply). 0 or -1.
 */
struct engine;
int	nvmwatchd_check_routes(const struct config *conf,
	    const struct engine *engine, struct buf *first);
/* The engine's alert callback: the alerts file and the sinks. */
void	nvmwatchd_alert(void *env, const struct rule *, const struct row *,
	    double now);
/* The listeners of conf, delivering to env's decoders and flushing output
 * (may be NULL); NULL on failure (logged). */
struct listen *nvmwatchd_listen(struct nvmwatchd *, const struct config *conf,
	    struct output *output);

/*
 * The daemon's stats source (statsfmt.h), env a struct nvmwatchd: its
 * own counters, the listeners, UDP sessions, decoder totals, syslog
 * input, enrichment, the records and alerts files (when open), one set
 * per rule (label rule, its short name) and per sink (label sink), and
 * the metrics endpoint. Not per exporter: those are the stats: lines'.
 */
void	nvmwatchd_stats(void *env, stats_visit_fn *fn, void *arg);

#endif
