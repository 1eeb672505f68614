/*
 * window.c - the window table: stats ... by ... over tumbling event-time
 * windows; see window.h.
 *
 * A group is one allocation: a header, the fixed state of each
 * aggregation (at offsets computed once per table, each function taking
 * only the room it needs) and the group's by-values, its key. Groups are
 * found through one chained hash over (window start, by-values) that also
 * compares the window itself, so a late generation never meets the
 * groups of the window it is late for. Each group sits on two more lists:
 * its window's (closing a window walks only its own groups) and the
 * table's creation order (the max_groups victim is its head).
 *
 * Windows are usually few, but a stream of records each in a different
 * past hour makes one late window per record until the next tick. So
 * windows are found through a hash of (start, in time or late), and kept
 * in two min-heaps by start (so by end): the in-time ones, whose top is
 * the next to close, and the late generations, flushed at each tick in
 * order. Adding a record touches O(1) windows expected; closing walks
 * only the windows that close.
 *
 * The hashes are over attacker-chosen values (by-values, values()). They
 * use SipHash-1-3 keyed with a per-table random seed from getrandom(2)
 * (GRND_NONBLOCK: never blocks at early boot; should it fail, the seed
 * is a mix of the table's address and a counter, which ASLR makes hard
 * but not impossible to guess), so colliding keys cannot be chosen in
 * advance; and the group hash doubles whenever it holds more groups than
 * buckets. Output order never depends on the hash: rows are sorted at
 * close, and values() at emit.
 *
 * The hot path, a record for a group that exists, builds its key in a
 * scratch buffer and allocates nothing unless a value set must grow.
 * bytes_live is the sum of what groups hold (the group allocation, value
 * pools and indexes, kept texts), at their allocated sizes; the table's
 * own buckets, windows and scratch are not in it.
 *
 * Out of memory, an operation stops where it is and the table stays
 * usable: a record may have fed some aggregations and not others, and a
 * row that cannot be built leaves its group in place for the next tick.
 */
#include <sys/queue.h>
#include <sys/random.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "field.h"
#include "num.h"
#include "record.h"
#include "row.h"
#include "spl.h"
#include "window.h"

#define HASH_MIN	64	/* buckets of a new table */
#define WHASH_MIN	16	/* window buckets of a new table */
#define HEAP_MIN	8
#define ROW_KEEP	(1024 * 1024)	/* a scratch row bigger is freed */
#define SET_LINEAR	8	/* a set this small is scanned, not indexed */
#define SET_SLOTS_MIN	32
#define POOL_MIN	32
#define SVAL_ROUND	16
#define ALIGN8(n)	(((n) + 7) & ~(size_t)7)

/* One kept text whose buffer is reused: min/max, earliest/latest. */
struct sval {
	char		*p;
	uint32_t	 len, cap;
};

/*
 * The values of values(), dc() and list(): a pool of entries (a uint32
 * length, then the bytes) in arrival order, and, once a set outgrows a
 * linear scan, an open-addressing index of pool offsets + 1 (0: empty).
 * list() only appends, so it never has an index.
 */
struct vset {
	char		*pool;
	uint32_t	*slots;
	uint32_t	 used, cap;	/* pool bytes */
	uint32_t	 n;		/* values kept */
	uint32_t	 nslots;	/* power of two, or 0 */
};

/*
 * min(), max(). Whether the values compare as numbers is only known at
 * the end (one text among them makes it a string comparison of them
 * all), so both winners are kept until a text arrives.
 */
struct minmax {
	struct sval	 str;		/* the winner in byte order */
	struct sval	 num;		/* the winner as a number, while all are */
	double		 best;		/* num's value */
	uint8_t		 seen;
	uint8_t		 allnum;
};

/* earliest(), latest(): every value of the winning record. */
struct pick {
	struct sval	 vals;		/* entries as in struct vset */
	double		 time;
	uint32_t	 n;
	uint8_t		 seen;
	uint8_t		 multi;		/* the field is multivalue */
};

struct sum {
	double		 sum;
	uint64_t	 n;		/* numeric values */
};

TAILQ_HEAD(group_list, group);

struct group {
	struct group		*hnext;		/* hash chain */
	TAILQ_ENTRY(group)	 wlink;		/* its window's groups */
	TAILQ_ENTRY(group)	 age;		/* creation order */
	struct window		*win;
	uint64_t		 stamp;		/* serial of the last record fed */
	uint32_t		 hash;
	uint32_t		 keylen;	/* by-values, after the states */
	uint32_t		 size;		/* of this allocation */
	uint8_t			 truncated;
	/* aggregation states at table->off[], then the by-values: per
	   by-field a uint32 length, the bytes and a NUL */
};

struct window {
	struct window		*hnext;		/* window hash chain */
	size_t			 heapi;		/* index in its heap */
	struct group_list	 groups;
	size_t			 ngroups;
	double			 start, end;
	uint32_t		 gen;		/* 0: in time; else late */
	int			 closing;	/* watermark passed, rows owed */
};

/* Windows by start: the root is the earliest. */
struct wheap {
	struct window		**w;
	size_t			  n, cap;
};

/* A group to sort at close, with its by-values as numbers (NaN: text). */
struct sort_ent {
	struct group			*g;
	const double			*num;
	const struct window_table	*t;
};

struct window_table {
	const struct spl_stats	*stats;
	struct window_limits	 lim;
	window_emit_fn		*emit;
	void			*arg;
	struct window_counters	 c;

	size_t			*off;		/* state offset per agg */
	size_t			 state_size;
	int			 by_none;	/* a by-field the dict lacks */

	uint64_t		 seed[2];	/* SipHash key */
	struct group		**buckets;
	size_t			 nbuckets;	/* power of two */
	struct group_list	 age;
	struct window		**wbuckets;
	size_t			 nwbuckets;	/* power of two */
	size_t			 nwindows;
	struct window		*wlast;		/* the last one found */
	struct wheap		 open;		/* in time */
	struct wheap		 late;		/* late generations */
	uint32_t		 late_gen;
	double			 max_time;	/* latest _time added */
	double			 now;		/* latest clock given */
	double			 time;		/* of the record being added */
	uint64_t		 serial;	/* records added */

	/* Scratch, reused from call to call. */
	char			*key;		/* start, then by-values */
	size_t			 keylen, keycap;
	const struct rec_str	**byv;		/* per by-field: values, */
	uint32_t		*byn;		/* their count, */
	uint32_t		*byi;		/* the one this split uses */
	struct sort_ent		*gsort;
	size_t			 gsortcap;
	double			*nums;
	size_t			 numscap;
	struct rec_str		*vsort;
	size_t			 vsortcap;
	struct row		 row;
};

static int		 limits_valid(const struct window_limits *);
static void		 seed_init(struct window_table *);
static uint64_t		 siphash(const uint64_t *, const void *, size_t);
static uint64_t		 window_hash(const struct window_table *, double,
			    int);
static int		 wheap_push(struct wheap *, struct window *);
static void		 wheap_remove(struct wheap *, size_t);
static void		 wheap_up(struct wheap *, size_t);
static void		 wheap_down(struct wheap *, size_t);
static void		 wheap_set(struct wheap *, size_t, struct window *);
static void		 whash_grow(struct window_table *);
static size_t		 agg_size(enum spl_func);
static double		 window_start(const struct window_table *, double);
static void		 clock_set(struct window_table *, double);
static double		 watermark(const struct window_table *);
static int		 by_values(struct window_table *,
			    const struct record *, uint64_t *);
static void		 split_next(struct window_table *);
static int		 add_split(struct window_table *,
			    const struct record *, double, int);
static int		 key_build(struct window_table *, double, int *);
static void		*grow(void *, size_t *, size_t, size_t);
static struct window	*window_find(struct window_table *, double, int);
static void		 window_close_heap(struct window_table *,
			    struct wheap *, unsigned);
static struct window	*window_open(struct window_table *, double, int);
static void		 window_unlink(struct window_table *,
			    struct window *);
static void		 window_drop(struct window_table *, struct window *);
static int		 window_close(struct window_table *, struct window *,
			    unsigned);
static void		 close_due(struct window_table *);
static void		 close_late(struct window_table *);
static struct group	*group_find(struct window_table *,
			    const struct window *, uint32_t);
static struct group	*group_open(struct window_table *, double, int,
			    uint32_t, int);
static void		 group_free(struct window_table *, struct group *);
static int		 group_evict(struct window_table *);
static void		 bytes_cap(struct window_table *);
static void		 hash_grow(struct window_table *);
static void		*gstate(const struct window_table *,
			    const struct group *, size_t);
static const char	*gkey(const struct window_table *,
			    const struct group *);
static int		 group_feed(struct window_table *, struct group *,
			    const struct record *);
static size_t		 value_cut(struct window_table *, struct group *,
			    const struct rec_str *);
static size_t		 utf8_cut(const char *, size_t, size_t);
static int		 bytecmp(const char *, size_t, const char *, size_t);
static int		 sval_set(struct window_table *, struct sval *,
			    const char *, size_t);
static int		 sval_reserve(struct window_table *, struct sval *,
			    size_t);
static void		 sval_free(struct window_table *, struct sval *);
static int		 vset_add(struct window_table *, struct group *,
			    struct vset *, const char *, size_t);
static int		 vset_append(struct window_table *, struct group *,
			    struct vset *, const char *, size_t);
static int		 vset_find(const struct window_table *,
			    const struct vset *, const char *, size_t);
static int		 vset_push(struct window_table *, struct vset *,
			    const char *, size_t, uint32_t *);
static int		 vset_index(struct window_table *, struct vset *);
static void		 vset_slot(const struct window_table *, struct vset *,
			    uint32_t);
static void		 vset_free(struct window_table *, struct vset *);
static int		 mm_feed(struct window_table *, struct group *,
			    struct minmax *, const struct rec_str *, int);
static int		 pick_feed(struct window_table *, struct group *,
			    struct pick *, const struct record *, int, int);
static int		 emit_group(struct window_table *,
			    const struct group *, unsigned);
static void		 row_shrink(struct window_table *);
static int		 row_by(struct window_table *, const struct group *);
static int		 row_agg(struct window_table *, const struct group *,
			    size_t);
static int		 row_values(struct window_table *, const char *,
			    const struct vset *, int);
static int		 row_number(struct row *, const char *, double);
static int		 row_u64(struct row *, const char *, uint64_t);
static int		 cmp_group(const void *, const void *);
static int		 cmp_str(const void *, const void *);

void
window_limits_default(struct window_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->window = 3600;
	l->lateness = 600;
	l->emit = WINDOW_EMIT_CLOSE;
	l->max_groups = 100000;
	l->max_values = 1000;
	l->max_value_bytes = 4096;
	l->max_split = 1024;
	l->max_bytes = (size_t)256 * 1024 * 1024;
	l->max_future = 300;
}

static int
limits_valid(const struct window_limits *l)
{
	if (l == NULL || !isfinite(l->window) || l->window <= 0 ||
	    !isfinite(l->lateness) || l->lateness < 0 ||
	    isnan(l->max_future) || l->max_future < 0)
		return 0;
	if (l->emit != WINDOW_EMIT_CLOSE && l->emit != WINDOW_EMIT_FIRST &&
	    l->emit != WINDOW_EMIT_BOTH)
		return 0;
	return l->max_groups > 0 && l->max_values > 0 &&
	    l->max_value_bytes > 0 && l->max_split > 0 && l->max_bytes > 0;
}

/* Each function's state takes only the room it needs in the group. */
static size_t
agg_size(enum spl_func fn)
{
	switch (fn) {
	case SPL_FN_DC:
	case SPL_FN_VALUES:
	case SPL_FN_LIST:
		return ALIGN8(sizeof(struct vset));
	case SPL_FN_MIN:
	case SPL_FN_MAX:
		return ALIGN8(sizeof(struct minmax));
	case SPL_FN_EARLIEST:
	case SPL_FN_LATEST:
		return ALIGN8(sizeof(struct pick));
	case SPL_FN_SUM:
	case SPL_FN_AVG:
		return ALIGN8(sizeof(struct sum));
	case SPL_FN_COUNT:
	default:
		return ALIGN8(sizeof(uint64_t));
	}
}

struct window_table *
window_new(const struct spl_stats *stats, const struct window_limits *limits,
    window_emit_fn *emit, void *arg)
{
	struct window_table	*t;
	size_t			 i, nby;

	if (stats == NULL || !limits_valid(limits))
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->stats = stats;
	t->lim = *limits;
	t->emit = emit;
	t->arg = arg;
	t->max_time = t->now = -HUGE_VAL;
	TAILQ_INIT(&t->age);
	seed_init(t);
	nby = stats->nby ? stats->nby : 1;	/* calloc(0) may be NULL */
	t->nbuckets = HASH_MIN;
	t->nwbuckets = WHASH_MIN;
	if (row_init(&t->row) == -1 ||
	    (t->off = calloc(stats->naggs + 1, sizeof(*t->off))) == NULL ||
	    (t->byv = calloc(nby, sizeof(*t->byv))) == NULL ||
	    (t->byn = calloc(nby, sizeof(*t->byn))) == NULL ||
	    (t->byi = calloc(nby, sizeof(*t->byi))) == NULL ||
	    (t->buckets = calloc(t->nbuckets, sizeof(*t->buckets))) == NULL ||
	    (t->wbuckets = calloc(t->nwbuckets, sizeof(*t->wbuckets))) ==
	    NULL) {
		window_free(t);
		return NULL;
	}
	for (i = 0; i < stats->naggs; i++) {
		t->off[i] = t->state_size;
		t->state_size += agg_size(stats->aggs[i].func);
	}
	for (i = 0; i < stats->nby; i++)
		if (stats->by[i].index < 0)
			t->by_none = 1;
	return t;
}

void
window_free(struct window_table *t)
{
	if (t == NULL)
		return;
	while (t->open.n > 0)
		window_drop(t, t->open.w[0]);
	while (t->late.n > 0)
		window_drop(t, t->late.w[0]);
	row_free(&t->row);
	free(t->off);
	free(t->byv);
	free(t->byn);
	free(t->byi);
	free(t->buckets);
	free(t->wbuckets);
	free(t->open.w);
	free(t->late.w);
	free(t->key);
	free(t->gsort);
	free(t->nums);
	free(t->vsort);
	free(t);
}

const struct window_counters *
window_counters(const struct window_table *t)
{
	return &t->c;
}

static double
window_start(const struct window_table *t, double time)
{
	/* + 0.0 turns -0.0 into 0.0: the start is hashed by its bytes. */
	return floor(time / t->lim.window) * t->lim.window + 0.0;
}

/*
 * The clock only moves forward: a caller whose clock stepped back must
 * not reopen a window that already emitted its rows. The clock is the
 * caller's own (never a record's), so it is trusted: a caller that once
 * passes an absurd now closes every window and makes every later record
 * late until its clock catches up; max_future guards only against the
 * records' times.
 */
static void
clock_set(struct window_table *t, double now)
{
	if (now > t->now)
		t->now = now;
}

static double
watermark(const struct window_table *t)
{
	return (t->max_time > t->now ? t->max_time : t->now) -
	    t->lim.lateness;
}

int
window_add(struct window_table *t, const struct record *rec, double now)
{
	uint64_t	combos, n, k;
	double		time, start, ahead;
	int		late, rc = 0;

	t->c.records++;
	clock_set(t, now);
	if (!isfinite(time = record_time(rec)))
		time = now;
	t->time = time;
	/* Grouped or not, a record is news that the stream has moved on;
	 * but no further than max_future past the clock. */
	ahead = t->now + t->lim.max_future;
	if (time > ahead)
		t->c.future_records++;
	if ((time > ahead ? ahead : time) > t->max_time)
		t->max_time = time > ahead ? ahead : time;
	close_due(t);
	if (by_values(t, rec, &combos) == -1) {
		t->c.missing_by++;
		return 0;
	}
	start = window_start(t, time);
	if ((late = start + t->lim.window <= watermark(t)))
		t->c.late_records++;
	t->serial++;
	n = combos < t->lim.max_split ? combos : t->lim.max_split;
	t->c.splits_dropped += combos - n;
	for (k = 0; k < n; k++) {
		if (add_split(t, rec, start, late) == -1)
			rc = -1;
		split_next(t);
	}
	bytes_cap(t);
	return rc;
}

/*
 * Collects the by-values of rec; -1 when a by-field is missing. *combos
 * gets the number of groups the record splits into (saturating), and a
 * by-value longer than the byte cap is counted once here.
 */
static int
by_values(struct window_table *t, const struct record *rec,
    uint64_t *combos)
{
	const struct spl_stats	*st = t->stats;
	uint32_t		 n, j;
	size_t			 i;

	if (t->by_none)
		return -1;
	*combos = 1;
	for (i = 0; i < st->nby; i++) {
		t->byv[i] = record_get(rec, st->by[i].index, &n);
		if (t->byv[i] == NULL || n == 0)
			return -1;
		t->byn[i] = n;
		t->byi[i] = 0;
		*combos = *combos > UINT64_MAX / n ? UINT64_MAX : *combos * n;
	}
	for (i = 0; i < st->nby; i++)
		for (j = 0; j < t->byn[i]; j++)
			if (t->byv[i][j].len > t->lim.max_value_bytes)
				t->c.values_cut++;
	return 0;
}

/* The next combination of by-values, the last by-field turning fastest. */
static void
split_next(struct window_table *t)
{
	size_t	i = t->stats->nby;

	while (i-- > 0) {
		if (++t->byi[i] < t->byn[i])
			return;
		t->byi[i] = 0;
	}
}

/* Feeds rec to the group of the current combination, opening it. */
static int
add_split(struct window_table *t, const struct record *rec, double start,
    int late)
{
	struct window	*w;
	struct group	*g = NULL;
	uint32_t	 h;
	int		 cut, fresh = 0, rc;

	if (key_build(t, start, &cut) == -1)
		return -1;
	h = (uint32_t)siphash(t->seed, t->key, t->keylen);
	if ((w = window_find(t, start, late)) != NULL)
		g = group_find(t, w, h);
	if (g == NULL) {
		if ((g = group_open(t, start, late, h, cut)) == NULL)
			return -1;
		fresh = 1;
	} else if (g->stamp == t->serial)
		return 0;	/* a repeated value of a multivalue by-field */
	g->stamp = t->serial;
	rc = group_feed(t, g, rec);
	if (fresh && t->lim.emit != WINDOW_EMIT_CLOSE &&
	    emit_group(t, g, ROW_FIRST | ROW_PARTIAL |
	    (late ? ROW_LATE : 0)) == -1)
		rc = -1;
	return rc;
}

/* The lookup key in t->key: the window start, then the by-values. */
static int
key_build(struct window_table *t, double start, int *cut)
{
	const struct spl_stats	*st = t->stats;
	const struct rec_str	*v;
	size_t			 i, need = sizeof(start), p;
	uint32_t		 len;
	char			*np;

	for (i = 0; i < st->nby; i++)
		need += sizeof(len) + t->byv[i][t->byi[i]].len + 1;
	if ((np = grow(t->key, &t->keycap, need, 1)) == NULL)
		return -1;
	t->key = np;
	memcpy(t->key, &start, sizeof(start));
	p = sizeof(start);
	*cut = 0;
	for (i = 0; i < st->nby; i++) {
		v = &t->byv[i][t->byi[i]];
		len = (uint32_t)utf8_cut(v->ptr, v->len,
		    t->lim.max_value_bytes);
		if (len < v->len)
			*cut = 1;
		memcpy(t->key + p, &len, sizeof(len));
		memcpy(t->key + p + sizeof(len), v->ptr, len);
		p += sizeof(len) + len;
		t->key[p++] = '\0';
	}
	t->keylen = p;
	return 0;
}

/*
 * The scratch array p (*cap elements of size) grown to hold n, at least
 * one: the array, possibly moved, or NULL (p is then left as it was).
 */
static void *
grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t	ncap = *cap ? *cap : 16;

	if (p != NULL && n <= *cap)
		return p;
	while (ncap < n) {
		if (ncap > SIZE_MAX / 2)
			return NULL;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size || (p = realloc(p, ncap * size)) == NULL)
		return NULL;
	*cap = ncap;
	return p;
}

/*
 * SipHash-1-3 (Aumasson, Bernstein) of p[0..len) under the 128-bit key k:
 * a keyed hash, so that who does not know k cannot choose keys that share
 * a bucket.
 */
#define ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND(v0, v1, v2, v3) do {					\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

static uint64_t
siphash(const uint64_t *k, const void *p, size_t len)
{
	const unsigned char	*s = p, *end = s + (len & ~(size_t)7);
	uint64_t		 v0 = k[0] ^ 0x736f6d6570736575ULL;
	uint64_t		 v1 = k[1] ^ 0x646f72616e646f6dULL;
	uint64_t		 v2 = k[0] ^ 0x6c7967656e657261ULL;
	uint64_t		 v3 = k[1] ^ 0x7465646279746573ULL;
	uint64_t		 m, b = (uint64_t)len << 56;
	size_t			 i;

	for (; s < end; s += 8) {
		for (m = 0, i = 0; i < 8; i++)
			m |= (uint64_t)s[i] << (8 * i);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (i = 0; i < (len & 7); i++)
		b |= (uint64_t)s[i] << (8 * i);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/*
 * The hash key. getrandom() with GRND_NONBLOCK fails rather than wait
 * for the entropy pool at early boot; then the table's address and a
 * counter, mixed, are the key: distinct per table and, under ASLR, not
 * known in advance, though weaker than random.
 */
static void
seed_init(struct window_table *t)
{
	static uint64_t	 counter;
	uint64_t	 x;
	int		 i;

	if (getrandom(t->seed, sizeof(t->seed), GRND_NONBLOCK) ==
	    (ssize_t)sizeof(t->seed))
		return;
	x = (uint64_t)(uintptr_t)t ^ (uint64_t)(uintptr_t)&counter ^
	    ++counter * 0x9e3779b97f4a7c15ULL;
	for (i = 0; i < 2; i++) {
		/* splitmix64 */
		x += 0x9e3779b97f4a7c15ULL;
		t->seed[i] = x;
		t->seed[i] = (t->seed[i] ^ (t->seed[i] >> 30)) *
		    0xbf58476d1ce4e5b9ULL;
		t->seed[i] = (t->seed[i] ^ (t->seed[i] >> 27)) *
		    0x94d049bb133111ebULL;
		t->seed[i] ^= t->seed[i] >> 31;
	}
}

static uint64_t
window_hash(const struct window_table *t, double start, int late)
{
	unsigned char	key[sizeof(start) + 1];

	memcpy(key, &start, sizeof(start));
	key[sizeof(start)] = (unsigned char)(late != 0);
	return siphash(t->seed, key, sizeof(key));
}

/* The in-time window, or the late generation, that starts at start. */
static struct window *
window_find(struct window_table *t, double start, int late)
{
	struct window	*w = t->wlast;

	if (w != NULL && w->start == start && (w->gen != 0) == (late != 0))
		return w;
	for (w = t->wbuckets[window_hash(t, start, late) &
	    (t->nwbuckets - 1)]; w != NULL; w = w->hnext)
		if (w->start == start && (w->gen != 0) == (late != 0))
			return t->wlast = w;
	return NULL;
}

static struct window *
window_open(struct window_table *t, double start, int late)
{
	struct window	*w, **b;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	TAILQ_INIT(&w->groups);
	w->start = start;
	w->end = start + t->lim.window;
	if (wheap_push(late ? &t->late : &t->open, w) == -1) {
		free(w);
		return NULL;
	}
	if (late && (w->gen = ++t->late_gen) == 0)
		w->gen = t->late_gen = 1;
	b = &t->wbuckets[window_hash(t, start, late) & (t->nwbuckets - 1)];
	w->hnext = *b;
	*b = w;
	if (++t->nwindows > t->nwbuckets)
		whash_grow(t);
	return t->wlast = w;
}

static void
window_unlink(struct window_table *t, struct window *w)
{
	struct window	**pp;

	pp = &t->wbuckets[window_hash(t, w->start, w->gen != 0) &
	    (t->nwbuckets - 1)];
	while (*pp != w)
		pp = &(*pp)->hnext;
	*pp = w->hnext;
	t->nwindows--;
	if (t->wlast == w)
		t->wlast = NULL;
	wheap_remove(w->gen ? &t->late : &t->open, w->heapi);
	free(w);
}

/* Doubles the window buckets; when that fails the chains grow longer. */
static void
whash_grow(struct window_table *t)
{
	struct window	**nb, *w, *next;
	size_t		  n = t->nwbuckets * 2, i, h;

	if (n > SIZE_MAX / sizeof(*nb) || (nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < t->nwbuckets; i++)
		for (w = t->wbuckets[i]; w != NULL; w = next) {
			next = w->hnext;
			h = window_hash(t, w->start, w->gen != 0) & (n - 1);
			w->hnext = nb[h];
			nb[h] = w;
		}
	free(t->wbuckets);
	t->wbuckets = nb;
	t->nwbuckets = n;
}

static int
wheap_push(struct wheap *hp, struct window *w)
{
	struct window	**nw;
	size_t		  ncap;

	if (hp->n == hp->cap) {
		ncap = hp->cap ? hp->cap * 2 : HEAP_MIN;
		if (ncap > SIZE_MAX / sizeof(*nw) ||
		    (nw = realloc(hp->w, ncap * sizeof(*nw))) == NULL)
			return -1;
		hp->w = nw;
		hp->cap = ncap;
	}
	wheap_set(hp, hp->n++, w);
	wheap_up(hp, hp->n - 1);
	return 0;
}

static void
wheap_remove(struct wheap *hp, size_t i)
{
	if (i != --hp->n) {
		wheap_set(hp, i, hp->w[hp->n]);
		wheap_up(hp, i);
		wheap_down(hp, hp->w[i]->heapi);
	}
}

static void
wheap_up(struct wheap *hp, size_t i)
{
	struct window	*w = hp->w[i];

	while (i > 0 && w->start < hp->w[(i - 1) / 2]->start) {
		wheap_set(hp, i, hp->w[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	wheap_set(hp, i, w);
}

static void
wheap_down(struct wheap *hp, size_t i)
{
	struct window	*w = hp->w[i];
	size_t		 c;

	while ((c = 2 * i + 1) < hp->n) {
		if (c + 1 < hp->n && hp->w[c + 1]->start < hp->w[c]->start)
			c++;
		if (!(hp->w[c]->start < w->start))
			break;
		wheap_set(hp, i, hp->w[c]);
		i = c;
	}
	wheap_set(hp, i, w);
}

static void
wheap_set(struct wheap *hp, size_t i, struct window *w)
{
	hp->w[i] = w;
	w->heapi = i;
}

/* Frees w and its groups without a row. */
static void
window_drop(struct window_table *t, struct window *w)
{
	struct group	*g;

	while ((g = TAILQ_FIRST(&w->groups)) != NULL)
		group_free(t, g);
	window_unlink(t, w);
}

/*
 * Emits the rows of w, sorted by their by-values, with flags, and frees
 * it (with emit: first, frees it without rows). When a row cannot be
 * built, the groups not yet emitted stay for the next try: -1.
 */
static int
window_close(struct window_table *t, struct window *w, unsigned flags)
{
	const struct spl_stats	*st = t->stats;
	struct sort_ent		*ents;
	struct group		*g;
	const char		*k;
	double			*nums;
	uint32_t		 len;
	size_t			 n = 0, i, j;

	if (t->lim.emit == WINDOW_EMIT_FIRST) {
		window_drop(t, w);
		return 0;
	}
	if ((ents = grow(t->gsort, &t->gsortcap, w->ngroups,
	    sizeof(*ents))) == NULL)
		return -1;
	t->gsort = ents;
	if ((nums = grow(t->nums, &t->numscap, w->ngroups * st->nby,
	    sizeof(*nums))) == NULL)
		return -1;
	t->nums = nums;
	TAILQ_FOREACH(g, &w->groups, wlink) {
		t->gsort[n].g = g;
		t->gsort[n].num = t->nums + n * st->nby;
		t->gsort[n].t = t;
		k = gkey(t, g);
		for (j = 0; j < st->nby; j++) {
			memcpy(&len, k, sizeof(len));
			if (num_parse(k + sizeof(len), len,
			    &t->nums[n * st->nby + j]) == -1)
				t->nums[n * st->nby + j] = NAN;
			k += sizeof(len) + len + 1;
		}
		n++;
	}
	qsort(t->gsort, n, sizeof(*t->gsort), cmp_group);
	for (i = 0; i < n; i++) {
		if (emit_group(t, t->gsort[i].g, flags) == -1)
			return -1;
		group_free(t, t->gsort[i].g);
	}
	window_unlink(t, w);
	return 0;
}

/* Closes, in order, the in-time windows the watermark has passed. */
static void
close_due(struct window_table *t)
{
	struct window	*w;
	double		 wm = watermark(t);

	while (t->open.n > 0 && (w = t->open.w[0])->end <= wm) {
		w->closing = 1;
		if (window_close(t, w, 0) == -1)
			return;
		t->c.windows_closed++;
	}
}

static void
close_late(struct window_table *t)
{
	window_close_heap(t, &t->late, ROW_LATE);
}

/* Closes every window of hp, earliest first, until one fails. */
static void
window_close_heap(struct window_table *t, struct wheap *hp, unsigned flags)
{
	while (hp->n > 0)
		if (window_close(t, hp->w[0], flags) == -1)
			return;
}

void
window_tick(struct window_table *t, double now)
{
	clock_set(t, now);
	close_due(t);
	close_late(t);
}

void
window_flush(struct window_table *t, double now)
{
	window_tick(t, now);
	window_close_heap(t, &t->open, ROW_PARTIAL);
	close_late(t);
}

double
window_next_deadline(const struct window_table *t)
{
	const struct window	*w = t->open.n > 0 ? t->open.w[0] : NULL;

	/* Late rows, and rows a failed close still owes, are due now. */
	if (t->late.n > 0 || (w != NULL && w->closing))
		return t->now;
	if (w == NULL)
		return 0;
	return w->end + t->lim.lateness;
}

static struct group *
group_find(struct window_table *t, const struct window *w, uint32_t h)
{
	struct group	*g;
	size_t		 klen = t->keylen - sizeof(double);

	for (g = t->buckets[h & (t->nbuckets - 1)]; g != NULL; g = g->hnext)
		if (g->hash == h && g->win == w && g->keylen == klen &&
		    memcmp(gkey(t, g), t->key + sizeof(double), klen) == 0)
			return g;
	return NULL;
}

/* A new group for the key in t->key, evicting the oldest at the cap. */
static struct group *
group_open(struct window_table *t, double start, int late, uint32_t h,
    int cut)
{
	struct window	*w;
	struct group	*g, **b;
	size_t		 klen = t->keylen - sizeof(double), size;

	while (t->c.groups_live >= t->lim.max_groups)
		if (group_evict(t) == -1)
			return NULL;
	/* Found again: the eviction may have freed the window. */
	if ((w = window_find(t, start, late)) == NULL &&
	    (w = window_open(t, start, late)) == NULL)
		return NULL;
	size = sizeof(*g) + t->state_size + klen;
	if (size > UINT32_MAX || (g = malloc(size)) == NULL) {
		if (w->ngroups == 0)
			window_unlink(t, w);
		return NULL;
	}
	memset(g, 0, sizeof(*g) + t->state_size);
	memcpy((char *)(g + 1) + t->state_size, t->key + sizeof(double), klen);
	g->win = w;
	g->hash = h;
	g->keylen = (uint32_t)klen;
	g->size = (uint32_t)size;
	g->truncated = (uint8_t)cut;
	b = &t->buckets[h & (t->nbuckets - 1)];
	g->hnext = *b;
	*b = g;
	TAILQ_INSERT_TAIL(&w->groups, g, wlink);
	w->ngroups++;
	TAILQ_INSERT_TAIL(&t->age, g, age);
	t->c.groups++;
	t->c.groups_live++;
	t->c.bytes_live += size;
	if (t->c.groups_live > t->nbuckets)
		hash_grow(t);
	return g;
}

static void
group_free(struct window_table *t, struct group *g)
{
	const struct spl_stats	*st = t->stats;
	struct group		**pp;
	struct minmax		*m;
	size_t			 i;

	pp = &t->buckets[g->hash & (t->nbuckets - 1)];
	while (*pp != g)
		pp = &(*pp)->hnext;
	*pp = g->hnext;
	TAILQ_REMOVE(&g->win->groups, g, wlink);
	g->win->ngroups--;
	TAILQ_REMOVE(&t->age, g, age);
	for (i = 0; i < st->naggs; i++) {
		switch (st->aggs[i].func) {
		case SPL_FN_DC:
		case SPL_FN_VALUES:
		case SPL_FN_LIST:
			vset_free(t, gstate(t, g, i));
			break;
		case SPL_FN_MIN:
		case SPL_FN_MAX:
			m = gstate(t, g, i);
			sval_free(t, &m->str);
			sval_free(t, &m->num);
			break;
		case SPL_FN_EARLIEST:
		case SPL_FN_LATEST:
			sval_free(t, &((struct pick *)gstate(t, g, i))->vals);
			break;
		default:
			break;
		}
	}
	t->c.bytes_live -= g->size;
	t->c.groups_live--;
	free(g);
}

/* The oldest group goes out as a partial row, so that none is lost. */
static int
group_evict(struct window_table *t)
{
	struct group	*g = TAILQ_FIRST(&t->age);
	struct window	*w = g->win;

	if (t->lim.emit != WINDOW_EMIT_FIRST && emit_group(t, g, ROW_PARTIAL |
	    (w->gen ? ROW_LATE : 0)) == -1)
		return -1;
	t->c.groups_evicted++;
	group_free(t, g);
	if (w->ngroups == 0)
		window_unlink(t, w);
	return 0;
}

/* Over max_bytes, the oldest groups go as at max_groups, until under. */
static void
bytes_cap(struct window_table *t)
{
	while (t->c.bytes_live > t->lim.max_bytes && t->c.groups_live > 0)
		if (group_evict(t) == -1)
			return;
}

/* Doubles the buckets; when that fails the chains just grow longer. */
static void
hash_grow(struct window_table *t)
{
	struct group	**nb, *g, *next;
	size_t		  n = t->nbuckets * 2, i;

	if (n > SIZE_MAX / sizeof(*nb) || (nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < t->nbuckets; i++)
		for (g = t->buckets[i]; g != NULL; g = next) {
			next = g->hnext;
			g->hnext = nb[g->hash & (n - 1)];
			nb[g->hash & (n - 1)] = g;
		}
	free(t->buckets);
	t->buckets = nb;
	t->nbuckets = n;
}

/* One accessor for the states, read (emit) and written (feed) alike. */
static void *
gstate(const struct window_table *t, const struct group *g, size_t i)
{
	return (char *)(uintptr_t)(g + 1) + t->off[i];
}

static const char *
gkey(const struct window_table *t, const struct group *g)
{
	return (const char *)(g + 1) + t->state_size;
}

/*
 * Feeds every aggregation of g with rec. On allocation failure the
 * others are still fed (the group stays usable): -1.
 */
static int
group_feed(struct window_table *t, struct group *g, const struct record *rec)
{
	const struct spl_agg	*a;
	const struct rec_str	*v;
	struct sum		*s;
	uint32_t		 n, j;
	size_t			 i;
	double			 d;
	int			 rc = 0;

	for (i = 0; i < t->stats->naggs; i++) {
		a = &t->stats->aggs[i];
		if (a->func == SPL_FN_COUNT && a->field.name == NULL) {
			(*(uint64_t *)gstate(t, g, i))++;
			continue;
		}
		if ((v = record_get(rec, a->field.index, &n)) == NULL || n == 0)
			continue;
		switch (a->func) {
		case SPL_FN_COUNT:
			*(uint64_t *)gstate(t, g, i) += n;
			break;
		case SPL_FN_DC:
		case SPL_FN_VALUES:
			for (j = 0; j < n; j++)
				rc |= vset_add(t, g, gstate(t, g, i), v[j].ptr,
				    value_cut(t, g, &v[j]));
			break;
		case SPL_FN_LIST:
			for (j = 0; j < n; j++)
				rc |= vset_append(t, g, gstate(t, g, i),
				    v[j].ptr, value_cut(t, g, &v[j]));
			break;
		case SPL_FN_MIN:
		case SPL_FN_MAX:
			for (j = 0; j < n; j++)
				rc |= mm_feed(t, g, gstate(t, g, i), &v[j],
				    a->func == SPL_FN_MAX);
			break;
		case SPL_FN_EARLIEST:
		case SPL_FN_LATEST:
			rc |= pick_feed(t, g, gstate(t, g, i), rec, (int)i,
			    a->func == SPL_FN_LATEST);
			break;
		case SPL_FN_SUM:
		case SPL_FN_AVG:
			s = gstate(t, g, i);
			for (j = 0; j < n; j++)
				if (num_parse(v[j].ptr, v[j].len, &d) == 0) {
					s->sum += d;
					s->n++;
				}
			break;
		}
	}
	return rc;
}

/* The length v keeps under the byte cap; a cut is counted and flagged. */
static size_t
value_cut(struct window_table *t, struct group *g, const struct rec_str *v)
{
	size_t	len = utf8_cut(v->ptr, v->len, t->lim.max_value_bytes);

	if (len < v->len) {
		t->c.values_cut++;
		g->truncated = 1;
	}
	return len;
}

/*
 * The length of p cut to at most max bytes without splitting a UTF-8
 * sequence: when the first byte left out continues a character, that
 * character goes too (a valid one backs up at most three bytes).
 */
static size_t
utf8_cut(const char *p, size_t len, size_t max)
{
	size_t	n = max;

	if (len <= max)
		return len;
	while (n > 0 && max - n < 3 && ((unsigned char)p[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* Byte order: memcmp, then the shorter first. */
static int
bytecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int
sval_set(struct window_table *t, struct sval *s, const char *p, size_t len)
{
	if (sval_reserve(t, s, len + 1) == -1)
		return -1;
	memcpy(s->p, p, len);
	s->p[len] = '\0';
	s->len = (uint32_t)len;
	return 0;
}

/* Room for need bytes; the buffer only grows, so a steady stream of
 * similar values reuses it. */
static int
sval_reserve(struct window_table *t, struct sval *s, size_t need)
{
	size_t	 ncap;
	char	*np;

	if (need <= s->cap)
		return 0;
	ncap = (need + SVAL_ROUND - 1) & ~(size_t)(SVAL_ROUND - 1);
	if (ncap > UINT32_MAX || (np = realloc(s->p, ncap)) == NULL)
		return -1;
	t->c.bytes_live += ncap - s->cap;
	s->p = np;
	s->cap = (uint32_t)ncap;
	return 0;
}

static void
sval_free(struct window_table *t, struct sval *s)
{
	t->c.bytes_live -= s->cap;
	free(s->p);
	memset(s, 0, sizeof(*s));
}

/* values(), dc(): p[0..len) unless kept already or the set is full. */
static int
vset_add(struct window_table *t, struct group *g, struct vset *s,
    const char *p, size_t len)
{
	uint32_t	off;

	if (vset_find(t, s, p, len))
		return 0;
	if (s->n >= t->lim.max_values) {
		t->c.values_dropped++;
		g->truncated = 1;
		return 0;
	}
	if (s->n + 1 > SET_LINEAR && vset_index(t, s) == -1)
		return -1;
	if (vset_push(t, s, p, len, &off) == -1)
		return -1;
	if (s->slots != NULL)
		vset_slot(t, s, off);
	return 0;
}

/* list(): every value, in arrival order, up to the cap. */
static int
vset_append(struct window_table *t, struct group *g, struct vset *s,
    const char *p, size_t len)
{
	uint32_t	off;

	if (s->n >= t->lim.max_values) {
		t->c.values_dropped++;
		g->truncated = 1;
		return 0;
	}
	return vset_push(t, s, p, len, &off);
}

static int
vset_find(const struct window_table *t, const struct vset *s, const char *p,
    size_t len)
{
	uint32_t	off, elen, i, mask;

	if (s->slots == NULL) {
		for (off = 0; off < s->used; off += sizeof(elen) + elen) {
			memcpy(&elen, s->pool + off, sizeof(elen));
			if (elen == len && memcmp(s->pool + off + sizeof(elen),
			    p, len) == 0)
				return 1;
		}
		return 0;
	}
	mask = s->nslots - 1;
	for (i = (uint32_t)siphash(t->seed, p, len) & mask; s->slots[i] != 0;
	    i = (i + 1) & mask) {
		off = s->slots[i] - 1;
		memcpy(&elen, s->pool + off, sizeof(elen));
		if (elen == len && memcmp(s->pool + off + sizeof(elen), p,
		    len) == 0)
			return 1;
	}
	return 0;
}

/* Appends an entry to the pool; *off gets its offset. */
static int
vset_push(struct window_table *t, struct vset *s, const char *p, size_t len,
    uint32_t *off)
{
	uint64_t	 need = (uint64_t)s->used + sizeof(uint32_t) + len;
	uint64_t	 ncap = s->cap ? s->cap : POOL_MIN;
	uint32_t	 l = (uint32_t)len;
	char		*np;

	if (need > s->cap) {
		while (ncap < need)
			ncap *= 2;
		if (ncap > UINT32_MAX || (np = realloc(s->pool,
		    (size_t)ncap)) == NULL)
			return -1;
		t->c.bytes_live += ncap - s->cap;
		s->pool = np;
		s->cap = (uint32_t)ncap;
	}
	*off = s->used;
	memcpy(s->pool + s->used, &l, sizeof(l));
	memcpy(s->pool + s->used + sizeof(l), p, len);
	s->used = (uint32_t)need;
	s->n++;
	return 0;
}

/*
 * Makes room in the index for one more value (at most half full),
 * building or rebuilding it from the pool.
 */
static int
vset_index(struct window_table *t, struct vset *s)
{
	uint32_t	*old = s->slots, oldn = s->nslots, off, elen;
	uint64_t	 n = s->nslots ? s->nslots : SET_SLOTS_MIN;

	if (s->slots != NULL && ((uint64_t)s->n + 1) * 2 <= s->nslots)
		return 0;
	while (((uint64_t)s->n + 1) * 2 > n)
		n *= 2;
	if (n > UINT32_MAX || (s->slots = calloc((size_t)n,
	    sizeof(*s->slots))) == NULL) {
		s->slots = old;
		return -1;
	}
	s->nslots = (uint32_t)n;
	for (off = 0; off < s->used; off += sizeof(elen) + elen) {
		memcpy(&elen, s->pool + off, sizeof(elen));
		vset_slot(t, s, off);
	}
	free(old);
	t->c.bytes_live += (n - oldn) * sizeof(*s->slots);
	return 0;
}

static void
vset_slot(const struct window_table *t, struct vset *s, uint32_t off)
{
	uint32_t	elen, i, mask = s->nslots - 1;

	memcpy(&elen, s->pool + off, sizeof(elen));
	i = (uint32_t)siphash(t->seed, s->pool + off + sizeof(elen), elen) &
	    mask;
	while (s->slots[i] != 0)
		i = (i + 1) & mask;
	s->slots[i] = off + 1;
}

static void
vset_free(struct window_table *t, struct vset *s)
{
	t->c.bytes_live -= s->cap + (uint64_t)s->nslots * sizeof(*s->slots);
	free(s->pool);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

static int
mm_feed(struct window_table *t, struct group *g, struct minmax *m,
    const struct rec_str *v, int max)
{
	size_t	len = value_cut(t, g, v);
	double	d = 0;
	int	isnum = num_parse(v->ptr, len, &d) == 0, c;

	if (!m->seen) {
		if (sval_set(t, &m->str, v->ptr, len) == -1 ||
		    (isnum && sval_set(t, &m->num, v->ptr, len) == -1))
			return -1;
		m->best = d;
		m->allnum = (uint8_t)isnum;
		m->seen = 1;
		return 0;
	}
	c = bytecmp(v->ptr, len, m->str.p, m->str.len);
	if ((max ? c > 0 : c < 0) && sval_set(t, &m->str, v->ptr, len) == -1)
		return -1;
	if (!m->allnum)
		return 0;
	if (!isnum) {
		/* One text: from now on only the byte order counts. */
		m->allnum = 0;
		sval_free(t, &m->num);
	} else if (max ? d > m->best : d < m->best) {
		if (sval_set(t, &m->num, v->ptr, len) == -1)
			return -1;
		m->best = d;
	}
	return 0;
}

/* earliest(), latest(): keeps every value of the winning record. */
static int
pick_feed(struct window_table *t, struct group *g, struct pick *pk,
    const struct record *rec, int ai, int latest)
{
	const struct spl_agg	*a = &t->stats->aggs[ai];
	const struct field_def	*def;
	const struct rec_str	*v;
	double			 time = t->time;
	size_t			 need = 0, p = 0, len;
	uint32_t		 n, j, l;

	if (pk->seen && (latest ? time < pk->time : time >= pk->time))
		return 0;
	v = record_get(rec, a->field.index, &n);
	for (j = 0; j < n; j++)
		need += sizeof(l) + utf8_cut(v[j].ptr, v[j].len,
		    t->lim.max_value_bytes);
	if (sval_reserve(t, &pk->vals, need) == -1)
		return -1;
	for (j = 0; j < n; j++) {
		len = value_cut(t, g, &v[j]);
		l = (uint32_t)len;
		memcpy(pk->vals.p + p, &l, sizeof(l));
		memcpy(pk->vals.p + p + sizeof(l), v[j].ptr, len);
		p += sizeof(l) + len;
	}
	pk->vals.len = (uint32_t)p;
	pk->n = n;
	pk->time = time;
	pk->seen = 1;
	def = field_dict_get(record_dict(rec), a->field.index);
	pk->multi = def != NULL && (def->flags & FIELD_MULTI);
	return 0;
}

/* Builds g's row in the table's scratch row and hands it out. */
static int
emit_group(struct window_table *t, const struct group *g, unsigned flags)
{
	struct row	*r = &t->row;
	size_t		 i;

	if (r->arena == NULL && row_init(r) == -1)
		return -1;
	row_reset(r);
	if (g->truncated)
		flags |= ROW_TRUNCATED;
	r->window_start = g->win->start;
	r->window_end = g->win->end;
	r->flags = flags;
	if (row_by(t, g) == -1)
		return -1;
	for (i = 0; i < t->stats->naggs; i++)
		if (row_agg(t, g, i) == -1)
			return -1;
	t->c.rows++;
	if (flags & ROW_LATE)
		t->c.rows_late++;
	if (flags & ROW_FIRST)
		t->c.rows_first++;
	else if (flags & ROW_PARTIAL)
		t->c.rows_partial++;
	if (flags & ROW_TRUNCATED)
		t->c.rows_truncated++;
	if (t->emit != NULL)
		t->emit(t->arg, r);
	row_shrink(t);
	return 0;
}

/*
 * A row over ROW_KEEP (its fields, as the callback left them) gives its
 * memory back, so that one huge row does not pin it for the table's
 * life. Should the fresh row fail, the next emit_group() tries again.
 */
static void
row_shrink(struct window_table *t)
{
	struct row	*r = &t->row;

	if (arena_used(r->arena) + r->cap * sizeof(*r->f) <= ROW_KEEP)
		return;
	row_free(r);
	(void)row_init(r);
}

static int
row_by(struct window_table *t, const struct group *g)
{
	const char	*k = gkey(t, g);
	uint32_t	 len;
	size_t		 i;

	for (i = 0; i < t->stats->nby; i++) {
		memcpy(&len, k, sizeof(len));
		if (row_set1(&t->row, t->stats->by[i].name, k + sizeof(len),
		    len, 0) == NULL)
			return -1;
		k += sizeof(len) + len + 1;
	}
	return 0;
}

/*
 * The field of aggregation i. A function of a field no record had is
 * null, except count() and dc(), which count it: 0, as Splunk has it.
 */
static int
row_agg(struct window_table *t, const struct group *g, size_t i)
{
	const struct spl_agg	*a = &t->stats->aggs[i];
	const struct minmax	*m;
	const struct pick	*pk;
	const struct sum	*s;
	struct row		*r = &t->row;
	struct row_field	*f;
	uint32_t		 j, off, len;

	switch (a->func) {
	case SPL_FN_COUNT:
		return row_u64(r, a->as, *(uint64_t *)gstate(t, g, i));
	case SPL_FN_DC:
		return row_u64(r, a->as,
		    ((struct vset *)gstate(t, g, i))->n);
	case SPL_FN_VALUES:
	case SPL_FN_LIST:
		return row_values(t, a->as, gstate(t, g, i),
		    a->func == SPL_FN_VALUES);
	case SPL_FN_MIN:
	case SPL_FN_MAX:
		m = gstate(t, g, i);
		if (!m->seen)
			break;
		if (m->allnum)
			return row_set1(r, a->as, m->num.p, m->num.len,
			    ROWF_NUM) == NULL ? -1 : 0;
		return row_set1(r, a->as, m->str.p, m->str.len, 0) == NULL ?
		    -1 : 0;
	case SPL_FN_EARLIEST:
	case SPL_FN_LATEST:
		pk = gstate(t, g, i);
		if (!pk->seen)
			break;
		if ((f = row_set(r, a->as, pk->multi ? ROWF_MV : 0)) == NULL)
			return -1;
		for (j = 0, off = 0; j < pk->n; j++) {
			memcpy(&len, pk->vals.p + off, sizeof(len));
			if (row_add_value(r, f, pk->vals.p + off + sizeof(len),
			    len) == -1)
				return -1;
			off += sizeof(len) + len;
		}
		return 0;
	case SPL_FN_SUM:
	case SPL_FN_AVG:
		s = gstate(t, g, i);
		if (s->n == 0)
			break;
		return row_number(r, a->as, a->func == SPL_FN_SUM ? s->sum :
		    s->sum / (double)s->n);
	}
	return row_set(r, a->as, 0) == NULL ? -1 : 0;
}

/* values() sorted in byte order, list() in arrival order. */
static int
row_values(struct window_table *t, const char *name, const struct vset *s,
    int sorted)
{
	struct row_field	*f;
	struct rec_str		*v;
	uint32_t		 j, off, len;

	if (s->n == 0)
		return row_set(&t->row, name, 0) == NULL ? -1 : 0;
	if ((v = grow(t->vsort, &t->vsortcap, s->n, sizeof(*v))) == NULL)
		return -1;
	t->vsort = v;
	for (j = 0, off = 0; j < s->n; j++) {
		memcpy(&len, s->pool + off, sizeof(len));
		t->vsort[j].ptr = s->pool + off + sizeof(len);
		t->vsort[j].len = len;
		off += sizeof(len) + len;
	}
	if (sorted)
		qsort(t->vsort, s->n, sizeof(*t->vsort), cmp_str);
	if ((f = row_set(&t->row, name, ROWF_MV)) == NULL)
		return -1;
	for (j = 0; j < s->n; j++)
		if (row_add_value(&t->row, f, t->vsort[j].ptr,
		    t->vsort[j].len) == -1)
			return -1;
	return 0;
}

/*
 * Whole numbers below 2^53 in plain digits, as Splunk prints them
 * (7459980, not 7.45998e+06); others as the shortest %g text that reads
 * back as d (0.1 + 0.2 is 0.30000000000000004). A sum that overflowed is
 * null.
 */
static int
row_number(struct row *r, const char *name, double d)
{
	char	buf[40];
	int	prec, n = 0;

	if (!isfinite(d))
		return row_set(r, name, 0) == NULL ? -1 : 0;
	if (d == floor(d) && fabs(d) < 9007199254740992.0) {
		n = snprintf(buf, sizeof(buf), "%.0f", d);
		return row_set1(r, name, buf, (size_t)n, ROWF_NUM) == NULL ?
		    -1 : 0;
	}
	for (prec = 1; prec <= 17; prec++) {
		n = snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return row_set1(r, name, buf, (size_t)n, ROWF_NUM) == NULL ? -1 : 0;
}

static int
row_u64(struct row *r, const char *name, uint64_t v)
{
	char	buf[24];
	int	n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

	return row_set1(r, name, buf, (size_t)n, ROWF_NUM) == NULL ? -1 : 0;
}

/*
 * Rows by their by-values, field by field: numbers as numbers (equal ones
 * written differently, 1 and 1.0, then in byte order), before text, text
 * in byte order. Numbers first keeps the order total, which qsort() needs:
 * "numbers as numbers, else bytes" alone has cycles (9 < 10 < 1a < 9).
 */
static int
cmp_group(const void *a, const void *b)
{
	const struct sort_ent		*ea = a, *eb = b;
	const struct window_table	*t = ea->t;
	const char			*ka = gkey(t, ea->g), *kb = gkey(t, eb->g);
	uint32_t			 la, lb;
	size_t				 i;
	int				 na, nb, c;

	for (i = 0; i < t->stats->nby; i++) {
		memcpy(&la, ka, sizeof(la));
		memcpy(&lb, kb, sizeof(lb));
		na = !isnan(ea->num[i]);
		nb = !isnan(eb->num[i]);
		if (na != nb)
			return na ? -1 : 1;
		if (na && ea->num[i] != eb->num[i])
			return ea->num[i] < eb->num[i] ? -1 : 1;
		if ((c = bytecmp(ka + sizeof(la), la, kb + sizeof(lb), lb)))
			return c;
		ka += sizeof(la) + la + 1;
		kb += sizeof(lb) + lb + 1;
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	const struct rec_str	*sa = a, *sb = b;

	return bytecmp(sa->ptr, sa->len, sb->ptr, sb->len);
}
