/*
 * ruleset.c - a configuration's rules into an engine; see ruleset.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ruleset.h"

static void	ruleset_fail(ruleset_report_fn *, void *, const char *,
		    const char *);
static const struct rule *ruleset_find(const struct engine *, const char *);

struct macro_set *
ruleset_macros(const struct config *conf, ruleset_report_fn *report,
    void *rarg, size_t *nfailed)
{
	struct macro_set	*set;
	struct rule_error	 err;
	char			*dir, **paths = NULL;
	int			 i, n;

	memset(&err, 0, sizeof(err));
	if ((set = macro_set_new()) == NULL) {
		ruleset_fail(report, rarg, conf->path, "out of memory");
		return NULL;
	}
	if (conf->macros_dir == NULL)
		return set;
	if ((dir = config_path(conf, conf->macros_dir)) == NULL) {
		ruleset_fail(report, rarg, conf->path, "out of memory");
		macro_set_free(set);
		return NULL;
	}
	if ((n = rule_paths(dir, &paths, &err)) == -1) {
		report(rarg, &err);
		macro_set_free(set);
		free(dir);
		return NULL;
	}
	/* One broken file (a site's own _filter macro) costs only itself. */
	for (i = 0; i < n; i++)
		if (macro_set_load(set, paths[i], &err) == -1) {
			report(rarg, &err);
			(*nfailed)++;
		}
	rule_paths_free(paths, n);
	free(dir);
	return set;
}

int
ruleset_defaults(const struct config *conf, struct rule_stream *out)
{
	memset(out, 0, sizeof(*out));
	out->limits = conf->rule_limits;
	if ((out->timezone = strdup(conf->rule_timezone ?
	    conf->rule_timezone : "UTC")) == NULL)
		return -1;
	return 0;
}

struct engine *
ruleset_load(const struct config *conf, const struct field_dict *dict,
    engine_alert_fn *fn, void *arg, ruleset_report_fn *report, void *rarg,
    size_t *nfailed)
{
	struct engine		*eng = NULL;
	struct macro_set	*macros;
	struct rule_stream	 defaults;
	struct rule_error	 err;
	struct rule		*rule;
	const struct rule	*same;
	char			*dir = NULL, **paths = NULL, msg[400];
	int			 i, n = 0;

	*nfailed = 0;
	memset(&err, 0, sizeof(err));
	memset(&defaults, 0, sizeof(defaults));
	if ((macros = ruleset_macros(conf, report, rarg, nfailed)) == NULL)
		return NULL;
	if (ruleset_defaults(conf, &defaults) == -1 ||
	    (eng = engine_new(fn, arg)) == NULL) {
		ruleset_fail(report, rarg, conf->path, "out of memory");
		goto fail;
	}
	if (conf->rules_dir == NULL)
		goto done;
	if ((dir = config_path(conf, conf->rules_dir)) == NULL) {
		ruleset_fail(report, rarg, conf->path, "out of memory");
		goto fail;
	}
	if ((n = rule_paths(dir, &paths, &err)) == -1) {
		report(rarg, &err);
		n = 0;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		rule = rule_load(paths[i], dict, macros, &defaults, &err);
		if (rule == NULL) {
			report(rarg, &err);
			(*nfailed)++;
			continue;
		}
		if ((same = ruleset_find(eng, rule->short_name)) != NULL) {
			snprintf(msg, sizeof(msg), "the same name as %s (alerts "
			    "and counters name rules by their file name)",
			    same->path);
			ruleset_fail(report, rarg, paths[i], msg);
			rule_free(rule);
			(*nfailed)++;
			continue;
		}
		if (engine_add_rule(eng, rule) == -1) {
			ruleset_fail(report, rarg, paths[i],
			    "out of memory, or its timezone cannot be used");
			(*nfailed)++;
		}
	}
done:
	rule_paths_free(paths, n);
	free(dir);
	rule_stream_free(&defaults);
	macro_set_free(macros);
	return eng;
fail:
	engine_free(eng);
	eng = NULL;
	goto done;
}

static const struct rule *
ruleset_find(const struct engine *eng, const char *short_name)
{
	size_t	i;

	for (i = 0; i < engine_nrules(eng); i++)
		if (strcmp(engine_rule(eng, i)->short_name, short_name) == 0)
			return engine_rule(eng, i);
	return NULL;
}

void
ruleset_report_stderr(void *arg, const struct rule_error *err)
{
	char	msg[1024];

	rule_error_format(err, msg, sizeof(msg));
	fprintf(stderr, "%s\n", msg);
}

static void
ruleset_fail(ruleset_report_fn *report, void *rarg, const char *file,
    const char *msg)
{
	struct rule_error	err;
	size_t			len;

	memset(&err, 0, sizeof(err));
	snprintf(err.file, sizeof(err.file), "%s", file ? file : "");
	/* A message longer than err.msg (a long path in it) is cut. */
	len = strlen(msg);
	if (len >= sizeof(err.msg)) {
		memcpy(err.msg, msg, sizeof(err.msg) - 4);
		memcpy(err.msg + sizeof(err.msg) - 4, "...", 4);
	} else
		memcpy(err.msg, msg, len + 1);
	report(rarg, &err);
}
