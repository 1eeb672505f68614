/*
 * reload.c - SIGHUP and `nvmwatch reload`: the configuration file and
 * its rules again, without a restart.
 *
 * A reload is in two steps. The first loads and checks everything the new
 * configuration asks for (the file, every rule and macro, the sink
 * routes) and opens what changed: sinks, alert and record files, and, as
 * the very last step, the listeners. Any failure there undoes what was
 * opened and leaves the daemon exactly as it was. The second step cannot
 * fail: rules whose identity did not change keep their open windows
 * (engine_adopt()); changed and removed rules flush their open groups to
 * the sinks as they were (when rules.flush_on_shutdown, as at a stop);
 * the old sinks are retired, sending what they still hold for up to
 * their drain_timeout while the new ones take the alerts.
 *
 * Listeners come last because a changed listen: section must close the
 * old sockets before the new ones can bind the same ports. When the new
 * ones fail, the old ones are bound again from the old configuration.
 *
 * What a reload cannot change (the decoder's sessions, limits, enrich and
 * fields sections, and the control socket) keeps its old values; the
 * reply and the log say so, and a restart applies them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "buf.h"
#include "config.h"
#include "engine.h"
#include "listen.h"
#include "log.h"
#include "nvmwatchd.h"
#include "output.h"
#include "rule.h"
#include "ruleset.h"
#include "sink.h"
#include "stats.h"

#define RETIRE_POLL	0.1	/* seconds between looks at retired sinks */

/* What the first step opened, for the second to put in place. */
struct reload {
	struct config		*conf;
	struct engine		*engine;
	struct sink_set		*sinks;		/* new; NULL: none or same */
	int			 sinks_changed;
	struct output		*alerts;	/* new alerts file, or NULL */
	int			 alerts_changed;
	struct output		*records;	/* new records file, or NULL */
	int			 records_changed;
	int			 listen_changed;
	int			 reopened;	/* all closed and opened again */
	struct listen_change	 change;	/* or updated in place */
	struct buf		 errors;	/* rule errors, first one first */
	size_t			 nerrors;
};

static int	reload_prepare(struct nvmwatchd *, struct reload *,
		    struct buf *);
static int	reload_rules(struct nvmwatchd *, struct reload *,
		    struct buf *);
static int	reload_outputs(struct nvmwatchd *, struct reload *,
		    struct buf *);
static int	reload_listen(struct nvmwatchd *, struct reload *,
		    struct buf *);
static void	reload_listen_close(struct nvmwatchd *);
static struct listen *reload_listen_open(struct nvmwatchd *,
		    const struct config *, struct output *);
static void	reload_commit(struct nvmwatchd *, struct reload *,
		    struct buf *);
static void	reload_discard(struct reload *);
static void	reload_output(struct output **, struct output **);
static void	reload_dropped(const struct engine *);
static void	reload_rule_error(void *, const struct rule_error *);
static void	reload_retire(struct nvmwatchd *, struct sink_set *,
		    struct config *);
static void	reload_retire_poll(evutil_socket_t, short, void *);

/* The top-level sections each part of the daemon is built from. */
static const char *const listen_sections[] = {
	"listen", "allow", "udp", "tcp", NULL
};
static const char *const sink_sections[] = { "sinks", NULL };
static const char *const alerts_sections[] = { "alerts", NULL };
static const char *const records_sections[] = { "records", NULL };
static const char *const restart_sections[] = {
	"sessions", "limits", "enrich", "fields", "control", "metrics", NULL
};

int
nvmwatchd_reload(struct nvmwatchd *env, struct buf *msg)
{
	struct reload	r;

	memset(&r, 0, sizeof(r));
	buf_reset(msg);
	if (env->stopping) {
		buf_puts(msg, "shutting down: no reload");
		return -1;
	}
	sd_notify(0, "RELOADING=1\nSTATUS=reloading");
	log_info("reloading %s", env->conf_path);
	if (reload_prepare(env, &r, msg) == -1) {
		reload_discard(&r);
		env->reload_failures++;
		log_warnx("reload refused, still running the previous "
		    "configuration: %.*s", (int)msg->len, msg->data ?
		    msg->data : "");
		sd_notifyf(0, "READY=1\nSTATUS=reload refused: %.*s",
		    (int)msg->len, msg->data ? msg->data : "");
		return -1;
	}
	reload_commit(env, &r, msg);
	env->reloads++;
	log_info("%.*s", (int)msg->len, msg->data ? msg->data : "");
	sd_notifyf(0, "READY=1\nSTATUS=%.*s", (int)msg->len,
	    msg->data ? msg->data : "");
	return 0;
}

/* Everything that can fail; on failure msg holds why. */
static int
reload_prepare(struct nvmwatchd *env, struct reload *r, struct buf *msg)
{
	struct config_error	err;

	memset(&err, 0, sizeof(err));
	if ((r->conf = config_load(env->conf_path, &err)) == NULL) {
		if (err.line > 0)
			buf_printf(msg, "%s:%d:%d: %s", err.file, err.line,
			    err.column, err.msg);
		else
			buf_printf(msg, "%s: %s", err.file, err.msg);
		return -1;
	}
	if (reload_rules(env, r, msg) == -1 ||
	    reload_outputs(env, r, msg) == -1 ||
	    reload_listen(env, r, msg) == -1)
		return -1;
	return 0;
}

/* Every rule and macro must load, and every route name a sink. */
static int
reload_rules(struct nvmwatchd *env, struct reload *r, struct buf *msg)
{
	size_t	nfailed = 0;

	r->engine = ruleset_load(r->conf, env->dict, nvmwatchd_alert, env,
	    reload_rule_error, r, &nfailed);
	if (r->engine == NULL) {
		if (r->nerrors > 0)
			buf_append(msg, r->errors.data, r->errors.len);
		else
			buf_printf(msg, "%s: the rules could not be loaded "
			    "(see the log)", r->conf->path);
		return -1;
	}
	if (nfailed > 0) {
		buf_append(msg, r->errors.data, r->errors.len);
		if (nfailed > 1)
			buf_printf(msg, " (and %zu more failed files)",
			    nfailed - 1);
		return -1;
	}
	return nvmwatchd_check_routes(r->conf, r->engine, msg);
}

/* The first error goes into the reply; all of them into the log. */
static void
reload_rule_error(void *arg, const struct rule_error *err)
{
	struct reload	*r = arg;
	char		 line[1024];

	rule_error_format(err, line, sizeof(line));
	log_warnx("reload: %s", line);
	if (r->nerrors++ == 0)
		buf_puts(&r->errors, line);
}

/* Sinks, the alerts file and the records file, when their settings
 * changed. */
static int
reload_outputs(struct nvmwatchd *env, struct reload *r, struct buf *msg)
{
	const struct config	*o = env->conf, *n = r->conf;

	r->sinks_changed = !config_same(env->sink_conf, n, sink_sections);
	/* Sinks whose settings did not change are left out here, to be
	 * moved over, connection and queue with them, at the commit. */
	if (r->sinks_changed && n->nsinks > 0 &&
	    (r->sinks = sink_set_new(env->base, n, env->sinks)) == NULL) {
		buf_printf(msg, "%s: sinks: cannot open them (the log says "
		    "why)", n->path);
		return -1;
	}
	r->alerts_changed = !config_same(o, n, alerts_sections);
	if (r->alerts_changed && n->alerts_file != NULL &&
	    (r->alerts = output_open(n->alerts_file, 0)) == NULL) {
		buf_printf(msg, "%s: alerts.file: open %s: %s", n->path,
		    n->alerts_file, strerror(errno));
		return -1;
	}
	r->records_changed = !config_same(o, n, records_sections);
	if (r->records_changed && n->records_file != NULL &&
	    (r->records = output_open(n->records_file,
	    n->records_json)) == NULL) {
		buf_printf(msg, "%s: records.file: open %s: %s", n->path,
		    n->records_file, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Last: the listeners, when their sections changed. The old ones close
 * first (they hold the ports); when the new ones cannot be opened the old
 * configuration's are opened again.
 */
static int
reload_listen(struct nvmwatchd *env, struct reload *r, struct buf *msg)
{
	struct output	*records;
	int		 rv;

	/* No listeners (a failed reopen earlier): any reload tries again. */
	r->listen_changed = env->listen == NULL ||
	    !config_same(env->listen_conf, r->conf, listen_sections);
	if (!r->listen_changed)
		return 0;
	/* In place when it can be: what stays configured stays open. */
	if (env->listen != NULL && (rv = listen_update(env->listen, r->conf,
	    &r->change)) != 1) {
		if (rv == 0)
			return 0;
		buf_printf(msg, "%s: listen: cannot open the new listeners "
		    "(the log says why); the others are as they were",
		    r->conf->path);
		r->listen_changed = 0;
		return -1;
	}
	r->reopened = 1;
	records = r->records_changed ? r->records : env->output;
	reload_listen_close(env);
	if ((env->listen = reload_listen_open(env, r->conf, records)) != NULL)
		return 0;
	buf_printf(msg, "%s: listen: cannot open the listeners (the log "
	    "says why); ", r->conf->path);
	if ((env->listen = reload_listen_open(env, env->listen_conf,
	    env->output)) == NULL) {
		buf_puts(msg, "the previous ones could not be opened again "
		    "either: no input until a reload opens listeners");
		log_warnx("reload: the previous listeners could not be "
		    "opened again: no input until a reload opens listeners");
	} else
		buf_puts(msg, "the previous ones are open again");
	r->listen_changed = 0;
	return -1;
}

/* Closes the listeners; their totals wait in env->listen_carry. */
static void
reload_listen_close(struct nvmwatchd *env)
{
	if (env->listen == NULL)
		return;
	/* Closed first: the connections it closes are counted. */
	listen_shutdown(env->listen);
	stats_add(&stats_listen, &env->listen_carry,
	    listen_counters(env->listen));
	listen_free(env->listen);
	env->listen = NULL;
}

/* The listeners of conf, with the totals of those before them. */
static struct listen *
reload_listen_open(struct nvmwatchd *env, const struct config *conf,
    struct output *records)
{
	struct listen	*l;

	if ((l = nvmwatchd_listen(env, conf, records)) == NULL)
		return NULL;
	listen_add_counters(l, &env->listen_carry);
	memset(&env->listen_carry, 0, sizeof(env->listen_carry));
	return l;
}

/* The second step: nothing here fails. */
static void
reload_commit(struct nvmwatchd *env, struct reload *r, struct buf *msg)
{
	struct engine	*old = env->engine;
	const char	*const *s;
	size_t		 i, j, kept, existed = 0, nold, nnew;
	size_t		 sinks_opened = 0, sinks_closed = 0, sinks_kept = 0;

	nold = engine_nrules(old);
	nnew = engine_nrules(r->engine);
	for (i = 0; i < nnew; i++)
		for (j = 0; j < nold; j++)
			if (strcmp(engine_rule(r->engine, i)->short_name,
			    engine_rule(old, j)->short_name) == 0) {
				existed++;
				break;
			}
	kept = engine_adopt(r->engine, old);
	/* Changed and removed rules: their groups go out as at a stop,
	 * through the sinks they were routed to. */
	if (r->conf->flush_on_shutdown)
		engine_flush(old, loop_now(env->base));
	else
		reload_dropped(old);
	output_flush(env->alerts);
	engine_free(old);
	env->engine = r->engine;
	r->engine = NULL;

	if (r->alerts_changed)
		reload_output(&env->alerts, &r->alerts);
	if (r->records_changed) {
		reload_output(&env->output, &r->records);
		listen_set_output(env->listen, env->output);
	}
	if (r->sinks_changed) {
		struct sink_set	*old_sinks = env->sinks;
		struct config	*old_conf = env->sink_conf;

		if (r->sinks != NULL && old_sinks != NULL)
			sinks_kept = sink_set_adopt(r->sinks, old_sinks);
		sinks_opened = sink_set_count(r->sinks) - sinks_kept;
		sinks_closed = sink_set_count(old_sinks);
		env->sinks = r->sinks;
		env->sink_conf = config_ref(r->conf);
		r->sinks = NULL;
		reload_retire(env, old_sinks, old_conf);
	}
	if (r->listen_changed) {
		config_free(env->listen_conf);
		env->listen_conf = config_ref(r->conf);
	}
	i = (size_t)(r->conf->log_level + env->verbose);
	log_setlevel(i > LOG_DEBUG ? LOG_DEBUG : (int)i);

	buf_printf(msg, "reloaded %s: %zu rule%s (%zu kept with their "
	    "windows, %zu changed, %zu new, %zu removed); ", env->conf_path,
	    nnew, nnew == 1 ? "" : "s", kept, existed - kept, nnew - existed,
	    nold - existed);
	if (!r->listen_changed)
		buf_puts(msg, "listeners unchanged");
	else if (r->reopened)
		buf_puts(msg, "listeners reopened");
	else
		buf_printf(msg, "listeners: %u opened, %u closed, %u kept",
		    r->change.opened, r->change.closed, r->change.kept);
	if (r->sinks_changed)
		buf_printf(msg, "; sinks: %zu opened, %zu closed, %zu kept",
		    sinks_opened, sinks_closed, sinks_kept);
	else
		buf_puts(msg, "; sinks unchanged");
	for (s = restart_sections; *s != NULL; s++) {
		const char *const	 one[] = { *s, NULL };

		if (config_same(env->boot_conf, r->conf, one))
			continue;
		log_warnx("reload: %s: changed; the new settings take effect "
		    "at the next restart", *s);
		buf_printf(msg, "; %s: changed, needs a restart", *s);
	}
	config_free(env->conf);
	env->conf = r->conf;
	r->conf = NULL;
}

/* rules.flush_on_shutdown: no: the groups of changed and removed rules
 * go with them; say how many. */
static void
reload_dropped(const struct engine *old)
{
	struct engine_rule_stats	st;
	uint64_t			groups = 0;
	size_t				i;

	for (i = 0; i < engine_nrules(old); i++) {
		engine_rule_stats(old, i, &st);
		groups += st.window.groups_live;
	}
	if (groups > 0)
		log_warnx("reload: %llu open groups of changed or removed "
		    "rules dropped (rules.flush_on_shutdown is no)",
		    (unsigned long long)groups);
}

/* *cur closes and *next takes its place, with its counters: they stay
 * totals since start-up. */
static void
reload_output(struct output **cur, struct output **next)
{
	if (*cur != NULL)
		output_add_counters(*next, output_counters(*cur));
	output_close(*cur);
	*cur = *next;
	*next = NULL;
}

static void
reload_discard(struct reload *r)
{
	engine_free(r->engine);
	sink_set_free(r->sinks);
	output_close(r->alerts);
	output_close(r->records);
	config_free(r->conf);
	buf_free(&r->errors);
	memset(r, 0, sizeof(*r));
}

/*
 * The sinks a reload replaced (env->sinks are the new ones by now) send
 * what they still hold, for up to their drain_timeout, then go. One set
 * at a time: an older one still draining gives up at once (its alerts
 * counted dropped and logged).
 */
static void
reload_retire(struct nvmwatchd *env, struct sink_set *set,
    struct config *conf)
{
	struct timeval	tv;

	/* An older set still draining gives up; the new sinks carry on
	 * with its totals, and with this one's when it has nothing left. */
	nvmwatchd_retired_free(env);
	if (set == NULL || sink_set_pending(set) == 0) {
		sink_set_fold(env->sinks, set);
		sink_set_free(set);
		config_free(conf);
		return;
	}
	env->retired = set;
	env->retired_conf = conf;
	env->retired_deadline = loop_now(env->base) +
	    sink_set_drain_timeout(set);
	tv.tv_sec = 0;
	tv.tv_usec = (suseconds_t)(RETIRE_POLL * 1e6);
	if (env->ev_retire == NULL)
		env->ev_retire = event_new(env->base, -1, EV_PERSIST,
		    reload_retire_poll, env);
	if (env->ev_retire == NULL || event_add(env->ev_retire, &tv) == -1) {
		log_warnx("reload: cannot wait for the old sinks");
		nvmwatchd_retired_free(env);
	}
}

static void
reload_retire_poll(evutil_socket_t fd, short what, void *arg)
{
	struct nvmwatchd	*env = arg;

	if (sink_set_pending(env->retired) == 0 ||
	    loop_now(env->base) >= env->retired_deadline)
		nvmwatchd_retired_free(env);
}

void
nvmwatchd_retired_free(struct nvmwatchd *env)
{
	if (env->ev_retire != NULL)
		event_del(env->ev_retire);
	if (env->retired == NULL)
		return;
	sink_set_abandon(env->retired);
	/* The sinks of the same name carry on with its totals. */
	sink_set_fold(env->sinks, env->retired);
	sink_set_free(env->retired);
	config_free(env->retired_conf);
	env->retired = NULL;
	env->retired_conf = NULL;
}
