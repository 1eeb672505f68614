/*
 * config.c - the YAML configuration file; see config.h and nvmwatch.yaml(5).
 *
 * The file is loaded into a libyaml document (yamldoc.c, shared with the
 * rule loader) and walked against tables. config_sections is the top
 * level: each entry is a key with a type, an offset into struct config and
 * a range, or a sub-table (a section that is a mapping), or a parse/dump
 * handler pair (a section that is a list). Adding a section is adding a
 * table and one line here.
 * List entries are mappings read with the same machinery into a scratch
 * struct, then checked as a whole.
 *
 * The first error stops the load. It carries the file, the 1-based line and
 * column of the offending key or value (libyaml's marks) and a message that
 * starts with the key's path: "udp.batch: 0 is out of range 1..1024".
 *
 * A key whose value is empty (`udp:` with every sub-key commented out) or ~
 * counts as absent, for sections; for scalars it is an error unless the
 * key allows "none" (records.file).
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "alert_fmt.h"
#include "buf.h"
#include "cidr.h"
#include "config.h"
#include "record.h"
#include "row_cmd.h"
#include "yamldoc.h"

#define CONFIG_MAX_BYTES	(1024 * 1024)	/* a config file larger is an error */
#define CONFIG_MAX_KEYS		32		/* keys per table */
#define CONFIG_PATH_MAX		128
#define CONFIG_NAME_MAX		64		/* new field names */
#define CONFIG_SINK_NAME_MAX	64		/* sink names */
#define CONFIG_SINKS_MAX	64U		/* sinks: entries */

#define KIB	1024ULL
#define MIB	(1024ULL * KIB)
#define GIB	(1024ULL * MIB)
#define MINUTE	60ULL
#define HOUR	(60ULL * MINUTE)
#define DAY	(24ULL * HOUR)

enum config_type {
	CONFIG_T_UINT,		/* unsigned: a decimal number */
	CONFIG_T_COUNT,		/* size_t: a decimal number */
	CONFIG_T_SIZE,		/* size_t: bytes, or a number with k, M, G */
	CONFIG_T_DURATION,	/* double: seconds, or a number with s, m, h, d */
	CONFIG_T_STRING,	/* char *, owned by the struct */
	CONFIG_T_ENUM,		/* int (or unsigned): one of names */
	CONFIG_T_MAP,		/* a mapping of keys, same base struct */
	CONFIG_T_CUSTOM,	/* parse and dump handlers */
};

/* Key flags. */
#define CONFIG_REQUIRED	0x01	/* must be present */
#define CONFIG_NONE	0x02	/* a string that may be ~ (stored as NULL) */

struct config_name {
	const char	*name;
	int		 value;
};

typedef int	config_parse_fn(struct yamldoc *, yaml_node_t *,
		    const char *path, void *base);
typedef void	config_dump_fn(const void *base, int indent, struct buf *);

struct config_key {
	const char			*name;
	enum config_type		 type;
	size_t				 off;	/* into the base struct */
	uint64_t			 min, max;
	unsigned			 flags;
	const struct config_name	*names;	/* CONFIG_T_ENUM */
	const struct config_key		*keys;	/* CONFIG_T_MAP */
	config_parse_fn			*parse;	/* CONFIG_T_CUSTOM */
	config_dump_fn			*dump;
	/* CONFIG_T_STRING: a further check; 0, or -1 with err filled. */
	int				(*check)(const char *, char *err,
					    size_t errsize);
};

/* A listen entry before it becomes a struct config_listener. */
struct config_listen_item {
	int		 proto;
	int		 format;
	char		*address;
	unsigned	 port;		/* 0: the format's default */
};

/* A fields entry before it becomes a struct config_field_map. */
struct config_field_item {
	char	*element;
	char	*name;
	char	*type;
};

/* A sinks entry before it becomes a struct config_sink. */
struct config_sink_item {
	char		*name;
	int		 type;
	char		*format;
	char		*path;
	int		 fsync;
	int		 transport;
	char		*address;
	unsigned	 port;
	int		 protocol;
	int		 framing;
	size_t		 max_message;
	char		*hostname;
	unsigned	 facility;
	unsigned	 severity;
	unsigned	 enterprise;
	double		 reconnect_max;
	char		*tls_ca_file;
	char		*tls_cert_file;
	char		*tls_key_file;
	char		*tls_peer_name;
	size_t		 queue;
	int		 policy;
	double		 drain_timeout;
};

/* A sink's transport: config_proto, and tls on top of tcp. */
#define SINK_TRANSPORT_TLS	2

static int	config_parse_doc(struct yamldoc *, struct config *);
static int	config_map(struct yamldoc *, yaml_node_t *, const char *,
		    const struct config_key *, void *, yaml_node_t **);
static int	config_key_find(struct yamldoc *, const yaml_node_t *,
		    const char *, const struct config_key *);
static int	config_required(struct yamldoc *, const yaml_node_t *,
		    const char *, const struct config_key *, yaml_node_t **);
static int	config_value(struct yamldoc *, yaml_node_t *,
		    const char *, const struct config_key *, void *);
static int	config_numeric(struct yamldoc *, const yaml_node_t *,
		    const char *, const struct config_key *, void *);
static int	config_string(struct yamldoc *, const yaml_node_t *,
		    const char *, const struct config_key *, void *);
static int	config_printable(const char *, size_t);
static int	config_enum(struct yamldoc *, const yaml_node_t *,
		    const char *, const struct config_key *, void *);
static const struct yamldoc_suffix *config_suffixes(enum config_type);
static void	config_format(enum config_type, uint64_t, char *, size_t);
/*
 * A list section (listen:, fields:, sinks:): a sequence of mappings read
 * into an array of items of size bytes. item() fills items[i] from its
 * node (items[0..i-1] are there, for duplicate checks); free() frees an
 * array of n items, filled or zeroed.
 */
struct config_list {
	size_t		  size;
	size_t		  max;		/* entries; 0: no limit */
	const char	 *what;		/* "sinks", for "more than N sinks" */
	const char	 *empty;	/* message for an empty list; NULL:
					   an empty list is fine */
	int		(*item)(struct yamldoc *, yaml_node_t *, const char *,
			    void *, size_t);
	void		(*free)(void *, size_t);
};

static void	config_what(const struct config_key *, char *, size_t);
static int	config_listen_parse(struct yamldoc *, yaml_node_t *,
		    const char *, void *);
static int	config_list(struct yamldoc *, yaml_node_t *, const char *,
		    const struct config_list *, void **, size_t *);
static int	config_listen_item(struct yamldoc *, yaml_node_t *,
		    const char *, void *, size_t);
static int	config_listen_dup(struct yamldoc *, const yaml_node_t *,
		    const char *, const struct config_listener *, size_t);
static void	config_listen_dump(const void *, int, struct buf *);
static int	config_allow_parse(struct yamldoc *, yaml_node_t *,
		    const char *, void *);
static void	config_allow_dump(const void *, int, struct buf *);
static int	config_fields_parse(struct yamldoc *, yaml_node_t *,
		    const char *, void *);
static int	config_field_item(struct yamldoc *, yaml_node_t *,
		    const char *, void *, size_t);
static int	config_field_check(struct yamldoc *, const char *,
		    yaml_node_t **, const struct config_field_item *,
		    struct config_field_map *);
static int	config_element(const char *, uint32_t *, uint16_t *);
static int	config_field_name(const char *);
static void	config_fields_dump(const void *, int, struct buf *);
static int	config_sinks_parse(struct yamldoc *, yaml_node_t *,
		    const char *, void *);
static int	config_sink_item(struct yamldoc *, yaml_node_t *,
		    const char *, void *, size_t);
static int	config_sink_check(struct yamldoc *, const yaml_node_t *,
		    const char *, yaml_node_t **,
		    const struct config_sink_item *);
static int	config_sink_fits(struct yamldoc *, const char *,
		    yaml_node_t **, const struct config_sink_item *);
static int	config_sink_name(const char *);
static int	config_sink_dup(struct yamldoc *, const yaml_node_t *,
		    const char *, const struct config_sink *, size_t);
static int	config_sink_move(struct yamldoc *, const yaml_node_t *,
		    const char *, struct config_sink_item *,
		    struct config_sink *);
static void	config_sinks_dump(const void *, int, struct buf *);
static void	config_sink_dump(const struct config_sink *, int,
		    struct buf *);
static void	config_dump_map(const void *, const struct config_key *, int,
		    struct buf *);
static void	config_dump_value(const void *, const struct config_key *,
		    int, struct buf *);
static void	config_listeners_free(void *, size_t);
static void	config_fields_free(void *, size_t);
static void	config_sinks_free(void *, size_t);
static int	config_listen_default(struct config *);
static int	config_dumps_same(struct buf *, struct buf *);

#define CFG(f)	offsetof(struct config, f)

static const struct config_name config_protos[] = {
	{ "udp", CONFIG_IPFIX_UDP },
	{ "tcp", CONFIG_IPFIX_TCP },
	{ NULL, 0 }
};

static const struct config_name config_listen_formats[] = {
	{ "ipfix", CONFIG_FORMAT_IPFIX },
	{ "syslog", CONFIG_FORMAT_SYSLOG },
	{ NULL, 0 }
};

static const struct config_name config_formats[] = {
	{ "full", 0 },
	{ "wire", RECORD_JSON_KEYS | RECORD_JSON_WIRE },
	{ NULL, 0 }
};

static const struct config_name config_levels[] = {
	{ "debug", LOG_DEBUG },
	{ "info", LOG_INFO },
	{ "notice", LOG_NOTICE },
	{ "warning", LOG_WARNING },
	{ "err", LOG_ERR },
	{ NULL, 0 }
};

static const struct yamldoc_suffix config_size_suffixes[] = {
	{ 'G', GIB }, { 'M', MIB }, { 'k', KIB }, { 'K', KIB }, { 0, 1 }
};

static const struct yamldoc_suffix config_duration_suffixes[] = {
	{ 'd', DAY }, { 'h', HOUR }, { 'm', MINUTE }, { 's', 1 }, { 0, 1 }
};

static const struct yamldoc_suffix config_no_suffixes[] = {
	{ 0, 1 }
};

static const struct config_key config_udp_keys[] = {
	{ .name = "receive_buffer", .type = CONFIG_T_SIZE,
	    .off = CFG(udp_rcvbuf), .min = 4 * KIB, .max = GIB },
	{ .name = "batch", .type = CONFIG_T_UINT, .off = CFG(udp_batch),
	    .min = 1, .max = 1024 },
	{ .name = NULL }
};

static const struct config_key config_tcp_keys[] = {
	{ .name = "max_connections", .type = CONFIG_T_UINT,
	    .off = CFG(tcp_max_connections), .min = 1, .max = 65536 },
	{ .name = "idle_timeout", .type = CONFIG_T_DURATION,
	    .off = CFG(tcp_idle_timeout), .min = 1, .max = 7 * DAY },
	{ .name = NULL }
};

static const struct config_key config_sessions_keys[] = {
	{ .name = "max", .type = CONFIG_T_UINT, .off = CFG(max_sessions),
	    .min = 1, .max = 1048576 },
	{ .name = "idle_timeout", .type = CONFIG_T_DURATION,
	    .off = CFG(session_idle_timeout), .min = 1, .max = 7 * DAY },
	{ .name = "max_domains", .type = CONFIG_T_UINT,
	    .off = CFG(ipfix.max_domains), .min = 1, .max = 65536 },
	{ .name = NULL }
};

static const struct config_key config_limits_keys[] = {
	{ .name = "record_bytes", .type = CONFIG_T_SIZE,
	    .off = CFG(ipfix.record_bytes), .min = 4 * KIB, .max = 256 * MIB },
	{ .name = "unknown_elements", .type = CONFIG_T_UINT,
	    .off = CFG(ipfix.max_unknown_elements), .min = 1, .max = 65536 },
	{ .name = NULL }
};

static const struct config_key config_enrich_keys[] = {
	{ .name = "max_endpoints", .type = CONFIG_T_COUNT,
	    .off = CFG(enrich.max_endpoints), .min = 1, .max = 16 * MIB },
	{ .name = "max_interfaces", .type = CONFIG_T_COUNT,
	    .off = CFG(enrich.max_interfaces), .min = 1, .max = 16 * MIB },
	{ .name = "max_processes", .type = CONFIG_T_COUNT,
	    .off = CFG(enrich.max_processes), .min = 1, .max = 16 * MIB },
	{ .name = "max_age", .type = CONFIG_T_DURATION,
	    .off = CFG(enrich.max_age), .min = 1, .max = 30 * DAY },
	{ .name = NULL }
};

static const struct config_key config_records_keys[] = {
	{ .name = "file", .type = CONFIG_T_STRING, .off = CFG(records_file),
	    .flags = CONFIG_NONE },
	{ .name = "format", .type = CONFIG_T_ENUM, .off = CFG(records_json),
	    .names = config_formats },
	{ .name = NULL }
};

static const struct config_name config_emits[] = {
	{ "close", WINDOW_EMIT_CLOSE },
	{ "first", WINDOW_EMIT_FIRST },
	{ "both", WINDOW_EMIT_BOTH },
	{ NULL, 0 }
};

static const struct config_name config_bools[] = {
	{ "yes", 1 },
	{ "no", 0 },
	{ "true", 1 },
	{ "false", 0 },
	{ NULL, 0 }
};

static int	config_timezone(const char *, char *, size_t);

static const struct config_key config_rules_keys[] = {
	{ .name = "directory", .type = CONFIG_T_STRING, .off = CFG(rules_dir),
	    .flags = CONFIG_NONE },
	{ .name = "macros", .type = CONFIG_T_STRING, .off = CFG(macros_dir),
	    .flags = CONFIG_NONE },
	{ .name = "flush_on_shutdown", .type = CONFIG_T_ENUM,
	    .off = CFG(flush_on_shutdown), .names = config_bools },
	{ .name = "window", .type = CONFIG_T_DURATION,
	    .off = CFG(rule_limits.window), .min = 1, .max = 30 * DAY },
	{ .name = "lateness", .type = CONFIG_T_DURATION,
	    .off = CFG(rule_limits.lateness), .min = 0, .max = 30 * DAY },
	{ .name = "emit", .type = CONFIG_T_ENUM, .off = CFG(rule_limits.emit),
	    .names = config_emits },
	{ .name = "timezone", .type = CONFIG_T_STRING,
	    .off = CFG(rule_timezone), .check = config_timezone },
	{ .name = "max_groups", .type = CONFIG_T_COUNT,
	    .off = CFG(rule_limits.max_groups), .min = 1, .max = 16 * MIB },
	{ .name = "max_values", .type = CONFIG_T_COUNT,
	    .off = CFG(rule_limits.max_values), .min = 1, .max = MIB },
	{ .name = "max_value_bytes", .type = CONFIG_T_SIZE,
	    .off = CFG(rule_limits.max_value_bytes), .min = 1, .max = MIB },
	{ .name = "max_split", .type = CONFIG_T_COUNT,
	    .off = CFG(rule_limits.max_split), .min = 1, .max = MIB },
	{ .name = "max_bytes", .type = CONFIG_T_SIZE,
	    .off = CFG(rule_limits.max_bytes), .min = 1, .max = 64 * GIB },
	{ .name = "max_future", .type = CONFIG_T_DURATION,
	    .off = CFG(rule_limits.max_future), .min = 0, .max = 30 * DAY },
	{ .name = NULL }
};

static const struct config_key config_alerts_keys[] = {
	{ .name = "file", .type = CONFIG_T_STRING, .off = CFG(alerts_file),
	    .flags = CONFIG_NONE },
	{ .name = NULL }
};

static int	config_control_path(const char *, char *, size_t);
static int	config_mode(const char *, char *, size_t);
static int	config_loopback(const char *, char *, size_t);

static const struct config_key config_control_keys[] = {
	{ .name = "path", .type = CONFIG_T_STRING, .off = CFG(control_path),
	    .flags = CONFIG_NONE, .check = config_control_path },
	{ .name = "mode", .type = CONFIG_T_STRING, .off = CFG(control_mode),
	    .check = config_mode },
	{ .name = "group", .type = CONFIG_T_STRING, .off = CFG(control_group),
	    .flags = CONFIG_NONE },
	{ .name = "max_clients", .type = CONFIG_T_UINT,
	    .off = CFG(control_max_clients), .min = 1, .max = 1024 },
	{ .name = "timeout", .type = CONFIG_T_DURATION,
	    .off = CFG(control_timeout), .min = 1, .max = HOUR },
	{ .name = NULL }
};

static const struct config_key config_metrics_keys[] = {
	{ .name = "address", .type = CONFIG_T_STRING,
	    .off = CFG(metrics_address), .flags = CONFIG_NONE,
	    .check = config_loopback },
	{ .name = "port", .type = CONFIG_T_UINT, .off = CFG(metrics_port),
	    .min = 1, .max = 65535 },
	{ .name = NULL }
};

static const struct config_key config_log_keys[] = {
	{ .name = "level", .type = CONFIG_T_ENUM, .off = CFG(log_level),
	    .names = config_levels },
	{ .name = NULL }
};

/* The top level, in dump order. */
static const struct config_key config_sections[] = {
	{ .name = "listen", .type = CONFIG_T_CUSTOM,
	    .parse = config_listen_parse, .dump = config_listen_dump },
	{ .name = "allow", .type = CONFIG_T_CUSTOM,
	    .parse = config_allow_parse, .dump = config_allow_dump },
	{ .name = "udp", .type = CONFIG_T_MAP, .keys = config_udp_keys },
	{ .name = "tcp", .type = CONFIG_T_MAP, .keys = config_tcp_keys },
	{ .name = "sessions", .type = CONFIG_T_MAP,
	    .keys = config_sessions_keys },
	{ .name = "limits", .type = CONFIG_T_MAP, .keys = config_limits_keys },
	{ .name = "enrich", .type = CONFIG_T_MAP, .keys = config_enrich_keys },
	{ .name = "fields", .type = CONFIG_T_CUSTOM,
	    .parse = config_fields_parse, .dump = config_fields_dump },
	{ .name = "records", .type = CONFIG_T_MAP,
	    .keys = config_records_keys },
	{ .name = "rules", .type = CONFIG_T_MAP, .keys = config_rules_keys },
	{ .name = "sinks", .type = CONFIG_T_CUSTOM,
	    .parse = config_sinks_parse, .dump = config_sinks_dump },
	{ .name = "alerts", .type = CONFIG_T_MAP, .keys = config_alerts_keys },
	{ .name = "log", .type = CONFIG_T_MAP, .keys = config_log_keys },
	{ .name = "control", .type = CONFIG_T_MAP,
	    .keys = config_control_keys },
	{ .name = "metrics", .type = CONFIG_T_MAP,
	    .keys = config_metrics_keys },
	{ .name = NULL }
};

#define ITEM(s, f)	offsetof(struct s, f)

static const struct config_key config_listen_keys[] = {
	{ .name = "proto", .type = CONFIG_T_ENUM,
	    .off = ITEM(config_listen_item, proto), .names = config_protos,
	    .flags = CONFIG_REQUIRED },
	{ .name = "format", .type = CONFIG_T_ENUM,
	    .off = ITEM(config_listen_item, format),
	    .names = config_listen_formats },
	{ .name = "address", .type = CONFIG_T_STRING,
	    .off = ITEM(config_listen_item, address) },
	{ .name = "port", .type = CONFIG_T_UINT,
	    .off = ITEM(config_listen_item, port), .min = 1, .max = 65535 },
	{ .name = NULL }
};

enum { LISTEN_PROTO, LISTEN_FORMAT, LISTEN_ADDRESS, LISTEN_PORT };

static const struct config_key config_field_keys[] = {
	{ .name = "element", .type = CONFIG_T_STRING,
	    .off = ITEM(config_field_item, element), .flags = CONFIG_REQUIRED },
	{ .name = "name", .type = CONFIG_T_STRING,
	    .off = ITEM(config_field_item, name), .flags = CONFIG_REQUIRED },
	{ .name = "type", .type = CONFIG_T_STRING,
	    .off = ITEM(config_field_item, type), .flags = CONFIG_REQUIRED },
	{ .name = NULL }
};

enum { FIELD_ITEM_ELEMENT, FIELD_ITEM_NAME, FIELD_ITEM_TYPE };

static const struct config_name config_sink_types[] = {
	{ "file", CONFIG_SINK_FILE },
	{ "journal", CONFIG_SINK_JOURNAL },
	{ "syslog", CONFIG_SINK_SYSLOG },
	{ "remote", CONFIG_SINK_REMOTE },
	{ NULL, 0 }
};

static const struct config_name config_sink_transports[] = {
	{ "udp", CONFIG_IPFIX_UDP },
	{ "tcp", CONFIG_IPFIX_TCP },
	{ "tls", SINK_TRANSPORT_TLS },
	{ NULL, 0 }
};

static const struct config_name config_sink_protocols[] = {
	{ "rfc5424", 0 },
	{ "rfc3164", 1 },
	{ NULL, 0 }
};

static const struct config_name config_sink_framings[] = {
	{ "octet", 1 },
	{ "lf", 0 },
	{ NULL, 0 }
};

static const struct config_name config_sink_policies[] = {
	{ "drop_oldest", CONFIG_POLICY_DROP_OLDEST },
	{ "drop_newest", CONFIG_POLICY_DROP_NEWEST },
	{ "block", CONFIG_POLICY_BLOCK },
	{ NULL, 0 }
};

#define SINK(f)	ITEM(config_sink_item, f)

/* In dump order; config_sink_keys_types says which sink types take each. */
static const struct config_key config_sink_keys[] = {
	{ .name = "name", .type = CONFIG_T_STRING, .off = SINK(name),
	    .flags = CONFIG_REQUIRED },
	{ .name = "type", .type = CONFIG_T_ENUM, .off = SINK(type),
	    .names = config_sink_types, .flags = CONFIG_REQUIRED },
	{ .name = "format", .type = CONFIG_T_STRING, .off = SINK(format) },
	{ .name = "path", .type = CONFIG_T_STRING, .off = SINK(path) },
	{ .name = "fsync", .type = CONFIG_T_ENUM, .off = SINK(fsync),
	    .names = config_bools },
	{ .name = "transport", .type = CONFIG_T_ENUM, .off = SINK(transport),
	    .names = config_sink_transports },
	{ .name = "address", .type = CONFIG_T_STRING, .off = SINK(address) },
	{ .name = "port", .type = CONFIG_T_UINT, .off = SINK(port),
	    .min = 1, .max = 65535 },
	{ .name = "protocol", .type = CONFIG_T_ENUM, .off = SINK(protocol),
	    .names = config_sink_protocols },
	{ .name = "framing", .type = CONFIG_T_ENUM, .off = SINK(framing),
	    .names = config_sink_framings },
	{ .name = "max_message", .type = CONFIG_T_SIZE,
	    .off = SINK(max_message), .min = ALERT_SYSLOG_MIN, .max = MIB },
	{ .name = "hostname", .type = CONFIG_T_STRING, .off = SINK(hostname),
	    .flags = CONFIG_NONE },
	{ .name = "facility", .type = CONFIG_T_UINT, .off = SINK(facility),
	    .min = 0, .max = 23 },
	{ .name = "severity", .type = CONFIG_T_UINT, .off = SINK(severity),
	    .min = 0, .max = 7 },
	{ .name = "enterprise", .type = CONFIG_T_UINT,
	    .off = SINK(enterprise), .min = 1, .max = UINT32_MAX },
	{ .name = "reconnect_max", .type = CONFIG_T_DURATION,
	    .off = SINK(reconnect_max), .min = 1, .max = HOUR },
	{ .name = "tls_ca_file", .type = CONFIG_T_STRING,
	    .off = SINK(tls_ca_file) },
	{ .name = "tls_cert_file", .type = CONFIG_T_STRING,
	    .off = SINK(tls_cert_file), .flags = CONFIG_NONE },
	{ .name = "tls_key_file", .type = CONFIG_T_STRING,
	    .off = SINK(tls_key_file), .flags = CONFIG_NONE },
	{ .name = "tls_peer_name", .type = CONFIG_T_STRING,
	    .off = SINK(tls_peer_name) },
	{ .name = "queue", .type = CONFIG_T_COUNT, .off = SINK(queue),
	    .min = 1, .max = MIB },
	{ .name = "policy", .type = CONFIG_T_ENUM, .off = SINK(policy),
	    .names = config_sink_policies },
	{ .name = "drain_timeout", .type = CONFIG_T_DURATION,
	    .off = SINK(drain_timeout), .min = 0, .max = 10 * MINUTE },
	{ .name = NULL }
};

enum {
	SINK_NAME, SINK_TYPE, SINK_FORMAT, SINK_PATH, SINK_FSYNC,
	SINK_TRANSPORT, SINK_ADDRESS, SINK_PORT, SINK_PROTOCOL, SINK_FRAMING,
	SINK_MAX_MESSAGE, SINK_HOSTNAME, SINK_FACILITY, SINK_SEVERITY,
	SINK_ENTERPRISE, SINK_RECONNECT_MAX, SINK_TLS_CA_FILE,
	SINK_TLS_CERT_FILE, SINK_TLS_KEY_FILE, SINK_TLS_PEER_NAME, SINK_QUEUE,
	SINK_POLICY, SINK_DRAIN_TIMEOUT
};

#define T_FILE		(1u << CONFIG_SINK_FILE)
#define T_JOURNAL	(1u << CONFIG_SINK_JOURNAL)
#define T_SYSLOG	(1u << CONFIG_SINK_SYSLOG)
#define T_REMOTE	(1u << CONFIG_SINK_REMOTE)
#define T_ALL		(T_FILE | T_JOURNAL | T_SYSLOG | T_REMOTE)

/* The sink types that take each key of config_sink_keys. */
static const unsigned config_sink_keys_types[] = {
	[SINK_NAME] = T_ALL,
	[SINK_TYPE] = T_ALL,
	[SINK_FORMAT] = T_ALL,
	[SINK_PATH] = T_FILE,
	[SINK_FSYNC] = T_FILE,
	[SINK_TRANSPORT] = T_REMOTE,
	[SINK_ADDRESS] = T_REMOTE,
	[SINK_PORT] = T_REMOTE,
	[SINK_PROTOCOL] = T_REMOTE,
	[SINK_FRAMING] = T_REMOTE,
	[SINK_MAX_MESSAGE] = T_REMOTE,
	[SINK_HOSTNAME] = T_REMOTE,
	[SINK_FACILITY] = T_JOURNAL | T_SYSLOG | T_REMOTE,
	[SINK_SEVERITY] = T_JOURNAL | T_SYSLOG | T_REMOTE,
	[SINK_ENTERPRISE] = T_REMOTE,
	[SINK_RECONNECT_MAX] = T_REMOTE,
	[SINK_TLS_CA_FILE] = T_REMOTE,
	[SINK_TLS_CERT_FILE] = T_REMOTE,
	[SINK_TLS_KEY_FILE] = T_REMOTE,
	[SINK_TLS_PEER_NAME] = T_REMOTE,
	[SINK_QUEUE] = T_ALL,
	[SINK_POLICY] = T_ALL,
	[SINK_DRAIN_TIMEOUT] = T_ALL,
};

struct config *
config_default(void)
{
	struct config	*cfg;

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
		return NULL;
	cfg->refs = 1;
	if (config_listen_default(cfg) == -1) {
		config_free(cfg);
		return NULL;
	}
	cfg->udp_rcvbuf = 8 * MIB;
	cfg->udp_batch = 64;
	cfg->tcp_max_connections = 256;
	cfg->tcp_idle_timeout = 5 * MINUTE;
	cfg->max_sessions = 4096;
	cfg->session_idle_timeout = 30 * MINUTE;
	cfg->ipfix.record_bytes = MIB;
	cfg->ipfix.max_domains = 64;
	cfg->ipfix.max_unknown_elements = 4096;
	cfg->enrich.max_endpoints = 65536;
	cfg->enrich.max_interfaces = 262144;
	cfg->enrich.max_processes = 262144;
	cfg->enrich.max_age = DAY;
	cfg->records_json = 0;
	cfg->log_level = LOG_INFO;
	window_limits_default(&cfg->rule_limits);
	cfg->flush_on_shutdown = 1;
	cfg->control_max_clients = 16;
	cfg->control_timeout = 10;
	cfg->metrics_port = 9277;
	if ((cfg->rule_timezone = strdup("UTC")) == NULL ||
	    (cfg->control_mode = strdup("0660")) == NULL) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* UDP and TCP on every address, port 2055. */
static int
config_listen_default(struct config *cfg)
{
	size_t	i;

	if ((cfg->listeners = calloc(2, sizeof(*cfg->listeners))) == NULL)
		return -1;
	cfg->nlisteners = 2;
	for (i = 0; i < 2; i++) {
		cfg->listeners[i].proto = i ? CONFIG_IPFIX_TCP :
		    CONFIG_IPFIX_UDP;
		cfg->listeners[i].address = strdup("*");
		cfg->listeners[i].port = strdup("2055");
		if (cfg->listeners[i].address == NULL ||
		    cfg->listeners[i].port == NULL)
			return -1;
	}
	return 0;
}

struct config *
config_load(const char *path, struct config_error *err)
{
	struct yamldoc_error	 ye;
	struct config		*cfg;
	char			*text;
	size_t			 len;

	if (yamldoc_read_file(path, CONFIG_MAX_BYTES, &text, &len, &ye) == -1) {
		YAMLDOC_ERROR_COPY(err, &ye);
		return NULL;
	}
	cfg = config_load_string(text, len, path, err);
	free(text);
	return cfg;
}

struct config *
config_load_string(const char *text, size_t len, const char *name,
    struct config_error *err)
{
	struct yamldoc_error	 ye;
	struct yamldoc		*yd;
	struct config		*cfg = NULL;
	int			 r = -1;

	if ((yd = yamldoc_load(text, len, CONFIG_MAX_BYTES, name, &ye)) == NULL)
		goto fail;
	if ((cfg = config_default()) == NULL ||
	    (cfg->path = strdup(name)) == NULL)
		yamldoc_fail(yd, NULL, "out of memory");
	else
		r = config_parse_doc(yd, cfg);
	yamldoc_free(yd);
 fail:
	YAMLDOC_ERROR_COPY(err, &ye);
	if (r == -1) {
		config_free(cfg);
		cfg = NULL;
	}
	return cfg;
}

/* Walks the document into cfg; a second document is an error. */
static int
config_parse_doc(struct yamldoc *yd, struct config *cfg)
{
	yaml_node_t	*root;

	if ((root = yamldoc_root(yd)) != NULL && !yamldoc_is_null(root) &&
	    config_map(yd, root, "", config_sections, cfg, NULL) == -1)
		return -1;
	return yamldoc_end(yd);
}

/*
 * Reads mapping node against keys into base. vals (CONFIG_MAX_KEYS long,
 * or NULL) gets the value node of each key present, by table index.
 */
static int
config_map(struct yamldoc *yd, yaml_node_t *node, const char *path,
    const struct config_key *keys, void *base, yaml_node_t **vals)
{
	yaml_node_t		*seen[CONFIG_MAX_KEYS] = { NULL };
	yaml_node_t		*local[CONFIG_MAX_KEYS];
	yaml_node_pair_t	*pair;
	yaml_node_t		*k, *v;
	char			 kpath[CONFIG_PATH_MAX];
	int			 i;

	if (vals == NULL)
		vals = local;
	memset(vals, 0, CONFIG_MAX_KEYS * sizeof(*vals));
	if (node->type != YAML_MAPPING_NODE)
		return yamldoc_expected(yd, node, path[0] ? path : "top level",
		    "a mapping");
	for (pair = node->data.mapping.pairs.start;
	    pair < node->data.mapping.pairs.top; pair++) {
		k = yamldoc_node(yd, pair->key);
		v = yamldoc_node(yd, pair->value);
		if ((i = config_key_find(yd, k, path, keys)) == -1)
			return -1;
		yamldoc_join(kpath, sizeof(kpath), path, keys[i].name);
		if (seen[i] != NULL)
			return yamldoc_fail(yd, k,
			    "%s: duplicate key (first at line %d)", kpath,
			    (int)seen[i]->start_mark.line + 1);
		seen[i] = k;
		vals[i] = v;
		if (config_value(yd, v, kpath, &keys[i], base) == -1)
			return -1;
	}
	return config_required(yd, node, path, keys, vals);
}

/* The index of key node k in keys, or -1 with the error set. */
static int
config_key_find(struct yamldoc *yd, const yaml_node_t *k,
    const char *path, const struct config_key *keys)
{
	char	 kpath[CONFIG_PATH_MAX], list[256];
	size_t	 len, off = 0;
	int	 i;

	if (k->type != YAML_SCALAR_NODE)
		return yamldoc_fail(yd, k, "%s: a key must be a string",
		    path[0] ? path : "top level");
	len = k->data.scalar.length;
	for (i = 0; i < CONFIG_MAX_KEYS && keys[i].name != NULL; i++)
		if (strlen(keys[i].name) == len &&
		    memcmp(keys[i].name, k->data.scalar.value, len) == 0)
			return i;
	list[0] = '\0';
	for (i = 0; keys[i].name != NULL && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off,
		    "%s%s", i ? ", " : "", keys[i].name);
	yamldoc_key_path(kpath, sizeof(kpath), path, k);
	return yamldoc_fail(yd, k, "%s: unknown key (expected %s)", kpath,
	    list);
}

static int
config_required(struct yamldoc *yd, const yaml_node_t *node,
    const char *path, const struct config_key *keys, yaml_node_t **vals)
{
	int	i;

	for (i = 0; keys[i].name != NULL; i++)
		if ((keys[i].flags & CONFIG_REQUIRED) && vals[i] == NULL)
			return yamldoc_fail(yd, node, "%s: missing key \"%s\"",
			    path, keys[i].name);
	return 0;
}

static int
config_value(struct yamldoc *yd, yaml_node_t *v, const char *path,
    const struct config_key *key, void *base)
{
	switch (key->type) {
	case CONFIG_T_MAP:
		if (yamldoc_is_null(v))
			return 0;
		return config_map(yd, v, path, key->keys, base, NULL);
	case CONFIG_T_CUSTOM:
		if (yamldoc_is_null(v))
			return 0;
		return key->parse(yd, v, path, base);
	case CONFIG_T_STRING:
		return config_string(yd, v, path, key, base);
	case CONFIG_T_ENUM:
		return config_enum(yd, v, path, key, base);
	default:
		return config_numeric(yd, v, path, key, base);
	}
}

static int
config_numeric(struct yamldoc *yd, const yaml_node_t *v,
    const char *path, const struct config_key *key, void *base)
{
	char		 what[96], val[32], lo[32], hi[32];
	char		*dst = (char *)base + key->off;
	uint64_t	 n;

	config_what(key, what, sizeof(what));
	if (v->type != YAML_SCALAR_NODE || yamldoc_is_null(v) ||
	    yamldoc_number((const char *)v->data.scalar.value,
	    v->data.scalar.length, config_suffixes(key->type), &n) == -1)
		return yamldoc_expected(yd, v, path, what);
	if (n < key->min || n > key->max) {
		config_format(key->type, n, val, sizeof(val));
		config_format(key->type, key->min, lo, sizeof(lo));
		config_format(key->type, key->max, hi, sizeof(hi));
		return yamldoc_fail(yd, v, "%s: %s is out of range %s..%s",
		    path, val, lo, hi);
	}
	if (key->type == CONFIG_T_UINT)
		*(unsigned *)(void *)dst = (unsigned)n;
	else if (key->type == CONFIG_T_DURATION)
		*(double *)(void *)dst = (double)n;
	else
		*(size_t *)(void *)dst = (size_t)n;
	return 0;
}

static int
config_string(struct yamldoc *yd, const yaml_node_t *v,
    const char *path, const struct config_key *key, void *base)
{
	char	**dst = (char **)(void *)((char *)base + key->off);
	char	 *s, msg[160];

	if ((key->flags & CONFIG_NONE) && yamldoc_is_null(v)) {
		free(*dst);
		*dst = NULL;
		return 0;
	}
	if (v->type != YAML_SCALAR_NODE || yamldoc_is_null(v))
		return yamldoc_expected(yd, v, path, "a string");
	if (v->data.scalar.length == 0)
		return yamldoc_fail(yd, v, "%s: must not be empty", path);
	if (!config_printable((const char *)v->data.scalar.value,
	    v->data.scalar.length))
		return yamldoc_fail(yd, v, "%s: contains a control character",
		    path);
	if (key->check != NULL && key->check((const char *)
	    v->data.scalar.value, msg, sizeof(msg)) == -1)
		return yamldoc_fail(yd, v, "%s: %s", path, msg);
	if ((s = strdup((const char *)v->data.scalar.value)) == NULL)
		return yamldoc_fail(yd, v, "%s: out of memory", path);
	free(*dst);
	*dst = s;
	return 0;
}

/*
 * 0 when s (UTF-8, as libyaml checked) holds a C0 or C1 control character,
 * NUL or DEL, or U+FEFF, U+FFFE, U+FFFF: text that YAML could carry only
 * escaped, and that has no business in a path or name.
 */
static int
config_printable(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (u[i] < 0x20 || u[i] == 0x7f)
			return 0;
		if (u[i] == 0xc2 && i + 1 < len && u[i + 1] < 0xa0)
			return 0;
		if (u[i] == 0xef && i + 2 < len &&
		    ((u[i + 1] == 0xbb && u[i + 2] == 0xbf) ||
		    (u[i + 1] == 0xbf && u[i + 2] >= 0xbe)))
			return 0;
	}
	return 1;
}

/* Stores an int; unsigned fields may be written through it (C11 6.5p7). */
static int
config_enum(struct yamldoc *yd, const yaml_node_t *v, const char *path,
    const struct config_key *key, void *base)
{
	int				*dst = (int *)(void *)((char *)base +
					    key->off);
	const struct config_name	*n;
	char				 what[96];

	if (v->type == YAML_SCALAR_NODE)
		for (n = key->names; n->name != NULL; n++)
			if (strlen(n->name) == v->data.scalar.length &&
			    memcmp(n->name, v->data.scalar.value,
			    v->data.scalar.length) == 0) {
				*dst = n->value;
				return 0;
			}
	config_what(key, what, sizeof(what));
	return yamldoc_expected(yd, v, path, what);
}

static const struct yamldoc_suffix *
config_suffixes(enum config_type type)
{
	if (type == CONFIG_T_SIZE)
		return config_size_suffixes;
	if (type == CONFIG_T_DURATION)
		return config_duration_suffixes;
	return config_no_suffixes;
}

/* v as the config would write it: the largest suffix that divides it. */
static void
config_format(enum config_type type, uint64_t v,
    char *out, size_t size)
{
	const struct yamldoc_suffix	*sfx = config_suffixes(type);

	for (; sfx->c != 0; sfx++)
		if (v != 0 && v % sfx->mult == 0)
			break;
	if (sfx->c == 0 && type == CONFIG_T_DURATION)
		sfx = &config_duration_suffixes[3];
	if (sfx->c != 0)
		snprintf(out, size, "%llu%c",
		    (unsigned long long)(v / sfx->mult), sfx->c);
	else
		snprintf(out, size, "%llu", (unsigned long long)v);
}

/* What a value of key's type looks like, for messages. */
static void
config_what(const struct config_key *key, char *out, size_t size)
{
	const struct config_name	*n;
	size_t				 off;

	switch (key->type) {
	case CONFIG_T_SIZE:
		snprintf(out, size, "a size (bytes, or a number with k, M "
		    "or G)");
		break;
	case CONFIG_T_DURATION:
		snprintf(out, size, "a duration (seconds, or a number with "
		    "s, m, h or d)");
		break;
	case CONFIG_T_ENUM:
		off = (size_t)snprintf(out, size, "one of");
		for (n = key->names; n->name != NULL && off < size; n++)
			off += (size_t)snprintf(out + off, size - off, "%s %s",
			    n == key->names ? "" : ",", n->name);
		break;
	default:
		snprintf(out, size, "a number");
		break;
	}
}

/*
 * listen: a list of listeners; it replaces the default ones.
 */
static int
config_listen_parse(struct yamldoc *yd, yaml_node_t *node,
    const char *path, void *base)
{
	static const struct config_list	 list = {
		.size = sizeof(struct config_listener),
		.empty = "at least one listener is needed",
		.item = config_listen_item, .free = config_listeners_free,
	};
	struct config			*cfg = base;
	void				*a;
	size_t				 n;

	if (config_list(yd, node, path, &list, &a, &n) == -1)
		return -1;
	config_listeners_free(cfg->listeners, cfg->nlisteners);
	cfg->listeners = a;
	cfg->nlisteners = n;
	return 0;
}

/* A sequence of mappings into a new array *items of *nitems (list above). */
static int
config_list(struct yamldoc *yd, yaml_node_t *node, const char *path,
    const struct config_list *l, void **items, size_t *nitems)
{
	char	 ipath[CONFIG_PATH_MAX];
	void	*a;
	size_t	 i, n;

	if (node->type != YAML_SEQUENCE_NODE)
		return yamldoc_expected(yd, node, path, "a sequence");
	if ((n = yamldoc_nitems(node)) == 0 && l->empty != NULL)
		return yamldoc_fail(yd, node, "%s: %s", path, l->empty);
	if (l->max > 0 && n > l->max)
		return yamldoc_fail(yd, node, "%s: more than %zu %s", path,
		    l->max, l->what);
	if ((a = calloc(n ? n : 1, l->size)) == NULL)
		return yamldoc_fail(yd, node, "%s: out of memory", path);
	for (i = 0; i < n; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (l->item(yd, yamldoc_item(yd, node, i), ipath, a,
		    i) == -1) {
			l->free(a, n);
			return -1;
		}
	}
	*items = a;
	*nitems = n;
	return 0;
}

/* Entry i into items[i]; the entries before it, for duplicates. */
static int
config_listen_item(struct yamldoc *yd, yaml_node_t *node,
    const char *path, void *items, size_t i)
{
	struct config_listener		*l = (struct config_listener *)items + i;
	struct config_listen_item	 it = { 0, CONFIG_FORMAT_IPFIX, NULL, 0 };
	yaml_node_t			*vals[CONFIG_MAX_KEYS];
	unsigned char			 a[sizeof(struct in6_addr)];
	char				 apath[CONFIG_PATH_MAX];
	int				 r = -1;

	l->line = (int)node->start_mark.line + 1;
	l->column = (int)node->start_mark.column + 1;
	if (config_map(yd, node, path, config_listen_keys, &it, vals) == -1)
		goto fail;
	if (it.address != NULL && strcmp(it.address, "*") != 0 &&
	    inet_pton(AF_INET, it.address, a) != 1 &&
	    inet_pton(AF_INET6, it.address, a) != 1) {
		yamldoc_join(apath, sizeof(apath), path, "address");
		yamldoc_expected(yd, vals[LISTEN_ADDRESS], apath,
		    "a numeric IPv4 or IPv6 address or \"*\"");
		goto fail;
	}
	l->proto = it.proto == CONFIG_IPFIX_TCP ? CONFIG_IPFIX_TCP :
	    CONFIG_IPFIX_UDP;
	l->format = it.format == CONFIG_FORMAT_SYSLOG ? CONFIG_FORMAT_SYSLOG :
	    CONFIG_FORMAT_IPFIX;
	if (it.port == 0)
		it.port = l->format == CONFIG_FORMAT_SYSLOG ? 514 : 2055;
	l->address = it.address ? it.address : strdup("*");
	it.address = NULL;
	if (asprintf(&l->port, "%u", it.port) == -1)
		l->port = NULL;
	if (l->address == NULL || l->port == NULL) {
		yamldoc_fail(yd, node, "%s: out of memory", path);
		goto fail;
	}
	r = config_listen_dup(yd, node, path, items, i);
 fail:
	free(it.address);
	return r;
}

/* Two listeners for the same protocol, address and port are an error. */
static int
config_listen_dup(struct yamldoc *yd, const yaml_node_t *node,
    const char *path, const struct config_listener *ls, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (ls[i].proto == ls[n].proto &&
		    strcmp(ls[i].address, ls[n].address) == 0 &&
		    strcmp(ls[i].port, ls[n].port) == 0)
			return yamldoc_fail(yd, node,
			    "%s: the same listener as at line %d", path,
			    ls[i].line);
	return 0;
}

static void
config_listen_dump(const void *base, int indent, struct buf *b)
{
	const struct config	*cfg = base;
	size_t			 i;

	if (cfg->nlisteners == 0) {
		buf_puts(b, " []\n");
		return;
	}
	buf_putc(b, '\n');
	for (i = 0; i < cfg->nlisteners; i++) {
		buf_printf(b, "%*s  - proto: %s\n", indent, "",
		    config_protos[cfg->listeners[i].proto ==
		    CONFIG_IPFIX_TCP].name);
		buf_printf(b, "%*s    format: %s\n", indent, "",
		    config_listen_formats[cfg->listeners[i].format ==
		    CONFIG_FORMAT_SYSLOG].name);
		buf_printf(b, "%*s    address: ", indent, "");
		buf_json_string(b, cfg->listeners[i].address,
		    strlen(cfg->listeners[i].address));
		buf_printf(b, "\n%*s    port: %s\n", indent, "",
		    cfg->listeners[i].port);
	}
}

/*
 * allow: a list of prefixes. Leaving it out allows every exporter; an
 * empty list would allow none, which is never what is meant.
 */
static int
config_allow_parse(struct yamldoc *yd, yaml_node_t *node,
    const char *path, void *base)
{
	struct config	*cfg = base;
	struct cidr_set	*set;
	yaml_node_t	*v;
	char		 ipath[CONFIG_PATH_MAX];
	size_t		 i, n;

	if (node->type != YAML_SEQUENCE_NODE)
		return yamldoc_expected(yd, node, path, "a sequence");
	if ((n = yamldoc_nitems(node)) == 0)
		return yamldoc_fail(yd, node, "%s: empty list (leave the key "
		    "out to allow every exporter)", path);
	if ((set = cidr_set_new()) == NULL)
		return yamldoc_fail(yd, node, "%s: out of memory", path);
	for (i = 0; i < n; i++) {
		v = yamldoc_item(yd, node, i);
		if (v->type == YAML_SCALAR_NODE && cidr_set_add(set,
		    (const char *)v->data.scalar.value,
		    v->data.scalar.length) == 0)
			continue;
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		cidr_set_free(set);
		return yamldoc_expected(yd, v, ipath,
		    "an IPv4 or IPv6 address or prefix");
	}
	cidr_set_free(cfg->allow);
	cfg->allow = set;
	return 0;
}

static void
config_allow_dump(const void *base, int indent, struct buf *b)
{
	const struct config	*cfg = base;
	char			 text[CIDR_TEXT_MAX];
	size_t			 i;

	if (cfg->allow == NULL) {
		buf_puts(b, " ~\n");
		return;
	}
	buf_putc(b, '\n');
	for (i = 0; i < cidr_set_count(cfg->allow); i++)
		if (cidr_set_prefix(cfg->allow, i, text, sizeof(text)) == 0)
			buf_printf(b, "%*s  - \"%s\"\n", indent, "", text);
}

/*
 * fields: dictionary overrides, checked here as far as they can be without
 * a dictionary; config_apply_fields() does the rest.
 */
static int
config_fields_parse(struct yamldoc *yd, yaml_node_t *node,
    const char *path, void *base)
{
	static const struct config_list	 list = {
		.size = sizeof(struct config_field_map),
		.item = config_field_item, .free = config_fields_free,
	};
	struct config			*cfg = base;
	void				*a;
	size_t				 n;

	if (config_list(yd, node, path, &list, &a, &n) == -1)
		return -1;
	config_fields_free(cfg->fields, cfg->nfields);
	cfg->fields = a;
	cfg->nfields = n;
	return 0;
}

static int
config_field_item(struct yamldoc *yd, yaml_node_t *node,
    const char *path, void *items, size_t i)
{
	struct config_field_map		*fm = (struct config_field_map *)items +
					    i;
	struct config_field_item	 it = { NULL, NULL, NULL };
	yaml_node_t			*vals[CONFIG_MAX_KEYS];
	int				 r = -1;

	fm->line = (int)node->start_mark.line + 1;
	fm->column = (int)node->start_mark.column + 1;
	if (config_map(yd, node, path, config_field_keys, &it, vals) == 0 &&
	    config_field_check(yd, path, vals, &it, fm) == 0)
		r = 0;
	free(it.element);
	free(it.name);
	free(it.type);
	return r;
}

static int
config_field_check(struct yamldoc *yd, const char *path,
    yaml_node_t **vals, const struct config_field_item *it,
    struct config_field_map *fm)
{
	char	kpath[CONFIG_PATH_MAX], what[160];
	size_t	off;
	int	t;

	yamldoc_join(kpath, sizeof(kpath), path, "element");
	if (config_element(it->element, &fm->pen, &fm->id) == -1)
		return yamldoc_expected(yd, vals[FIELD_ITEM_ELEMENT], kpath,
		    "an element id (enterprise.id or id, id 1..32767)");
	yamldoc_join(kpath, sizeof(kpath), path, "name");
	if (config_field_name(it->name) == -1)
		return yamldoc_expected(yd, vals[FIELD_ITEM_NAME], kpath,
		    "a field name (letters, digits and _, at most 63)");
	yamldoc_join(kpath, sizeof(kpath), path, "type");
	if ((t = field_type_parse(it->type)) == -1) {
		off = (size_t)snprintf(what, sizeof(what), "one of");
		for (t = 0; t <= FIELD_HEX_LIST && off < sizeof(what); t++)
			off += (size_t)snprintf(what + off, sizeof(what) - off,
			    "%s %s", t ? "," : "", field_type_name(t));
		return yamldoc_expected(yd, vals[FIELD_ITEM_TYPE], kpath, what);
	}
	fm->type = (enum field_type)t;
	if ((fm->name = strdup(it->name)) == NULL)
		return yamldoc_fail(yd, vals[FIELD_ITEM_NAME], "%s: out of "
		    "memory", kpath);
	return 0;
}

/* "pen.id" or "id" (IANA); id 1..32767, the enterprise bit is not part. */
static int
config_element(const char *s, uint32_t *pen, uint16_t *id)
{
	const char	*dot;
	uint64_t	 p = 0, i;

	if ((dot = strchr(s, '.')) != NULL &&
	    (yamldoc_number(s, (size_t)(dot - s), NULL, &p) ==
	    -1 || p > UINT32_MAX))
		return -1;
	s = dot ? dot + 1 : s;
	if (yamldoc_number(s, strlen(s), NULL, &i) == -1 ||
	    i < 1 || i > 32767)
		return -1;
	*pen = (uint32_t)p;
	*id = (uint16_t)i;
	return 0;
}

/* A name a rule can use: [A-Za-z_][A-Za-z0-9_]*, at most 63 bytes. */
static int
config_field_name(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (i > 0 && s[i] >= '0' && s[i] <= '9')))
			return -1;
	return i > 0 && i < CONFIG_NAME_MAX ? 0 : -1;
}

static void
config_fields_dump(const void *base, int indent, struct buf *b)
{
	const struct config	*cfg = base;
	const struct config_field_map	*fm;
	size_t			 i;

	if (cfg->nfields == 0) {
		buf_puts(b, " []\n");
		return;
	}
	buf_putc(b, '\n');
	for (i = 0; i < cfg->nfields; i++) {
		fm = &cfg->fields[i];
		if (fm->pen != 0)
			buf_printf(b, "%*s  - element: \"%u.%u\"\n", indent,
			    "", fm->pen, fm->id);
		else
			buf_printf(b, "%*s  - element: \"%u\"\n", indent, "",
			    fm->id);
		buf_printf(b, "%*s    name: ", indent, "");
		buf_json_string(b, fm->name, strlen(fm->name));
		buf_printf(b, "\n%*s    type: %s\n", indent, "",
		    field_type_name(fm->type));
	}
}

/*
 * sinks: where alerts go, each with its own format and queue. Leaving it
 * out keeps alerts.file; an empty list would send alerts nowhere.
 */
static int
config_sinks_parse(struct yamldoc *yd, yaml_node_t *node,
    const char *path, void *base)
{
	static const struct config_list	 list = {
		.size = sizeof(struct config_sink), .max = CONFIG_SINKS_MAX,
		.what = "sinks",
		.empty = "empty list (leave the key out to write alerts to "
		    "alerts.file)",
		.item = config_sink_item, .free = config_sinks_free,
	};
	struct config			*cfg = base;
	void				*a;
	size_t				 n;

	if (config_list(yd, node, path, &list, &a, &n) == -1)
		return -1;
	config_sinks_free(cfg->sinks, cfg->nsinks);
	cfg->sinks = a;
	cfg->nsinks = n;
	return 0;
}

/* Entry i into ss[i]; ss[0..i-1] are the entries before, for names. */
static int
config_sink_item(struct yamldoc *yd, yaml_node_t *node, const char *path,
    void *items, size_t i)
{
	struct config_sink		*ss = items;
	struct config_sink_item	 it = {
		.type = CONFIG_SINK_FILE, .transport = CONFIG_IPFIX_UDP,
		.framing = 1, .facility = 13, .severity = 4,
		.enterprise = ALERT_ENTERPRISE_DEFAULT, .reconnect_max = 60,
		.queue = 10000, .policy = CONFIG_POLICY_DROP_OLDEST,
		.drain_timeout = 5,
	};
	yaml_node_t		*vals[CONFIG_MAX_KEYS];
	int			 r = -1;

	ss[i].line = (int)node->start_mark.line + 1;
	ss[i].column = (int)node->start_mark.column + 1;
	if (config_map(yd, node, path, config_sink_keys, &it, vals) == 0 &&
	    config_sink_check(yd, node, path, vals, &it) == 0 &&
	    config_sink_move(yd, node, path, &it, &ss[i]) == 0 &&
	    config_sink_dup(yd, vals[SINK_NAME], path, ss, i) == 0)
		r = 0;
	free(it.name);
	free(it.format);
	free(it.path);
	free(it.address);
	free(it.hostname);
	free(it.tls_ca_file);
	free(it.tls_cert_file);
	free(it.tls_key_file);
	free(it.tls_peer_name);
	return r;
}

/* What config_map() cannot see: names, formats, keys and the type. */
static int
config_sink_check(struct yamldoc *yd, const yaml_node_t *node,
    const char *path, yaml_node_t **vals, const struct config_sink_item *it)
{
	enum alert_format	 fmt;
	char			 kpath[CONFIG_PATH_MAX];

	yamldoc_join(kpath, sizeof(kpath), path, "name");
	if (config_sink_name(it->name) == -1)
		return yamldoc_expected(yd, vals[SINK_NAME], kpath, "a sink "
		    "name (letters, digits, _, . and -, at most 64)");
	yamldoc_join(kpath, sizeof(kpath), path, "format");
	if (it->format != NULL && alert_format_parse(it->format, &fmt) == -1)
		return yamldoc_expected(yd, vals[SINK_FORMAT], kpath,
		    "one of json, cef, leef, kv");
	if (config_sink_fits(yd, path, vals, it) == -1)
		return -1;
	if (it->type == CONFIG_SINK_FILE && it->path == NULL)
		return yamldoc_fail(yd, node, "%s: missing key \"path\" (a "
		    "file sink needs one)", path);
	if (it->type == CONFIG_SINK_REMOTE && it->address == NULL)
		return yamldoc_fail(yd, node, "%s: missing key \"address\" (a "
		    "remote sink needs one)", path);
	if (it->transport == SINK_TRANSPORT_TLS && it->tls_ca_file == NULL)
		return yamldoc_fail(yd, node, "%s: missing key \"tls_ca_file\" "
		    "(transport tls needs one)", path);
	if ((it->tls_cert_file == NULL) != (it->tls_key_file == NULL))
		return yamldoc_fail(yd, node, "%s: tls_cert_file and "
		    "tls_key_file go together", path);
	return 0;
}

/* Keys that the sink's type, or its transport, does not take. */
static int
config_sink_fits(struct yamldoc *yd, const char *path, yaml_node_t **vals,
    const struct config_sink_item *it)
{
	const struct config_name	*t;
	char				 kpath[CONFIG_PATH_MAX], types[64];
	size_t				 i, off, n;

	for (i = 0; config_sink_keys[i].name != NULL; i++) {
		if (vals[i] == NULL ||
		    (config_sink_keys_types[i] & (1u << it->type)))
			continue;
		types[0] = '\0';
		for (t = config_sink_types, off = 0, n = 0; t->name != NULL;
		    t++)
			if (config_sink_keys_types[i] & (1u << t->value))
				off += (size_t)snprintf(types + off,
				    sizeof(types) - off, "%s%s",
				    n++ ? ", " : "", t->name);
		yamldoc_join(kpath, sizeof(kpath), path,
		    config_sink_keys[i].name);
		return yamldoc_fail(yd, vals[i], "%s: only for type%s %s",
		    kpath, n > 1 ? "s" : "", types);
	}
	yamldoc_join(kpath, sizeof(kpath), path, "framing");
	if (vals[SINK_FRAMING] != NULL && it->transport == CONFIG_IPFIX_UDP)
		return yamldoc_fail(yd, vals[SINK_FRAMING], "%s: only for "
		    "transports tcp, tls", kpath);
	for (i = SINK_TLS_CA_FILE; i <= SINK_TLS_PEER_NAME; i++) {
		if (vals[i] == NULL || it->transport == SINK_TRANSPORT_TLS)
			continue;
		yamldoc_join(kpath, sizeof(kpath), path,
		    config_sink_keys[i].name);
		return yamldoc_fail(yd, vals[i], "%s: only for transport tls",
		    kpath);
	}
	yamldoc_join(kpath, sizeof(kpath), path, "policy");
	if (it->policy == CONFIG_POLICY_BLOCK && it->type != CONFIG_SINK_FILE)
		return yamldoc_fail(yd, vals[SINK_POLICY], "%s: block is only "
		    "for type file (a slow receiver must not stall "
		    "detection)", kpath);
	return 0;
}

/* A name rules can route by: [A-Za-z0-9_.-]+, at most 64 bytes. */
static int
config_sink_name(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return -1;
	return i > 0 && i <= CONFIG_SINK_NAME_MAX ? 0 : -1;
}

static int
config_sink_dup(struct yamldoc *yd, const yaml_node_t *v, const char *path,
    const struct config_sink *ss, size_t n)
{
	char	kpath[CONFIG_PATH_MAX];
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(ss[i].name, ss[n].name) == 0) {
			yamldoc_join(kpath, sizeof(kpath), path, "name");
			return yamldoc_fail(yd, v, "%s: \"%s\" is also the "
			    "name of sinks[%zu] (line %d)", kpath, ss[n].name,
			    i, ss[i].line);
		}
	return 0;
}

/* The checked item into s; its strings change hands. */
static int
config_sink_move(struct yamldoc *yd, const yaml_node_t *node,
    const char *path, struct config_sink_item *it, struct config_sink *s)
{
	enum alert_format	fmt = ALERT_JSON;

	if (it->format != NULL)
		(void)alert_format_parse(it->format, &fmt);
	s->name = it->name;
	s->path = it->path;
	s->address = it->address;
	s->hostname = it->hostname;
	s->tls_ca_file = it->tls_ca_file;
	s->tls_cert_file = it->tls_cert_file;
	s->tls_key_file = it->tls_key_file;
	s->tls_peer_name = it->tls_peer_name;
	it->name = it->path = it->address = it->hostname = NULL;
	it->tls_ca_file = it->tls_cert_file = it->tls_key_file = NULL;
	it->tls_peer_name = NULL;
	s->type = (enum config_sink_type)it->type;
	s->format = (int)fmt;
	s->fsync = it->fsync;
	s->transport = it->transport == CONFIG_IPFIX_UDP ? CONFIG_IPFIX_UDP :
	    CONFIG_IPFIX_TCP;
	s->tls = it->transport == SINK_TRANSPORT_TLS;
	s->rfc3164 = it->protocol;
	s->octet_counting = it->framing;
	s->max_message = it->max_message;
	s->facility = it->facility;
	s->severity = it->severity;
	s->enterprise = (uint32_t)it->enterprise;
	s->reconnect_max = it->reconnect_max;
	s->queue = it->queue;
	s->policy = (enum config_sink_policy)it->policy;
	s->drain_timeout = it->drain_timeout;
	if (s->type == CONFIG_SINK_REMOTE &&
	    asprintf(&s->port, "%u", it->port ? it->port : s->tls ? 6514 :
	    514) == -1) {
		s->port = NULL;
		return yamldoc_fail(yd, node, "%s: out of memory", path);
	}
	return 0;
}

static void
config_sinks_dump(const void *base, int indent, struct buf *b)
{
	const struct config	*cfg = base;
	size_t			 i;

	if (cfg->nsinks == 0) {
		buf_puts(b, " ~\n");
		return;
	}
	buf_putc(b, '\n');
	for (i = 0; i < cfg->nsinks; i++)
		config_sink_dump(&cfg->sinks[i], indent, b);
}

/* Every key the sink's type takes, with its effective value. */
static void
config_sink_dump(const struct config_sink *s, int indent, struct buf *b)
{
	struct config_sink_item	 it = {
		.name = s->name, .type = (int)s->type, .path = s->path,
		.fsync = s->fsync, .transport = (int)s->transport,
		.address = s->address, .protocol = s->rfc3164,
		.framing = s->octet_counting, .max_message = s->max_message,
		.hostname = s->hostname, .facility = s->facility,
		.severity = s->severity, .enterprise = s->enterprise,
		.reconnect_max = s->reconnect_max,
		.tls_ca_file = s->tls_ca_file, .tls_cert_file = s->tls_cert_file,
		.tls_key_file = s->tls_key_file,
		.tls_peer_name = s->tls_peer_name ? s->tls_peer_name :
		    s->address,
		.queue = s->queue,
		.policy = (int)s->policy, .drain_timeout = s->drain_timeout,
	};
	size_t			 i, n = 0;

	if (s->port != NULL)
		it.port = (unsigned)strtoul(s->port, NULL, 10);
	if (s->tls)
		it.transport = SINK_TRANSPORT_TLS;
	if (it.max_message == 0)
		it.max_message = s->rfc3164 ? 1024 :
		    s->transport == CONFIG_IPFIX_TCP ? 65536 : 2048;
	for (i = 0; config_sink_keys[i].name != NULL; i++) {
		if (!(config_sink_keys_types[i] & (1u << s->type)) ||
		    (i == SINK_FRAMING && s->transport != CONFIG_IPFIX_TCP) ||
		    (i >= SINK_TLS_CA_FILE && i <= SINK_TLS_PEER_NAME &&
		    !s->tls))
			continue;
		buf_printf(b, "%*s  %s%s:", indent, "", n++ ? "  " : "- ",
		    config_sink_keys[i].name);
		if (i == SINK_FORMAT)
			buf_printf(b, " %s\n",
			    alert_format_name((enum alert_format)s->format));
		else
			config_dump_value(&it, &config_sink_keys[i], indent, b);
	}
}

int
config_apply_fields(const struct config *cfg, struct field_dict *dict,
    struct config_error *err)
{
	const struct config_field_map	*fm;
	struct field_error		 ferr;
	size_t				 i;

	for (i = 0; i < cfg->nfields; i++) {
		fm = &cfg->fields[i];
		memset(&ferr, 0, sizeof(ferr));
		if (field_dict_map(dict, fm->pen, fm->id, fm->name, fm->type,
		    &ferr) != -1)
			continue;
		memset(err, 0, sizeof(*err));
		snprintf(err->file, sizeof(err->file), "%s",
		    cfg->path ? cfg->path : "");
		err->line = fm->line;
		err->column = fm->column;
		snprintf(err->msg, sizeof(err->msg), "fields[%zu]: %s", i,
		    ferr.msg);
		return -1;
	}
	return 0;
}

void
config_dump(const struct config *cfg, struct buf *b)
{
	config_dump_map(cfg, config_sections, 0, b);
}

static void
config_dump_map(const void *base, const struct config_key *keys,
    int indent, struct buf *b)
{
	for (; keys->name != NULL; keys++) {
		buf_printf(b, "%*s%s:", indent, "", keys->name);
		config_dump_value(base, keys, indent, b);
	}
}

static void
config_dump_value(const void *base, const struct config_key *key,
    int indent, struct buf *b)
{
	const char			*src = (const char *)base + key->off;
	const char			*s;
	const struct config_name	*n;
	char				 num[32];
	uint64_t			 v;

	switch (key->type) {
	case CONFIG_T_MAP:
		buf_putc(b, '\n');
		config_dump_map(base, key->keys, indent + 2, b);
		return;
	case CONFIG_T_CUSTOM:
		key->dump(base, indent, b);
		return;
	case CONFIG_T_STRING:
		if ((s = *(char *const *)(const void *)src) == NULL) {
			buf_puts(b, " ~\n");
			return;
		}
		buf_putc(b, ' ');
		buf_json_string(b, s, strlen(s));
		buf_putc(b, '\n');
		return;
	case CONFIG_T_ENUM:
		for (n = key->names; n->name != NULL; n++)
			if (n->value == *(const int *)(const void *)src)
				break;
		buf_printf(b, " %s\n", n->name ? n->name : "~");
		return;
	case CONFIG_T_UINT:
		v = *(const unsigned *)(const void *)src;
		break;
	case CONFIG_T_DURATION:
		v = (uint64_t)*(const double *)(const void *)src;
		break;
	default:
		v = *(const size_t *)(const void *)src;
		break;
	}
	config_format(key->type, v, num, sizeof(num));
	buf_printf(b, " %s\n", num);
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL || --cfg->refs > 0)
		return;
	free(cfg->path);
	config_listeners_free(cfg->listeners, cfg->nlisteners);
	cidr_set_free(cfg->allow);
	config_fields_free(cfg->fields, cfg->nfields);
	free(cfg->records_file);
	free(cfg->rules_dir);
	free(cfg->macros_dir);
	free(cfg->rule_timezone);
	config_sinks_free(cfg->sinks, cfg->nsinks);
	free(cfg->alerts_file);
	free(cfg->control_path);
	free(cfg->control_mode);
	free(cfg->control_group);
	free(cfg->metrics_address);
	free(cfg);
}

struct config *
config_ref(struct config *cfg)
{
	cfg->refs++;
	return cfg;
}

int
config_same(const struct config *a, const struct config *b,
    const char *const *sections)
{
	const struct config_key	*k;
	struct buf		 ba, bb;

	memset(&ba, 0, sizeof(ba));
	memset(&bb, 0, sizeof(bb));
	for (; *sections != NULL; sections++) {
		for (k = config_sections; k->name != NULL; k++)
			if (strcmp(k->name, *sections) == 0)
				break;
		if (k->name == NULL)
			continue;
		config_dump_value(a, k, 0, &ba);
		config_dump_value(b, k, 0, &bb);
	}
	return config_dumps_same(&ba, &bb);
}

/* Whether two dumps are the same; frees them. */
static int
config_dumps_same(struct buf *a, struct buf *b)
{
	int	same;

	same = !a->failed && !b->failed && a->len == b->len &&
	    (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
	buf_free(a);
	buf_free(b);
	return same;
}

int
config_sink_same(const struct config_sink *a, const struct config_sink *b)
{
	struct buf	ba, bb;

	memset(&ba, 0, sizeof(ba));
	memset(&bb, 0, sizeof(bb));
	config_sink_dump(a, 0, &ba);
	config_sink_dump(b, 0, &bb);
	return config_dumps_same(&ba, &bb);
}

/* control.path: absolute, and short enough for sun_path. */
static int
config_control_path(const char *s, char *err, size_t errsize)
{
	struct sockaddr_un	sun;

	if (s[0] != '/') {
		snprintf(err, errsize, "must be an absolute path");
		return -1;
	}
	if (strlen(s) >= sizeof(sun.sun_path)) {
		snprintf(err, errsize, "longer than %zu bytes",
		    sizeof(sun.sun_path) - 1);
		return -1;
	}
	return 0;
}

/* A file mode in octal, "0660" or "660": the permission bits only. */
static int
config_mode(const char *s, char *err, size_t errsize)
{
	size_t	n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '7')
			break;
	if (n < 3 || n > 4 || i != n || (n == 4 && s[0] != '0')) {
		snprintf(err, errsize, "\"%s\" is not an octal mode such as "
		    "0660", s);
		return -1;
	}
	return 0;
}

/* metrics.address: a numeric loopback address; the endpoint has no
 * authentication, so it is not offered beyond the host. */
static int
config_loopback(const char *s, char *err, size_t errsize)
{
	struct in_addr	a4;
	struct in6_addr	a6;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		if ((ntohl(a4.s_addr) >> 24) == 127)
			return 0;
	} else if (inet_pton(AF_INET6, s, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return 0;
	} else {
		snprintf(err, errsize, "\"%s\" is not a numeric address", s);
		return -1;
	}
	snprintf(err, errsize, "\"%s\" is not a loopback address (the "
	    "endpoint has no authentication; put a proxy in front)", s);
	return -1;
}

static void
config_listeners_free(void *items, size_t n)
{
	struct config_listener	*ls = items;
	size_t			 i;

	if (ls == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(ls[i].address);
		free(ls[i].port);
	}
	free(ls);
}

static void
config_fields_free(void *items, size_t n)
{
	struct config_field_map	*fm = items;
	size_t			 i;

	if (fm == NULL)
		return;
	for (i = 0; i < n; i++)
		free(fm[i].name);
	free(fm);
}

static void
config_sinks_free(void *items, size_t n)
{
	struct config_sink	*ss = items;
	size_t			 i;

	if (ss == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(ss[i].name);
		free(ss[i].path);
		free(ss[i].address);
		free(ss[i].port);
		free(ss[i].hostname);
		free(ss[i].tls_ca_file);
		free(ss[i].tls_cert_file);
		free(ss[i].tls_key_file);
		free(ss[i].tls_peer_name);
	}
	free(ss);
}

static int
config_timezone(const char *s, char *err, size_t errsize)
{
	struct row_tz	tz;

	return row_tz_parse(s, &tz, err, errsize);
}

char *
config_path(const struct config *cfg, const char *path)
{
	const char	*slash;
	char		*out;
	size_t		 dirlen;

	if (path == NULL)
		return NULL;
	if (path[0] == '/' || cfg->path == NULL ||
	    (slash = strrchr(cfg->path, '/')) == NULL)
		return strdup(path);
	dirlen = (size_t)(slash - cfg->path);
	if ((out = malloc(dirlen + 1 + strlen(path) + 1)) == NULL)
		return NULL;
	memcpy(out, cfg->path, dirlen);
	out[dirlen] = '/';
	strcpy(out + dirlen + 1, path);
	return out;
}
