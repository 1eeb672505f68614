/*
 * ruleset.h - a configuration's macros and rules, loaded into an engine.
 *
 * The daemon at start-up, `nvmwatchd -n`, `nvmwatch check` and replay all
 * load rules the same way: the macros directory first, then every rule
 * file of the rules directory in name order, each
 * with the config's rules: settings as the defaults its nvmwatch: block
 * overrides. A rule or macro file that fails to load is reported and
 * left out; the others load. Two rule files with the same short name
 * (x.yml and x.yaml) are an error for the second: alerts and counters
 * name rules by it.
 */
#ifndef NVMWATCH_RULESET_H
#define NVMWATCH_RULESET_H

#include <stddef.h>

#include "engine.h"
#include "rule.h"

struct config;
struct field_dict;

/* Called once per error, with its file, line and column. */
typedef void	ruleset_report_fn(void *arg, const struct rule_error *err);
/* A ruleset_report_fn that prints "file:line:column: message" to stderr. */
void		ruleset_report_stderr(void *arg, const struct rule_error *err);

/*
 * Loads conf's macros (rules.macros) into a new set, file by file: a file
 * that fails is reported, counted in *nfailed and left out (the rules that
 * call its macros then fail on their own), the others load. A config
 * without a macros directory gives an empty set. NULL when the directory
 * cannot be read or out of memory (reported).
 */
struct macro_set	*ruleset_macros(const struct config *conf,
			    ruleset_report_fn *report, void *rarg,
			    size_t *nfailed);
/* The stream defaults of conf's rules: section; -1 when out of memory. */
int			 ruleset_defaults(const struct config *conf,
			    struct rule_stream *out);

/*
 * A new engine (alerts to fn/arg) holding every rule of conf's rules
 * directory that loads. *nfailed counts the rule and macro files that did
 * not. NULL when a directory cannot be read, or out of memory (reported).
 */
struct engine		*ruleset_load(const struct config *conf,
			    const struct field_dict *dict,
			    engine_alert_fn *fn, void *arg,
			    ruleset_report_fn *report, void *rarg,
			    size_t *nfailed);

#endif
