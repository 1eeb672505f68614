/*
 * exporter.c - UDP exporter sessions in a hash table with an LRU list;
 * see exporter.h.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipfix.h"
#include "exporter.h"
#include "hash.h"
#include "log.h"

struct exporter_key {
	uint8_t		 addr[16];
	uint16_t	 port;		/* network order */
	uint8_t		 family;	/* 4 or 6 */
};

struct exporter {
	LIST_ENTRY(exporter)	 bucket;
	TAILQ_ENTRY(exporter)	 lru;		/* least recently seen first */
	struct exporter_key	 key;
	struct ipfix_session	*session;
	double			 seen;
};

LIST_HEAD(exporter_bucket, exporter);

struct exporter_table {
	struct ipfix_collector		*collector;
	struct exporter_bucket		*buckets;
	size_t				 nbuckets;	/* a power of two */
	TAILQ_HEAD(, exporter)		 lru;
	unsigned			 max;
	double				 idle_timeout;
	struct exporter_counters	 counters;
	exporter_session_fn		*free_fn;
	void				*free_arg;
};

static int		 exporter_key(const struct sockaddr *,
			    struct exporter_key *);
static size_t		 exporter_hash(const struct exporter_key *);
static struct exporter	*exporter_find(struct exporter_table *,
			    const struct exporter_key *);
static struct exporter	*exporter_add(struct exporter_table *,
			    const struct exporter_key *, const struct sockaddr *);
static void		 exporter_remove(struct exporter_table *,
			    struct exporter *);

struct exporter_table *
exporter_table_new(struct ipfix_collector *collector, unsigned max,
    double idle_timeout)
{
	struct exporter_table	*t;
	size_t			 i;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->collector = collector;
	t->max = max ? max : 1;
	t->idle_timeout = idle_timeout;
	TAILQ_INIT(&t->lru);
	for (t->nbuckets = 16; t->nbuckets < t->max; t->nbuckets *= 2)
		;
	if ((t->buckets = calloc(t->nbuckets, sizeof(*t->buckets))) == NULL) {
		free(t);
		return NULL;
	}
	for (i = 0; i < t->nbuckets; i++)
		LIST_INIT(&t->buckets[i]);
	return t;
}

void
exporter_table_free(struct exporter_table *t)
{
	struct exporter	*e;

	if (t == NULL)
		return;
	while ((e = TAILQ_FIRST(&t->lru)) != NULL)
		exporter_remove(t, e);
	free(t->buckets);
	free(t);
}

static int
exporter_key(const struct sockaddr *sa, struct exporter_key *k)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(k, 0, sizeof(*k));
	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)(const void *)sa;
		memcpy(k->addr, &sin->sin_addr, 4);
		k->port = sin->sin_port;
		k->family = 4;
		return 0;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		memcpy(k->addr, &sin6->sin6_addr, 16);
		k->port = sin6->sin6_port;
		k->family = 6;
		return 0;
	}
	return -1;
}

static size_t
exporter_hash(const struct exporter_key *k)
{
	return hash_bytes(k, sizeof(*k));
}

static struct exporter *
exporter_find(struct exporter_table *t, const struct exporter_key *k)
{
	struct exporter	*e;

	LIST_FOREACH(e, &t->buckets[exporter_hash(k) & (t->nbuckets - 1)],
	    bucket)
		if (memcmp(&e->key, k, sizeof(*k)) == 0)
			return e;
	return NULL;
}

static struct exporter *
exporter_add(struct exporter_table *t, const struct exporter_key *k,
    const struct sockaddr *sa)
{
	struct exporter	*e;
	char		 name[INET6_ADDRSTRLEN + 16];

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	exporter_name(sa, name, sizeof(name));
	if ((e->session = ipfix_session_new(t->collector, name)) == NULL) {
		free(e);
		return NULL;
	}
	e->key = *k;
	LIST_INSERT_HEAD(&t->buckets[exporter_hash(k) & (t->nbuckets - 1)],
	    e, bucket);
	TAILQ_INSERT_TAIL(&t->lru, e, lru);
	t->counters.live++;
	t->counters.created++;
	log_debug("exporter %s: new session", name);
	return e;
}

static void
exporter_remove(struct exporter_table *t, struct exporter *e)
{
	LIST_REMOVE(e, bucket);
	TAILQ_REMOVE(&t->lru, e, lru);
	if (t->free_fn != NULL)
		t->free_fn(e->session, t->free_arg);
	ipfix_session_free(e->session);
	free(e);
	t->counters.live--;
}

struct ipfix_session *
exporter_session(struct exporter_table *t, const struct sockaddr *sa,
    double now)
{
	struct exporter_key	 k;
	struct exporter		*e;

	if (exporter_key(sa, &k) == -1)
		return NULL;
	if ((e = exporter_find(t, &k)) == NULL) {
		if (t->counters.live >= t->max) {
			e = TAILQ_FIRST(&t->lru);
			log_debug("exporter %s: evicted, the table is full",
			    ipfix_session_name(e->session));
			exporter_remove(t, e);
			t->counters.evicted++;
		}
		if ((e = exporter_add(t, &k, sa)) == NULL) {
			t->counters.failed++;
			return NULL;
		}
	} else {
		TAILQ_REMOVE(&t->lru, e, lru);
		TAILQ_INSERT_TAIL(&t->lru, e, lru);
	}
	e->seen = now;
	return e->session;
}

void
exporter_expire(struct exporter_table *t, double now)
{
	struct exporter	*e;

	while ((e = TAILQ_FIRST(&t->lru)) != NULL &&
	    now - e->seen > t->idle_timeout) {
		log_debug("exporter %s: expired after %.0f s idle",
		    ipfix_session_name(e->session), now - e->seen);
		exporter_remove(t, e);
		t->counters.expired++;
	}
}

void
exporter_foreach(const struct exporter_table *t, exporter_session_fn *fn,
    void *arg)
{
	struct exporter	*e;

	TAILQ_FOREACH(e, &t->lru, lru)
		fn(e->session, arg);
}

void
exporter_set_free_hook(struct exporter_table *t, exporter_session_fn *fn,
    void *arg)
{
	t->free_fn = fn;
	t->free_arg = arg;
}

const struct exporter_counters *
exporter_counters(const struct exporter_table *t)
{
	return &t->counters;
}

void
exporter_name(const struct sockaddr *sa, char *dst, size_t size)
{
	char		 host[NI_MAXHOST], serv[NI_MAXSERV];
	socklen_t	 len;

	len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(dst, size, "?");
		return;
	}
	if (sa->sa_family == AF_INET6)
		snprintf(dst, size, "[%s]:%s", host, serv);
	else
		snprintf(dst, size, "%s:%s", host, serv);
}
