/*
 * nvmgen.h - a seeded generator of synthetic nvzFlow records.
 *
 * For load and end-to-end tests: the same options and seed give the same
 * records, byte for byte, on every run and platform (own PRNG, no rand(),
 * no clock). The generator yields, in order, for every endpoint an endpoint
 * record (template 262) and an interface record (266), then `flows` flow
 * records (267/268 without, 269/270 with the newer process elements).
 *
 * Exactly round(flows * trigger_share) flows are "triggering" for the
 * first seed detection (Cisco NVM - Non-Network Binary Making Network
 * Connection): a process name from its list, a public destination outside
 * its excluded ranges, and all ten fields of its `by` clause present. All
 * other flows cannot match it: a common process name, or one of the
 * detection's names with a private IPv4 destination.
 *
 * Each record is built with fields set in its template's element order
 * (ipfix_export_template()), so record_json() of the generated record is
 * what a collector decoding the exported message prints.
 */
#ifndef NVMWATCH_NVMGEN_H
#define NVMWATCH_NVMGEN_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct nvmgen;

struct nvmgen_opts {
	uint64_t	 seed;
	unsigned	 endpoints;	/* 0: 1; at most 65535 */
	uint64_t	 flows;		/* flow records after the endpoints */
	double		 trigger_share;	/* 0..1 */
	double		 ipv6_share;	/* 0..1, per flow, not exact */
	uint64_t	 base_time;	/* epoch seconds of the first flow */
	uint32_t	 duration;	/* flows spread over this many seconds */
	uint32_t	 odid;		/* 0: 127 */
	/*
	 * Weighted lists "name:weight,name:weight" (weight a non-negative
	 * integer, ":weight" optional meaning 1); NULL or "" for defaults.
	 * process_mix: process names of non-triggering flows. Names from
	 * the detection's list may appear; such flows get a private IPv4
	 * destination so they still do not trigger.
	 * dest_mix: destinations of non-triggering flows: "private" (RFC
	 * 1918 / fd00::/8), "public" (outside the detection's exclusions),
	 * or a CIDR (v4 or v6; used by flows of that family only).
	 */
	const char	*process_mix;
	const char	*dest_mix;
};

struct nvmgen_error {
	char	msg[160];
};

/* Options with defaults: 10 endpoints, 1000 flows, share 0.1, ... */
void		 nvmgen_opts_default(struct nvmgen_opts *);

/*
 * A generator; opts is copied (the mix strings too). NULL with err filled
 * on a bad option or allocation failure.
 */
struct nvmgen	*nvmgen_new(const struct nvmgen_opts *,
		    struct nvmgen_error *err);
void		 nvmgen_free(struct nvmgen *);

/*
 * Clears rec and fills it with the next record: fields with ORIGIN_WIRE,
 * kind, and source (odid, template id). rec must use a dictionary with the
 * built-in fields. Returns 1, 0 when every record has been produced, or -1
 * when rec's arena is full.
 */
int		 nvmgen_next(struct nvmgen *, struct record *rec);

/* Whether the last record returned is a triggering flow. */
int		 nvmgen_last_trigger(const struct nvmgen *);
/* Records in total, and triggering flows in total, for these options. */
uint64_t	 nvmgen_total(const struct nvmgen *);
uint64_t	 nvmgen_trigger_total(const struct nvmgen *);

/* The detection's process names (NULL-terminated); for tests. */
extern const char *const nvmgen_trigger_names[];

#endif
