/*
 * nvmwatchd.c - the nvmwatch daemon: receives nvzFlow IPFIX, decodes and
 * enriches it, runs the detection rules on every record and writes the
 * alerts (and, optionally, the records) as JSON lines.
 */
#include <sys/time.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "buf.h"
#include "config.h"
#include "control.h"
#include "ctlproto.h"
#include "engine.h"
#include "enrich.h"
#include "field.h"
#include "ipfix.h"
#include "exporter.h"
#include "listen.h"
#include "log.h"
#include "metrics.h"
#include "nvmwatchd.h"
#include "output.h"
#include "rule.h"
#include "rules_list.h"
#include "ruleset.h"
#include "sink.h"
#include "stats.h"
#include "syslog_in.h"

#define NVMWATCHD_CONFIG	"/etc/nvmwatch/nvmwatch.yaml"
#define TIMER_MIN		1.0	/* seconds between expiry runs */
#define TIMER_MAX		10.0
#define STATS_SESSION_LINES	1000	/* per-session lines per dump */
#define STATS_FINAL_BURST	100	/* final=1 sessions per log window */
#define NOTIFY_STATUS_EVERY	5.0	/* seconds between STATUS= messages */


/* One dump of per-session lines: "stats: exporter=... odid=...". */
struct stats_dump {
	const char		*proto;		/* "udp" or "tcp" */
	const char		*name;		/* the session's */
	int			 final;		/* the session is being freed */
	unsigned		 lines;		/* logged so far */
	unsigned		 max;		/* lines; 0: no limit */
	int			 skipped;	/* this session lost a line */
	uint64_t		 not_listed;	/* sessions with lines left out */
	struct ipfix_counters	 rest;		/* totals less the domains */
};

static void	usage(int) __attribute__((noreturn));
static int	check_config(const char *, int);
static void	config_error_print(const struct config_error *);
static void	config_print(const struct config *);
static int	nvmwatchd_start(struct nvmwatchd *, const char *, int);
static int	nvmwatchd_pipeline(struct nvmwatchd *);
static int	nvmwatchd_events(struct nvmwatchd *);
static void	nvmwatchd_stop(struct nvmwatchd *);
static void	nvmwatchd_record(struct record *, void *);
static void	nvmwatchd_tick(evutil_socket_t, short, void *);
static int	nvmwatchd_command(void *, const struct control_request *,
		    struct buf *);
static void	rule_error_log(void *, const struct rule_error *);
static void	stats_rules(struct nvmwatchd *);
static void	stats_sinks(struct nvmwatchd *);
static void	nvmwatchd_ipfix_log(int, const char *, void *);
static void	nvmwatchd_signal(evutil_socket_t, short, void *);
static void	nvmwatchd_timer(evutil_socket_t, short, void *);
static void	stats_log(struct nvmwatchd *);
static void	stats_sessions(struct nvmwatchd *);
static void	stats_session_udp(const struct ipfix_session *, void *);
static void	stats_session_tcp(const struct ipfix_session *, void *);
static void	stats_final_udp(const struct ipfix_session *, void *);
static void	stats_final_tcp(const struct ipfix_session *, void *);
static void	stats_final(struct nvmwatchd *, const struct ipfix_session *,
		    const char *);
static void	stats_session(struct stats_dump *,
		    const struct ipfix_session *);
static void	stats_domain(uint32_t, const struct ipfix_counters *, void *);
static void	stats_session_line(struct stats_dump *, const char *,
		    const struct ipfix_counters *);
static int	daemonize(struct event_base *);
static char	*absolute_path(const char *);
static void	nvmwatchd_drain(struct nvmwatchd *);
static const struct listen_counters *listen_totals(const struct nvmwatchd *);
static void	sink_totals(const struct nvmwatchd *, size_t,
		    struct sink_counters *);
static int	notify_watchdog_start(struct nvmwatchd *);
static void	notify_watchdog(evutil_socket_t, short, void *);
static void	notify_status(struct nvmwatchd *, double);

static void
usage(int status)
{
	extern char	*__progname;

	fprintf(status ? stderr : stdout, "usage: %s [-dhnv] [-f file]\n",
	    __progname);
	exit(status);
}

int
main(int argc, char *argv[])
{
	struct nvmwatchd	 env;
	const char		*path = NVMWATCHD_CONFIG;
	int			 ch, foreground = 0, check = 0, verbose = 0;

	while ((ch = getopt(argc, argv, "df:hnv")) != -1) {
		switch (ch) {
		case 'd':
			foreground = 1;
			break;
		case 'f':
			path = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(0);
		default:
			usage(1);
		}
	}
	if (optind != argc)
		usage(1);
	log_init(1, LOG_INFO + verbose);
	if (check)
		return check_config(path, verbose);

	memset(&env, 0, sizeof(env));
	if (nvmwatchd_start(&env, path, verbose) == -1 ||
	    (!foreground && daemonize(env.base) == -1)) {
		nvmwatchd_stop(&env);
		return 1;
	}
	if (!foreground)
		log_init(0, log_getlevel());
	if (notify_watchdog_start(&env) == -1) {
		nvmwatchd_stop(&env);
		return 1;
	}
	env.status_time = loop_now(env.base);
	sd_notify(0, "READY=1");
	log_info("started, config %s", env.conf->path);
	if (event_base_dispatch(env.base) == -1)
		log_warnx("the event loop failed");
	sd_notify(0, "STOPPING=1");
	nvmwatchd_stop(&env);
	log_info("exiting");
	return 0;
}

/*
 * -n: load the configuration, its field map and its rules; report the
 * first configuration error, or every rule that fails. With -v, print the
 * configuration in canonical form.
 */
static int
check_config(const char *path, int verbose)
{
	struct config		*conf;
	struct field_dict	*dict;
	struct engine		*engine = NULL;
	struct config_error	 err;
	size_t			 nfailed = 0;
	int			 rv = 1;

	memset(&err, 0, sizeof(err));
	if ((conf = config_load(path, &err)) == NULL) {
		config_error_print(&err);
		return 1;
	}
	if ((dict = field_dict_new()) == NULL)
		fprintf(stderr, "%s: out of memory\n", path);
	else if (config_apply_fields(conf, dict, &err) == -1)
		config_error_print(&err);
	else if ((engine = ruleset_load(conf, dict, NULL, NULL,
	    ruleset_report_stderr, NULL, &nfailed)) != NULL && nfailed == 0 &&
	    nvmwatchd_check_routes(conf, engine, NULL) == 0) {
		if (verbose)
			config_print(conf);
		fprintf(stderr, "%s: configuration OK, %zu rule%s\n", path,
		    engine_nrules(engine), engine_nrules(engine) == 1 ? "" :
		    "s");
		if (engine_nrules(engine) > 0 && conf->alerts_file == NULL &&
		    conf->nsinks == 0)
			fprintf(stderr, "%s: warning: rules are loaded but "
			    "alerts.file is not set: alerts go nowhere\n", path);
		rv = 0;
	} else if (engine != NULL && nfailed > 0)
		fprintf(stderr, "%s: %zu rule or macro file%s failed to load\n",
		    path, nfailed, nfailed == 1 ? "" : "s");
	engine_free(engine);
	field_dict_free(dict);
	config_free(conf);
	return rv;
}

int
nvmwatchd_check_routes(const struct config *conf, const struct engine *engine,
    struct buf *first)
{
	char	msg[512];
	size_t	i;
	int	rv = 0;

	for (i = 0; i < engine_nrules(engine); i++) {
		if (sink_check_rule(conf, engine_rule(engine, i), msg,
		    sizeof(msg)) == 0)
			continue;
		if (first != NULL) {
			buf_puts(first, msg);
			return -1;
		}
		log_warnx("%s", msg);
		rv = -1;
	}
	return rv;
}

static void
config_error_print(const struct config_error *err)
{
	if (err->line > 0)
		fprintf(stderr, "%s:%d:%d: %s\n", err->file, err->line,
		    err->column, err->msg);
	else
		fprintf(stderr, "%s: %s\n", err->file, err->msg);
}

static void
config_print(const struct config *conf)
{
	struct buf	b;

	memset(&b, 0, sizeof(b));
	config_dump(conf, &b);
	if (b.failed)
		fprintf(stderr, "out of memory\n");
	else
		fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
}

/* Everything up to a running loop; logs what failed. */
static int
nvmwatchd_start(struct nvmwatchd *env, const char *path, int verbose)
{
	struct config_error	err;
	int			level;

	memset(&err, 0, sizeof(err));
	env->limit = (struct log_limit)LOG_LIMIT_INITIALIZER(10);
	env->final_limit =
	    (struct log_limit)LOG_LIMIT_INITIALIZER(STATS_FINAL_BURST);
	if ((env->conf = config_load(path, &err)) == NULL) {
		config_error_print(&err);
		return -1;
	}
	env->verbose = verbose;
	/*
	 * Reloads read the same file wherever the daemon is by then: the
	 * path made absolute, symbolic links left as they are (a link
	 * switched to another file is what the next reload reads). The
	 * loaded config takes it too, so that rule paths (relative to it)
	 * are the same at start and after a reload.
	 */
	if ((env->conf_path = absolute_path(path)) == NULL) {
		log_warn("config path %s", path);
		return -1;
	}
	free(env->conf->path);
	if ((env->conf->path = strdup(env->conf_path)) == NULL) {
		log_warn("config path");
		return -1;
	}
	env->boot_conf = config_ref(env->conf);
	level = env->conf->log_level + verbose;
	log_setlevel(level > LOG_DEBUG ? LOG_DEBUG : level);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		log_warn("signal");
		return -1;
	}
	if ((env->base = event_base_new()) == NULL) {
		log_warnx("event_base_new failed");
		return -1;
	}
	/* First: a second daemon on the same socket stops here, with the
	 * reason, before it touches any port or file. */
	if (env->conf->control_path != NULL &&
	    (env->control = control_new(env->base, env->conf,
	    nvmwatchd_command, env)) == NULL)
		return -1;
	if (nvmwatchd_pipeline(env) == -1 || nvmwatchd_events(env) == -1)
		return -1;
	if (listen_fds_from_systemd(&env->passed) == -1)
		return -1;
	if ((env->listen = nvmwatchd_listen(env, env->conf,
	    env->output)) == NULL)
		return -1;
	env->listen_conf = config_ref(env->conf);
	exporter_set_free_hook(env->exporters, stats_final_udp, env);
	env->start_time = time(NULL);
	if (env->conf->metrics_address != NULL &&
	    (env->metrics = metrics_new(env->base, env->conf,
	    nvmwatchd_stats, env)) == NULL)
		return -1;
	env->started = 1;
	return 0;
}

struct listen *
nvmwatchd_listen(struct nvmwatchd *env, const struct config *conf,
    struct output *output)
{
	struct listen	*l;

	l = listen_new_fds(env->base, conf, env->collector, env->syslog,
	    env->exporters, output, &env->passed);
	if (l != NULL)
		listen_set_free_hook(l, stats_final_tcp, env);
	return l;
}

/* Dictionary, decoder, enrichment, rules and the output files. */
static int
nvmwatchd_pipeline(struct nvmwatchd *env)
{
	struct config		*conf = env->conf;
	struct config_error	 err;
	size_t			 nfailed;

	memset(&err, 0, sizeof(err));
	if ((env->dict = field_dict_new()) == NULL) {
		log_warn("field dictionary");
		return -1;
	}
	if (config_apply_fields(conf, env->dict, &err) == -1) {
		config_error_print(&err);
		return -1;
	}
	env->collector = ipfix_collector_new(env->dict, &conf->ipfix,
	    nvmwatchd_record, env);
	env->syslog = syslog_in_new(env->dict, conf->ipfix.record_bytes,
	    nvmwatchd_record, env);
	env->enrich = enrich_new(&conf->enrich);
	env->exporters = env->collector == NULL ? NULL :
	    exporter_table_new(env->collector, conf->max_sessions,
	    conf->session_idle_timeout);
	if (env->collector == NULL || env->syslog == NULL ||
	    env->enrich == NULL || env->exporters == NULL) {
		log_warn("decoder");
		return -1;
	}
	ipfix_collector_set_log(env->collector, nvmwatchd_ipfix_log, env);
	if ((env->engine = ruleset_load(conf, env->dict, nvmwatchd_alert, env,
	    rule_error_log, env, &nfailed)) == NULL)
		return -1;
	if (nfailed > 0)
		log_warnx("%zu rule or macro file%s failed to load; running "
		    "the %zu rule%s that loaded", nfailed, nfailed == 1 ? "" :
		    "s", engine_nrules(env->engine),
		    engine_nrules(env->engine) == 1 ? "" : "s");
	log_info("%zu rule%s loaded", engine_nrules(env->engine),
	    engine_nrules(env->engine) == 1 ? "" : "s");
	if (nvmwatchd_check_routes(conf, env->engine, NULL) == -1)
		return -1;
	if (engine_nrules(env->engine) > 0 && conf->alerts_file == NULL &&
	    conf->nsinks == 0)
		log_warnx("%s: rules are loaded but alerts.file is not set: "
		    "alerts go nowhere", conf->path);
	if (conf->alerts_file != NULL &&
	    (env->alerts = output_open(conf->alerts_file, 0)) == NULL) {
		log_warn("open %s", conf->alerts_file);
		return -1;
	}
	if (conf->nsinks > 0 &&
	    (env->sinks = sink_set_new(env->base, conf, NULL)) == NULL)
		return -1;
	env->sink_conf = config_ref(conf);
	if (conf->records_file != NULL &&
	    (env->output = output_open(conf->records_file,
	    conf->records_json)) == NULL) {
		log_warn("open %s", conf->records_file);
		return -1;
	}
	return 0;
}

/* Signals and the expiry timer. */
static int
nvmwatchd_events(struct nvmwatchd *env)
{
	static const int	 sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct timeval		 tv;
	double			 interval;
	size_t			 i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		env->ev_signal[i] = evsignal_new(env->base, sigs[i],
		    nvmwatchd_signal, env);
		if (env->ev_signal[i] == NULL ||
		    evsignal_add(env->ev_signal[i], NULL) == -1) {
			log_warnx("cannot register signal %d", sigs[i]);
			return -1;
		}
	}
	interval = env->conf->session_idle_timeout / 4;
	if (interval < TIMER_MIN)
		interval = TIMER_MIN;
	if (interval > TIMER_MAX)
		interval = TIMER_MAX;
	tv.tv_sec = (time_t)interval;
	tv.tv_usec = 0;
	env->ev_timer = event_new(env->base, -1, EV_PERSIST, nvmwatchd_timer,
	    env);
	if (env->ev_timer == NULL || event_add(env->ev_timer, &tv) == -1) {
		log_warnx("cannot register the timer");
		return -1;
	}
	tv.tv_sec = (time_t)ENGINE_TICK;
	env->ev_tick = event_new(env->base, -1, EV_PERSIST, nvmwatchd_tick,
	    env);
	if (env->ev_tick == NULL || event_add(env->ev_tick, &tv) == -1) {
		log_warnx("cannot register the window timer");
		return -1;
	}
	return 0;
}

/* Stops intake, flushes, logs the counters and frees everything. */
static void
nvmwatchd_stop(struct nvmwatchd *env)
{
	size_t	i;

	env->stopping = 1;
	/* No request or scrape sees the counters while they wind down. */
	if (env->control != NULL)
		control_shutdown(env->control);
	metrics_free(env->metrics);
	env->metrics = NULL;
	/* Also without listeners (a reload could not reopen them): the
	 * windows and the sinks' queues are there all the same. */
	if (env->started) {
		if (env->listen != NULL)
			listen_shutdown(env->listen);
		output_flush(env->output);
		if (env->conf->flush_on_shutdown)
			engine_flush(env->engine, loop_now(env->base));
		output_flush(env->alerts);
		/* The clock stops: only the sinks run in the loop now. */
		if (env->ev_tick != NULL)
			event_del(env->ev_tick);
		if (env->ev_timer != NULL)
			event_del(env->ev_timer);
		/* Retired sinks drain here, not on their timer. */
		if (env->ev_retire != NULL)
			event_del(env->ev_retire);
		nvmwatchd_drain(env);
		stats_log(env);
	}
	/* The UDP sessions still live were just listed by stats_log(). */
	if (env->exporters != NULL)
		exporter_set_free_hook(env->exporters, NULL, NULL);
	control_free(env->control);
	listen_free(env->listen);
	listen_fds_close(&env->passed);
	exporter_table_free(env->exporters);
	output_close(env->output);
	engine_free(env->engine);
	output_close(env->alerts);
	nvmwatchd_retired_free(env);
	sink_set_free(env->sinks);
	if (env->ev_retire != NULL)
		event_free(env->ev_retire);
	config_free(env->listen_conf);
	config_free(env->sink_conf);
	config_free(env->boot_conf);
	free(env->conf_path);
	for (i = 0; i < sizeof(env->ev_signal) / sizeof(env->ev_signal[0]);
	    i++)
		if (env->ev_signal[i] != NULL)
			event_free(env->ev_signal[i]);
	if (env->ev_timer != NULL)
		event_free(env->ev_timer);
	if (env->ev_tick != NULL)
		event_free(env->ev_tick);
	if (env->ev_watchdog != NULL)
		event_free(env->ev_watchdog);
	enrich_free(env->enrich);
	syslog_in_free(env->syslog);
	ipfix_collector_free(env->collector);
	field_dict_free(env->dict);
	if (env->base != NULL)
		event_base_free(env->base);
	config_free(env->conf);
	libevent_global_shutdown();
	memset(env, 0, sizeof(*env));
}

/*
 * The sinks' drain at a stop, within the current sinks' drain_timeout
 * in all: a set a reload retired first, for what is left of its own
 * deadline (the current sinks send meanwhile, in the same loop), then the
 * current ones for the rest of theirs.
 */
static void
nvmwatchd_drain(struct nvmwatchd *env)
{
	struct timespec	ts;
	double		t0, limit, left;

	/* The loop is not running: its cached time is stale. */
	clock_gettime(CLOCK_REALTIME, &ts);
	t0 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	left = env->retired_deadline - t0;
	limit = env->sinks != NULL ? sink_set_drain_timeout(env->sinks) :
	    left;
	if (env->retired != NULL)
		sink_set_drain(env->retired, left < 0 ? 0 : left < limit ?
		    left : limit);
	clock_gettime(CLOCK_REALTIME, &ts);
	left = limit - ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - t0);
	sink_set_drain(env->sinks, left < 0 ? 0 : left);
}

/* The decoders' record callback (IPFIX and syslog): enrich, write, detect. */
static void
nvmwatchd_record(struct record *rec, void *arg)
{
	struct nvmwatchd	*env = arg;
	double			 now = loop_now(env->base);

	env->records++;
	if (enrich_apply(env->enrich, rec, now) == -1)
		env->enrich_failed++;
	if (env->output != NULL)
		output_record(env->output, rec);
	engine_record(env->engine, rec, now);
	/* Alerts are rare and someone is waiting for them. */
	output_flush(env->alerts);
}

void
nvmwatchd_alert(void *arg, const struct rule *rule, const struct row *row,
    double now)
{
	struct nvmwatchd	*env = arg;

	if (env->alerts != NULL)
		output_alert(env->alerts, rule, row, now);
	sink_set_alert(env->sinks, rule, row, now);
}

/* Windows the clock closed, and late rows, go out every ENGINE_TICK. */
static void
nvmwatchd_tick(evutil_socket_t fd, short what, void *arg)
{
	struct nvmwatchd	*env = arg;

	double			 now = loop_now(env->base);

	engine_tick(env->engine, now);
	output_flush(env->alerts);
	if (now - env->status_time >= NOTIFY_STATUS_EVERY)
		notify_status(env, now);
}

/*
 * The control socket's commands (control.c): stats and rules rendered
 * into out, reload done at once (it may take a moment; the loop waits).
 */
static int
nvmwatchd_command(void *arg, const struct control_request *req,
    struct buf *out)
{
	struct nvmwatchd	*env = arg;

	switch (req->command) {
	case CONTROL_STATS:
		if (req->json)
			stats_render_json(out, nvmwatchd_stats, env);
		else
			stats_render_text(out, nvmwatchd_stats, env);
		return 0;
	case CONTROL_RULES:
		if (req->json)
			rules_list_json(out, env->engine);
		else
			rules_list_text(out, env->engine);
		return 0;
	case CONTROL_RELOAD:
		if (nvmwatchd_reload(env, out) == -1)
			return -1;
		/* The summary is a line of the client's output. */
		if (out->len == 0 || out->data[out->len - 1] != '\n')
			buf_putc(out, '\n');
		return 0;
	}
	buf_puts(out, "unknown command");
	return -1;
}

/*
 * systemd's watchdog: when the service manager asked for one
 * (WatchdogSec=, so WATCHDOG_USEC and WATCHDOG_PID name this process),
 * WATCHDOG=1 goes out from the event loop at half the interval; a stuck
 * loop stops it. No watchdog asked for: nothing to do.
 */
static int
notify_watchdog_start(struct nvmwatchd *env)
{
	struct timeval	tv;
	uint64_t	usec;
	int		r;

	r = sd_watchdog_enabled(0, &usec);
	if (r < 0)
		log_warnx("WATCHDOG_USEC: %s; no watchdog", strerror(-r));
	if (r <= 0)
		return 0;
	usec /= 2;
	if (usec == 0)
		usec = 1;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	env->ev_watchdog = event_new(env->base, -1, EV_PERSIST,
	    notify_watchdog, env);
	if (env->ev_watchdog == NULL ||
	    event_add(env->ev_watchdog, &tv) == -1) {
		log_warnx("cannot register the watchdog timer");
		return -1;
	}
	log_debug("watchdog: WATCHDOG=1 every %llu us",
	    (unsigned long long)usec);
	return 0;
}

static void
notify_watchdog(evutil_socket_t fd, short what, void *arg)
{
	sd_notify(0, "WATCHDOG=1");
}

/*
 * STATUS= for systemctl status: records per second since the last status,
 * alerts written, and drops (kernel socket drops plus syslog lines
 * refused). sd_notify() is a no-op without NOTIFY_SOCKET.
 */
static void
notify_status(struct nvmwatchd *env, double now)
{
	double		 rate = 0;
	uint64_t	 alerts = 0, drops = 0;

	if (now > env->status_time)
		rate = (double)(env->records - env->status_records) /
		    (now - env->status_time);
	if (env->alerts != NULL)
		alerts = output_counters(env->alerts)->records_written;
	drops += listen_totals(env)->udp_kernel_drops;
	if (env->syslog != NULL)
		drops += syslog_in_counters(env->syslog)->parse.bad_lines;
	sd_notifyf(0, "STATUS=%.0f records/s, %llu alerts, %llu drops",
	    rate, (unsigned long long)alerts, (unsigned long long)drops);
	env->status_records = env->records;
	env->status_time = now;
}

/* A rule or macro that fails to load: the daemon runs without it. */
static void
rule_error_log(void *arg, const struct rule_error *err)
{
	char	msg[1024];

	rule_error_format(err, msg, sizeof(msg));
	log_warnx("%s", msg);
}


/* Decoder messages are about input: rate-limited. */
static void
nvmwatchd_ipfix_log(int prio, const char *msg, void *arg)
{
	struct nvmwatchd	*env = arg;

	if (prio > log_getlevel())
		return;
	if (log_limit(&env->limit, (time_t)loop_now(env->base)))
		log_msg(prio, "%s", msg);
}

static void
nvmwatchd_signal(evutil_socket_t sig, short what, void *arg)
{
	struct nvmwatchd	*env = arg;
	struct buf		 msg;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		log_info("signal %d: shutting down", (int)sig);
		event_base_loopbreak(env->base);
		break;
	case SIGHUP:
		memset(&msg, 0, sizeof(msg));
		nvmwatchd_reload(env, &msg);
		buf_free(&msg);
		break;
	case SIGUSR1:
		/* After logrotate: the files are reopened by path. */
		output_reopen(env->output);
		output_reopen(env->alerts);
		sink_reopen_all(env->sinks);
		sink_reopen_all(env->retired);
		stats_log(env);
		break;
	}
}

static void
nvmwatchd_timer(evutil_socket_t fd, short what, void *arg)
{
	struct nvmwatchd	*env = arg;
	double			 now = loop_now(env->base);

	exporter_expire(env->exporters, now);
	enrich_expire(env->enrich, now);
}

/*
 * "stats: syslog_...=N ...", then one line, "stats: key=value ...", that
 * tests and operators parse; then one line per live session and observation domain (stats_sessions()).
 */
static void
stats_log(struct nvmwatchd *env)
{
	struct buf	b;

	memset(&b, 0, sizeof(b));
	/*
	 * The syslog input's counters go first, on a line of their own: one
	 * line would pass log.c's 1024 bytes, and tools read the last line.
	 */
	if (env->syslog != NULL) {
		buf_puts(&b, "stats:");
		stats_put(&b, &stats_syslog, syslog_in_counters(env->syslog));
		if (!b.failed)
			log_info("%s", b.data);
		buf_reset(&b);
	}
	/* The control socket's too, before the line tools read last. */
	if (env->control != NULL) {
		buf_puts(&b, "stats:");
		stats_put(&b, &stats_control, control_counters(env->control));
		if (!b.failed)
			log_info("%s", b.data);
		buf_reset(&b);
	}
	buf_puts(&b, "stats:");
	stats_put(&b, &stats_listen, listen_totals(env));
	if (env->exporters != NULL)
		stats_put(&b, &stats_exporter,
		    exporter_counters(env->exporters));
	stats_put(&b, &stats_ipfix, ipfix_collector_totals(env->collector));
	stats_put(&b, &stats_enrich, enrich_counters(env->enrich));
	buf_printf(&b, " enrich_failed=%llu final_suppressed=%llu",
	    (unsigned long long)env->enrich_failed,
	    (unsigned long long)env->final_suppressed);
	if (env->output != NULL)
		stats_put(&b, &stats_output, output_counters(env->output));
	if (env->alerts != NULL)
		stats_put(&b, &stats_alerts, output_counters(env->alerts));
	if (!b.failed)
		log_info("%s", b.data);
	buf_free(&b);
	stats_rules(env);
	stats_sinks(env);
	stats_sessions(env);
}

/*
 * The listeners' totals: the open ones' (which carry those of listeners
 * a reload closed), or, while none is open, what the closed ones
 * counted.
 */
static const struct listen_counters *
listen_totals(const struct nvmwatchd *env)
{
	return env->listen != NULL ? listen_counters(env->listen) :
	    &env->listen_carry;
}

/* Sink i's totals: with the same-named sink of a set a reload retired
 * and that is still sending. */
static void
sink_totals(const struct nvmwatchd *env, size_t i, struct sink_counters *out)
{
	int	j;

	*out = *sink_counters(env->sinks, i);
	if ((j = sink_set_find(env->retired, sink_name(env->sinks, i))) == -1)
		return;
	stats_add(&stats_sink, out, sink_counters(env->retired, (size_t)j));
	out->queue_depth += sink_counters(env->retired, (size_t)j)->queue_depth;
}

/* A line per sink: "stats: sink=NAME enqueued=... ...". */
static void
stats_sinks(struct nvmwatchd *env)
{
	struct sink_counters	sc;
	struct buf		b;
	size_t			i;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < sink_set_count(env->sinks); i++) {
		buf_reset(&b);
		buf_puts(&b, "stats: sink=");
		stats_word(&b, sink_name(env->sinks, i));
		sink_totals(env, i, &sc);
		stats_put(&b, &stats_sink, &sc);
		if (!b.failed)
			log_info("%s", b.data);
	}
	buf_free(&b);
}

/* A line per rule: "stats: rule=SHORT_NAME matched=... ...". */
static void
stats_rules(struct nvmwatchd *env)
{
	struct engine_rule_stats	 st;
	struct buf			 b;
	size_t				 i;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < engine_nrules(env->engine); i++) {
		buf_reset(&b);
		engine_rule_stats(env->engine, i, &st);
		buf_puts(&b, "stats: rule=");
		stats_word(&b, engine_rule(env->engine, i)->short_name);
		stats_put(&b, &stats_rule, &st);
		if (!b.failed)
			log_info("%s", b.data);
	}
	buf_free(&b);
}

/*
 * The counters of `nvmwatch stats` and /metrics; see nvmwatchd.h. A
 * module with counters adds its visit here and its table to stats.c.
 */
void
nvmwatchd_stats(void *arg, stats_visit_fn *fn, void *fnarg)
{
	struct nvmwatchd		*env = arg;
	struct daemon_counters		 d;
	struct engine_rule_stats	 st;
	struct sink_counters		 sc;
	size_t				 i;

	memset(&d, 0, sizeof(d));
	d.records = env->records;
	d.enrich_failed = env->enrich_failed;
	d.final_suppressed = env->final_suppressed;
	d.reloads = env->reloads;
	d.reload_failures = env->reload_failures;
	d.rules_loaded = env->engine != NULL ? engine_nrules(env->engine) : 0;
	d.start_time = (uint64_t)env->start_time;
	fn(fnarg, &stats_daemon, NULL, NULL, &d);
	fn(fnarg, &stats_listen, NULL, NULL, listen_totals(env));
	if (env->exporters != NULL)
		fn(fnarg, &stats_exporter, NULL, NULL,
		    exporter_counters(env->exporters));
	if (env->collector != NULL)
		fn(fnarg, &stats_ipfix, NULL, NULL,
		    ipfix_collector_totals(env->collector));
	if (env->syslog != NULL)
		fn(fnarg, &stats_syslog, NULL, NULL,
		    syslog_in_counters(env->syslog));
	if (env->enrich != NULL)
		fn(fnarg, &stats_enrich, NULL, NULL,
		    enrich_counters(env->enrich));
	if (env->output != NULL)
		fn(fnarg, &stats_output, NULL, NULL,
		    output_counters(env->output));
	if (env->alerts != NULL)
		fn(fnarg, &stats_alerts, NULL, NULL,
		    output_counters(env->alerts));
	for (i = 0; env->engine != NULL && i < engine_nrules(env->engine);
	    i++) {
		engine_rule_stats(env->engine, i, &st);
		fn(fnarg, &stats_rule, "rule",
		    engine_rule(env->engine, i)->short_name, &st);
	}
	for (i = 0; i < sink_set_count(env->sinks); i++) {
		sink_totals(env, i, &sc);
		fn(fnarg, &stats_sink, "sink", sink_name(env->sinks, i), &sc);
	}
	if (env->metrics != NULL)
		fn(fnarg, &stats_metrics, NULL, NULL,
		    metrics_counters(env->metrics));
	if (env->control != NULL)
		fn(fnarg, &stats_control, NULL, NULL,
		    control_counters(env->control));
}

/*
 * A line per live session and observation domain, UDP then TCP, at most
 * STATS_SESSION_LINES; then, if lines were left out, how many sessions
 * lost lines.
 */
static void
stats_sessions(struct nvmwatchd *env)
{
	struct stats_dump	d;

	memset(&d, 0, sizeof(d));
	d.max = STATS_SESSION_LINES;
	if (env->exporters != NULL)
		exporter_foreach(env->exporters, stats_session_udp, &d);
	if (env->listen != NULL)
		listen_foreach(env->listen, stats_session_tcp, &d);
	if (d.not_listed > 0)
		log_info("stats: exporters_not_listed=%llu",
		    (unsigned long long)d.not_listed);
}

static void
stats_session_udp(const struct ipfix_session *s, void *arg)
{
	struct stats_dump	*d = arg;

	d->proto = "udp";
	stats_session(d, s);
}

static void
stats_session_tcp(const struct ipfix_session *s, void *arg)
{
	struct stats_dump	*d = arg;

	d->proto = "tcp";
	stats_session(d, s);
}

static void
stats_final_udp(const struct ipfix_session *s, void *arg)
{
	stats_final(arg, s, "udp");
}

static void
stats_final_tcp(const struct ipfix_session *s, void *arg)
{
	stats_final(arg, s, "tcp");
}

/*
 * A session is about to be freed: log its counters with final=1. Rate
 * limited per session; the sessions suppressed are counted in the stats
 * line (final_suppressed) and by log_limit()'s own line.
 */
static void
stats_final(struct nvmwatchd *env, const struct ipfix_session *s,
    const char *proto)
{
	struct stats_dump	d;

	if (LOG_INFO > log_getlevel())
		return;
	if (!log_limit(&env->final_limit, (time_t)loop_now(env->base))) {
		env->final_suppressed++;
		return;
	}
	memset(&d, 0, sizeof(d));
	d.proto = proto;
	d.final = 1;
	stats_session(&d, s);
}

/*
 * The session's domains, then "odid=none" for what no domain was charged
 * with (messages with a bad header), when there is any.
 */
static void
stats_session(struct stats_dump *d, const struct ipfix_session *s)
{
	d->name = ipfix_session_name(s);
	d->skipped = 0;
	d->rest = *ipfix_session_totals(s);
	ipfix_session_domains(s, stats_domain, d);
	if (d->rest.messages > 0)
		stats_session_line(d, "none", &d->rest);
	if (d->skipped)
		d->not_listed++;
}

static void
stats_domain(uint32_t odid, const struct ipfix_counters *c, void *arg)
{
	struct stats_dump	*d = arg;
	char			 id[16];

	stats_sub(&stats_ipfix, &d->rest, c);
	if (odid == IPFIX_DOMAIN_OVERFLOW)
		snprintf(id, sizeof(id), "overflow");
	else
		snprintf(id, sizeof(id), "%lu", (unsigned long)odid);
	stats_session_line(d, id, c);
}

static void
stats_session_line(struct stats_dump *d, const char *odid,
    const struct ipfix_counters *c)
{
	struct buf	b;

	if (d->max > 0 && d->lines >= d->max) {
		d->skipped = 1;
		return;
	}
	d->lines++;
	memset(&b, 0, sizeof(b));
	buf_printf(&b, "stats: exporter=%s proto=%s odid=%s%s", d->name,
	    d->proto, odid, d->final ? " final=1" : "");
	stats_put(&b, &stats_ipfix, c);
	if (!b.failed)
		log_info("%s", b.data);
	buf_free(&b);
}

/* path, after the working directory when relative; NULL on error. */
static char *
absolute_path(const char *path)
{
	char	*cwd, *out;

	if (path[0] == '/')
		return strdup(path);
	if ((cwd = getcwd(NULL, 0)) == NULL)
		return NULL;
	if (asprintf(&out, "%s/%s", cwd, path) == -1)
		out = NULL;
	free(cwd);
	return out;
}

/*
 * Without -d: detach, unless systemd runs us (it wants us in the
 * foreground). The event base is re-initialised for the child.
 */
static int
daemonize(struct event_base *base)
{
	if (getenv("NOTIFY_SOCKET") != NULL || getenv("INVOCATION_ID") != NULL)
		return 0;
	if (daemon(0, 0) == -1) {
		log_warn("daemon");
		return -1;
	}
	if (event_reinit(base) == -1) {
		log_warnx("event_reinit failed");
		return -1;
	}
	return 0;
}
