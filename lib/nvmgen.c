/*
 * nvmgen.c - synthetic nvzFlow records; see nvmgen.h.
 *
 * Randomness is xoshiro256** seeded through splitmix64, so a seed gives the
 * same stream everywhere. The exact trigger count comes from selection
 * sampling (Knuth's Algorithm S): flow i of n triggers with probability
 * (still needed) / (flows left), which picks exactly the planned number.
 *
 * A record is built in two steps: values are rendered as text into a
 * per-field table, then set into the record in the element order of its
 * template, which is the order a decoder sets them.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ipfix_export.h"
#include "nvmgen.h"

#define VAL_MAX		512
#define MODULES_MAX	4
#define MIX_MAX		64
#define PUBLIC_TRIES	64
#define LEGACY_PCT	30	/* non-triggering flows without process fields */

#define IL_MEDIUM	8192
#define IL_HIGH		12288
#define IL_SYSTEM	16384

const char *const nvmgen_trigger_names[] = {
	"notepad.exe", "write.exe", "mspaint.exe", "calc.exe", "addinutil.exe",
	"cmstp.exe", "dialer.exe", "eqnedt32.exe", "IMEWDBLD.exe", NULL
};

/* IPv4 ranges the detection excludes ("::1" is its only IPv6 one). */
static const struct v4net {
	uint32_t	net;
	int		len;
} excluded4[] = {
	{ 0x00000000, 8 },	/* not in the list, but no host sends there */
	{ 0x0a000000, 8 }, { 0xac100000, 12 }, { 0xc0a80000, 16 },
	{ 0x64400000, 10 }, { 0x7f000000, 8 }, { 0xa9fe0000, 16 },
	{ 0xc0000000, 24 }, { 0xc0000200, 24 }, { 0xc01fc400, 24 },
	{ 0xc034c100, 24 }, { 0xc0586300, 24 }, { 0xe0000000, 4 },
	{ 0xc0af3000, 24 }, { 0xc6120000, 15 }, { 0xc6336400, 24 },
	{ 0xcb007100, 24 }, { 0xf0000000, 4 },
};

struct proc {
	const char	*name;
	const char	*path;
	const char	*parent;
	const char	*ppath;
	unsigned	 il;		/* integrity level */
	unsigned	 pil;
	int		 system;	/* runs as NT AUTHORITY\SYSTEM */
};

#define EXPLORER	"explorer.exe", "C:\\Windows\\explorer.exe"
#define SERVICES	"services.exe", "C:\\Windows\\System32\\services.exe"
#define SYS32		"C:\\Windows\\System32\\"

static const struct proc catalog[] = {
	{ "chrome.exe", "C:\\Program Files\\Google\\Chrome\\Application\\"
	    "chrome.exe", EXPLORER, IL_MEDIUM, IL_MEDIUM, 0 },
	{ "msedge.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\"
	    "Application\\msedge.exe", EXPLORER, IL_MEDIUM, IL_MEDIUM, 0 },
	{ "svchost.exe", SYS32 "svchost.exe", SERVICES, IL_SYSTEM, IL_SYSTEM,
	    1 },
	{ "outlook.exe", "C:\\Program Files\\Microsoft Office\\root\\"
	    "Office16\\OUTLOOK.EXE", EXPLORER, IL_MEDIUM, IL_MEDIUM, 0 },
	{ "teams.exe", "C:\\Program Files\\Microsoft\\Teams\\current\\"
	    "Teams.exe", EXPLORER, IL_MEDIUM, IL_MEDIUM, 0 },
	{ "onedrive.exe", "C:\\Program Files\\Microsoft OneDrive\\"
	    "OneDrive.exe", EXPLORER, IL_MEDIUM, IL_MEDIUM, 0 },
	{ "firefox.exe", "C:\\Program Files\\Mozilla Firefox\\firefox.exe",
	    EXPLORER, IL_MEDIUM, IL_MEDIUM, 0 },
	{ "spoolsv.exe", SYS32 "spoolsv.exe", SERVICES, IL_SYSTEM, IL_SYSTEM,
	    1 },
	{ "notepad.exe", SYS32 "notepad.exe", EXPLORER, IL_MEDIUM, IL_MEDIUM,
	    0 },
	{ "write.exe", SYS32 "write.exe", EXPLORER, IL_MEDIUM, IL_MEDIUM, 0 },
	{ "mspaint.exe", SYS32 "mspaint.exe", EXPLORER, IL_MEDIUM, IL_MEDIUM,
	    0 },
	{ "calc.exe", SYS32 "calc.exe", EXPLORER, IL_MEDIUM, IL_MEDIUM, 0 },
	{ "addinutil.exe", "C:\\Windows\\Microsoft.NET\\Framework64\\"
	    "v4.0.30319\\AddInUtil.exe", "powershell.exe", SYS32
	    "WindowsPowerShell\\v1.0\\powershell.exe", IL_HIGH, IL_HIGH, 0 },
	{ "cmstp.exe", SYS32 "cmstp.exe", "cmd.exe", SYS32 "cmd.exe",
	    IL_HIGH, IL_HIGH, 0 },
	{ "dialer.exe", SYS32 "dialer.exe", EXPLORER, IL_MEDIUM, IL_MEDIUM,
	    0 },
	{ "eqnedt32.exe", "C:\\Program Files (x86)\\Common Files\\Microsoft "
	    "Shared\\EQUATION\\EQNEDT32.EXE", "winword.exe", "C:\\Program "
	    "Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", IL_MEDIUM,
	    IL_MEDIUM, 0 },
	{ "IMEWDBLD.exe", SYS32 "IME\\SHARED\\IMEWDBLD.EXE", EXPLORER,
	    IL_MEDIUM, IL_MEDIUM, 0 },
};

static const char *const modules[] = {
	"ntdll.dll", "kernel32.dll", "ws2_32.dll", "wininet.dll",
	"winhttp.dll", "crypt32.dll", "dnsapi.dll", "mswsock.dll",
	"secur32.dll", "iphlpapi.dll",
};

static const char *const hostnames[] = {
	"www.example.com", "cdn.example.net", "api.example.org",
	"update.example.com", "Unknown",
};

static const uint16_t dports[] = { 443, 443, 443, 443, 80, 80, 53, 8080,
	123, 3389 };

#define DEFAULT_PROCESS_MIX	"chrome.exe:30,msedge.exe:20,svchost.exe:20," \
	"outlook.exe:10,teams.exe:8,onedrive.exe:5,firefox.exe:5,spoolsv.exe:2"
#define DEFAULT_DEST_MIX	"public:70,private:30"

enum dest_kind { DEST_PRIVATE, DEST_PUBLIC, DEST_CIDR };

struct mix_entry {
	char		*name;
	uint64_t	 weight;
	enum dest_kind	 kind;		/* dest mix only */
	int		 v6;		/* DEST_CIDR */
	uint8_t		 addr[16];
	int		 plen;
};

struct mix {
	struct mix_entry	e[MIX_MAX];
	int			n;
};

struct rng {
	uint64_t	s[4];
};

struct endpoint {
	char		udid[41];
	char		host[32];
	char		user[32];
	char		src4[INET_ADDRSTRLEN];
	char		src6[INET6_ADDRSTRLEN];
	uint32_t	iid;
	unsigned	os;
};

struct val {
	char	s[VAL_MAX];
	int	set;
};

struct nvmgen {
	struct nvmgen_opts	 o;
	struct rng		 rng;
	struct mix		 procs;
	struct mix		 dests;
	struct endpoint		*eps;
	uint64_t		 total, triggers;
	uint64_t		 pos;		/* records produced */
	uint64_t		 trig_left;	/* triggers still to place */
	int			 last_trigger;
	struct val		 v[FIELD_BUILTIN_COUNT];
	const char		*mods[MODULES_MAX];
	int			 nmods;
};

static uint64_t	 splitmix(uint64_t *);
static uint64_t	 rng_next(struct rng *);
static uint64_t	 rng_below(struct rng *, uint64_t);
static int	 mix_parse(struct mix *, const char *, int,
		    struct nvmgen_error *);
static int	 dest_parse(struct mix_entry *, struct nvmgen_error *);
static void	 mix_clear(struct mix *);
static const struct mix_entry *mix_pick(struct nvmgen *, const struct mix *,
		    int);
static void	 endpoint_init(struct nvmgen *, unsigned);
static void	 val(struct nvmgen *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 hash_hex(const char *, char *);
static const struct proc *proc_find(const char *);
static int	 is_trigger_name(const char *);
static void	 addr_public(struct nvmgen *, int, char *, size_t);
static void	 addr_private(struct nvmgen *, int, char *, size_t);
static void	 addr_cidr(struct nvmgen *, const struct mix_entry *, char *,
		    size_t);
static int	 excluded_v4(uint32_t);
static uint16_t	 gen_endpoint(struct nvmgen *, const struct endpoint *);
static uint16_t	 gen_interface(struct nvmgen *, const struct endpoint *);
static uint16_t	 gen_flow(struct nvmgen *, uint64_t);
static void	 gen_process(struct nvmgen *, const char *,
		    const struct endpoint *);
static void	 gen_dest(struct nvmgen *, int, int, int);
static void	 gen_times(struct nvmgen *, uint64_t);
static int	 fill(struct nvmgen *, struct record *, uint16_t);

/* splitmix64: seeds xoshiro and expands hashes. */
static uint64_t
splitmix(uint64_t *x)
{
	uint64_t	z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static uint64_t
rng_next(struct rng *r)
{
	uint64_t	result = rotl(r->s[1] * 5, 7) * 9;
	uint64_t	t = r->s[1] << 17;

	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rotl(r->s[3], 45);
	return result;
}

/* Uniform in [0, n), n > 0, by rejection (no modulo bias). */
static uint64_t
rng_below(struct rng *r, uint64_t n)
{
	uint64_t	x, limit = UINT64_MAX - UINT64_MAX % n;

	do
		x = rng_next(r);
	while (x >= limit);
	return x % n;
}

void
nvmgen_opts_default(struct nvmgen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->endpoints = 10;
	o->flows = 1000;
	o->trigger_share = 0.1;
	o->ipv6_share = 0.1;
	o->base_time = 1700000000;
	o->duration = 3600;
	o->odid = IPFIX_EXPORT_ODID;
}

struct nvmgen *
nvmgen_new(const struct nvmgen_opts *o, struct nvmgen_error *err)
{
	struct nvmgen	*g;
	uint64_t	 x;
	const char	*pm, *dm;
	unsigned	 i;

	if ((g = calloc(1, sizeof(*g))) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return NULL;
	}
	g->o = *o;
	g->o.process_mix = g->o.dest_mix = NULL;
	if (g->o.endpoints == 0)
		g->o.endpoints = 1;
	if (g->o.odid == 0)
		g->o.odid = IPFIX_EXPORT_ODID;
	if (!(o->trigger_share >= 0 && o->trigger_share <= 1) ||
	    !(o->ipv6_share >= 0 && o->ipv6_share <= 1) ||
	    g->o.endpoints > 65535) {
		snprintf(err->msg, sizeof(err->msg), "share outside 0..1 or "
		    "more than 65535 endpoints");
		goto fail;
	}
	pm = o->process_mix && *o->process_mix ? o->process_mix :
	    DEFAULT_PROCESS_MIX;
	dm = o->dest_mix && *o->dest_mix ? o->dest_mix : DEFAULT_DEST_MIX;
	if (mix_parse(&g->procs, pm, 0, err) == -1 ||
	    mix_parse(&g->dests, dm, 1, err) == -1)
		goto fail;
	x = o->seed;
	for (i = 0; i < 4; i++)
		g->rng.s[i] = splitmix(&x);
	if ((g->eps = calloc(g->o.endpoints, sizeof(*g->eps))) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		goto fail;
	}
	for (i = 0; i < g->o.endpoints; i++)
		endpoint_init(g, i);
	g->triggers = (uint64_t)((double)o->flows * o->trigger_share + 0.5);
	g->trig_left = g->triggers;
	g->total = 2 * (uint64_t)g->o.endpoints + o->flows;
	return g;
fail:
	nvmgen_free(g);
	return NULL;
}

void
nvmgen_free(struct nvmgen *g)
{
	if (g == NULL)
		return;
	mix_clear(&g->procs);
	mix_clear(&g->dests);
	free(g->eps);
	free(g);
}

static void
mix_clear(struct mix *m)
{
	int	i;

	for (i = 0; i < m->n; i++)
		free(m->e[i].name);
	m->n = 0;
}

/* "name[:weight],..." into m; dest: names are private, public or CIDRs. */
static int
mix_parse(struct mix *m, const char *s, int dest, struct nvmgen_error *err)
{
	const char	*p = s, *end, *colon;
	char		*num_end;
	uint64_t	 total = 0;

	while (*p != '\0') {
		struct mix_entry *e = &m->e[m->n];

		end = p + strcspn(p, ",");
		colon = memchr(p, ':', (size_t)(end - p));
		if (dest && colon != NULL && memchr(colon + 1, ':',
		    (size_t)(end - colon - 1)) != NULL)
			colon = NULL;	/* IPv6 text without a weight */
		if (dest && colon == NULL) {
			/* the weight follows the last colon, if digits */
			const char *c = end;

			while (c > p && isdigit((unsigned char)c[-1]))
				c--;
			if (c > p && c < end && c[-1] == ':' &&
			    memchr(p, '/', (size_t)(end - p)) != NULL)
				colon = c - 1;
		}
		if (m->n == MIX_MAX || (colon ? colon : end) == p)
			goto bad;
		e->name = strndup(p, (size_t)((colon ? colon : end) - p));
		e->weight = 1;
		m->n++;
		if (e->name == NULL)
			goto bad;
		if (colon != NULL) {
			e->weight = strtoull(colon + 1, &num_end, 10);
			if (num_end != end || colon + 1 == end)
				goto bad;
		}
		if (dest && dest_parse(e, err) == -1)
			return -1;
		total += e->weight;
		p = *end == ',' ? end + 1 : end;
	}
	if (total == 0)
		goto bad;
	return 0;
bad:
	snprintf(err->msg, sizeof(err->msg), "bad %s mix \"%s\"",
	    dest ? "destination" : "process", s);
	return -1;
}

static int
dest_parse(struct mix_entry *e, struct nvmgen_error *err)
{
	char	 addr[INET6_ADDRSTRLEN + 8], *slash, *end;
	long	 len;

	if (strcmp(e->name, "private") == 0) {
		e->kind = DEST_PRIVATE;
		return 0;
	}
	if (strcmp(e->name, "public") == 0) {
		e->kind = DEST_PUBLIC;
		return 0;
	}
	e->kind = DEST_CIDR;
	snprintf(addr, sizeof(addr), "%s", e->name);
	if ((slash = strchr(addr, '/')) != NULL)
		*slash = '\0';
	e->v6 = strchr(addr, ':') != NULL;
	if (inet_pton(e->v6 ? AF_INET6 : AF_INET, addr, e->addr) != 1)
		goto bad;
	len = e->v6 ? 128 : 32;
	if (slash != NULL) {
		len = strtol(slash + 1, &end, 10);
		if (*end != '\0' || slash[1] == '\0' || len < 0 ||
		    len > (e->v6 ? 128 : 32))
			goto bad;
	}
	e->plen = (int)len;
	return 0;
bad:
	snprintf(err->msg, sizeof(err->msg), "bad destination \"%s\" (want "
	    "private, public or a CIDR)", e->name);
	return -1;
}

/*
 * A weighted pick among m's entries; for the destination mix only those
 * usable by the family (v6 = 0/1). NULL when no weight remains.
 */
static const struct mix_entry *
mix_pick(struct nvmgen *g, const struct mix *m, int v6)
{
	uint64_t	total = 0, x;
	int		i;

	for (i = 0; i < m->n; i++)
		if (v6 < 0 || m->e[i].kind != DEST_CIDR || m->e[i].v6 == v6)
			total += m->e[i].weight;
	if (total == 0)
		return NULL;
	x = rng_below(&g->rng, total);
	for (i = 0; i < m->n; i++) {
		if (v6 >= 0 && m->e[i].kind == DEST_CIDR && m->e[i].v6 != v6)
			continue;
		if (x < m->e[i].weight)
			return &m->e[i];
		x -= m->e[i].weight;
	}
	return NULL;
}

static void
endpoint_init(struct nvmgen *g, unsigned i)
{
	struct endpoint	*ep = &g->eps[i];
	uint32_t	 a;
	int		 k;

	for (k = 0; k < 20; k++)
		snprintf(ep->udid + 2 * k, 3, "%02X",
		    (unsigned)(rng_next(&g->rng) & 0xff));
	snprintf(ep->host, sizeof(ep->host), "NVM-WS-%05u", i + 1);
	snprintf(ep->user, sizeof(ep->user), "CORP\\user%05u", i + 1);
	a = htonl(0x0a140000 + i + 1);		/* 10.20.0.1 on */
	inet_ntop(AF_INET, &a, ep->src4, sizeof(ep->src4));
	snprintf(ep->src6, sizeof(ep->src6), "fd12:3456:789a::%x", i + 1);
	ep->iid = 2 + (uint32_t)rng_below(&g->rng, 20);
	ep->os = (unsigned)rng_below(&g->rng, 2);
}

uint64_t
nvmgen_total(const struct nvmgen *g)
{
	return g->total;
}

uint64_t
nvmgen_trigger_total(const struct nvmgen *g)
{
	return g->triggers;
}

int
nvmgen_last_trigger(const struct nvmgen *g)
{
	return g->last_trigger;
}

int
nvmgen_next(struct nvmgen *g, struct record *rec)
{
	uint64_t	i = g->pos, neps = g->o.endpoints;
	uint16_t	tid;
	int		f;

	if (g->pos >= g->total)
		return 0;
	/* Only the flags: clearing every value buffer was most of send's time. */
	for (f = 0; f < FIELD_BUILTIN_COUNT; f++)
		g->v[f].set = 0;
	g->nmods = 0;
	g->last_trigger = 0;
	if (i < 2 * neps)
		tid = i % 2 == 0 ? gen_endpoint(g, &g->eps[i / 2]) :
		    gen_interface(g, &g->eps[i / 2]);
	else
		tid = gen_flow(g, i - 2 * neps);
	g->pos++;
	return fill(g, rec, tid);
}

/* Sets the field values into rec in the element order of template tid. */
static int
fill(struct nvmgen *g, struct record *rec, uint16_t tid)
{
	const struct ipfix_export_template	*t = ipfix_export_template(tid);
	const struct field_dict			*d = record_dict(rec);
	int					 j, f, k, rc = 0;

	record_clear(rec);
	record_set_source(rec, g->o.odid, tid);
	for (j = 0; j < t->nelems; j++) {
		f = field_dict_element(d, t->elems[j].pen, t->elems[j].id);
		if (f < 0 || f >= FIELD_BUILTIN_COUNT)
			continue;
		if (f == F_MODULE_NAME_LIST || f == F_MODULE_HASH_LIST) {
			for (k = 0; k < g->nmods; k++) {
				char h[65];
				const char *s = g->mods[k];

				if (f == F_MODULE_HASH_LIST) {
					hash_hex(s, h);
					s = h;
				}
				rc |= record_append_text(rec, f, s, strlen(s),
				    ORIGIN_WIRE);
			}
		} else if (g->v[f].set)
			rc |= record_set_text(rec, f, g->v[f].s,
			    strlen(g->v[f].s), ORIGIN_WIRE);
	}
	record_set_kind(rec, record_classify(rec));
	return rc ? -1 : 1;
}

static void
val(struct nvmgen *g, int f, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(g->v[f].s, sizeof(g->v[f].s), fmt, ap);
	va_end(ap);
	g->v[f].set = 1;
}

/* A stable SHA-256-sized digest of s, as 64 upper-case hex digits. */
static void
hash_hex(const char *s, char *out)
{
	uint64_t	h = 14695981039346656037ULL, x;
	int		i;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	for (i = 0; i < 4; i++) {
		x = splitmix(&h);
		snprintf(out + 16 * i, 17, "%016" PRIX64, x);
	}
}

static uint16_t
gen_endpoint(struct nvmgen *g, const struct endpoint *ep)
{
	static const char *const osname[] = { "Windows 10 Enterprise",
	    "Windows 11 Pro" };
	static const char *const osver[] = { "10.0.19045", "10.0.22631" };
	static const char *const osed[] = { "Enterprise", "Professional" };

	val(g, F_HOST, "%s", ep->host);
	val(g, F_UDID, "%s", ep->udid);
	val(g, F_OS_NAME, "%s", osname[ep->os]);
	val(g, F_OS_VERSION, "%s", osver[ep->os]);
	val(g, F_OS_EDITION, "%s", osed[ep->os]);
	val(g, F_SYSTEM_MANUFACTURER, "%s", ep->os ? "LENOVO" : "Dell Inc.");
	val(g, F_SYSTEM_TYPE, "x64");
	return IPFIX_TID_ENDPOINT;
}

static uint16_t
gen_interface(struct nvmgen *g, const struct endpoint *ep)
{
	int	wifi = ep->iid % 2;

	val(g, F_UDID, "%s", ep->udid);
	val(g, F_INTERFACE_ID, "%u", ep->iid);
	val(g, F_INTERFACE_INDEX, "%u", ep->iid);
	val(g, F_INTERFACE_TYPE, "%u", wifi ? 71 : 6);
	val(g, F_INTERFACE_NAME, "%s", wifi ? "Intel(R) Wi-Fi 6 AX201 160MHz" :
	    "Intel(R) Ethernet Connection (7) I219-LM");
	val(g, F_INTERFACE_DETAILS, "%s", wifi ? "SSID=corp-wlan" : "");
	val(g, F_INTERFACE_MAC, "00:50:56:%02X:%02X:%02X",
	    (ep->iid * 7) & 0xff, (unsigned)ep->udid[0], (unsigned)ep->udid[1]);
	return IPFIX_TID_INTERFACE;
}

static uint16_t
gen_flow(struct nvmgen *g, uint64_t i)
{
	const struct endpoint	*ep;
	const struct mix_entry	*pe;
	const char		*name;
	int			 trig, v6, proc;

	trig = g->trig_left > 0 &&
	    rng_below(&g->rng, g->o.flows - i) < g->trig_left;
	if (trig) {
		g->trig_left--;
		name = nvmgen_trigger_names[rng_below(&g->rng, 9)];
	} else {
		pe = mix_pick(g, &g->procs, -1);
		name = pe->name;
	}
	g->last_trigger = trig;
	ep = &g->eps[rng_below(&g->rng, g->o.endpoints)];
	v6 = (double)(rng_next(&g->rng) >> 11) / 9007199254740992.0 <
	    g->o.ipv6_share;
	if (!trig && is_trigger_name(name))
		v6 = 0;		/* it goes to a private IPv4 address */
	proc = trig || rng_below(&g->rng, 100) >= LEGACY_PCT;
	gen_dest(g, trig, v6, !trig && is_trigger_name(name));
	val(g, F_SRC, "%s", v6 ? ep->src6 : ep->src4);
	gen_times(g, i);
	gen_process(g, name, ep);
	if (v6)
		return proc ? IPFIX_TID_FLOW6_PROC : IPFIX_TID_FLOW6;
	return proc ? IPFIX_TID_FLOW4_PROC : IPFIX_TID_FLOW4;
}

/* Protocol, ports, destination address and host name. */
static void
gen_dest(struct nvmgen *g, int trig, int v6, int force_private)
{
	const struct mix_entry	*de = NULL;
	char			 a[INET6_ADDRSTRLEN];
	uint16_t		 dp = dports[rng_below(&g->rng, 10)];
	int			 pub;

	if (trig)
		pub = 1;
	else if (force_private)
		pub = 0;
	else {
		de = mix_pick(g, &g->dests, v6);
		pub = de == NULL || de->kind == DEST_PUBLIC;
		if (de != NULL && de->kind == DEST_CIDR) {
			addr_cidr(g, de, a, sizeof(a));
			pub = -1;
		}
	}
	if (pub == 1)
		addr_public(g, v6, a, sizeof(a));
	else if (pub == 0)
		addr_private(g, v6, a, sizeof(a));
	val(g, F_PROTOCOL, "%u", dp == 53 || dp == 123 ? 17 : 6);
	val(g, F_SRC_PORT, "%u", 49152 + (unsigned)rng_below(&g->rng, 16384));
	val(g, F_DEST, "%s", a);
	val(g, F_DEST_PORT, "%u", dp);
	val(g, F_DNS_SUFFIX, "corp.example.com");
	val(g, F_DEST_HOSTNAME, "%s", pub == 1 ?
	    hostnames[rng_below(&g->rng, 5)] : "Unknown");
}

/* Flow times: spread evenly over the duration, seconds and milliseconds. */
static void
gen_times(struct nvmgen *g, uint64_t i)
{
	uint64_t	fsms, fems, span;

	span = g->o.flows ? (uint64_t)g->o.duration * 1000 * i / g->o.flows :
	    0;
	fsms = g->o.base_time * 1000 + span + rng_below(&g->rng, 1000);
	fems = fsms + rng_below(&g->rng, 120000);
	val(g, F_FLOW_START, "%" PRIu64, fsms / 1000);
	val(g, F_FLOW_END, "%" PRIu64, fems / 1000);
	val(g, F_FLOW_START_MS, "%" PRIu64, fsms);
	val(g, F_FLOW_END_MS, "%" PRIu64, fems);
	val(g, F_BYTES_IN, "%" PRIu64, rng_below(&g->rng, 200000));
	val(g, F_BYTES_OUT, "%" PRIu64, rng_below(&g->rng, 50000));
}

/* Process, parent, accounts, modules of a flow from process name. */
static void
gen_process(struct nvmgen *g, const char *name, const struct endpoint *ep)
{
	const struct proc	*p = proc_find(name);
	char			 h[65];
	const char		*acct = p && p->system ? "NT AUTHORITY\\SYSTEM" :
				    ep->user;
	int			 k, first;

	val(g, F_UDID, "%s", ep->udid);
	val(g, F_LOGGED_IN_USER, "%s", ep->user);
	val(g, F_LOGGED_IN_USER_ACCOUNT_TYPE, "2");
	val(g, F_PROCESS_ACCOUNT, "%s", acct);
	val(g, F_PROCESS_ACCOUNT_TYPE, "%u", p && p->system ? 1 : 2);
	val(g, F_PARENT_PROCESS_ACCOUNT, "%s", acct);
	val(g, F_PARENT_PROCESS_ACCOUNT_TYPE, "%u", p && p->system ? 1 : 2);
	val(g, F_PROCESS_NAME, "%s", name);
	val(g, F_PARENT_PROCESS_NAME, "%s", p ? p->parent : "explorer.exe");
	if (p != NULL)
		val(g, F_PROCESS_PATH, "%s", p->path);
	else
		val(g, F_PROCESS_PATH, "C:\\Program Files\\%.*s\\%s",
		    (int)strcspn(name, "."), name, name);
	val(g, F_PARENT_PROCESS_PATH, "%s", p ? p->ppath :
	    "C:\\Windows\\explorer.exe");
	hash_hex(g->v[F_PROCESS_PATH].s, h);
	val(g, F_PROCESS_HASH, "%s", h);
	hash_hex(g->v[F_PARENT_PROCESS_PATH].s, h);
	val(g, F_PARENT_PROCESS_HASH, "%s", h);
	val(g, F_INTERFACE_ID, "%u", ep->iid);
	val(g, F_PROCESS_ID, "%u", 4 * (1000 + (unsigned)rng_below(&g->rng,
	    15000)));
	val(g, F_PARENT_PROCESS_ID, "%u", 4 * (100 + (unsigned)rng_below(
	    &g->rng, 1000)));
	val(g, F_PROCESS_ARGUMENTS, "\"%s\"%s", g->v[F_PROCESS_PATH].s,
	    rng_below(&g->rng, 2) ? " --type=renderer" : "");
	val(g, F_PARENT_PROCESS_ARGUMENTS, "%s", rng_below(&g->rng, 4) ?
	    g->v[F_PARENT_PROCESS_PATH].s : "");
	val(g, F_PROCESS_INTEGRITY_LEVEL, "%u", p ? p->il : IL_MEDIUM);
	val(g, F_PARENT_PROCESS_INTEGRITY_LEVEL, "%u", p ? p->pil : IL_MEDIUM);
	g->nmods = 1 + (int)rng_below(&g->rng, MODULES_MAX);
	first = (int)rng_below(&g->rng, sizeof(modules) / sizeof(modules[0]));
	for (k = 0; k < g->nmods; k++)
		g->mods[k] = modules[(first + k) %
		    (sizeof(modules) / sizeof(modules[0]))];
}

static const struct proc *
proc_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(catalog) / sizeof(catalog[0]); i++)
		if (strcasecmp(catalog[i].name, name) == 0)
			return &catalog[i];
	return NULL;
}

/* As SPL's IN compares: without regard to case. */
static int
is_trigger_name(const char *name)
{
	int	i;

	for (i = 0; nvmgen_trigger_names[i] != NULL; i++)
		if (strcasecmp(nvmgen_trigger_names[i], name) == 0)
			return 1;
	return 0;
}

static int
excluded_v4(uint32_t a)
{
	size_t	i;

	for (i = 0; i < sizeof(excluded4) / sizeof(excluded4[0]); i++)
		if ((a >> (32 - excluded4[i].len)) ==
		    (excluded4[i].net >> (32 - excluded4[i].len)))
			return 1;
	return 0;
}

/* A public address outside the detection's exclusions. */
static void
addr_public(struct nvmgen *g, int v6, char *out, size_t size)
{
	uint8_t		b[16];
	uint32_t	a = 0;
	int		i;

	if (v6) {
		for (i = 0; i < 16; i++)
			b[i] = (uint8_t)rng_next(&g->rng);
		b[0] = 0x2a;		/* 2a00::/12, global unicast */
		b[1] &= 0x0f;
		inet_ntop(AF_INET6, b, out, (socklen_t)size);
		return;
	}
	for (i = 0; i < PUBLIC_TRIES; i++) {
		a = (uint32_t)rng_next(&g->rng);
		if (!excluded_v4(a))
			break;
	}
	if (i == PUBLIC_TRIES)
		a = 0x5db8d822;		/* 93.184.216.34 */
	a = htonl(a);
	inet_ntop(AF_INET, &a, out, (socklen_t)size);
}

static void
addr_private(struct nvmgen *g, int v6, char *out, size_t size)
{
	static const uint32_t	nets[] = { 0x0a000000, 0xac100000, 0xc0a80000 };
	static const uint32_t	masks[] = { 0x00ffffff, 0x000fffff, 0x0000ffff };
	uint8_t			b[16];
	uint32_t		a;
	int			i, k;

	if (v6) {
		for (i = 0; i < 16; i++)
			b[i] = (uint8_t)rng_next(&g->rng);
		b[0] = 0xfd;
		inet_ntop(AF_INET6, b, out, (socklen_t)size);
		return;
	}
	k = (int)rng_below(&g->rng, 3);
	a = htonl(nets[k] | ((uint32_t)rng_next(&g->rng) & masks[k]));
	inet_ntop(AF_INET, &a, out, (socklen_t)size);
}

/* A random address inside the entry's prefix. */
static void
addr_cidr(struct nvmgen *g, const struct mix_entry *e, char *out,
    size_t size)
{
	uint8_t	b[16];
	int	n = e->v6 ? 16 : 4, i, bits;

	for (i = 0; i < n; i++) {
		bits = e->plen - 8 * i;
		b[i] = (uint8_t)rng_next(&g->rng);
		if (bits >= 8)
			b[i] = e->addr[i];
		else if (bits > 0)
			b[i] = (uint8_t)((e->addr[i] & (0xff << (8 - bits))) |
			    (b[i] & (0xff >> bits)));
	}
	inet_ntop(e->v6 ? AF_INET6 : AF_INET, b, out, (socklen_t)size);
}
