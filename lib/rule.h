/*
 * rule.h - detection and macro files, in the YAML format of Splunk's
 * detection content (security_content: detections/NAME.yml, macros/NAME.yml).
 *
 * A detection file is a mapping. nvmwatch reads:
 *   name (required), id, version, description, search (required),
 *   mitre_attack_id (a list, at the top level or, in older files, under
 *   tags:), type, status, author, and an optional nvmwatch: block of
 *   streaming settings (window, lateness, emit, timezone, max_groups,
 *   max_values, max_value_bytes, max_split; see nvmwatch-rules(5)).
 * Every other top-level key of the format (drilldown_searches, tests, ...)
 * is accepted and ignored, whatever its shape: the content adds keys over
 * time. Inside nvmwatch: unknown keys are errors.
 *
 * A macro file is a mapping with name, definition and optional arguments
 * (a list of names); other keys are ignored. Splunk keys macros by name and
 * argument count: "security_content_ctime(1)".
 *
 * Errors carry the file, line and column: YAML errors libyaml's, search
 * errors the position inside the file of the offending word of the search
 * (for a literal or folded block scalar and a single-line plain or quoted
 * scalar the exact byte; for multi-line quoted scalars the line of the
 * scalar's start), so an editor can jump to it.
 */
#ifndef NVMWATCH_RULE_H
#define NVMWATCH_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "window.h"

struct field_dict;
struct spl_search;
struct macro_set;

/* An error about a file; line 0 when not about a place. */
struct rule_error {
	char	file[256];
	int	line;
	int	column;
	char	msg[512];
};

/* Streaming settings of one rule (the nvmwatch: block over defaults). */
struct rule_stream {
	struct window_limits	 limits;
	char			*timezone;	/* "UTC" (default), a fixed
						   offset "+HH:MM", or a zone
						   name from the tz database */
	char			**sinks;	/* nvmwatch: sinks: names the
						   rule's alerts go to; NULL:
						   every sink */
	size_t			 nsinks;
};

struct rule {
	char			*path;		/* file loaded */
	char			*name;		/* "Cisco NVM - ..." */
	char			*short_name;	/* file name without .yml */
	char			*id;		/* NULL when absent */
	long			 version;	/* -1 when absent */
	char			*type;		/* NULL when absent */
	char			*description;	/* NULL when absent */
	char			**mitre;	/* mitre_attack_id */
	size_t			 nmitre;
	char			*search;	/* the text as written */
	struct rule_stream	 stream;
	struct spl_search	*compiled;
	/*
	 * What a reload compares to keep a rule's open windows: the file's
	 * bytes, the name and text of every macro the search expanded, and
	 * the effective nvmwatch: settings (defaults from the config
	 * included), NUL-separated. Equal identities run the same way.
	 */
	char			*ident;
	size_t			 identlen;
};

/* A set of macros, keyed by name and argument count. */
struct macro_set	*macro_set_new(void);
void			 macro_set_free(struct macro_set *);
/*
 * Loads one macro file into set. A macro defined twice (same name and
 * argument count) is an error naming both files. Returns 0 or -1.
 */
int			 macro_set_load(struct macro_set *, const char *path,
			    struct rule_error *err);
/* The same from memory; name stands for the file in errors. */
int			 macro_set_load_string(struct macro_set *,
			    const char *text, size_t len, const char *name,
			    struct rule_error *err);
/*
 * Loads every *.yml and *.yaml file of dir in name order. Stops at the
 * first error (a macro set is loaded whole or not at all). Returns the
 * number of macros loaded, or -1.
 */
int			 macro_set_load_dir(struct macro_set *, const char *dir,
			    struct rule_error *err);
size_t			 macro_set_count(const struct macro_set *);

/*
 * Loads and compiles one detection file against dict and macros (either
 * may be used by several rules). defaults gives the stream settings the
 * file's nvmwatch: block overrides (NULL: built-in defaults). Returns a
 * rule, or NULL with err filled.
 */
struct rule		*rule_load(const char *path,
			    const struct field_dict *dict,
			    const struct macro_set *macros,
			    const struct rule_stream *defaults,
			    struct rule_error *err);
struct rule		*rule_load_string(const char *text, size_t len,
			    const char *name, const struct field_dict *dict,
			    const struct macro_set *macros,
			    const struct rule_stream *defaults,
			    struct rule_error *err);
void			 rule_free(struct rule *);

/*
 * Defaults for a rule's stream settings: window_limits_default() and
 * timezone "UTC". rule_stream_free() frees the timezone string.
 */
int			 rule_stream_default(struct rule_stream *);
void			 rule_stream_free(struct rule_stream *);
/* A deep copy; -1 when out of memory. */
int			 rule_stream_copy(struct rule_stream *dst,
			    const struct rule_stream *src);

/*
 * The files of a rules directory (*.yml, *.yaml), in name order, as an
 * array of malloc'd paths the caller frees (rule_paths_free()). Returns the
 * count or -1 with err filled (the directory cannot be read).
 */
int			 rule_paths(const char *dir, char ***paths,
			    struct rule_error *err);
void			 rule_paths_free(char **paths, int n);

/* "file:line:column: message" (or "file: message") into out. */
void			 rule_error_format(const struct rule_error *,
			    char *out, size_t size);

#endif
