/*
 * tool.h - the operator's tool, nvmwatch: what its subcommands share.
 */
#ifndef NVMWATCH_TOOL_H
#define NVMWATCH_TOOL_H

/* Messages to stderr, prefixed "nvmwatch: "; tool_warn adds strerror(errno). */
void	tool_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	tool_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* CLOCK_MONOTONIC in seconds: deadlines, pacing and progress. */
double	tool_monotonic(void);

#include <stddef.h>
#include <stdint.h>

struct config;
struct field_dict;
struct ipfix_session;

/* The configuration file the tools read when -c is not given. */
#define TOOL_CONFIG	"/etc/nvmwatch/nvmwatch.yaml"

/*
 * The configuration for a rule-running tool: cfgpath (NULL: TOOL_CONFIG
 * when readable, else the built-in defaults), its rules and macros
 * directories replaced by rules/macros when not NULL, and a dictionary
 * with its field map. Returns 0, or -1 (reported).
 */
int	tool_config(const char *cfgpath, const char *rules, const char *macros,
	    struct config **conf, struct field_dict **dict);

/* Reads path ("-": stdin) whole into *data (caller frees); -1 on error
 * (reported). */
int	tool_read_file(const char *path, uint8_t **data, size_t *len);
/*
 * Hands each message of a file of IPFIX messages (back to back, framed by
 * their headers) to s, with the message's export time as the receive time.
 * Returns 0, or -1 (reported) on a malformed tail or message.
 */
int	tool_ipfix_messages(const char *path, struct ipfix_session *s,
	    const uint8_t *p, size_t len);

/* Subcommands: argv[0] is the subcommand name; return the exit status. */
int	decode_main(int argc, char **argv);
int	send_main(int argc, char **argv);
int	check_main(int argc, char **argv);
int	replay_main(int argc, char **argv);
/* ctl.c: requests to the daemon's control socket. */
int	stats_main(int argc, char **argv);
int	rules_main(int argc, char **argv);
int	reload_main(int argc, char **argv);

#endif
