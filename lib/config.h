/*
 * config.h - nvmwatchd's configuration file (YAML), parsed into a struct.
 *
 * config_load() reads the whole file, checks every key (unknown keys are
 * errors) and every value, and reports the first error with file, line and
 * column. Nothing here opens sockets or files other than the config itself.
 * The daemon applies a loaded config; a failed load leaves nothing behind.
 * The file format is described in nvmwatch.yaml(5).
 *
 * libyaml is used here, in rule.c and in yamldoc.c (their shared document
 * helpers) and nowhere else. The parser is a table of sections,
 * each a table of keys (see config.c): a new section is a new table.
 */
#ifndef NVMWATCH_CONFIG_H
#define NVMWATCH_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "enrich.h"
#include "field.h"
#include "ipfix.h"
#include "window.h"

struct buf;
struct cidr_set;

enum config_proto {
	CONFIG_IPFIX_UDP,
	CONFIG_IPFIX_TCP,
};

/* What a listener receives. */
enum config_format {
	CONFIG_FORMAT_IPFIX,	/* nvzFlow IPFIX (default port 2055) */
	CONFIG_FORMAT_SYSLOG,	/* the NVM collector's syslog lines
				   (collector.h; default port 514) */
};

struct config_listener {
	enum config_proto	 proto;		/* transport: udp or tcp */
	enum config_format	 format;
	char			*address;	/* numeric address or "*", "::" */
	char			*port;		/* service or number, "2055" */
	int			 line;		/* where it was defined */
	int			 column;
};

/* An alert sink (sinks:); see nvmwatch.yaml(5). */
enum config_sink_type {
	CONFIG_SINK_FILE,	/* JSON lines (or another format) to a file */
	CONFIG_SINK_JOURNAL,	/* the systemd journal, structured fields */
	CONFIG_SINK_SYSLOG,	/* local syslog(3) */
	CONFIG_SINK_REMOTE,	/* remote syslog over UDP, TCP or TLS */
};

enum config_sink_policy {
	CONFIG_POLICY_DROP_OLDEST,	/* a full queue drops its oldest */
	CONFIG_POLICY_DROP_NEWEST,	/* a full queue refuses the new one */
	CONFIG_POLICY_BLOCK,		/* file only: write now, stall intake */
};

struct config_sink {
	char			*name;		/* unique; rules route by it */
	enum config_sink_type	 type;
	int			 format;	/* enum alert_format; json */
	/* file */
	char			*path;
	int			 fsync;		/* fsync(2) after every alert */
	/* remote */
	enum config_proto	 transport;	/* udp (default) or tcp (tcp for
						   tls too) */
	int			 tls;		/* transport: tls (RFC 5425) */
	char			*address;	/* numeric or host name */
	char			*port;		/* default "514"; tls "6514" */
	int			 rfc3164;	/* protocol: rfc5424 (0) or 3164 */
	int			 octet_counting; /* tcp, tls framing: octet (1, the
						   default) or lf (0) */
	size_t			 max_message;	/* bytes; 0: 2048 for udp, 65536
						   for tcp */
	char			*hostname;	/* HOSTNAME field; NULL: gethostname */
	unsigned		 facility;	/* 0..23; default 13 (log audit) */
	unsigned		 severity;	/* 0..7; default 4 (warning) */
	uint32_t		 enterprise;	/* SD-ID number; 32473 */
	double			 reconnect_max;	/* seconds; backoff cap, 60 */
	/* tls: file names as written; NULL when not given */
	char			*tls_ca_file;	/* the server must chain to it;
						   required */
	char			*tls_cert_file;	/* client certificate and its */
	char			*tls_key_file;	/* key: both or neither */
	char			*tls_peer_name;	/* in the server certificate;
						   NULL: address */
	/* every type */
	size_t			 queue;		/* alerts held; default 10000 */
	enum config_sink_policy	 policy;	/* default drop_oldest */
	double			 drain_timeout;	/* at shutdown; default 5 s */
	int			 line;		/* where it was defined */
	int			 column;
};

struct config_field_map {
	uint32_t	 pen;
	uint16_t	 id;
	char		*name;		/* field or new key */
	enum field_type	 type;
	int		 line;		/* where the entry starts */
	int		 column;
};

struct config {
	char			*path;		/* the file loaded */

	struct config_listener	*listeners;
	size_t			 nlisteners;
	struct cidr_set		*allow;		/* NULL: every exporter allowed */

	/* Listener limits. */
	size_t			 udp_rcvbuf;	/* SO_RCVBUF bytes; default 8 MiB */
	unsigned		 udp_batch;	/* datagrams per recvmmsg; default 64 */
	unsigned		 tcp_max_connections;	/* default 256 */
	double			 tcp_idle_timeout;	/* seconds; default 300 */
	unsigned		 max_sessions;	/* live exporter sessions; default 4096 */
	double			 session_idle_timeout;	/* seconds; default 1800 */

	struct config_field_map	*fields;	/* dictionary overrides */
	size_t			 nfields;

	struct ipfix_limits	 ipfix;
	struct enrich_limits	 enrich;

	char			*records_file;	/* decoded records as JSON lines;
						 * NULL: none */
	unsigned		 records_json;	/* RECORD_JSON_* flags: "full" 0
						 * (default), "wire" KEYS|WIRE */
	int			 log_level;	/* syslog priority; default LOG_INFO */

	/* Detection rules (rules:). Directories as written; see
	 * config_path(). NULL: none. */
	char			*rules_dir;
	char			*macros_dir;
	struct window_limits	 rule_limits;	/* defaults of nvmwatch: blocks */
	char			*rule_timezone;	/* default "UTC" */
	int			 flush_on_shutdown;	/* default 1 */

	struct config_sink	*sinks;		/* sinks:, in order */
	size_t			 nsinks;

	char			*alerts_file;	/* alerts as JSON lines; NULL:
						 * none */

	/* The control socket (control:); see nvmwatchd(8). */
	char			*control_path;	/* absolute; NULL: none (the
						 * default) */
	char			*control_mode;	/* octal, "0660" */
	char			*control_group;	/* NULL: the daemon's group */
	unsigned		 control_max_clients;	/* default 16 */
	double			 control_timeout;	/* seconds a client has for
							 * its request; 10 */

	/* Prometheus exposition (metrics:). */
	char			*metrics_address;	/* loopback; NULL: off (the
							 * default) */
	unsigned		 metrics_port;		/* default 9277 */

	int			 refs;		/* config_ref(), config_free() */
};

struct config_error {
	char	file[256];
	int	line;			/* 1-based; 0 when not about a place */
	int	column;			/* 1-based */
	char	msg[512];
};

/* The defaults, as if an empty file were loaded. NULL on allocation failure. */
struct config	*config_default(void);
/*
 * Loads path. Returns a new config, or NULL with err filled (a file that
 * cannot be read, YAML syntax, unknown key, bad value).
 */
struct config	*config_load(const char *path, struct config_error *err);
/* The same from a string; name appears in errors as the file. */
struct config	*config_load_string(const char *text, size_t len,
		    const char *name, struct config_error *err);
/*
 * Drops a reference: the last one frees. A config is loaded with one;
 * config_ref() adds one, for a part of the daemon (listeners, sinks)
 * that keeps borrowing a config after a reload replaced it.
 */
void		 config_free(struct config *);
struct config	*config_ref(struct config *);
/*
 * 1 when a and b have the same effective settings in every top-level
 * section named (NULL-terminated: "listen", "sinks", ...), compared in
 * their canonical dump; 0 otherwise. A reload reopens only what changed.
 */
int		 config_same(const struct config *a, const struct config *b,
		    const char *const *sections);
/* 1 when two sinks: entries have the same effective settings (their
 * canonical dump), name included; 0 otherwise. */
int		 config_sink_same(const struct config_sink *a,
		    const struct config_sink *b);
/*
 * Applies the field overrides to dict. Returns 0, or -1 with err naming the
 * line of the offending entry.
 */
int		 config_apply_fields(const struct config *, struct field_dict *,
		    struct config_error *err);
/*
 * Appends the config to b in canonical form: every key of every section in
 * table order with its effective value (sizes and durations with the
 * largest exact suffix). The dump is itself a valid config file that loads
 * to the same config: a configuration check can print it, and the golden
 * tests compare it.
 */
void		 config_dump(const struct config *, struct buf *b);
/*
 * path as the config names it, made absolute against the directory of the
 * config file when relative (rules and macros travel with their config).
 * NULL when path is NULL or out of memory. Caller frees.
 */
char		*config_path(const struct config *, const char *path);

#endif
