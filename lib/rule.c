/*
 * rule.c - detection and macro files, in the YAML of Splunk's detection
 * content (security_content); see rule.h.
 *
 * A file is read whole (at most RULE_FILE_MAX bytes) and loaded into a
 * libyaml document (yamldoc.c, shared with the config loader, which keeps
 * the error). Every mapping we read is checked for duplicate keys
 * before any of its values is used, so that a second `window:` never wins
 * silently. Errors about the YAML carry libyaml's marks (1-based line and
 * column); errors in the search text carry the place in the file of the
 * offending byte, found by laying the scalar's lines in the file over the
 * text libyaml produced (search_place()).
 *
 * Macros are kept in one array in load order with an open-addressing index
 * hashed on the name alone: all definitions of a name share a probe
 * sequence, so a call with the wrong argument count finds the definition
 * with the right name and the compiler can say what count it takes.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "row_cmd.h"
#include "rule.h"
#include "spl.h"
#include "yamldoc.h"

#define RULE_FILE_MAX	(1024 * 1024)	/* a larger file is an error */
#define RULE_MITRE_MAX	64		/* mitre_attack_id entries */
#define RULE_LINE_MAX	256		/* name, id, type, a mitre id */
#define RULE_PATHS_MAX	65536		/* files in a rules directory */
#define RULE_PATH_MAX	128		/* "tags.mitre_attack_id[63]" */
#define RULE_SINKS_MAX	32		/* nvmwatch: sinks: entries */
#define RULE_SINK_NAME_MAX 64		/* as config.c allows */
#define MACRO_NAME_MAX	127		/* spl_macro.c's call name buffer */
#define MACRO_ARGS_MAX	32		/* and its argument count */
#define MACRO_ARG_MAX	63		/* bytes of one argument name */
#define MACRO_SET_MAX	(1u << 20)

#define MINUTE	60
#define HOUR	(60 * MINUTE)
#define DAY	(24 * HOUR)
#define DURATION_MAX	(30.0 * DAY)

/* Text flags for doc_text(). */
#define TEXT_LINE	0x01	/* no control characters (a name, an id) */
#define TEXT_EMPTY	0x02	/* "" is allowed */

struct macro {
	char	 *name;
	size_t	  nargs;
	char	**argnames;
	char	 *definition;
	char	 *file;		/* where it was defined, for duplicates */
	int	  line;
};

struct macro_set {
	struct macro	*macros;	/* in load order */
	size_t		 n, cap;
	uint32_t	*slots;		/* index + 1 into macros; 0: empty */
	size_t		 nslots;	/* a power of two, > 2 * n */
};

/* One loaded file. */
/* The macro callback's argument: the set, and the rule's identity being
 * built (rule->ident). */
struct rule_lookup {
	const struct macro_set	*set;
	struct buf		 ident;
};

struct rule_doc {
	const char		*text;		/* the file's bytes */
	size_t			 len;
	struct yamldoc		*yd;		/* NULL when it did not load */
	struct yamldoc_error	 err;		/* of the whole load */
};

/* A string key of a detection: where it goes and what it may hold. */
struct rule_text_key {
	const char	*name;
	size_t		 off;		/* into struct rule; SIZE_MAX: read,
					   checked and dropped */
	size_t		 max;		/* bytes */
	int		 flags;
	int		 required;
};

enum rule_set_type {
	SET_DURATION,
	SET_EMIT,
	SET_TIMEZONE,
	SET_SINKS,
	SET_COUNT,
	SET_SIZE,
};

/* A key of the nvmwatch: block. */
struct rule_setting {
	const char		*name;
	enum rule_set_type	 type;
	size_t			 off;		/* into struct window_limits */
	int			 zero_ok;	/* durations: 0 allowed, else
						   at least 1s */
	uint64_t		 max;		/* counts and sizes; min is 1 */
};

/* A scalar's value laid over its lines in the file (search_place()). */
struct rule_walk {
	const char	*text;		/* the file */
	const char	*val;		/* the scalar's value */
	size_t		 vlen;
	size_t		 v;		/* next value byte not yet matched */
	size_t		 off;		/* the value byte looked for */
	int		 found;
	int		 line, col;	/* where it is, once found */
	int		 pieces;	/* lines matched so far */
	int		 end_line, end_col; /* just after the last match */
};

/* A key of a mapping, for the duplicate check. */
struct rule_key {
	const char		*s;
	size_t			 len;
	size_t			 idx;
	const yaml_node_t	*node;
};

static int	rule_read_file(const char *, char **, size_t *,
		    struct rule_error *);
static struct rule *rule_new(const char *, const char *, size_t,
		    const struct rule_stream *);
static char	*rule_short_name(const char *);
static int	rule_read(struct yamldoc *, yaml_node_t *, struct rule *);
static int	rule_version(struct yamldoc *, yaml_node_t *, struct rule *);
static int	rule_mitre(struct yamldoc *, yaml_node_t *, struct rule *);
static int	rule_mitre_list(struct yamldoc *, yaml_node_t *,
		    const char *, struct rule *);
static int	rule_settings(struct yamldoc *, yaml_node_t *,
		    struct rule_stream *);
static int	rule_setting(struct yamldoc *, yaml_node_t *, yaml_node_t *,
		    struct rule_stream *);
static int	rule_set_value(struct yamldoc *, const yaml_node_t *,
		    const char *, const struct rule_setting *,
		    struct rule_stream *);
static int	rule_set_timezone(struct yamldoc *, const yaml_node_t *,
		    const char *, struct rule_stream *);
static int	rule_set_sinks(struct yamldoc *, const yaml_node_t *,
		    const char *, struct rule_stream *);
static int	rule_sink_name(struct yamldoc *, const yaml_node_t *,
		    const char *, char **, size_t);
static void	rule_sinks_free(char **, size_t);
static int	rule_set_number(struct yamldoc *, const yaml_node_t *,
		    const char *, const struct rule_setting *,
		    struct window_limits *);
static int	rule_duration(const char *, size_t, double *);
static void	rule_ident_stream(struct buf *, const struct rule_stream *);
static int	rule_compile(struct rule_doc *, yaml_node_t *, struct rule *,
		    const struct field_dict *, const struct macro_set *);
static int	macro_lookup(void *, const char *, size_t,
		    struct spl_macro_def *);

static yaml_node_t *doc_load(struct rule_doc *, const char *, size_t,
		    const char *);
static int	doc_map_check(struct yamldoc *, const yaml_node_t *,
		    const char *);
static int	doc_key_cmp(const void *, const void *);
static yaml_node_t *doc_get(struct yamldoc *, const yaml_node_t *,
		    const char *);
static int	doc_text(struct yamldoc *, const yaml_node_t *,
		    const char *, size_t, int, char **);
static int	text_ok(const char *, size_t, int);

static void	search_place(const struct rule_doc *, const yaml_node_t *,
		    const struct spl_error *, int *, int *);
static size_t	value_offset(const char *, size_t, int, int);
static size_t	break_len(const struct rule_doc *, size_t);
static size_t	mark_offset(const struct rule_doc *, const yaml_mark_t *);
static size_t	line_start(const struct rule_doc *, size_t);
static size_t	line_end(const struct rule_doc *, size_t, size_t);
static int	line_number(const struct rule_doc *, size_t);
static int	place_block(const struct rule_doc *, const yaml_node_t *,
		    struct rule_walk *);
static int	place_flow(const struct rule_doc *, const yaml_node_t *,
		    struct rule_walk *);
static int	walk_piece(struct rule_walk *, size_t, size_t, size_t, int);

static int	macro_parse(struct yamldoc *, yaml_node_t *,
		    struct macro *);
static int	macro_args(struct yamldoc *, yaml_node_t *, struct macro *);
static int	macro_name(struct yamldoc *, const yaml_node_t *,
		    struct macro *);
static int	macro_add(struct macro_set *, struct macro *);
static int	macro_grow(struct macro_set *, size_t);
static void	macro_index(struct macro_set *, size_t);
static const struct macro *macro_find(const struct macro_set *,
		    const char *, size_t);
static void	macro_clear(struct macro *);
static void	macro_truncate(struct macro_set *, size_t);
static int	path_wanted(const char *, const char *);
static int	path_cmp(const void *, const void *);

static const struct rule_text_key rule_text_keys[] = {
	{ "name", offsetof(struct rule, name), RULE_LINE_MAX, TEXT_LINE, 1 },
	{ "id", offsetof(struct rule, id), RULE_LINE_MAX, TEXT_LINE, 0 },
	{ "type", offsetof(struct rule, type), RULE_LINE_MAX, TEXT_LINE, 0 },
	{ "description", offsetof(struct rule, description), RULE_FILE_MAX,
	    0, 0 },
	{ "status", SIZE_MAX, RULE_LINE_MAX, TEXT_LINE, 0 },
	{ "author", SIZE_MAX, RULE_FILE_MAX, 0, 0 },
	{ "search", offsetof(struct rule, search), SPL_TEXT_MAX, 0, 1 },
};

#define LIM(f)	offsetof(struct window_limits, f)

static const struct rule_setting rule_settings_table[] = {
	{ "window", SET_DURATION, LIM(window), 0, 0 },
	{ "lateness", SET_DURATION, LIM(lateness), 1, 0 },
	{ "emit", SET_EMIT, LIM(emit), 0, 0 },
	{ "timezone", SET_TIMEZONE, 0, 0, 0 },
	{ "max_groups", SET_COUNT, LIM(max_groups), 0, 16u * 1024 * 1024 },
	{ "max_values", SET_COUNT, LIM(max_values), 0, 1024 * 1024 },
	{ "max_value_bytes", SET_SIZE, LIM(max_value_bytes), 0, 1024 * 1024 },
	{ "max_split", SET_COUNT, LIM(max_split), 0, 1024 * 1024 },
	{ "max_bytes", SET_SIZE, LIM(max_bytes), 0, 64ULL << 30 },
	{ "max_future", SET_DURATION, LIM(max_future), 1, 0 },
	{ "sinks", SET_SINKS, 0, 0, 0 },
};

#define NSETTINGS	(sizeof(rule_settings_table) / \
			    sizeof(rule_settings_table[0]))

static const struct yamldoc_suffix rule_size_suffixes[] = {
	{ 'k', 1024 }, { 'K', 1024 }, { 'M', 1024 * 1024 },
	{ 'G', 1024 * 1024 * 1024 }, { 0, 1 }
};

static const struct yamldoc_suffix rule_duration_suffixes[] = {
	{ 'd', DAY }, { 'h', HOUR }, { 'm', MINUTE }, { 's', 1 }, { 0, 1 }
};

static const struct {
	const char		*name;
	enum window_emit	 emit;
} rule_emits[] = {
	{ "close", WINDOW_EMIT_CLOSE },
	{ "first", WINDOW_EMIT_FIRST },
	{ "both", WINDOW_EMIT_BOTH },
};

/*
 * Files.
 */

/* The file whole, or -1 with err filled. */
static int
rule_read_file(const char *path, char **text, size_t *len,
    struct rule_error *err)
{
	struct yamldoc_error	ye;

	if (yamldoc_read_file(path, RULE_FILE_MAX, text, len, &ye) == -1) {
		YAMLDOC_ERROR_COPY(err, &ye);
		return -1;
	}
	return 0;
}

void
rule_error_format(const struct rule_error *err, char *out, size_t size)
{
	if (err->line > 0)
		snprintf(out, size, "%s:%d:%d: %s", err->file, err->line,
		    err->column, err->msg);
	else
		snprintf(out, size, "%s: %s", err->file, err->msg);
}

/*
 * Stream settings.
 */

int
rule_stream_default(struct rule_stream *st)
{
	window_limits_default(&st->limits);
	st->sinks = NULL;
	st->nsinks = 0;
	return (st->timezone = strdup("UTC")) == NULL ? -1 : 0;
}

void
rule_stream_free(struct rule_stream *st)
{
	free(st->timezone);
	st->timezone = NULL;
	rule_sinks_free(st->sinks, st->nsinks);
	st->sinks = NULL;
	st->nsinks = 0;
}

/* On failure dst holds what was copied, for rule_stream_free(). */
int
rule_stream_copy(struct rule_stream *dst, const struct rule_stream *src)
{
	size_t	i;

	dst->limits = src->limits;
	dst->timezone = NULL;
	dst->sinks = NULL;
	dst->nsinks = 0;
	if (src->timezone != NULL &&
	    (dst->timezone = strdup(src->timezone)) == NULL)
		return -1;
	if (src->sinks == NULL)
		return 0;
	if ((dst->sinks = calloc(src->nsinks, sizeof(*dst->sinks))) == NULL)
		return -1;
	for (i = 0; i < src->nsinks; i++) {
		if ((dst->sinks[i] = strdup(src->sinks[i])) == NULL)
			return -1;
		dst->nsinks++;
	}
	return 0;
}

static void
rule_sinks_free(char **sinks, size_t n)
{
	size_t	i;

	for (i = 0; sinks != NULL && i < n; i++)
		free(sinks[i]);
	free(sinks);
}

/*
 * Detections.
 */

struct rule *
rule_load(const char *path, const struct field_dict *dict,
    const struct macro_set *macros, const struct rule_stream *defaults,
    struct rule_error *err)
{
	struct rule	*r;
	char		*text;
	size_t		 len;

	if (rule_read_file(path, &text, &len, err) == -1)
		return NULL;
	r = rule_load_string(text, len, path, dict, macros, defaults, err);
	free(text);
	return r;
}

struct rule *
rule_load_string(const char *text, size_t len, const char *name,
    const struct field_dict *dict, const struct macro_set *macros,
    const struct rule_stream *defaults, struct rule_error *err)
{
	struct rule_doc	 d;
	struct rule	*r = NULL;
	yaml_node_t	*root;

	if ((root = doc_load(&d, text, len, name)) == NULL)
		goto done;
	if ((r = rule_new(name, text, len, defaults)) == NULL)
		yamldoc_fail(d.yd, NULL, "out of memory");
	else if (rule_read(d.yd, root, r) == -1 ||
	    rule_compile(&d, root, r, dict, macros) == -1) {
		rule_free(r);
		r = NULL;
	}
 done:
	yamldoc_free(d.yd);
	YAMLDOC_ERROR_COPY(err, &d.err);
	return r;
}

static struct rule *
rule_new(const char *name, const char *text, size_t len,
    const struct rule_stream *defaults)
{
	struct rule	*r;
	int		 ok;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->version = -1;
	ok = (r->path = strdup(name ? name : "")) != NULL &&
	    (r->short_name = rule_short_name(r->path)) != NULL;
	if (ok && defaults != NULL)
		ok = rule_stream_copy(&r->stream, defaults) == 0;
	else if (ok)
		ok = rule_stream_default(&r->stream) == 0;
	if (!ok) {
		rule_free(r);
		return NULL;
	}
	return r;
}

/* The file's base name without .yml or .yaml. */
static char *
rule_short_name(const char *path)
{
	static const char *const	 sfx[] = { ".yml", ".yaml" };
	const char			*base;
	size_t				 n, i, k;

	if ((base = strrchr(path, '/')) != NULL)
		base++;
	else
		base = path;
	n = strlen(base);
	for (i = 0; i < 2; i++) {
		k = strlen(sfx[i]);
		if (n > k && strcmp(base + n - k, sfx[i]) == 0) {
			n -= k;
			break;
		}
	}
	return strndup(base, n);
}

void
rule_free(struct rule *r)
{
	size_t	i;

	if (r == NULL)
		return;
	free(r->path);
	free(r->name);
	free(r->short_name);
	free(r->id);
	free(r->type);
	free(r->description);
	for (i = 0; i < r->nmitre; i++)
		free(r->mitre[i]);
	free(r->mitre);
	free(r->search);
	free(r->ident);
	rule_stream_free(&r->stream);
	spl_free(r->compiled);
	free(r);
}

/* The keys of a detection other than the search's compilation. */
static int
rule_read(struct yamldoc *yd, yaml_node_t *root, struct rule *r)
{
	const struct rule_text_key	*k;
	yaml_node_t			*v;
	char				*s, **dst;
	size_t				 i;

	for (i = 0; i < sizeof(rule_text_keys) / sizeof(*k); i++) {
		k = &rule_text_keys[i];
		if ((v = doc_get(yd, root, k->name)) == NULL) {
			if (k->required)
				return yamldoc_fail(yd, root,
				    "missing key \"%s\"", k->name);
			continue;
		}
		if (!k->required && yamldoc_is_null(v))
			continue;
		if (doc_text(yd, v, k->name, k->max, k->flags, &s) == -1)
			return -1;
		if (k->off == SIZE_MAX) {
			free(s);
			continue;
		}
		dst = (char **)(void *)((char *)r + k->off);
		*dst = s;
	}
	if (rule_version(yd, root, r) == -1 || rule_mitre(yd, root, r) == -1)
		return -1;
	return rule_settings(yd, root, &r->stream);
}

static int
rule_version(struct yamldoc *yd, yaml_node_t *root, struct rule *r)
{
	yaml_node_t	*v;
	uint64_t	 n;

	if ((v = doc_get(yd, root, "version")) == NULL || yamldoc_is_null(v))
		return 0;
	if (v->type != YAML_SCALAR_NODE || yamldoc_number((const char *)
	    v->data.scalar.value, v->data.scalar.length, NULL, &n) == -1 ||
	    n > INT32_MAX)
		return yamldoc_expected(yd, v, "version",
		    "a whole number (0 or more)");
	r->version = (long)n;
	return 0;
}

/* mitre_attack_id at the top level or, in older files, under tags:. */
static int
rule_mitre(struct yamldoc *yd, yaml_node_t *root, struct rule *r)
{
	yaml_node_t	*v, *tags;

	if ((v = doc_get(yd, root, "mitre_attack_id")) != NULL &&
	    !yamldoc_is_null(v))
		return rule_mitre_list(yd, v, "mitre_attack_id", r);
	if ((tags = doc_get(yd, root, "tags")) == NULL || yamldoc_is_null(tags))
		return 0;
	if (tags->type != YAML_MAPPING_NODE)
		return yamldoc_expected(yd, tags, "tags", "a mapping");
	if (doc_map_check(yd, tags, "tags") == -1)
		return -1;
	if ((v = doc_get(yd, tags, "mitre_attack_id")) == NULL ||
	    yamldoc_is_null(v))
		return 0;
	return rule_mitre_list(yd, v, "tags.mitre_attack_id", r);
}

static int
rule_mitre_list(struct yamldoc *yd, yaml_node_t *v, const char *path,
    struct rule *r)
{
	char	ipath[RULE_PATH_MAX];
	size_t	i, n;

	if (v->type != YAML_SEQUENCE_NODE)
		return yamldoc_expected(yd, v, path, "a sequence");
	if ((n = yamldoc_nitems(v)) > RULE_MITRE_MAX)
		return yamldoc_fail(yd, v, "%s: more than %d entries", path,
		    RULE_MITRE_MAX);
	if (n == 0)
		return 0;
	if ((r->mitre = calloc(n, sizeof(*r->mitre))) == NULL)
		return yamldoc_fail(yd, v, "%s: out of memory", path);
	for (i = 0; i < n; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (doc_text(yd, yamldoc_item(yd, v, i), ipath, RULE_LINE_MAX,
		    TEXT_LINE, &r->mitre[i]) == -1)
			return -1;
		r->nmitre++;
	}
	return 0;
}

/* The nvmwatch: block over the defaults. */
static int
rule_settings(struct yamldoc *yd, yaml_node_t *root, struct rule_stream *st)
{
	yaml_node_pair_t	*pair;
	yaml_node_t		*v;

	if ((v = doc_get(yd, root, "nvmwatch")) == NULL || yamldoc_is_null(v))
		return 0;
	if (v->type != YAML_MAPPING_NODE)
		return yamldoc_expected(yd, v, "nvmwatch", "a mapping");
	if (doc_map_check(yd, v, "nvmwatch") == -1)
		return -1;
	for (pair = v->data.mapping.pairs.start;
	    pair < v->data.mapping.pairs.top; pair++)
		if (rule_setting(yd, yamldoc_node(yd, pair->key),
		    yamldoc_node(yd, pair->value), st) == -1)
			return -1;
	return 0;
}

static int
rule_setting(struct yamldoc *yd, yaml_node_t *k, yaml_node_t *v,
    struct rule_stream *st)
{
	char	path[RULE_PATH_MAX], list[160];
	size_t	i, off = 0;

	for (i = 0; i < NSETTINGS; i++)
		if (strlen(rule_settings_table[i].name) ==
		    k->data.scalar.length &&
		    memcmp(rule_settings_table[i].name, k->data.scalar.value,
		    k->data.scalar.length) == 0) {
			yamldoc_join(path, sizeof(path), "nvmwatch",
			    rule_settings_table[i].name);
			return rule_set_value(yd, v, path,
			    &rule_settings_table[i], st);
		}
	for (i = 0; i < NSETTINGS && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off,
		    "%s%s", i ? ", " : "", rule_settings_table[i].name);
	yamldoc_key_path(path, sizeof(path), "nvmwatch", k);
	return yamldoc_fail(yd, k, "%s: unknown key (expected %s)", path,
	    list);
}

static int
rule_set_value(struct yamldoc *yd, const yaml_node_t *v, const char *path,
    const struct rule_setting *set, struct rule_stream *st)
{
	size_t	i;

	if (set->type == SET_TIMEZONE)
		return rule_set_timezone(yd, v, path, st);
	if (set->type == SET_SINKS)
		return rule_set_sinks(yd, v, path, st);
	if (set->type != SET_EMIT)
		return rule_set_number(yd, v, path, set, &st->limits);
	for (i = 0; v->type == YAML_SCALAR_NODE && i < 3; i++)
		if (strlen(rule_emits[i].name) == v->data.scalar.length &&
		    memcmp(rule_emits[i].name, v->data.scalar.value,
		    v->data.scalar.length) == 0) {
			st->limits.emit = rule_emits[i].emit;
			return 0;
		}
	return yamldoc_expected(yd, v, path, "one of close, first, both");
}

static int
rule_set_timezone(struct yamldoc *yd, const yaml_node_t *v,
    const char *path, struct rule_stream *st)
{
	struct row_tz	 tz;
	char		 msg[200];
	char		*s;

	if (doc_text(yd, v, path, 63, TEXT_LINE, &s) == -1)
		return -1;
	msg[0] = '\0';
	if (row_tz_parse(s, &tz, msg, sizeof(msg)) == -1) {
		free(s);
		return yamldoc_fail(yd, v, "%s: %s", path,
		    msg[0] ? msg : "not a time zone");
	}
	free(st->timezone);
	st->timezone = s;
	return 0;
}

/*
 * sinks: the names of the sinks the rule's alerts go to, replacing the
 * default (every sink). Only the syntax is checked here: the daemon matches
 * the names against its config's sinks.
 */
static int
rule_set_sinks(struct yamldoc *yd, const yaml_node_t *v, const char *path,
    struct rule_stream *st)
{
	char	**names, ipath[RULE_PATH_MAX + 24];
	size_t	  i, n;

	if (v->type != YAML_SEQUENCE_NODE)
		return yamldoc_expected(yd, v, path, "a sequence");
	if ((n = yamldoc_nitems(v)) == 0)
		return yamldoc_fail(yd, v, "%s: empty list (leave the key out "
		    "to send to every sink)", path);
	if (n > RULE_SINKS_MAX)
		return yamldoc_fail(yd, v, "%s: more than %d entries", path,
		    RULE_SINKS_MAX);
	if ((names = calloc(n, sizeof(*names))) == NULL)
		return yamldoc_fail(yd, v, "%s: out of memory", path);
	for (i = 0; i < n; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (rule_sink_name(yd, yamldoc_item(yd, v, i), ipath, names,
		    i) == -1) {
			rule_sinks_free(names, i);
			return -1;
		}
	}
	rule_sinks_free(st->sinks, st->nsinks);
	st->sinks = names;
	st->nsinks = n;
	return 0;
}

/* Item i of the list into names[i]: [A-Za-z0-9_.-]+, not seen before. */
static int
rule_sink_name(struct yamldoc *yd, const yaml_node_t *v, const char *path,
    char **names, size_t i)
{
	const unsigned char	*s;
	size_t			 j, len;

	if (v->type != YAML_SCALAR_NODE || yamldoc_is_null(v))
		return yamldoc_expected(yd, v, path, "a string");
	s = v->data.scalar.value;
	len = v->data.scalar.length;
	for (j = 0; j < len; j++)
		if (!((s[j] >= 'a' && s[j] <= 'z') ||
		    (s[j] >= 'A' && s[j] <= 'Z') ||
		    (s[j] >= '0' && s[j] <= '9') ||
		    s[j] == '_' || s[j] == '.' || s[j] == '-'))
			break;
	if (len == 0 || j < len || len > RULE_SINK_NAME_MAX)
		return yamldoc_expected(yd, v, path, "a sink name (letters, "
		    "digits, _, . and -, at most 64)");
	for (j = 0; j < i; j++)
		if (strlen(names[j]) == len && memcmp(names[j], s, len) == 0)
			return yamldoc_fail(yd, v, "%s: \"%s\" is listed twice",
			    path, names[j]);
	if ((names[i] = strndup((const char *)s, len)) == NULL)
		return yamldoc_fail(yd, v, "%s: out of memory", path);
	return 0;
}

static int
rule_set_number(struct yamldoc *yd, const yaml_node_t *v, const char *path,
    const struct rule_setting *set, struct window_limits *lim)
{
	char		 found[64];
	const char	*s;
	size_t		 len;
	double		 sec = 0;
	uint64_t	 n = 0;
	int		 bad = 1;

	if (v->type == YAML_SCALAR_NODE && !yamldoc_is_null(v)) {
		s = (const char *)v->data.scalar.value;
		len = v->data.scalar.length;
		yamldoc_quote(found, sizeof(found), s, len);
		if (set->type == SET_DURATION)
			bad = rule_duration(s, len, &sec);
		else
			bad = yamldoc_number(s, len, set->type == SET_SIZE ?
			    rule_size_suffixes : NULL, &n);
	}
	if (bad)
		return yamldoc_expected(yd, v, path, set->type == SET_DURATION ?
		    "a duration (seconds, or a number with s, m, h or d)" :
		    set->type == SET_SIZE ? "a size (bytes, or a number "
		    "with k, M or G)" : "a whole number");
	if (set->type == SET_DURATION) {
		/* A window under a second is a window per record. */
		if (sec > DURATION_MAX || (sec < 1 && !set->zero_ok))
			return yamldoc_fail(yd, v, "%s: %s is out of range "
			    "(%s, at most 30d)", path, found, set->zero_ok ?
			    "0 or more" : "1s or more");
		*(double *)(void *)((char *)lim + set->off) = sec;
		return 0;
	}
	if (n < 1 || n > set->max)
		return yamldoc_fail(yd, v, "%s: %s is out of range 1..%llu",
		    path, found, (unsigned long long)set->max);
	*(size_t *)(void *)((char *)lim + set->off) = (size_t)n;
	return 0;
}

/*
 * Seconds: digits, an optional fraction, and at most one of s, m, h, d.
 * Parsed by hand: strtod() would follow the locale's decimal point.
 */
static int
rule_duration(const char *s, size_t len, double *out)
{
	double		v = 0, scale = 1;
	size_t		i, nf;
	uint64_t	mult;

	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (i == 12)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0)
		return -1;
	if (i < len && s[i] == '.') {
		for (i++, nf = 0; i < len && s[i] >= '0' && s[i] <= '9';
		    i++, nf++)
			if (nf < 9)
				v += (s[i] - '0') * (scale /= 10);
		if (nf == 0)
			return -1;
	}
	if (len - i > 1)
		return -1;
	if (i < len) {
		if ((mult = yamldoc_suffix(rule_duration_suffixes, s[i])) == 0)
			return -1;
		v *= (double)mult;
	}
	*out = v;
	return 0;
}

static int
rule_compile(struct rule_doc *d, yaml_node_t *root, struct rule *r,
    const struct field_dict *dict, const struct macro_set *macros)
{
	struct spl_macro_fn	 fn = { macro_lookup, NULL };
	struct rule_lookup	 lk;
	struct spl_error	 se;
	yaml_node_t		*v;

	memset(&lk, 0, sizeof(lk));
	lk.set = macros;
	buf_append(&lk.ident, d->text, d->len);
	fn.arg = &lk;
	memset(&se, 0, sizeof(se));
	r->compiled = spl_compile(r->search, strlen(r->search), dict,
	    macros ? &fn : NULL, &se);
	if (r->compiled != NULL) {
		rule_ident_stream(&lk.ident, &r->stream);
		if (lk.ident.failed) {
			buf_free(&lk.ident);
			return yamldoc_fail(d->yd, NULL, "out of memory");
		}
		r->ident = lk.ident.data;
		r->identlen = lk.ident.len;
		return 0;
	}
	buf_free(&lk.ident);
	v = doc_get(d->yd, root, "search");
	search_place(d, v, &se, &d->err.line, &d->err.column);
	return yamldoc_fail(d->yd, NULL, "search: %s", se.msg[0] ? se.msg :
	    "does not compile");
}

/* The effective stream settings, after the file's bytes and macros. */
static void
rule_ident_stream(struct buf *b, const struct rule_stream *st)
{
	const struct window_limits	*l = &st->limits;
	size_t				 i;

	buf_putc(b, '\0');
	buf_printf(b, "stream %.17g %.17g %d %zu %zu %zu %zu %zu %.17g %s",
	    l->window, l->lateness, (int)l->emit, l->max_groups,
	    l->max_values, l->max_value_bytes, l->max_split, l->max_bytes,
	    l->max_future, st->timezone ? st->timezone : "");
	for (i = 0; i < st->nsinks; i++) {
		buf_putc(b, '\0');
		buf_printf(b, "sink %s", st->sinks[i]);
	}
}

static int
macro_lookup(void *arg, const char *name, size_t nargs,
    struct spl_macro_def *def)
{
	struct rule_lookup	*lk = arg;
	const struct macro	*m;
	size_t			 i;

	if ((m = macro_find(lk->set, name, nargs)) == NULL)
		return -1;
	def->definition = m->definition;
	def->nargs = m->nargs;
	def->argnames = (const char *const *)m->argnames;
	/* The rule's identity: a changed macro changes every caller. */
	buf_putc(&lk->ident, '\0');
	buf_printf(&lk->ident, "macro %s %zu", name, nargs);
	for (i = 0; i < m->nargs; i++)
		buf_printf(&lk->ident, " %s", m->argnames[i]);
	buf_putc(&lk->ident, ' ');
	buf_puts(&lk->ident, m->definition);
	return 0;
}

/*
 * The YAML document.
 */

/*
 * Loads the one document of text into d; its root when it is a mapping
 * whose keys are strings, none twice. d->err is filled either way.
 */
static yaml_node_t *
doc_load(struct rule_doc *d, const char *text, size_t len, const char *name)
{
	yaml_node_t	*n;

	memset(d, 0, sizeof(*d));
	d->text = text;
	d->len = len;
	if ((d->yd = yamldoc_load(text, len, RULE_FILE_MAX, name,
	    &d->err)) == NULL || yamldoc_end(d->yd) == -1)
		return NULL;
	if ((n = yamldoc_root(d->yd)) == NULL) {
		yamldoc_fail(d->yd, NULL, "empty file (expected a mapping)");
		return NULL;
	}
	if (n->type != YAML_MAPPING_NODE) {
		yamldoc_expected(d->yd, n, "top level", "a mapping");
		return NULL;
	}
	return doc_map_check(d->yd, n, "top level") == 0 ? n : NULL;
}

/*
 * Every key of map is a string and none is there twice. Sorting finds
 * duplicates in n log n whatever the file holds; the one reported is the
 * earliest second occurrence in the file.
 */
static int
doc_map_check(struct yamldoc *yd, const yaml_node_t *map, const char *path)
{
	struct rule_key		*keys, *dup = NULL;
	yaml_node_pair_t	*pair;
	yaml_node_t		*k;
	char			 kpath[RULE_PATH_MAX];
	size_t			 n, i, j;

	n = (size_t)(map->data.mapping.pairs.top -
	    map->data.mapping.pairs.start);
	if (n == 0)
		return 0;
	if ((keys = calloc(n, sizeof(*keys))) == NULL)
		return yamldoc_fail(yd, map, "%s: out of memory", path);
	for (i = 0, pair = map->data.mapping.pairs.start; i < n; i++, pair++) {
		k = yamldoc_node(yd, pair->key);
		if (k->type != YAML_SCALAR_NODE) {
			free(keys);
			return yamldoc_fail(yd, k, "%s: a key must be a string",
			    path);
		}
		keys[i].s = (const char *)k->data.scalar.value;
		keys[i].len = k->data.scalar.length;
		keys[i].idx = i;
		keys[i].node = k;
	}
	qsort(keys, n, sizeof(*keys), doc_key_cmp);
	/* Each run of equal keys is in file order: its first two count. */
	for (i = 0; i + 1 < n; i = j) {
		for (j = i + 1; j < n && doc_key_cmp(&keys[i], &keys[j]) > -4;
		    j++)
			;
		if (j - i > 1 && (dup == NULL || keys[i + 1].idx < dup[1].idx))
			dup = &keys[i];
	}
	if (dup != NULL) {
		yamldoc_key_path(kpath, sizeof(kpath),
		    strcmp(path, "top level") ? path : "", dup[1].node);
		yamldoc_fail(yd, dup[1].node,
		    "%s: duplicate key (first at line %d)", kpath,
		    (int)dup[0].node->start_mark.line + 1);
	}
	free(keys);
	return dup ? -1 : 0;
}

/*
 * By text, then by place in the mapping: -4 or 4 when the texts differ,
 * -1, 0 or 1 when only the places do.
 */
static int
doc_key_cmp(const void *a, const void *b)
{
	const struct rule_key	*x = a, *y = b;
	int			 c;

	if (x->len != y->len)
		return x->len < y->len ? -4 : 4;
	if ((c = memcmp(x->s, y->s, x->len)) != 0)
		return c < 0 ? -4 : 4;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The value of key in map (checked by doc_map_check()), or NULL. */
static yaml_node_t *
doc_get(struct yamldoc *yd, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t	*pair;
	yaml_node_t		*k;
	size_t			 len = strlen(key);

	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		k = yamldoc_node(yd, pair->key);
		if (k->type == YAML_SCALAR_NODE &&
		    k->data.scalar.length == len &&
		    memcmp(k->data.scalar.value, key, len) == 0)
			return yamldoc_node(yd, pair->value);
	}
	return NULL;
}

/* A string value into *out (malloc'd). */
static int
doc_text(struct yamldoc *yd, const yaml_node_t *v, const char *path,
    size_t max, int flags, char **out)
{
	const char	*s;
	size_t		 len;

	*out = NULL;
	if (v->type != YAML_SCALAR_NODE || yamldoc_is_null(v))
		return yamldoc_expected(yd, v, path, "a string");
	s = (const char *)v->data.scalar.value;
	len = v->data.scalar.length;
	if (len == 0 && !(flags & TEXT_EMPTY))
		return yamldoc_fail(yd, v, "%s: must not be empty", path);
	if (len > max)
		return yamldoc_fail(yd, v, "%s: longer than %zu bytes", path,
		    max);
	if (!text_ok(s, len, flags))
		return yamldoc_fail(yd, v, "%s: contains a control character",
		    path);
	if ((*out = strndup(s, len)) == NULL)
		return yamldoc_fail(yd, v, "%s: out of memory", path);
	return 0;
}

/*
 * No NUL (it would cut the C string short) and, for TEXT_LINE, no control
 * character at all: names and ids go into alerts and log lines.
 */
static int
text_ok(const char *s, size_t len, int flags)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (u[i] == 0)
			return 0;
		if (!(flags & TEXT_LINE))
			continue;
		if (u[i] < 0x20 || u[i] == 0x7f ||
		    (u[i] == 0xc2 && i + 1 < len && u[i + 1] < 0xa0))
			return 0;
	}
	return 1;
}

/*
 * Where in the file a search error is.
 *
 * The compiler gives a line and column within the search text, which is
 * the scalar's value: libyaml has removed the indentation of a block
 * scalar, folded lines of a folded or multi-line flow scalar into spaces
 * and resolved escapes of a quoted one. The file's lines are laid back
 * over the value: each line's content (what is left of it once the
 * indentation, or for flow scalars the surrounding blanks, is taken off)
 * must appear in the value in order, separated only by the spaces and
 * newlines folding leaves. The line whose content holds the error's byte
 * gives the place, exact to the byte. When the file's lines do not line
 * up with the value (escapes, an explicit indentation indicator that the
 * first line does not follow), a single-line scalar falls back to its
 * start plus the column (one more for the quote) and a longer one to its
 * start.
 */
static void
search_place(const struct rule_doc *d, const yaml_node_t *v,
    const struct spl_error *se, int *line, int *col)
{
	struct rule_walk	w;
	yaml_scalar_style_t	style = v->data.scalar.style;
	size_t			p, q;
	int			r;

	*line = (int)v->start_mark.line + 1;
	*col = (int)v->start_mark.column + 1;
	if (se->line <= 0)
		return;
	memset(&w, 0, sizeof(w));
	w.text = d->text;
	w.val = (const char *)v->data.scalar.value;
	w.vlen = v->data.scalar.length;
	w.off = value_offset(w.val, w.vlen, se->line, se->column);
	if (style == YAML_LITERAL_SCALAR_STYLE ||
	    style == YAML_FOLDED_SCALAR_STYLE)
		r = place_block(d, v, &w);
	else
		r = place_flow(d, v, &w);
	if (r == 0 && !w.found && w.pieces > 0 &&
	    strspn(w.val + w.v, " \n") == w.vlen - w.v) {
		/* At the end of the text: just after its last byte. */
		w.found = 1;
		w.line = w.end_line;
		w.col = w.end_col;
	}
	if (w.found) {
		*line = w.line;
		*col = w.col;
		return;
	}
	/* One line: the column from the scalar's start, if it is there. */
	q = style == YAML_PLAIN_SCALAR_STYLE ? 0 : 1;
	p = mark_offset(d, &v->start_mark);
	if (v->start_mark.line == v->end_mark.line &&
	    p + q + w.off <= line_end(d, p, d->len))
		*col = (int)(p + q + w.off - line_start(d, p) + 1);
}

/* The byte of val at 1-based line and column (clamped to the text). */
static size_t
value_offset(const char *val, size_t len, int line, int col)
{
	size_t	i = 0, e;

	while (line > 1 && i < len) {
		if (val[i++] == '\n')
			line--;
	}
	for (e = i; e < len && val[e] != '\n'; e++)
		;
	if (col < 1)
		col = 1;
	return (size_t)(col - 1) > e - i ? e : i + (size_t)(col - 1);
}

/*
 * The length of the line break at byte i, or 0. libyaml breaks lines at
 * \n, \r\n, a lone \r, NEL, LS and PS: its line numbers count them all.
 */
static size_t
break_len(const struct rule_doc *d, size_t i)
{
	const unsigned char	*u = (const unsigned char *)d->text;

	if (i >= d->len)
		return 0;
	if (u[i] == '\r')
		return i + 1 < d->len && u[i + 1] == '\n' ? 2 : 1;
	if (u[i] == '\n')
		return 1;
	if (u[i] == 0xc2 && i + 1 < d->len && u[i + 1] == 0x85)
		return 2;
	if (u[i] == 0xe2 && i + 2 < d->len && u[i + 1] == 0x80 &&
	    (u[i + 2] == 0xa8 || u[i + 2] == 0xa9))
		return 3;
	return 0;
}

/*
 * The byte offset of a libyaml mark: its line and column count characters
 * (its index does too), so walk the file's bytes. A BOM is not counted.
 */
static size_t
mark_offset(const struct rule_doc *d, const yaml_mark_t *m)
{
	const unsigned char	*u = (const unsigned char *)d->text;
	size_t			 i = 0, line = 0, col = 0, n;

	if (d->len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		i = 3;
	while (i < d->len && line < m->line) {
		if ((n = break_len(d, i)) > 0)
			line++;
		i += n ? n : 1;
	}
	for (; i < d->len && col < m->column && break_len(d, i) == 0; col++)
		for (i++; i < d->len && (u[i] & 0xc0) == 0x80; i++)
			;
	return i;
}

/* The start of the line that off is in. */
static size_t
line_start(const struct rule_doc *d, size_t off)
{
	size_t	i, n, start = 0;

	for (i = 0; i < off; i += n ? n : 1)
		if ((n = break_len(d, i)) > 0)
			start = i + n;
	return start;
}

/* The end of the line that off is in (its line break), at most limit. */
static size_t
line_end(const struct rule_doc *d, size_t off, size_t limit)
{
	while (off < limit && break_len(d, off) == 0)
		off++;
	return off;
}

/* The 1-based line of byte off. */
static int
line_number(const struct rule_doc *d, size_t off)
{
	size_t	i, n;
	int	line = 1;

	for (i = 0; i < off; i += n ? n : 1)
		if ((n = break_len(d, i)) > 0)
			line++;
	return line;
}

/*
 * A literal or folded block: content starts on the line after the
 * indicator; every line carries the block's indentation, the column of
 * the first non-blank byte of the first non-blank line. A line indented
 * less that is not blank ends the block (end_mark may lie beyond it).
 */
static int
place_block(const struct rule_doc *d, const yaml_node_t *v,
    struct rule_walk *w)
{
	size_t	p, next, end, e, s, indent = SIZE_MAX;
	int	line;

	p = mark_offset(d, &v->start_mark);
	end = mark_offset(d, &v->end_mark);
	while (p < d->len && d->text[p] != '|' && d->text[p] != '>')
		p++;
	p = line_end(d, p, d->len);
	p += break_len(d, p);
	line = line_number(d, p);
	for (; p < end && p < d->len && !w->found; p = next, line++) {
		e = line_end(d, p, d->len);
		next = e + break_len(d, e);
		for (s = p; s < e && d->text[s] == ' '; s++)
			;
		if (s == e && indent == SIZE_MAX)
			continue;	/* blank before the first line */
		if (indent == SIZE_MAX)
			indent = s - p;
		else if (s < e && s - p < indent)
			break;
		if (e - p > indent &&
		    walk_piece(w, p + indent, e, p, line) == -1)
			return -1;
		if (next == e)
			break;		/* the end of the file */
	}
	return 0;
}

/*
 * A plain or quoted scalar: its first line starts after the quote, the
 * others after their leading blanks; each ends before its trailing
 * blanks, the last at the closing quote (libyaml's end mark).
 */
static int
place_flow(const struct rule_doc *d, const yaml_node_t *v,
    struct rule_walk *w)
{
	size_t	p, end, e, a, b, ls;
	int	quoted, line;

	quoted = v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
	p = mark_offset(d, &v->start_mark);
	end = mark_offset(d, &v->end_mark);
	if (quoted) {
		/* Past a tag or anchor to the quote; end at the other. */
		while (p < end && d->text[p] != '"' && d->text[p] != '\'')
			p++;
		if (end < p + 2)
			return -1;
		p++;
		end--;
	}
	ls = line_start(d, p);
	line = line_number(d, p);
	for (a = p; !w->found; line++) {
		e = b = line_end(d, a, end);
		if (a > p || !quoted)
			while (a < b && (d->text[a] == ' ' ||
			    d->text[a] == '\t'))
				a++;
		if (e < end || !quoted)
			while (b > a && (d->text[b - 1] == ' ' ||
			    d->text[b - 1] == '\t'))
				b--;
		if (walk_piece(w, a, b, ls, line) == -1)
			return -1;
		if (e >= end || break_len(d, e) == 0)
			break;
		a = ls = e + break_len(d, e);
	}
	return 0;
}

/*
 * Matches file bytes [a, b) (content of the line that starts at ls, line
 * number line) against the value at w->v, past any folding spaces and
 * newlines; notes the place when the byte looked for is in it, or in the
 * separators before it.
 */
static int
walk_piece(struct rule_walk *w, size_t a, size_t b, size_t ls, int line)
{
	size_t	n = b - a;

	if (n == 0)
		return 0;
	while (w->vlen - w->v < n || memcmp(w->val + w->v, w->text + a, n)) {
		if (w->v >= w->vlen ||
		    (w->val[w->v] != ' ' && w->val[w->v] != '\n'))
			return -1;
		w->v++;
	}
	if (w->off < w->v && w->pieces > 0) {
		w->found = 1;
		w->line = w->end_line;
		w->col = w->end_col;
	} else if (w->off < w->v + n) {
		w->found = 1;
		w->line = line;
		w->col = (int)(a - ls + 1 + (w->off > w->v ?
		    w->off - w->v : 0));
	}
	w->v += n;
	w->pieces++;
	w->end_line = line;
	w->end_col = (int)(b - ls + 1);
	return 0;
}

/*
 * Macros.
 */

struct macro_set *
macro_set_new(void)
{
	return calloc(1, sizeof(struct macro_set));
}

void
macro_set_free(struct macro_set *set)
{
	if (set == NULL)
		return;
	macro_truncate(set, 0);
	free(set->macros);
	free(set->slots);
	free(set);
}

size_t
macro_set_count(const struct macro_set *set)
{
	return set->n;
}

int
macro_set_load(struct macro_set *set, const char *path,
    struct rule_error *err)
{
	char	*text;
	size_t	 len;
	int	 r;

	if (rule_read_file(path, &text, &len, err) == -1)
		return -1;
	r = macro_set_load_string(set, text, len, path, err);
	free(text);
	return r;
}

int
macro_set_load_string(struct macro_set *set, const char *text, size_t len,
    const char *name, struct rule_error *err)
{
	struct rule_doc		 d;
	struct macro		 m;
	const struct macro	*old;
	yaml_node_t		*root;
	int			 r = -1;

	memset(&m, 0, sizeof(m));
	if ((root = doc_load(&d, text, len, name)) == NULL ||
	    macro_parse(d.yd, root, &m) == -1)
		goto done;
	if ((old = macro_find(set, m.name, m.nargs)) != NULL &&
	    old->nargs == m.nargs)
		yamldoc_fail(d.yd, doc_get(d.yd, root, "name"), "name: macro "
		    "\"%s\" with %zu argument%s is already defined in %s:%d",
		    m.name, m.nargs, m.nargs == 1 ? "" : "s", old->file,
		    old->line);
	else if (set->n >= MACRO_SET_MAX)
		yamldoc_fail(d.yd, NULL, "more than %u macros", MACRO_SET_MAX);
	else if ((m.file = strdup(name ? name : "")) == NULL ||
	    macro_add(set, &m) == -1)
		yamldoc_fail(d.yd, NULL, "out of memory");
	else
		r = 0;
 done:
	if (r == -1)
		macro_clear(&m);
	yamldoc_free(d.yd);
	YAMLDOC_ERROR_COPY(err, &d.err);
	return r;
}

static int
macro_parse(struct yamldoc *yd, yaml_node_t *root, struct macro *m)
{
	yaml_node_t	*v;

	if ((v = doc_get(yd, root, "definition")) == NULL)
		return yamldoc_fail(yd, root, "missing key \"definition\"");
	if (doc_text(yd, v, "definition", SPL_TEXT_MAX, TEXT_EMPTY,
	    &m->definition) == -1)
		return -1;
	if (macro_args(yd, root, m) == -1)
		return -1;
	if ((v = doc_get(yd, root, "name")) == NULL)
		return yamldoc_fail(yd, root, "missing key \"name\"");
	return macro_name(yd, v, m);
}

static int
macro_args(struct yamldoc *yd, yaml_node_t *root, struct macro *m)
{
	yaml_node_t	*v;
	char		 path[RULE_PATH_MAX];
	size_t		 i, j, n;

	if ((v = doc_get(yd, root, "arguments")) == NULL || yamldoc_is_null(v))
		return 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return yamldoc_expected(yd, v, "arguments", "a sequence");
	if ((n = yamldoc_nitems(v)) > MACRO_ARGS_MAX)
		return yamldoc_fail(yd, v, "arguments: more than %d",
		    MACRO_ARGS_MAX);
	if (n > 0 && (m->argnames = calloc(n + 1,
	    sizeof(*m->argnames))) == NULL)
		return yamldoc_fail(yd, v, "arguments: out of memory");
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "arguments[%zu]", i);
		if (doc_text(yd, yamldoc_item(yd, v, i), path, MACRO_ARG_MAX,
		    TEXT_LINE, &m->argnames[i]) == -1)
			return -1;
		m->nargs++;
		if (strspn(m->argnames[i], "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
		    strlen(m->argnames[i]))
			return yamldoc_fail(yd, yamldoc_item(yd, v, i),
			    "%s: expected letters, digits and _", path);
		for (j = 0; j < i; j++)
			if (strcmp(m->argnames[j], m->argnames[i]) == 0)
				return yamldoc_fail(yd, yamldoc_item(yd, v, i),
				    "%s: \"%s\" is already arguments[%zu]",
				    path, m->argnames[i], j);
	}
	return 0;
}

/* "name" or "name(N)", N the number of arguments. */
static int
macro_name(struct yamldoc *yd, const yaml_node_t *v, struct macro *m)
{
	char	*s, *open;
	size_t	 len;
	uint64_t n;

	if (doc_text(yd, v, "name", MACRO_NAME_MAX + 8, TEXT_LINE, &s) == -1)
		return -1;
	m->name = s;
	m->line = (int)v->start_mark.line + 1;
	len = strlen(s);
	if (len > 0 && s[len - 1] == ')' && (open = strchr(s, '(')) != NULL) {
		if (yamldoc_number(open + 1, (size_t)(s + len - 1 - open - 1),
		    NULL, &n) == -1)
			return yamldoc_expected(yd, v, "name",
			    "a macro name, or name(N) with N its arguments");
		if (n != m->nargs)
			return yamldoc_fail(yd, v, "name: \"%s\" says %llu "
			    "argument%s, arguments: lists %zu", s,
			    (unsigned long long)n, n == 1 ? "" : "s",
			    m->nargs);
		*open = '\0';
		len = strlen(s);
	}
	if (len == 0 || len > MACRO_NAME_MAX || strcspn(s, " ()`$\"'") != len)
		return yamldoc_expected(yd, v, "name",
		    "a macro name (no blanks, quotes, (, ), ` or $)");
	return 0;
}

static int
macro_add(struct macro_set *set, struct macro *m)
{
	struct macro	*p;
	size_t		 cap;

	if (set->n == set->cap) {
		cap = set->cap ? set->cap * 2 : 16;
		if ((p = reallocarray(set->macros, cap, sizeof(*p))) == NULL)
			return -1;
		set->macros = p;
		set->cap = cap;
	}
	if (set->nslots < 2 * (set->n + 1) + 1 &&
	    macro_grow(set, set->nslots ? set->nslots * 2 : 64) == -1)
		return -1;
	set->macros[set->n] = *m;
	memset(m, 0, sizeof(*m));
	macro_index(set, set->n++);
	return 0;
}

/* A new index of nslots slots holding every macro. */
static int
macro_grow(struct macro_set *set, size_t nslots)
{
	uint32_t	*slots;
	size_t		 i;

	if ((slots = calloc(nslots, sizeof(*slots))) == NULL)
		return -1;
	free(set->slots);
	set->slots = slots;
	set->nslots = nslots;
	for (i = 0; i < set->n; i++)
		macro_index(set, i);
	return 0;
}

static void
macro_index(struct macro_set *set, size_t i)
{
	const char	*name = set->macros[i].name;
	size_t		 mask = set->nslots - 1, h;

	h = hash_bytes(name, strlen(name)) & mask;
	while (set->slots[h] != 0)
		h = (h + 1) & mask;
	set->slots[h] = (uint32_t)(i + 1);
}

/*
 * The macro name with nargs arguments; else one with that name and another
 * count, so the compiler can say which count it takes; else NULL.
 */
static const struct macro *
macro_find(const struct macro_set *set, const char *name, size_t nargs)
{
	const struct macro	*m, *other = NULL;
	size_t			 mask, h;

	if (set == NULL || set->nslots == 0)
		return NULL;
	mask = set->nslots - 1;
	h = hash_bytes(name, strlen(name)) & mask;
	for (; set->slots[h] != 0; h = (h + 1) & mask) {
		m = &set->macros[set->slots[h] - 1];
		if (strcmp(m->name, name) != 0)
			continue;
		if (m->nargs == nargs)
			return m;
		if (other == NULL)
			other = m;
	}
	return other;
}

static void
macro_clear(struct macro *m)
{
	size_t	i;

	free(m->name);
	for (i = 0; i < m->nargs; i++)
		free(m->argnames[i]);
	free(m->argnames);
	free(m->definition);
	free(m->file);
	memset(m, 0, sizeof(*m));
}

/* Drops the macros from n on, and their slots. */
static void
macro_truncate(struct macro_set *set, size_t n)
{
	size_t	i;

	for (i = n; i < set->n; i++)
		macro_clear(&set->macros[i]);
	set->n = n;
	if (set->slots != NULL) {
		memset(set->slots, 0, set->nslots * sizeof(*set->slots));
		for (i = 0; i < n; i++)
			macro_index(set, i);
	}
}

int
macro_set_load_dir(struct macro_set *set, const char *dir,
    struct rule_error *err)
{
	char	**paths;
	size_t	  n0 = set->n;
	int	  n, i;

	if ((n = rule_paths(dir, &paths, err)) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (macro_set_load(set, paths[i], err) == -1) {
			/* Whole or not at all: forget this directory's. */
			macro_truncate(set, n0);
			rule_paths_free(paths, n);
			return -1;
		}
	rule_paths_free(paths, n);
	return (int)(set->n - n0);
}

/*
 * Directories.
 */

int
rule_paths(const char *dir, char ***paths, struct rule_error *err)
{
	DIR		*dp;
	struct dirent	*de;
	char		**v = NULL, **nv, *p;
	size_t		  n = 0, cap = 0;
	const char	 *sep;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", dir);
	*paths = NULL;
	if ((dp = opendir(dir)) == NULL) {
		snprintf(err->msg, sizeof(err->msg),
		    "cannot open directory: %s", strerror(errno));
		return -1;
	}
	sep = dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/";
	while ((de = readdir(dp)) != NULL) {
		if (asprintf(&p, "%s%s%s", dir, sep, de->d_name) == -1)
			goto oom;
		if (!path_wanted(de->d_name, p)) {
			free(p);
			continue;
		}
		if (n == RULE_PATHS_MAX) {
			free(p);
			snprintf(err->msg, sizeof(err->msg),
			    "more than %d rule files", RULE_PATHS_MAX);
			goto fail;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				free(p);
				goto oom;
			}
			v = nv;
		}
		v[n++] = p;
	}
	closedir(dp);
	if (n > 0)
		qsort(v, n, sizeof(*v), path_cmp);
	*paths = v;
	return (int)n;
 oom:
	snprintf(err->msg, sizeof(err->msg), "out of memory");
 fail:
	closedir(dp);
	rule_paths_free(v, (int)n);
	return -1;
}

/* Not hidden, named *.yml or *.yaml, and a regular file (or a link to one). */
static int
path_wanted(const char *name, const char *path)
{
	struct stat	st;
	size_t		n = strlen(name);

	if (name[0] == '.')
		return 0;
	if (!(n > 4 && strcmp(name + n - 4, ".yml") == 0) &&
	    !(n > 5 && strcmp(name + n - 5, ".yaml") == 0))
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int
path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
rule_paths_free(char **paths, int n)
{
	int	i;

	if (paths == NULL)
		return;
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
