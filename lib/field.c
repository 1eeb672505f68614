/*
 * field.c - the field dictionary; see field.h.
 *
 * The built-in table is the one place that names nvzFlow's fields: ELEMENTS.md
 * in code. Lookups by name use a small open-addressing hash; lookups by
 * element use a sorted array (a dictionary has a few dozen elements).
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "field.h"
#include "hash.h"

#define S	FIELD_STRING
#define U	FIELD_UINT
#define N	FIELD_NUMERIC
#define D	FIELD_DERIVED
#define M	FIELD_MULTI

static const struct field_def builtin[FIELD_BUILTIN_COUNT] = {
	[F_TIME] =		{ "_time", NULL, NULL, FIELD_TIME_MS, D|N|FIELD_META },
	[F_SOURCETYPE] =	{ "sourcetype", NULL, NULL, S, D|FIELD_META },
	[F_PROTOCOL] =		{ "protocol_identifier", "pr", NULL, U, N },
	[F_TRANSPORT] =		{ "transport", NULL, NULL, S, D },
	[F_SRC] =		{ "src", "sa", "src_ip", FIELD_ADDR, 0 },
	[F_SRC_PORT] =		{ "src_port", "sp", NULL, U, N },
	[F_DEST] =		{ "dest", "da", "dest_ip", FIELD_ADDR, 0 },
	[F_DEST_PORT] =		{ "dest_port", "dp", NULL, U, N },
	[F_FLOW_START] =	{ "flow_start_sec", "fss", NULL, FIELD_TIME_SEC, N },
	[F_FLOW_END] =		{ "flow_end_sec", "fes", NULL, FIELD_TIME_SEC, N },
	[F_FLOW_START_MS] =	{ "flow_start_msec", "fsms", NULL, FIELD_TIME_MS, N },
	[F_FLOW_END_MS] =	{ "flow_end_msec", "fems", NULL, FIELD_TIME_MS, N },
	[F_HOST] =		{ "hostname", "vsn", NULL, S, 0 },
	[F_UDID] =		{ "udid", NULL, NULL, FIELD_HEX, 0 },
	[F_LOGGED_IN_USER] =	{ "logged_in_user", "liuid", NULL, S, 0 },
	[F_LOGGED_IN_USER_AUTHORITY] =
	    { "logged_in_user_authority", "liuida", NULL, S, D },
	[F_LOGGED_IN_USER_PRINCIPAL] =
	    { "logged_in_user_principal", "liuidp", NULL, S, D },
	[F_LOGGED_IN_USER_ACCOUNT_TYPE] =
	    { "logged_in_user_account_type", "liuat", NULL, U, N },
	[F_OS_NAME] =		{ "os_name", "osn", NULL, S, 0 },
	[F_OS_VERSION] =	{ "os_version", "osv", NULL, S, 0 },
	[F_OS_EDITION] =	{ "os_edition", "ose", NULL, S, 0 },
	[F_SYSTEM_MANUFACTURER] = { "system_manufacturer", "sm", NULL, S, 0 },
	[F_SYSTEM_TYPE] =	{ "system_type", "st", NULL, S, 0 },
	[F_PROCESS_ACCOUNT] =	{ "process_account", "pa", NULL, S, 0 },
	[F_PROCESS_ACCOUNT_AUTHORITY] =
	    { "process_account_authority", "paa", NULL, S, D },
	[F_PROCESS_ACCOUNT_PRINCIPAL] =
	    { "process_account_principal", "pap", NULL, S, D },
	[F_PROCESS_ACCOUNT_TYPE] =
	    { "process_account_type", "puat", NULL, U, N },
	[F_PARENT_PROCESS_ACCOUNT] =
	    { "parent_process_account", "ppa", NULL, S, 0 },
	[F_PARENT_PROCESS_ACCOUNT_AUTHORITY] =
	    { "parent_process_account_authority", "ppaa", NULL, S, D },
	[F_PARENT_PROCESS_ACCOUNT_PRINCIPAL] =
	    { "parent_process_account_principal", "ppap", NULL, S, D },
	[F_PARENT_PROCESS_ACCOUNT_TYPE] =
	    { "parent_process_account_type", "ppuat", NULL, U, N },
	[F_PROCESS_NAME] =	{ "process_name", "pn", NULL, S, 0 },
	[F_PARENT_PROCESS_NAME] = { "parent_process_name", "ppn", NULL, S, 0 },
	[F_PROCESS_HASH] =	{ "process_hash", "ph", NULL, FIELD_HEX, 0 },
	[F_PARENT_PROCESS_HASH] = { "parent_process_hash", "pph", NULL, FIELD_HEX, 0 },
	[F_PROCESS_ID] =	{ "process_id", "pid", NULL, U, N },
	[F_PARENT_PROCESS_ID] =	{ "parent_process_id", "ppid", NULL, U, N },
	[F_PROCESS_PATH] =	{ "process_path", "ppath", NULL, S, 0 },
	[F_PARENT_PROCESS_PATH] = { "parent_process_path", "pppath", NULL, S, 0 },
	[F_PROCESS_ARGUMENTS] =	{ "process_arguments", "parg", NULL, S, 0 },
	[F_PARENT_PROCESS_ARGUMENTS] =
	    { "parent_process_arguments", "pparg", NULL, S, 0 },
	[F_PROCESS_INTEGRITY_LEVEL] =
	    { "process_integrity_level", "pil", NULL, U, N },
	[F_PARENT_PROCESS_INTEGRITY_LEVEL] =
	    { "parent_process_integrity_level", "ppil", NULL, U, N },
	[F_DNS_SUFFIX] =	{ "flow_dns_suffix", "ds", NULL, S, 0 },
	[F_DEST_HOSTNAME] =	{ "dest_hostname", "dh", NULL, S, 0 },
	[F_BYTES_IN] =		{ "bytes_in", "ibc", NULL, U, N },
	[F_BYTES_OUT] =		{ "bytes_out", "obc", NULL, U, N },
	[F_BYTES] =		{ "bytes", NULL, NULL, U, N|D },
	[F_MODULE_NAME_LIST] =	{ "module_name_list", "mnl", NULL, FIELD_STRING_LIST, M },
	[F_MODULE_HASH_LIST] =	{ "module_hash_list", "mhl", NULL, FIELD_HEX_LIST, M },
	[F_INTERFACE_ID] =	{ "interface_id", "iid", NULL, U, N },
	[F_INTERFACE_INDEX] =	{ "interface_index", "ii", NULL, U, N },
	[F_INTERFACE_TYPE] =	{ "interface_type", "it", NULL, U, N },
	[F_INTERFACE_NAME] =	{ "interface_name", "in", NULL, S, 0 },
	[F_INTERFACE_DETAILS] =	{ "interface_details_list", "ist", NULL, S, 0 },
	[F_INTERFACE_MAC] =	{ "interface_mac", "im", NULL, S, 0 },
	[F_AGENT_VERSION] =	{ "agent_version", NULL, NULL, S, 0 },
	[F_ALIUL] =		{ "aliul", NULL, "additional_logged_in_users_list",
				    FIELD_STRING_LIST, M },
	[F_DIRECTION] =		{ "direction", "fd", NULL, U, N },
	[F_FLOW_REPORT_STAGE] =	{ "flow_report_stage", "fsg", NULL, U, N },
	[F_HTTP_HOST] =		{ "http_host", "hh", NULL, S, 0 },
	[F_HTTP_METHOD] =	{ "http_method", "hm", NULL, S, 0 },
	[F_URI_PATH] =		{ "uri_path", "ht", NULL, S, 0 },
	[F_PROCESS_GUID] =	{ "process_guid", "puid", NULL, FIELD_HEX, 0 },
	[F_EVENT_UUID] =	{ "event_uuid", "eveuuid", NULL, FIELD_HEX, 0 },
	[F_FORMAT_VERSION] =	{ "format_version", "fv", NULL, S, D },
	[F_FLOW_START_TEXT] =	{ "flow_start_time", "fst", NULL, S, D },
	[F_FLOW_END_TEXT] =	{ "flow_end_time", "fet", NULL, S, D },
	/*
	 * CIM fields Splunk's NVM detections group by that nvzFlow does not
	 * carry as such; record_finish() computes them (see record.c).
	 */
	[F_USER] =		{ "user", NULL, NULL, S, D },
	[F_PROCESS] =		{ "process", NULL, NULL, S, D },
	[F_PARENT_PROCESS] =	{ "parent_process", NULL, NULL, S, D },
};

#undef S
#undef U
#undef N
#undef D
#undef M

struct field_element {
	uint32_t	pen;
	uint16_t	id;
	int		field;
};

/* Elements seen on the wire or published in public decoders (ELEMENTS.md). */
static const struct field_element builtin_elements[] = {
	{ 0, 4, F_PROTOCOL },
	{ 0, 7, F_SRC_PORT },
	{ 0, 8, F_SRC },
	{ 0, 11, F_DEST_PORT },
	{ 0, 12, F_DEST },
	{ 0, 27, F_SRC },
	{ 0, 28, F_DEST },
	{ 0, 150, F_FLOW_START },
	{ 0, 151, F_FLOW_END },
	{ 0, 350, F_HOST },
	{ 9, 12332, F_UDID },
	{ 9, 12333, F_LOGGED_IN_USER },
	{ 9, 12334, F_OS_NAME },
	{ 9, 12335, F_OS_VERSION },
	{ 9, 12336, F_SYSTEM_MANUFACTURER },
	{ 9, 12337, F_SYSTEM_TYPE },
	{ 9, 12338, F_PROCESS_ACCOUNT },
	{ 9, 12339, F_PARENT_PROCESS_ACCOUNT },
	{ 9, 12340, F_PROCESS_NAME },
	{ 9, 12341, F_PROCESS_HASH },
	{ 9, 12342, F_PARENT_PROCESS_NAME },
	{ 9, 12343, F_PARENT_PROCESS_HASH },
	{ 9, 12344, F_DNS_SUFFIX },
	{ 9, 12345, F_DEST_HOSTNAME },
	{ 9, 12346, F_BYTES_IN },
	{ 9, 12347, F_BYTES_OUT },
	{ 9, 12351, F_OS_EDITION },
	{ 9, 12352, F_MODULE_NAME_LIST },
	{ 9, 12353, F_MODULE_HASH_LIST },
	{ 9, 12355, F_INTERFACE_ID },
	{ 9, 12356, F_INTERFACE_INDEX },
	{ 9, 12357, F_INTERFACE_TYPE },
	{ 9, 12358, F_INTERFACE_NAME },
	{ 9, 12359, F_INTERFACE_DETAILS },
	{ 9, 12360, F_INTERFACE_MAC },
	{ 9, 12361, F_LOGGED_IN_USER_ACCOUNT_TYPE },
	{ 9, 12362, F_PROCESS_ACCOUNT_TYPE },
	{ 9, 12363, F_PARENT_PROCESS_ACCOUNT_TYPE },
	{ 9, 12364, F_AGENT_VERSION },
	{ 9, 12365, F_PROCESS_ID },
	{ 9, 12366, F_PARENT_PROCESS_ID },
	{ 9, 12367, F_PROCESS_PATH },
	{ 9, 12368, F_PARENT_PROCESS_PATH },
	{ 9, 12369, F_PROCESS_ARGUMENTS },
	{ 9, 12370, F_PARENT_PROCESS_ARGUMENTS },
	{ 9, 12371, F_FLOW_START_MS },
	{ 9, 12372, F_FLOW_END_MS },
	{ 9, 12374, F_PROCESS_INTEGRITY_LEVEL },
	{ 9, 12375, F_PARENT_PROCESS_INTEGRITY_LEVEL },
};

#define NAME_SLOTS_MIN	256

struct field_dict {
	struct field_def	*defs;
	int			 ndefs, cdefs;
	struct field_element	*elems;		/* sorted by pen, id */
	int			 nelems, celems;
	struct name_slot {
		const char	*name;
		int		 field;
	}			*names;		/* open addressing */
	size_t			 nslots, nnames;
	char			**owned;	/* names of fields added by map */
	int			 nowned;
};

static const char *const type_names[] = {
	[FIELD_UINT] = "uint",
	[FIELD_STRING] = "string",
	[FIELD_ADDR] = "addr",
	[FIELD_HEX] = "hex",
	[FIELD_TIME_SEC] = "time_sec",
	[FIELD_TIME_MS] = "time_ms",
	[FIELD_STRING_LIST] = "string_list",
	[FIELD_HEX_LIST] = "hex_list",
};

static int	 names_add(struct field_dict *, const char *, int);
static int	 names_index(struct field_dict *, int);
static int	 elem_cmp(const void *, const void *);
static int	 elem_find(const struct field_dict *, uint32_t, uint16_t);
static int	 def_add(struct field_dict *, const struct field_def *);
static unsigned	 type_flags(enum field_type);

struct field_dict *
field_dict_new(void)
{
	struct field_dict	*d;
	int			 i;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	for (i = 0; i < FIELD_BUILTIN_COUNT; i++)
		if (def_add(d, &builtin[i]) == -1)
			goto fail;
	d->celems = (int)(sizeof(builtin_elements) / sizeof(builtin_elements[0]));
	d->nelems = d->celems;
	if ((d->elems = malloc(sizeof(*d->elems) * (size_t)d->celems)) == NULL)
		goto fail;
	memcpy(d->elems, builtin_elements, sizeof(builtin_elements));
	qsort(d->elems, (size_t)d->nelems, sizeof(*d->elems), elem_cmp);
	return d;
fail:
	field_dict_free(d);
	return NULL;
}

void
field_dict_free(struct field_dict *d)
{
	int	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nowned; i++)
		free(d->owned[i]);
	free(d->owned);
	free(d->defs);
	free(d->elems);
	free(d->names);
	free(d);
}

int
field_dict_count(const struct field_dict *d)
{
	return d->ndefs;
}

const struct field_def *
field_dict_get(const struct field_dict *d, int i)
{
	if (i < 0 || i >= d->ndefs)
		return NULL;
	return &d->defs[i];
}

int
field_dict_lookup(const struct field_dict *d, const char *name, size_t len)
{
	size_t	i, mask = d->nslots - 1;

	if (d->nslots == 0)
		return FIELD_NONE;
	for (i = hash_bytes(name, len) & mask; d->names[i].name != NULL;
	    i = (i + 1) & mask) {
		const char *n = d->names[i].name;

		/* memcmp, not strncmp: a name with a NUL inside never matches. */
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return d->names[i].field;
	}
	return FIELD_NONE;
}

int
field_dict_lookup_key(const struct field_dict *d, const char *key,
    size_t len)
{
	const struct field_def	*f;
	const char		*want;
	int			 field;

	if ((field = field_dict_lookup(d, key, len)) == FIELD_NONE)
		return FIELD_NONE;
	f = &d->defs[field];
	if (f->key != NULL)
		want = f->key;
	else if (f->flags & (FIELD_DERIVED | FIELD_META))
		return FIELD_NONE;
	else
		want = f->name;
	return strlen(want) == len && memcmp(want, key, len) == 0 ?
	    field : FIELD_NONE;
}

/* Rebuilds the name table when it would pass half full. */
static int
names_add(struct field_dict *d, const char *name, int field)
{
	size_t	i, mask;

	if (name == NULL ||
	    field_dict_lookup(d, name, strlen(name)) != FIELD_NONE)
		return 0;
	if ((d->nnames + 1) * 2 > d->nslots) {
		struct name_slot	*old = d->names;
		size_t			 nold = d->nslots, j;

		d->nslots = nold ? nold * 2 : NAME_SLOTS_MIN;
		if ((d->names = calloc(d->nslots, sizeof(*d->names))) == NULL) {
			d->names = old;
			d->nslots = nold;
			return -1;
		}
		d->nnames = 0;
		for (j = 0; j < nold; j++)
			if (old[j].name != NULL)
				names_add(d, old[j].name, old[j].field);
		free(old);
	}
	mask = d->nslots - 1;
	for (i = hash_bytes(name, strlen(name)) & mask; d->names[i].name != NULL;
	    i = (i + 1) & mask)
		;
	d->names[i].name = name;
	d->names[i].field = field;
	d->nnames++;
	return 0;
}

static int
names_index(struct field_dict *d, int i)
{
	const struct field_def	*f = &d->defs[i];

	if (names_add(d, f->name, i) == -1 || names_add(d, f->key, i) == -1 ||
	    names_add(d, f->alias, i) == -1)
		return -1;
	return 0;
}

static int
def_add(struct field_dict *d, const struct field_def *def)
{
	if (d->ndefs == d->cdefs) {
		int			 n = d->cdefs ? d->cdefs * 2 : 128;
		struct field_def	*p;

		if ((p = realloc(d->defs, sizeof(*p) * (size_t)n)) == NULL)
			return -1;
		d->defs = p;
		d->cdefs = n;
	}
	d->defs[d->ndefs] = *def;
	if (names_index(d, d->ndefs) == -1)
		return -1;
	return d->ndefs++;
}

static int
elem_cmp(const void *a, const void *b)
{
	const struct field_element	*x = a, *y = b;

	if (x->pen != y->pen)
		return x->pen < y->pen ? -1 : 1;
	return (int)x->id - (int)y->id;
}

/* Index in elems of pen.id, or -1. */
static int
elem_find(const struct field_dict *d, uint32_t pen, uint16_t id)
{
	int	lo = 0, hi = d->nelems - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		const struct field_element *e = &d->elems[mid];

		if (e->pen == pen && e->id == id)
			return mid;
		if (e->pen < pen || (e->pen == pen && e->id < id))
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

int
field_dict_element(const struct field_dict *d, uint32_t pen, uint16_t id)
{
	int	i = elem_find(d, pen, id);

	return i == -1 ? FIELD_NONE : d->elems[i].field;
}

int
field_dict_elements(const struct field_dict *d,
    void (*fn)(uint32_t, uint16_t, int, void *), void *arg)
{
	int	i;

	for (i = 0; i < d->nelems; i++)
		fn(d->elems[i].pen, d->elems[i].id, d->elems[i].field, arg);
	return d->nelems;
}

/* The flags a field of type t has: multivalue lists, numeric integers. */
static unsigned
type_flags(enum field_type t)
{
	switch (t) {
	case FIELD_STRING_LIST:
	case FIELD_HEX_LIST:
		return FIELD_MULTI;
	case FIELD_UINT:
	case FIELD_TIME_SEC:
	case FIELD_TIME_MS:
		return FIELD_NUMERIC;
	default:
		return 0;
	}
}

int
field_dict_map(struct field_dict *d, uint32_t pen, uint16_t id,
    const char *name, enum field_type type, struct field_error *err)
{
	int		 field, e;
	struct field_def def;
	char		*copy, **owned;

	if (id == 0 || (unsigned)type > FIELD_HEX_LIST) {
		snprintf(err->msg, sizeof(err->msg),
		    "element %u.%u: bad element id or type", pen, id);
		return -1;
	}
	if ((field = field_dict_lookup(d, name, strlen(name))) == FIELD_NONE) {
		memset(&def, 0, sizeof(def));
		owned = realloc(d->owned, sizeof(*owned) * (size_t)(d->nowned + 1));
		if (owned == NULL)
			goto nomem;
		d->owned = owned;
		if ((copy = strdup(name)) == NULL)
			goto nomem;
		d->owned[d->nowned++] = copy;
		def.name = copy;
		def.type = type;
		def.flags = type_flags(type);
		if ((field = def_add(d, &def)) == -1)
			goto nomem;
	} else if (d->defs[field].flags & FIELD_DERIVED) {
		snprintf(err->msg, sizeof(err->msg),
		    "element %u.%u: field %s is derived and cannot come from "
		    "the wire", pen, id, name);
		return -1;
	} else {
		struct field_def *f = &d->defs[field];

		f->type = type;
		f->flags &= ~(FIELD_MULTI | FIELD_NUMERIC);
		f->flags |= type_flags(type);
	}
	if ((e = elem_find(d, pen, id)) != -1) {
		d->elems[e].field = field;
		return field;
	}
	if (d->nelems == d->celems) {
		int			 n = d->celems * 2;
		struct field_element	*p;

		if ((p = realloc(d->elems, sizeof(*p) * (size_t)n)) == NULL)
			goto nomem;
		d->elems = p;
		d->celems = n;
	}
	d->elems[d->nelems].pen = pen;
	d->elems[d->nelems].id = id;
	d->elems[d->nelems].field = field;
	d->nelems++;
	qsort(d->elems, (size_t)d->nelems, sizeof(*d->elems), elem_cmp);
	return field;
nomem:
	snprintf(err->msg, sizeof(err->msg), "out of memory");
	return -1;
}

int
field_type_parse(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(s, type_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
field_type_name(enum field_type t)
{
	if ((unsigned)t >= sizeof(type_names) / sizeof(type_names[0]))
		return "?";
	return type_names[t];
}
