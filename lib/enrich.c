/*
 * enrich.c - endpoint, interface and process caches joined into flows.
 *
 * Each cache is a chained hash of entries on an LRU list ordered by the
 * time of their last update, so both eviction policies (full: oldest first;
 * too old: from the head while older than max_age) pop from the head.
 * An entry holds its values in one allocation: a small index of fields and
 * the value bytes behind it.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "enrich.h"
#include "hash.h"
#include "record.h"

#define ENRICH_KEY_MAX	160

struct entry_field {
	int		field;
	uint32_t	n;		/* values */
	uint32_t	off;		/* first value's offset in blob */
};

struct entry {
	TAILQ_ENTRY(entry)	 lru;
	struct entry		*next;		/* hash chain */
	char			*key;
	double			 updated;
	char			*guid;		/* process guid or NULL */
	int			 nfields;
	struct entry_field	*fields;
	char			*blob;		/* per value: uint32 len, bytes, NUL */
};

TAILQ_HEAD(entry_list, entry);

struct cache {
	struct entry		**buckets;
	size_t			  nbuckets;
	size_t			  count;
	size_t			  max;
	struct entry_list	  lru;
	const int		 *fields;	/* what an entry keeps */
	size_t			  nfields;
};

struct enrich {
	struct enrich_limits	limits;
	struct cache		endpoints, interfaces, processes;
	struct enrich_counters	counters;
};

static const int endpoint_fields[] = {
	F_HOST, F_OS_NAME, F_OS_VERSION, F_OS_EDITION, F_SYSTEM_MANUFACTURER,
	F_SYSTEM_TYPE, F_AGENT_VERSION,
};

static const int interface_fields[] = {
	F_INTERFACE_INDEX, F_INTERFACE_TYPE, F_INTERFACE_NAME,
	F_INTERFACE_DETAILS, F_INTERFACE_MAC,
};

static const int process_fields[] = {
	F_PROCESS_NAME, F_PROCESS_HASH, F_PROCESS_PATH, F_PROCESS_ARGUMENTS,
	F_PROCESS_ACCOUNT, F_PROCESS_ACCOUNT_TYPE, F_PROCESS_INTEGRITY_LEVEL,
	F_PARENT_PROCESS_NAME, F_PARENT_PROCESS_HASH, F_PARENT_PROCESS_ID,
	F_PARENT_PROCESS_PATH, F_PARENT_PROCESS_ARGUMENTS,
	F_PARENT_PROCESS_ACCOUNT, F_PARENT_PROCESS_ACCOUNT_TYPE,
	F_PARENT_PROCESS_INTEGRITY_LEVEL, F_MODULE_NAME_LIST,
	F_MODULE_HASH_LIST, F_PROCESS_GUID,
};

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

static int		 cache_init(struct cache *, size_t, const int *, size_t);
static void		 cache_clear(struct cache *);
static uint32_t		 key_hash(const char *);
static struct entry	*cache_find(struct cache *, const char *);
static void		 cache_remove(struct cache *, struct entry *);
static int		 cache_grow(struct cache *);
static int		 cache_store(struct enrich *, struct cache *, const char *,
			    const struct record *, double);
static struct entry	*entry_build(const struct cache *, const char *,
			    const struct record *);
static void		 entry_free(struct entry *);
static int		 entry_join(const struct entry *, struct record *);
static int		 key_make(char *, const struct record *, int, int);
static void		 cache_expire(struct enrich *, struct cache *, double);

struct enrich *
enrich_new(const struct enrich_limits *limits)
{
	struct enrich	*e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	if (limits != NULL)
		e->limits = *limits;
	if (e->limits.max_endpoints == 0)
		e->limits.max_endpoints = 65536;
	if (e->limits.max_interfaces == 0)
		e->limits.max_interfaces = 262144;
	if (e->limits.max_processes == 0)
		e->limits.max_processes = 262144;
	if (e->limits.max_age <= 0)
		e->limits.max_age = 86400;
	if (cache_init(&e->endpoints, e->limits.max_endpoints,
	    endpoint_fields, NELEMS(endpoint_fields)) == -1 ||
	    cache_init(&e->interfaces, e->limits.max_interfaces,
	    interface_fields, NELEMS(interface_fields)) == -1 ||
	    cache_init(&e->processes, e->limits.max_processes,
	    process_fields, NELEMS(process_fields)) == -1) {
		enrich_free(e);
		return NULL;
	}
	return e;
}

void
enrich_free(struct enrich *e)
{
	if (e == NULL)
		return;
	cache_clear(&e->endpoints);
	cache_clear(&e->interfaces);
	cache_clear(&e->processes);
	free(e);
}

const struct enrich_counters *
enrich_counters(const struct enrich *e)
{
	return &e->counters;
}

static int
cache_init(struct cache *c, size_t max, const int *fields, size_t nfields)
{
	c->nbuckets = 64;
	if ((c->buckets = calloc(c->nbuckets, sizeof(*c->buckets))) == NULL)
		return -1;
	c->max = max;
	c->fields = fields;
	c->nfields = nfields;
	TAILQ_INIT(&c->lru);
	return 0;
}

static void
cache_clear(struct cache *c)
{
	struct entry	*en;

	while ((en = TAILQ_FIRST(&c->lru)) != NULL) {
		TAILQ_REMOVE(&c->lru, en, lru);
		entry_free(en);
	}
	free(c->buckets);
	c->buckets = NULL;
	c->count = 0;
}

static uint32_t
key_hash(const char *s)
{
	return hash_bytes(s, strlen(s));
}

static struct entry *
cache_find(struct cache *c, const char *key)
{
	struct entry	*en;

	for (en = c->buckets[key_hash(key) & (c->nbuckets - 1)]; en != NULL;
	    en = en->next)
		if (strcmp(en->key, key) == 0)
			return en;
	return NULL;
}

static void
cache_remove(struct cache *c, struct entry *en)
{
	struct entry	**pp;

	pp = &c->buckets[key_hash(en->key) & (c->nbuckets - 1)];
	while (*pp != en)
		pp = &(*pp)->next;
	*pp = en->next;
	TAILQ_REMOVE(&c->lru, en, lru);
	c->count--;
	entry_free(en);
}

/* Doubles the bucket array; on failure the chains just grow longer. */
static int
cache_grow(struct cache *c)
{
	size_t		  n = c->nbuckets * 2, i;
	struct entry	**b, *en, *next;

	if ((b = calloc(n, sizeof(*b))) == NULL)
		return -1;
	for (i = 0; i < c->nbuckets; i++)
		for (en = c->buckets[i]; en != NULL; en = next) {
			next = en->next;
			en->next = b[key_hash(en->key) & (n - 1)];
			b[key_hash(en->key) & (n - 1)] = en;
		}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
	return 0;
}

static void
entry_free(struct entry *en)
{
	if (en == NULL)
		return;
	free(en->key);
	free(en->fields);
	free(en->blob);
	free(en);
}

/* Copies the cache's fields of r into a new entry. */
static struct entry *
entry_build(const struct cache *c, const char *key, const struct record *r)
{
	struct entry		*en;
	const struct rec_str	*v;
	size_t			 i, size = 0, off = 0;
	uint32_t		 n, j;

	if ((en = calloc(1, sizeof(*en))) == NULL)
		return NULL;
	for (i = 0; i < c->nfields; i++)
		if ((v = record_get(r, c->fields[i], &n)) != NULL)
			for (j = 0; j < n; j++)
				size += sizeof(uint32_t) + v[j].len + 1;
	en->key = strdup(key);
	en->fields = calloc(c->nfields, sizeof(*en->fields));
	en->blob = malloc(size ? size : 1);
	if (en->key == NULL || en->fields == NULL || en->blob == NULL) {
		entry_free(en);
		return NULL;
	}
	for (i = 0; i < c->nfields; i++) {
		if ((v = record_get(r, c->fields[i], &n)) == NULL || n == 0)
			continue;
		en->fields[en->nfields].field = c->fields[i];
		en->fields[en->nfields].n = n;
		en->fields[en->nfields].off = (uint32_t)off;
		en->nfields++;
		for (j = 0; j < n; j++) {
			memcpy(en->blob + off, &v[j].len, sizeof(uint32_t));
			off += sizeof(uint32_t);
			memcpy(en->blob + off, v[j].ptr, v[j].len);
			off += v[j].len;
			en->blob[off++] = '\0';
		}
		if (c->fields[i] == F_PROCESS_GUID)
			en->guid = en->blob + en->fields[en->nfields - 1].off +
			    sizeof(uint32_t);
	}
	return en;
}

/* Gives r the entry's fields that r lacks. Returns 1 when any was added. */
static int
entry_join(const struct entry *en, struct record *r)
{
	const struct entry_field	*f;
	const char			*p;
	uint32_t			 len, j;
	int				 i, added = 0;

	for (i = 0; i < en->nfields; i++) {
		f = &en->fields[i];
		if (record_has(r, f->field))
			continue;
		p = en->blob + f->off;
		for (j = 0; j < f->n; j++) {
			memcpy(&len, p, sizeof(len));
			p += sizeof(len);
			if (record_append_text(r, f->field, p, len,
			    ORIGIN_ENRICHED) == -1)
				return -1;
			p += len + 1;
		}
		added = 1;
	}
	return added;
}

static int
cache_store(struct enrich *e, struct cache *c, const char *key,
    const struct record *r, double now)
{
	struct entry	*en, *old;

	if ((en = entry_build(c, key, r)) == NULL)
		return -1;
	en->updated = now;
	if ((old = cache_find(c, key)) != NULL)
		cache_remove(c, old);
	else if (c->count >= c->max) {
		cache_remove(c, TAILQ_FIRST(&c->lru));
		e->counters.evicted_full++;
	}
	if (c->count >= c->nbuckets)
		cache_grow(c);
	en->next = c->buckets[key_hash(key) & (c->nbuckets - 1)];
	c->buckets[key_hash(key) & (c->nbuckets - 1)] = en;
	TAILQ_INSERT_TAIL(&c->lru, en, lru);
	c->count++;
	e->counters.updates++;
	return 0;
}

/*
 * The key of r: its udid, then the first value of each of up to two more
 * fields, separated by '/'. Returns -1 when a part is missing or too long.
 */
static int
key_make(char *key, const struct record *r, int f1, int f2)
{
	const int	 parts[3] = { F_UDID, f1, f2 };
	const char	*s;
	size_t		 i, len = 0, n;

	for (i = 0; i < 3; i++) {
		if (parts[i] == FIELD_NONE)
			continue;
		if ((s = record_get1(r, parts[i])) == NULL)
			return -1;
		n = strlen(s);
		if (len + n + 2 > ENRICH_KEY_MAX)
			return -1;
		if (i)
			key[len++] = '/';
		memcpy(key + len, s, n);
		len += n;
	}
	key[len] = '\0';
	return 0;
}

static void
cache_expire(struct enrich *e, struct cache *c, double now)
{
	struct entry	*en;

	while ((en = TAILQ_FIRST(&c->lru)) != NULL &&
	    now - en->updated > e->limits.max_age) {
		cache_remove(c, en);
		e->counters.evicted_age++;
	}
}

void
enrich_expire(struct enrich *e, double now)
{
	cache_expire(e, &e->endpoints, now);
	cache_expire(e, &e->interfaces, now);
	cache_expire(e, &e->processes, now);
	e->counters.endpoints = e->endpoints.count;
	e->counters.interfaces = e->interfaces.count;
	e->counters.processes = e->processes.count;
}

static int
enrich_flow(struct enrich *e, struct record *r)
{
	char		 key[ENRICH_KEY_MAX];
	struct entry	*en;
	const char	*guid;
	int		 rc, joined = 0, failed = 0;

	if (key_make(key, r, FIELD_NONE, FIELD_NONE) == -1)
		return 0;
	if ((en = cache_find(&e->endpoints, key)) == NULL)
		e->counters.misses++;
	else if ((rc = entry_join(en, r)) != 0)
		rc == -1 ? (failed = 1) : (joined = 1);
	if (key_make(key, r, F_INTERFACE_ID, FIELD_NONE) == 0 &&
	    (en = cache_find(&e->interfaces, key)) != NULL &&
	    (rc = entry_join(en, r)) != 0)
		rc == -1 ? (failed = 1) : (joined = 1);
	if (key_make(key, r, F_PROCESS_ID, FIELD_NONE) == 0 &&
	    (en = cache_find(&e->processes, key)) != NULL) {
		guid = record_get1(r, F_PROCESS_GUID);
		/* A different guid under the same pid is another process. */
		if (guid == NULL || en->guid == NULL ||
		    strcmp(guid, en->guid) == 0) {
			if ((rc = entry_join(en, r)) != 0)
				rc == -1 ? (failed = 1) : (joined = 1);
		}
	}
	if (joined) {
		e->counters.joins++;
		/* user, process, ... from what was just joined. */
		if (record_derive_context(r) == -1)
			failed = 1;
	}
	return failed ? -1 : 0;
}

int
enrich_apply(struct enrich *e, struct record *r, double now)
{
	char	key[ENRICH_KEY_MAX];
	int	rc = 0;

	switch (record_kind(r)) {
	case RECORD_FLOW:
		rc = enrich_flow(e, r);
		break;
	case RECORD_ENDPOINT:
		if (key_make(key, r, FIELD_NONE, FIELD_NONE) == 0)
			rc = cache_store(e, &e->endpoints, key, r, now);
		break;
	case RECORD_INTERFACE:
		if (key_make(key, r, F_INTERFACE_ID, FIELD_NONE) == 0)
			rc = cache_store(e, &e->interfaces, key, r, now);
		break;
	case RECORD_PROCESS:
		if (key_make(key, r, F_PROCESS_ID, FIELD_NONE) == 0)
			rc = cache_store(e, &e->processes, key, r, now);
		break;
	default:
		break;
	}
	e->counters.endpoints = e->endpoints.count;
	e->counters.interfaces = e->interfaces.count;
	e->counters.processes = e->processes.count;
	return rc;
}
