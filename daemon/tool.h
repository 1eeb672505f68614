/*
 * tool.h - the operator's tool, nvmwatch: what its subcommands share.
 */
#ifndef NVMWATCH_TOOL_H
#define NVMWATCH_TOOL_H

/* Messages to stderr, prefixed "nvmwatch: "; tool_warn adds strerror(errno). */
void	tool_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	tool_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Subcommands: argv[0] is the subcommand name; return the exit status. */
int	decode_main(int argc, char **argv);
int	send_main(int argc, char **argv);

#endif
