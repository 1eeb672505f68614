/*
 * nvmwatch.c - the operator's tool: subcommand dispatch and usage.
 *
 *	nvmwatch decode [-kvw] FILE|-
 *	nvmwatch send [options]
 *	nvmwatch stats|rules|reload [options]
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool.h"

static void	 vwarn(int, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
static void	 usage(FILE *);

static const struct subcommand {
	const char	*name;
	int		(*main)(int, char **);
} subcommands[] = {
	{ "check", check_main },
	{ "decode", decode_main },
	{ "reload", reload_main },
	{ "replay", replay_main },
	{ "rules", rules_main },
	{ "send", send_main },
	{ "stats", stats_main },
};

static void
vwarn(int with_errno, const char *fmt, va_list ap)
{
	int	saved = errno;

	fputs("nvmwatch: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (with_errno)
		fprintf(stderr, ": %s", strerror(saved));
	fputc('\n', stderr);
}

void
tool_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vwarn(1, fmt, ap);
	va_end(ap);
}

void
tool_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vwarn(0, fmt, ap);
	va_end(ap);
}

double
tool_monotonic(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(FILE *fp)
{
	fputs(
"usage: nvmwatch check [-v] [-c CONFIG] [-m MACROS_DIR] RULE|DIR...\n"
"       nvmwatch decode [-kvw] FILE|-\n"
"       nvmwatch reload [-s SOCKET | -c CONFIG] [-t SECONDS]\n"
"       nvmwatch replay [-c CONFIG] [-r RULES_DIR] [-m MACROS_DIR] FILE...\n"
"       nvmwatch rules [-j] [-s SOCKET | -c CONFIG] [-t SECONDS]\n"
"       nvmwatch send [-v] [-u HOST:PORT | -t HOST:PORT | -o FILE]\n"
"                [-n COUNT] [-r RATE] [-e ENDPOINTS] [-s SEED]\n"
"                [--trigger-share F] [--ipv6-share F] [--process-mix LIST]\n"
"                [--dest-mix LIST] [--truth FILE] [--start EPOCH]\n"
"                [--duration SECONDS] [--mtu BYTES] [--template-interval N]\n"
"                [--format ipfix|kv|json] [--octet-counting]\n"
"       nvmwatch stats [-j] [-s SOCKET | -c CONFIG] [-t SECONDS]\n"
"\n"
"check   loads and compiles detection rule files (or every rule of a\n"
"        directory) and reports each error as file:line:column; -v prints\n"
"        each compiled search. Macros and defaults come from CONFIG\n"
"        (default " TOOL_CONFIG " when it exists) or -m.\n"
"decode  prints each record of a file of IPFIX messages as one JSON line:\n"
"        CIM field names and all fields; -k collector keys (pn, da, ...);\n"
"        -w wire fields only, plus _template and _odid; -v counters.\n"
"send    generates synthetic nvzFlow records (an endpoint and an interface\n"
"        record per endpoint, then COUNT flows) and sends them as IPFIX:\n"
"        -u UDP (default 127.0.0.1:2055), -t TCP, -o FILE an IPFIX file.\n"
"        -r records per second (0: as fast as possible); -s seed (same\n"
"        seed, same records); --trigger-share: exact share of flows that\n"
"        the Non-Network Binary detection matches; --truth FILE: one JSON\n"
"        line per record sent, as `decode -k -w` prints it.\n"
"        LIST is name:weight,... e.g. --process-mix chrome.exe:50,notepad.exe:1\n"
"        (names of non-triggering flows), --dest-mix public:70,private:20,\n"
"        10.1.0.0/16:10 (private, public or a CIDR; [v6]:weight works too).\n"
"        HOST:PORT takes [v6addr]:port for IPv6.\n"
"        --format kv|json sends each record as the NVM collector's syslog\n"
"        line (key=\"value\" pairs or a JSON object) after an RFC 3164\n"
"        header: a datagram each over UDP, LF-terminated over TCP (RFC 6587\n"
"        octet counting with --octet-counting), a line each with -o.\n"
"replay  runs the rules over saved data as the daemon would, on the\n"
"        data's own time, closes every window at the end, and prints the\n"
"        alerts as JSON lines. A FILE is IPFIX (as send -o writes it) or\n"
"        the NVM collector's syslog output (key=\"value\" or JSON lines),\n"
"        told by content, either one optionally gzip-compressed; records\n"
"        are taken in file order. Bad lines are skipped and counted.\n"
"stats   prints the running daemon's counters (-j: as JSON);\n"
"rules   its loaded rules with their live groups, matches and alerts;\n"
"reload  makes it reload its configuration and rules, and waits for the\n"
"        outcome. The three ask the daemon's control socket: SOCKET, else\n"
"        control.path of CONFIG (default " TOOL_CONFIG " when it\n"
"        exists), else /run/nvmwatch/nvmwatchd.sock; -t: seconds to wait\n"
"        (10; reload 30). Exit 0: done; 1: the daemon refused (its message\n"
"        on stderr); 2: no answer (unreachable, timeout, bad reply).\n",
	    fp);
}

int
main(int argc, char **argv)
{
	size_t	i;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].main(argc - 1, argv + 1);
	tool_warnx("unknown subcommand \"%s\"", argv[1]);
	usage(stderr);
	return 1;
}
