/*
 * enrich.h - joins endpoint, interface and process context into flows.
 *
 * Endpoint records (per udid) and interface records (per udid + interface
 * id) are cached; every flow from that device gets their fields. Process
 * records are cached per udid + process id (+ process guid where present)
 * and fill in the process fields a flow lacks. Every cache is bounded in
 * entries and age, evicts the oldest first, and counts what it does.
 *
 * Time is the caller's: `now` is in seconds.
 */
#ifndef NVMWATCH_ENRICH_H
#define NVMWATCH_ENRICH_H

#include <stddef.h>
#include <stdint.h>

struct record;
struct enrich;

struct enrich_limits {
	size_t		max_endpoints;		/* 0: 65536 */
	size_t		max_interfaces;		/* 0: 262144 */
	size_t		max_processes;		/* 0: 262144 */
	double		max_age;		/* seconds; 0: 86400 */
};

struct enrich_counters {
	uint64_t	endpoints, interfaces, processes;	/* entries now */
	uint64_t	updates;		/* cache entries stored or replaced */
	uint64_t	joins;			/* flows that got any field */
	uint64_t	misses;			/* flows with a udid not cached */
	uint64_t	evicted_full;		/* evicted because a cache was full */
	uint64_t	evicted_age;		/* evicted because too old */
};

/* limits may be NULL (defaults); copied. NULL on allocation failure. */
struct enrich	*enrich_new(const struct enrich_limits *);
void		 enrich_free(struct enrich *);
/*
 * Endpoint, interface and process records update their cache; flow records
 * get the cached fields they lack (marked ORIGIN_ENRICHED). Returns 0, or -1
 * when the record's arena is full (some fields were not joined).
 */
int		 enrich_apply(struct enrich *, struct record *, double now);
/* Drops entries older than max_age. */
void		 enrich_expire(struct enrich *, double now);
const struct enrich_counters *enrich_counters(const struct enrich *);

#endif
