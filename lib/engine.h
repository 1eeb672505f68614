/*
 * engine.h - the detection engine: records in, alerts out.
 *
 * An engine holds a set of compiled rules (rule.h). engine_record() runs
 * every rule's base search on a record; a match goes into the rule's
 * window table (window.h), or, for a rule without stats, becomes a row at
 * once. Every emitted row runs through the rule's post-stats commands
 * (row_cmd.h) and, when it survives, reaches the caller's callback as an
 * alert. The engine reads no clock and does no I/O: the daemon and the
 * replay tool drive it with their own time, tests with theirs.
 *
 * Single-threaded: one engine belongs to one event loop.
 */
#ifndef NVMWATCH_ENGINE_H
#define NVMWATCH_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "window.h"

/* Seconds of the caller's clock between the ticks engine_record() makes;
 * the daemon's timer ticks at the same period. */
#define ENGINE_TICK	1.0

struct record;
struct row;
struct rule;
struct engine;

/*
 * An alert: rule and the finished row (after the post-stats commands).
 * Borrowed for the duration of the callback.
 */
typedef void	engine_alert_fn(void *arg, const struct rule *rule,
		    const struct row *row, double now);

/* Counters of one rule. */
struct engine_rule_stats {
	uint64_t		 matched;	/* records that passed the search */
	uint64_t		 alerts;	/* rows delivered */
	uint64_t		 filtered;	/* rows dropped by post-stats search */
	uint64_t		 errors;	/* out of memory in the rule's path */
	struct window_counters	 window;	/* zero for a rule without stats */
};

struct engine	*engine_new(engine_alert_fn *fn, void *arg);
/* Frees the engine and its rules, without emitting open windows. */
void		 engine_free(struct engine *);

/*
 * Adds rule (the engine owns it from now on, also on failure). Returns 0,
 * or -1 when out of memory or its time zone cannot be used.
 */
int		 engine_add_rule(struct engine *, struct rule *rule);
size_t		 engine_nrules(const struct engine *);
const struct rule *engine_rule(const struct engine *, size_t i);
void		 engine_rule_stats(const struct engine *, size_t i,
		    struct engine_rule_stats *out);

/*
 * A reload: every rule of old whose short name (its file's name) and
 * identity (rule->ident) equal one of e's moves into e with its open
 * windows, groups and counters, taking the place of e's fresh copy, which
 * goes to old in its stead (the two swap paths: the kept rule has the
 * new one). Returns how many moved. What stays in old are the
 * rules that changed or went away; the caller flushes or frees them.
 */
size_t		 engine_adopt(struct engine *e, struct engine *old);

/*
 * Runs rec through every rule at the caller's time now; at most once a
 * second of that time, also ticks (engine_tick()), so windows close on
 * any traffic, matching or not.
 */
void		 engine_record(struct engine *, const struct record *rec,
		    double now);
/* Emits what the clock now closes (window_tick() of every rule). */
void		 engine_tick(struct engine *, double now);
/* Emits every open group of every rule (window_flush()). */
void		 engine_flush(struct engine *, double now);
/* The earliest deadline of all rules (window_next_deadline()), or 0. */
double		 engine_next_deadline(const struct engine *);

#endif
