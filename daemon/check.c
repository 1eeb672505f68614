/*
 * check.c - nvmwatch check: validate detection rule files, and the
 * configuration and rule loading that check and replay share.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "field.h"
#include "rule.h"
#include "ruleset.h"
#include "spl.h"
#include "tool.h"

#define CHECK_USAGE	"usage: nvmwatch check [-v] [-c CONFIG] [-m MACROS_DIR] " \
			    "RULE|DIR..."

static int	check_one(const char *, const struct field_dict *,
		    const struct macro_set *, const struct rule_stream *, int);
static int	tool_dir_option(char **, const char *);

/*
 * The configuration for a tool: cfgpath when given (NULL: the default
 * file when it exists, else the built-in defaults), with the rules and
 * macros directories replaced by rules/macros when given (relative to the
 * working directory). Also the dictionary with the config's field map.
 */
int
tool_config(const char *cfgpath, const char *rules, const char *macros,
    struct config **confp, struct field_dict **dictp)
{
	struct config		*conf;
	struct field_dict	*dict;
	struct config_error	 err;

	memset(&err, 0, sizeof(err));
	*confp = NULL;
	*dictp = NULL;
	if (cfgpath == NULL && access(TOOL_CONFIG, R_OK) == 0)
		cfgpath = TOOL_CONFIG;
	conf = cfgpath ? config_load(cfgpath, &err) : config_default();
	if (conf == NULL) {
		if (err.line > 0)
			fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line,
			    err.column, err.msg);
		else if (cfgpath != NULL)
			fprintf(stderr, "%s: %s\n", err.file, err.msg);
		else
			tool_warnx("out of memory");
		return -1;
	}
	if ((rules && tool_dir_option(&conf->rules_dir, rules) == -1) ||
	    (macros && tool_dir_option(&conf->macros_dir, macros) == -1)) {
		config_free(conf);
		return -1;
	}
	if ((dict = field_dict_new()) == NULL) {
		tool_warnx("out of memory");
		config_free(conf);
		return -1;
	}
	if (config_apply_fields(conf, dict, &err) == -1) {
		fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line,
		    err.column, err.msg);
		field_dict_free(dict);
		config_free(conf);
		return -1;
	}
	*confp = conf;
	*dictp = dict;
	return 0;
}

/* A directory from the command line: absolute, so config_path() keeps it. */
static int
tool_dir_option(char **dst, const char *dir)
{
	char	*abs;

	if ((abs = realpath(dir, NULL)) == NULL) {
		tool_warn("%s", dir);
		return -1;
	}
	free(*dst);
	*dst = abs;
	return 0;
}

int
check_main(int argc, char **argv)
{
	struct config		*conf = NULL;
	struct field_dict	*dict = NULL;
	struct macro_set	*macros = NULL;
	struct rule_stream	 defaults;
	struct rule_error	 err;
	struct stat		 st;
	const char		*cfgpath = NULL, *macrodir = NULL;
	char			**paths;
	size_t			 nbadmacros = 0;
	int			 ch, i, j, n, verbose = 0, failed = 0, nrules = 0,
				 badpaths = 0;

	memset(&defaults, 0, sizeof(defaults));
	memset(&err, 0, sizeof(err));
	while ((ch = getopt(argc, argv, "c:m:v")) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'm':
			macrodir = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			tool_warnx(CHECK_USAGE);
			return 1;
		}
	}
	if (optind == argc) {
		tool_warnx(CHECK_USAGE);
		return 1;
	}
	if (tool_config(cfgpath, NULL, macrodir, &conf, &dict) == -1)
		return 1;
	if ((macros = ruleset_macros(conf, ruleset_report_stderr, NULL,
	    &nbadmacros)) == NULL || ruleset_defaults(conf, &defaults) == -1) {
		failed = 1;
		goto done;
	}
	for (i = optind; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if ((n = rule_paths(argv[i], &paths, &err)) == -1) {
				ruleset_report_stderr(NULL, &err);
				badpaths++;
				continue;
			}
			for (j = 0; j < n; j++, nrules++)
				failed += check_one(paths[j], dict, macros,
				    &defaults, verbose);
			rule_paths_free(paths, n);
		} else {
			failed += check_one(argv[i], dict, macros, &defaults,
			    verbose);
			nrules++;
		}
	}
	if (nrules > 1)
		printf("%d of %d rules OK\n", nrules - failed, nrules);
	if (nbadmacros > 0)
		printf("%zu macro file%s failed to load\n", nbadmacros,
		    nbadmacros == 1 ? "" : "s");
	failed += badpaths + (int)nbadmacros;
done:
	rule_stream_free(&defaults);
	macro_set_free(macros);
	field_dict_free(dict);
	config_free(conf);
	return failed ? 1 : 0;
}

/* Loads one rule; 0 when it is good, 1 when not (reported). */
static int
check_one(const char *path, const struct field_dict *dict,
    const struct macro_set *macros, const struct rule_stream *defaults,
    int verbose)
{
	struct rule_error	 err;
	struct rule		*rule;
	struct buf		 b;

	memset(&err, 0, sizeof(err));
	if ((rule = rule_load(path, dict, macros, defaults, &err)) == NULL) {
		ruleset_report_stderr(NULL, &err);
		return 1;
	}
	printf("%s: OK: %s\n", path, rule->name);
	if (verbose) {
		memset(&b, 0, sizeof(b));
		spl_dump(rule->compiled, &b);
		if (b.len > 0 && b.data[b.len - 1] != '\n')
			buf_putc(&b, '\n');
		if (!b.failed)
			fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
	}
	rule_free(rule);
	return 0;
}
