/*
 * check_config.c - the YAML config: golden dumps, defaults, every error
 * with its exact place and message, field overrides.
 *
 * Golden files are tests/data/config/<name>.dump. To regenerate them after
 * an intended change, run with NVMWATCH_GOLDEN_UPDATE=1 and review the diff.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "alert_fmt.h"
#include "buf.h"
#include "cidr.h"
#include "config.h"
#include "field.h"
#include "record.h"
#include "testutil.h"

/* The shipped example, conf/nvmwatch.yaml, from the test data directory. */
#define SHIPPED_CONF	NVMWATCH_TEST_DATA "/../../conf/nvmwatch.yaml"

static void	golden(const struct config *, const char *);
static char	*dump(const struct config *);
static void	round_trip(const struct config *);
static struct config *load_data(const char *);
static struct config *load_text(const char *, struct config_error *);

static char *
dump(const struct config *cfg)
{
	struct buf	b = { 0 };

	config_dump(cfg, &b);
	ck_assert_int_eq(b.failed, 0);
	return b.data;
}

/* The dump of cfg equals tests/data/config/<name>.dump. */
static void
golden(const struct config *cfg, const char *name)
{
	char	 path[1024];
	char	*got, *want;
	size_t	 len;
	FILE	*f;

	got = dump(cfg);
	snprintf(path, sizeof(path), "config/%s.dump", name);
	if (getenv("NVMWATCH_GOLDEN_UPDATE") != NULL) {
		snprintf(path, sizeof(path), "%s/config/%s.dump",
		    NVMWATCH_TEST_DATA, name);
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		fputs(got, f);
		fclose(f);
		free(got);
		return;
	}
	want = (char *)test_read_data(path, &len);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "--- %s: got\n%s--- end\n", path, got);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
}

/* A dump loads back to a config with the same dump. */
static void
round_trip(const struct config *cfg)
{
	struct config_error	 err;
	struct config		*again;
	char			*first, *second;

	first = dump(cfg);
	again = config_load_string(first, strlen(first), "dump", &err);
	ck_assert_msg(again != NULL, "dump:%d:%d: %s\n%s", err.line,
	    err.column, err.msg, first);
	second = dump(again);
	ck_assert_str_eq(first, second);
	free(first);
	free(second);
	config_free(again);
}

static struct config *
load_data(const char *name)
{
	struct config_error	 err;
	struct config		*cfg;
	char			 path[1024];

	snprintf(path, sizeof(path), "%s/config/%s", NVMWATCH_TEST_DATA,
	    name);
	cfg = config_load(path, &err);
	ck_assert_msg(cfg != NULL, "%s:%d:%d: %s", err.file, err.line,
	    err.column, err.msg);
	ck_assert_str_eq(cfg->path, path);
	return cfg;
}

static struct config *
load_text(const char *text, struct config_error *err)
{
	return config_load_string(text, strlen(text), "t.yaml", err);
}

START_TEST(test_defaults)
{
	struct config	*cfg = config_default();

	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->nlisteners, 2);
	ck_assert_int_eq(cfg->listeners[0].proto, CONFIG_IPFIX_UDP);
	ck_assert_int_eq(cfg->listeners[1].proto, CONFIG_IPFIX_TCP);
	ck_assert_str_eq(cfg->listeners[0].address, "*");
	ck_assert_str_eq(cfg->listeners[1].port, "2055");
	ck_assert_ptr_null(cfg->allow);
	ck_assert_uint_eq(cfg->udp_rcvbuf, 8u << 20);
	ck_assert_uint_eq(cfg->udp_batch, 64);
	ck_assert_uint_eq(cfg->tcp_max_connections, 256);
	ck_assert(cfg->tcp_idle_timeout == 300);
	ck_assert_uint_eq(cfg->max_sessions, 4096);
	ck_assert(cfg->session_idle_timeout == 1800);
	ck_assert_uint_eq(cfg->ipfix.record_bytes, 1u << 20);
	ck_assert_uint_eq(cfg->ipfix.max_domains, 64);
	ck_assert_uint_eq(cfg->ipfix.max_unknown_elements, 4096);
	ck_assert_uint_eq(cfg->enrich.max_endpoints, 65536);
	ck_assert_uint_eq(cfg->enrich.max_interfaces, 262144);
	ck_assert_uint_eq(cfg->enrich.max_processes, 262144);
	ck_assert(cfg->enrich.max_age == 86400);
	ck_assert_uint_eq(cfg->nfields, 0);
	ck_assert_ptr_null(cfg->records_file);
	ck_assert_uint_eq(cfg->records_json, 0);
	ck_assert_int_eq(cfg->log_level, LOG_INFO);
	ck_assert_ptr_null(cfg->sinks);
	ck_assert_uint_eq(cfg->nsinks, 0);
	golden(cfg, "default");
	round_trip(cfg);
	config_free(cfg);
	config_free(NULL);
}
END_TEST

/* An empty file, comments only, or sections left empty: the defaults. */
static const char *const empty_docs[] = {
	"", "\n", "# nothing\n", "---\n", "---\n...\n", "~\n",
};

START_TEST(test_empty)
{
	struct config_error	 err;
	struct config		*cfg, *def;
	char			*a, *b;

	cfg = load_text(empty_docs[_i], &err);
	ck_assert_msg(cfg != NULL, "%d:%d: %s", err.line, err.column,
	    err.msg);
	ck_assert_str_eq(cfg->path, "t.yaml");
	def = config_default();
	a = dump(cfg);
	b = dump(def);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	config_free(def);
	config_free(cfg);
}
END_TEST

START_TEST(test_golden_empty)
{
	struct config	*cfg = load_data("empty.yaml");

	golden(cfg, "default");
	config_free(cfg);
	cfg = load_data("null_sections.yaml");
	golden(cfg, "default");
	config_free(cfg);
}
END_TEST

START_TEST(test_golden_full)
{
	struct config	*cfg = load_data("full.yaml");
	uint8_t		 v4[4] = { 10, 200, 0, 1 };

	golden(cfg, "full");
	round_trip(cfg);
	ck_assert_uint_eq(cfg->nlisteners, 4);
	ck_assert_str_eq(cfg->listeners[1].address, "*");
	ck_assert_str_eq(cfg->listeners[1].port, "2055");
	ck_assert_int_eq(cfg->listeners[1].format, CONFIG_FORMAT_IPFIX);
	ck_assert_int_eq(cfg->listeners[3].format, CONFIG_FORMAT_SYSLOG);
	ck_assert_int_eq(cfg->listeners[3].proto, CONFIG_IPFIX_TCP);
	ck_assert_str_eq(cfg->listeners[3].port, "514");
	ck_assert_int_eq(cfg->listeners[2].line, 8);
	ck_assert_int_eq(cfg->listeners[2].column, 5);
	ck_assert_uint_eq(cidr_set_count(cfg->allow), 5);
	ck_assert_int_eq(cidr_set_match(cfg->allow, v4, 4), 1);
	ck_assert_uint_eq(cfg->udp_rcvbuf, 32u << 20);
	ck_assert(cfg->tcp_idle_timeout == 90);
	ck_assert(cfg->session_idle_timeout == 7200);
	ck_assert(cfg->enrich.max_age == 7 * 86400);
	ck_assert_uint_eq(cfg->nfields, 3);
	ck_assert_uint_eq(cfg->fields[0].pen, 9);
	ck_assert_uint_eq(cfg->fields[0].id, 12380);
	ck_assert_int_eq(cfg->fields[0].type, FIELD_STRING_LIST);
	ck_assert_int_eq(cfg->fields[0].line, 39);
	ck_assert_uint_eq(cfg->fields[2].pen, 0);
	ck_assert_uint_eq(cfg->fields[2].id, 150);
	ck_assert_uint_eq(cfg->records_json,
	    RECORD_JSON_KEYS | RECORD_JSON_WIRE);
	ck_assert_int_eq(cfg->log_level, LOG_DEBUG);
	ck_assert_uint_eq(cfg->nsinks, 3);
	ck_assert_str_eq(cfg->sinks[0].name, "alerts-file");
	ck_assert_int_eq(cfg->sinks[0].type, CONFIG_SINK_FILE);
	ck_assert_int_eq(cfg->sinks[0].format, ALERT_KV);
	ck_assert_str_eq(cfg->sinks[0].path, "/var/log/nvmwatch/alerts.log");
	ck_assert_int_eq(cfg->sinks[0].fsync, 1);
	ck_assert_ptr_null(cfg->sinks[0].port);
	ck_assert_uint_eq(cfg->sinks[0].queue, 500);
	ck_assert_int_eq(cfg->sinks[0].policy, CONFIG_POLICY_BLOCK);
	ck_assert(cfg->sinks[0].drain_timeout == 30);
	ck_assert_int_eq(cfg->sinks[0].line, 66);
	ck_assert_int_eq(cfg->sinks[0].column, 5);
	ck_assert_str_eq(cfg->sinks[1].name, "siem.tcp");
	ck_assert_int_eq(cfg->sinks[1].type, CONFIG_SINK_REMOTE);
	ck_assert_int_eq(cfg->sinks[1].format, ALERT_CEF);
	ck_assert_int_eq(cfg->sinks[1].transport, CONFIG_IPFIX_TCP);
	ck_assert_str_eq(cfg->sinks[1].address, "siem.example.net");
	ck_assert_str_eq(cfg->sinks[1].port, "6514");
	ck_assert_int_eq(cfg->sinks[1].rfc3164, 1);
	ck_assert_int_eq(cfg->sinks[1].octet_counting, 0);
	ck_assert_uint_eq(cfg->sinks[1].max_message, 8192);
	ck_assert_str_eq(cfg->sinks[1].hostname, "sensor-1");
	ck_assert_uint_eq(cfg->sinks[1].facility, 4);
	ck_assert_uint_eq(cfg->sinks[1].severity, 2);
	ck_assert_uint_eq(cfg->sinks[1].enterprise, 99999);
	ck_assert(cfg->sinks[1].reconnect_max == 300);
	ck_assert_uint_eq(cfg->sinks[1].queue, 100000);
	ck_assert_int_eq(cfg->sinks[1].policy, CONFIG_POLICY_DROP_NEWEST);
	ck_assert(cfg->sinks[1].drain_timeout == 0);
	ck_assert_int_eq(cfg->sinks[1].tls, 0);
	ck_assert_ptr_null(cfg->sinks[1].tls_ca_file);
	ck_assert_int_eq(cfg->sinks[2].transport, CONFIG_IPFIX_TCP);
	ck_assert_int_eq(cfg->sinks[2].tls, 1);
	ck_assert_int_eq(cfg->sinks[2].octet_counting, 1);
	ck_assert_str_eq(cfg->sinks[2].tls_ca_file, "/etc/nvmwatch/siem-ca.pem");
	ck_assert_str_eq(cfg->sinks[2].tls_cert_file,
	    "/etc/nvmwatch/client.pem");
	ck_assert_str_eq(cfg->sinks[2].tls_key_file, "/etc/nvmwatch/client.key");
	ck_assert_str_eq(cfg->sinks[2].tls_peer_name, "siem.example.net");
	config_free(cfg);
}
END_TEST

/* A sink's defaults: what the dump shows is not what the struct holds. */
START_TEST(test_sink_defaults)
{
	static const char	 text[] = "sinks:\n"
	    "  - {name: t, type: remote, transport: tcp, address: \"::1\"}\n"
	    "  - {name: f, type: file, path: a.log}\n"
	    "  - {name: s, type: remote, transport: tls, address: h,\n"
	    "     tls_ca_file: ca.pem}\n";
	struct config_error	 err;
	struct config		*cfg;
	const struct config_sink *s;

	cfg = load_text(text, &err);
	ck_assert_msg(cfg != NULL, "%d:%d: %s", err.line, err.column,
	    err.msg);
	ck_assert_uint_eq(cfg->nsinks, 3);
	s = &cfg->sinks[0];
	ck_assert_int_eq(s->format, ALERT_JSON);
	ck_assert_str_eq(s->port, "514");
	ck_assert_int_eq(s->rfc3164, 0);
	ck_assert_int_eq(s->octet_counting, 1);
	ck_assert_uint_eq(s->max_message, 0);
	ck_assert_ptr_null(s->hostname);
	ck_assert_uint_eq(s->facility, 13);
	ck_assert_uint_eq(s->severity, 4);
	ck_assert_uint_eq(s->enterprise, 32473);
	ck_assert(s->reconnect_max == 60);
	ck_assert_uint_eq(s->queue, 10000);
	ck_assert_int_eq(s->policy, CONFIG_POLICY_DROP_OLDEST);
	ck_assert(s->drain_timeout == 5);
	s = &cfg->sinks[1];
	ck_assert_int_eq(s->fsync, 0);
	ck_assert_ptr_null(s->address);
	s = &cfg->sinks[2];
	ck_assert_str_eq(s->port, "6514");
	ck_assert_int_eq(s->tls, 1);
	ck_assert_int_eq(s->octet_counting, 1);
	ck_assert_ptr_null(s->tls_cert_file);
	ck_assert_ptr_null(s->tls_key_file);
	ck_assert_ptr_null(s->tls_peer_name);
	round_trip(cfg);
	config_free(cfg);
}
END_TEST

START_TEST(test_golden_flow)
{
	struct config	*cfg = load_data("flow_style.yaml");

	golden(cfg, "flow_style");
	round_trip(cfg);
	config_free(cfg);
}
END_TEST

/* config_same() compares the named sections only; config_ref() keeps a
 * config alive past one config_free(). */
START_TEST(test_same_and_ref)
{
	static const char *const	 listen[] = { "listen", "allow", NULL };
	static const char *const	 rules[] = { "rules", NULL };
	static const char *const	 sinks[] = { "sinks", "nosuch", NULL };
	struct config_error		 err;
	struct config			*a, *b, *c;

	a = load_text("listen:\n  - {proto: udp, port: 2055}\nrules:\n"
	    "  window: 1h\n", &err);
	b = load_text("listen: [{proto: udp, port: \"2055\", format: ipfix}]\n"
	    "rules:\n  window: 30m\n", &err);
	c = load_text("listen:\n  - {proto: tcp, port: 2055}\nrules:\n"
	    "  window: 60m\n", &err);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(config_same(a, b, listen), 1);
	ck_assert_int_eq(config_same(a, b, rules), 0);
	ck_assert_int_eq(config_same(a, c, listen), 0);
	ck_assert_int_eq(config_same(a, c, rules), 1);
	ck_assert_int_eq(config_same(a, c, sinks), 1);
	ck_assert_ptr_eq(config_ref(a), a);
	ck_assert_int_eq(a->refs, 2);
	config_free(a);
	ck_assert_int_eq(a->refs, 1);
	ck_assert_int_eq(config_same(a, c, rules), 1);
	config_free(a);
	config_free(b);
	config_free(c);
}
END_TEST

START_TEST(test_shipped)
{
	struct config_error	 err;
	struct config		*cfg;

	cfg = config_load(SHIPPED_CONF, &err);
	ck_assert_msg(cfg != NULL, "%s:%d:%d: %s", err.file, err.line,
	    err.column, err.msg);
	golden(cfg, "nvmwatch");
	round_trip(cfg);
	ck_assert_uint_eq(cfg->nlisteners, 4);
	ck_assert_str_eq(cfg->records_file, "nvmwatch-records.jsonl");
	ck_assert_int_eq(cidr_set_match_text(cfg->allow, "127.0.0.1", 9), 1);
	ck_assert_int_eq(cidr_set_match_text(cfg->allow, "::1", 3), 1);
	ck_assert_int_eq(cidr_set_match_text(cfg->allow, "::ffff:127.0.0.1",
	    16), 1);
	ck_assert_int_eq(cidr_set_match_text(cfg->allow, "192.0.2.1", 9), 0);
	config_free(cfg);
}
END_TEST

struct error_case {
	const char	*text;
	int		 line, column;
	const char	*msg;
};

static const struct error_case errors[] = {
	/* Unknown keys. */
	{ "listne:\n  - proto: udp\n", 1, 1, "listne: unknown key (expected "
	    "listen, allow, udp, tcp, sessions, limits, enrich, fields, "
	    "records, rules, sinks, alerts, log, control, metrics)" },
	{ "udp:\n  bacth: 5\n", 2, 3,
	    "udp.bacth: unknown key (expected receive_buffer, batch)" },
	{ "listen:\n  - proto: udp\n    adress: \"::\"\n", 3, 5,
	    "listen[0].adress: unknown key (expected proto, format, address, port)" },
	{ "? [a]\n: b\n", 1, 3, "top level: a key must be a string" },
	/* Wrong types. */
	{ "udp: 5\n", 1, 6, "udp: expected a mapping, not \"5\"" },
	{ "udp:\n  batch: [1]\n", 2, 10,
	    "udp.batch: expected a number, not a sequence" },
	{ "udp:\n  batch: 1.5\n", 2, 10,
	    "udp.batch: expected a number, not \"1.5\"" },
	{ "udp:\n  batch: -1\n", 2, 10,
	    "udp.batch: expected a number, not \"-1\"" },
	{ "tcp:\n  max_connections:\n", 2, 19,
	    "tcp.max_connections: expected a number, not an empty value" },
	{ "listen: {proto: udp}\n", 1, 9,
	    "listen: expected a sequence, not a mapping" },
	{ "listen:\n  - udp\n", 2, 5,
	    "listen[0]: expected a mapping, not \"udp\"" },
	{ "records:\n  file: {a: b}\n", 2, 9,
	    "records.file: expected a string, not a mapping" },
	{ "log:\n  level: verbose\n", 2, 10, "log.level: expected one of "
	    "debug, info, notice, warning, err, not \"verbose\"" },
	{ "listen:\n  - proto: sctp\n", 2, 12,
	    "listen[0].proto: expected one of udp, tcp, not \"sctp\"" },
	/* Ranges. */
	{ "listen:\n  - proto: udp\n    port: 70000\n", 3, 11,
	    "listen[0].port: 70000 is out of range 1..65535" },
	{ "listen:\n  - proto: tcp\n    port: 0\n", 3, 11,
	    "listen[0].port: 0 is out of range 1..65535" },
	{ "udp:\n  batch: 0\n", 2, 10, "udp.batch: 0 is out of range 1..1024" },
	{ "udp:\n  batch: 99999999999999999999999\n", 2, 10,
	    "udp.batch: expected a number, not \"99999999999999999999999\"" },
	{ "udp:\n  receive_buffer: 2G\n", 2, 19,
	    "udp.receive_buffer: 2G is out of range 4k..1G" },
	{ "udp:\n  receive_buffer: 100\n", 2, 19,
	    "udp.receive_buffer: 100 is out of range 4k..1G" },
	{ "tcp:\n  idle_timeout: 8d\n", 2, 17,
	    "tcp.idle_timeout: 8d is out of range 1s..7d" },
	{ "enrich:\n  max_age: 0\n", 2, 12,
	    "enrich.max_age: 0s is out of range 1s..30d" },
	/* Durations and sizes. */
	{ "tcp:\n  idle_timeout: 5x\n", 2, 17,
	    "tcp.idle_timeout: expected a duration (seconds, or a number "
	    "with s, m, h or d), not \"5x\"" },
	{ "tcp:\n  idle_timeout: 5 m\n", 2, 17,
	    "tcp.idle_timeout: expected a duration (seconds, or a number "
	    "with s, m, h or d), not \"5 m\"" },
	{ "sessions:\n  idle_timeout: m\n", 2, 17,
	    "sessions.idle_timeout: expected a duration (seconds, or a "
	    "number with s, m, h or d), not \"m\"" },
	{ "udp:\n  receive_buffer: 8Q\n", 2, 19,
	    "udp.receive_buffer: expected a size (bytes, or a number with k, "
	    "M or G), not \"8Q\"" },
	{ "udp:\n  receive_buffer: 8MB\n", 2, 19,
	    "udp.receive_buffer: expected a size (bytes, or a number with k, "
	    "M or G), not \"8MB\"" },
	{ "limits:\n  record_bytes: 99999999999G\n", 2, 17,
	    "limits.record_bytes: expected a size (bytes, or a number with "
	    "k, M or G), not \"99999999999G\"" },
	/* Rules. */
	{ "rules:\n  timezone: Mars/Olympus\n", 2, 13,
	    "rules.timezone: timezone \"Mars/Olympus\": not UTC, an offset "
	    "like +02:00, or a zone in /usr/share/zoneinfo" },
	{ "rules:\n  emit: last\n", 2, 9,
	    "rules.emit: expected one of close, first, both, not \"last\"" },
	{ "rules:\n  window: 0\n", 2, 11,
	    "rules.window: 0s is out of range 1s..30d" },
	{ "rules:\n  lateness: 31d\n", 2, 13,
	    "rules.lateness: 31d is out of range 0s..30d" },
	{ "rules:\n  flush_on_shutdown: maybe\n", 2, 22,
	    "rules.flush_on_shutdown: expected one of yes, no, true, false, "
	    "not \"maybe\"" },
	{ "rules:\n  max_value_bytes: 2M\n", 2, 20,
	    "rules.max_value_bytes: 2M is out of range 1..1M" },
	{ "alerts:\n  path: x\n", 2, 3,
	    "alerts.path: unknown key (expected file)" },
	/* Addresses and prefixes. */
	{ "allow:\n  - 127.0.0.0/8\n  - 10.0.0.0/33\n", 3, 5,
	    "allow[1]: expected an IPv4 or IPv6 address or prefix, not "
	    "\"10.0.0.0/33\"" },
	{ "allow:\n  - localhost\n", 2, 5,
	    "allow[0]: expected an IPv4 or IPv6 address or prefix, not "
	    "\"localhost\"" },
	{ "allow:\n  - [10.0.0.0/8]\n", 2, 5,
	    "allow[0]: expected an IPv4 or IPv6 address or prefix, not "
	    "a sequence" },
	{ "allow: []\n", 1, 8, "allow: empty list (leave the key out to "
	    "allow every exporter)" },
	{ "listen: []\n", 1, 9, "listen: at least one listener is needed" },
	{ "listen:\n  - proto: udp\n    address: localhost\n", 3, 14,
	    "listen[0].address: expected a numeric IPv4 or IPv6 address or "
	    "\"*\", not \"localhost\"" },
	{ "listen:\n  - proto: udp\n  - proto: udp\n    address: \"*\"\n",
	    3, 5, "listen[1]: the same listener as at line 2" },
	{ "listen:\n  - port: 2055\n", 2, 5,
	    "listen[0]: missing key \"proto\"" },
	/* Sinks. */
	{ "sinks:\n  - type: file\n    path: a\n", 2, 5,
	    "sinks[0]: missing key \"name\"" },
	{ "sinks:\n  - name: a\n    path: a\n", 2, 5,
	    "sinks[0]: missing key \"type\"" },
	{ "sinks:\n  - name: a\n    type: file\n", 2, 5,
	    "sinks[0]: missing key \"path\" (a file sink needs one)" },
	{ "sinks:\n  - name: a\n    type: remote\n", 2, 5,
	    "sinks[0]: missing key \"address\" (a remote sink needs one)" },
	{ "sinks:\n  - {name: a, type: journal}\n  - {name: b, type: syslog}"
	    "\n  - {name: a, type: syslog}\n", 4, 12,
	    "sinks[2].name: \"a\" is also the name of sinks[0] (line 2)" },
	{ "sinks:\n  - name: a b\n    type: journal\n", 2, 11,
	    "sinks[0].name: expected a sink name (letters, digits, _, . and -, "
	    "at most 64), not \"a b\"" },
	{ "sinks:\n  - name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaa\n    type: journal\n", 2, 11,
	    "sinks[0].name: expected a sink name (letters, digits, _, . and -, "
	    "at most 64), not \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"" },
	{ "sinks:\n  - name: a\n    type: kafka\n", 3, 11,
	    "sinks[0].type: expected one of file, journal, syslog, remote, "
	    "not \"kafka\"" },
	{ "sinks:\n  - name: a\n    type: journal\n    format: xml\n", 4, 13,
	    "sinks[0].format: expected one of json, cef, leef, kv, not "
	    "\"xml\"" },
	{ "sinks:\n  - {name: a, type: journal}\n  - name: b\n"
	    "    type: remote\n    address: 192.0.2.1\n    path: x\n", 6, 11,
	    "sinks[1].path: only for type file" },
	{ "sinks:\n  - {name: a, type: file, path: x, port: 514}\n", 2, 42,
	    "sinks[0].port: only for type remote" },
	{ "sinks:\n  - {name: a, type: file, path: x, severity: 3}\n", 2, 46,
	    "sinks[0].severity: only for types journal, syslog, remote" },
	{ "sinks:\n  - {name: a, type: syslog, fsync: yes}\n", 2, 36,
	    "sinks[0].fsync: only for type file" },
	{ "sinks:\n  - {name: a, type: remote, address: h, policy: block}\n",
	    2, 49, "sinks[0].policy: block is only for type file (a slow "
	    "receiver must not stall detection)" },
	{ "sinks:\n  - {name: a, type: remote, address: h, framing: lf}\n",
	    2, 50, "sinks[0].framing: only for transports tcp, tls" },
	{ "sinks:\n  - {name: a, type: remote, address: h, port: 0}\n", 2, 47,
	    "sinks[0].port: 0 is out of range 1..65535" },
	{ "sinks:\n  - {name: a, type: remote, address: h, port: 65536}\n", 2,
	    47, "sinks[0].port: 65536 is out of range 1..65535" },
	{ "sinks:\n  - {name: a, type: remote, address: h, transport: dtls}\n",
	    2, 52, "sinks[0].transport: expected one of udp, tcp, tls, not "
	    "\"dtls\"" },
	{ "sinks:\n  - {name: a, type: remote, address: h, transport: tls}\n",
	    2, 5, "sinks[0]: missing key \"tls_ca_file\" (transport tls needs "
	    "one)" },
	{ "sinks:\n  - {name: a, type: remote, address: h, transport: tls,\n"
	    "     tls_ca_file: ca.pem, tls_cert_file: c.pem}\n", 2, 5,
	    "sinks[0]: tls_cert_file and tls_key_file go together" },
	{ "sinks:\n  - {name: a, type: remote, address: h, tls_ca_file: c}\n",
	    2, 54, "sinks[0].tls_ca_file: only for transport tls" },
	{ "sinks:\n  - {name: a, type: remote, address: h, transport: tcp,\n"
	    "     tls_peer_name: x}\n", 3, 21,
	    "sinks[0].tls_peer_name: only for transport tls" },
	{ "sinks:\n  - {name: a, type: file, path: x, tls_key_file: k}\n", 2,
	    50, "sinks[0].tls_key_file: only for type remote" },
	{ "sinks:\n  - {name: a, type: remote, address: h, protocol: 3164}\n",
	    2, 51, "sinks[0].protocol: expected one of rfc5424, rfc3164, not "
	    "\"3164\"" },
	{ "sinks:\n  - {name: a, type: remote, address: h, max_message: 100}"
	    "\n", 2, 54, "sinks[0].max_message: 100 is out of range 480..1M" },
	{ "sinks:\n  - {name: a, type: remote, address: h, facility: 24}\n",
	    2, 51, "sinks[0].facility: 24 is out of range 0..23" },
	{ "sinks:\n  - {name: a, type: remote, address: h, enterprise: 0}\n",
	    2, 53, "sinks[0].enterprise: 0 is out of range 1..4294967295" },
	{ "sinks:\n  - {name: a, type: remote, address: h, reconnect_max: 2h}"
	    "\n", 2, 56, "sinks[0].reconnect_max: 2h is out of range 1s..1h" },
	{ "sinks:\n  - {name: a, type: journal, queue: 0}\n", 2, 37,
	    "sinks[0].queue: 0 is out of range 1..1048576" },
	{ "sinks:\n  - {name: a, type: journal, drain_timeout: 11m}\n", 2, 45,
	    "sinks[0].drain_timeout: 11m is out of range 0s..10m" },
	{ "sinks:\n  - {name: a, type: journal, policy: never}\n", 2, 38,
	    "sinks[0].policy: expected one of drop_oldest, drop_newest, block, "
	    "not \"never\"" },
	{ "sinks:\n  - {name: a, type: journal, colour: red}\n", 2, 30,
	    "sinks[0].colour: unknown key (expected name, type, format, path, "
	    "fsync, transport, address, port, protocol, framing, max_message, "
	    "hostname, facility, severity, enterprise, reconnect_max, "
	    "tls_ca_file, tls_cert_file, tls_key_file, tls_peer_name, queue, "
	    "policy, drain_timeout)" },
	{ "sinks: []\n", 1, 8, "sinks: empty list (leave the key out to write "
	    "alerts to alerts.file)" },
	{ "sinks: {name: a}\n", 1, 8,
	    "sinks: expected a sequence, not a mapping" },
	/* Field overrides. */
	{ "fields:\n  - element: 9.x\n    name: a\n    type: string\n", 2, 14,
	    "fields[0].element: expected an element id (enterprise.id or id, "
	    "id 1..32767), not \"9.x\"" },
	{ "fields:\n  - element: 9.0\n    name: a\n    type: string\n", 2, 14,
	    "fields[0].element: expected an element id (enterprise.id or id, "
	    "id 1..32767), not \"9.0\"" },
	{ "fields:\n  - element: 9.32768\n    name: a\n    type: string\n", 2,
	    14, "fields[0].element: expected an element id (enterprise.id or "
	    "id, id 1..32767), not \"9.32768\"" },
	{ "fields:\n  - element: 4294967296.1\n    name: a\n    type: uint\n",
	    2, 14, "fields[0].element: expected an element id (enterprise.id "
	    "or id, id 1..32767), not \"4294967296.1\"" },
	{ "fields:\n  - element: .1\n    name: a\n    type: uint\n", 2, 14,
	    "fields[0].element: expected an element id (enterprise.id or id, "
	    "id 1..32767), not \".1\"" },
	{ "fields:\n  - element: 9.1\n    name: a b\n    type: uint\n", 3, 11,
	    "fields[0].name: expected a field name (letters, digits and _, at "
	    "most 63), not \"a b\"" },
	{ "fields:\n  - element: 9.1\n    name: x\n    type: strng\n", 4, 11,
	    "fields[0].type: expected one of uint, string, addr, hex, "
	    "time_sec, time_ms, string_list, hex_list, not \"strng\"" },
	{ "fields:\n  - element: 9.1\n", 2, 5,
	    "fields[0]: missing key \"name\"" },
	/* Duplicates. */
	{ "udp:\n  batch: 1\n  batch: 2\n", 3, 3,
	    "udp.batch: duplicate key (first at line 2)" },
	{ "log:\n  level: info\nudp: {}\nlog: {}\n", 4, 1,
	    "log: duplicate key (first at line 1)" },
	/* control: and metrics:. */
	{ "control:\n  path: run/ctl.sock\n", 2, 9,
	    "control.path: must be an absolute path" },
	{ "control:\n  path: /run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 2,
	    9, "control.path: longer than 107 bytes" },
	{ "control:\n  mode: 0669\n", 2, 9,
	    "control.mode: \"0669\" is not an octal mode such as 0660" },
	{ "control:\n  mode: 10660\n", 2, 9,
	    "control.mode: \"10660\" is not an octal mode such as 0660" },
	{ "control:\n  max_clients: 0\n", 2, 16,
	    "control.max_clients: 0 is out of range 1..1024" },
	{ "metrics:\n  address: 192.0.2.1\n", 2, 12,
	    "metrics.address: \"192.0.2.1\" is not a loopback address (the "
	    "endpoint has no authentication; put a proxy in front)" },
	{ "metrics:\n  address: localhost\n", 2, 12,
	    "metrics.address: \"localhost\" is not a numeric address" },
	/* Strings. */
	{ "records:\n  file: \"\"\n", 2, 9, "records.file: must not be empty" },
	{ "records:\n  file: \"a\\0b\"\n", 2, 9,
	    "records.file: contains a control character" },
	{ "records:\n  file: \"a\\tb\"\n", 2, 9,
	    "records.file: contains a control character" },
	{ "records:\n  file: \"a\\x85\"\n", 2, 9,
	    "records.file: contains a control character" },
	{ "records:\n  file: \"a\\uFFFE\"\n", 2, 9,
	    "records.file: contains a control character" },
	/* The document. */
	{ "- a\n- b\n", 1, 1, "top level: expected a mapping, not a sequence" },
	{ "hello\n", 1, 1, "top level: expected a mapping, not \"hello\"" },
	{ "log: {level: info}\n---\nlog: {}\n", 3, 1,
	    "only one YAML document is allowed" },
	{ "udp:\n  batch: 1\n bad: 2\n", 3, 2, "syntax error: did not find "
	    "expected key (while parsing a block mapping)" },
	{ "udp: batch: 1\n", 1, 11,
	    "syntax error: mapping values are not allowed in this context" },
	{ "udp: [1, 2\n", 2, 1, "syntax error: did not find expected ',' or "
	    "']' (while parsing a flow sequence)" },
	{ "udp: *nowhere\n", 1, 6, "syntax error: found undefined alias" },
	{ "log:\n  level: \"\xff\"\n", 2, 11,
	    "invalid input: invalid leading UTF-8 octet" },
	{ "log:\n\tlevel: info\n", 2, 1, "syntax error: found character that "
	    "cannot start any token (while scanning for the next token)" },
};

START_TEST(test_errors)
{
	const struct error_case	*c = &errors[_i];
	struct config_error	 err;
	struct config		*cfg;

	cfg = load_text(c->text, &err);
	ck_assert_msg(cfg == NULL, "loaded: %s", c->text);
	ck_assert_str_eq(err.file, "t.yaml");
	ck_assert_str_eq(err.msg, c->msg);
	ck_assert_msg(err.line == c->line && err.column == c->column,
	    "%s: at %d:%d, want %d:%d", c->msg, err.line, err.column,
	    c->line, c->column);
}
END_TEST

START_TEST(test_no_file)
{
	struct config_error	 err;

	ck_assert_ptr_null(config_load("/nonexistent/nvmwatch.yaml", &err));
	ck_assert_str_eq(err.file, "/nonexistent/nvmwatch.yaml");
	ck_assert_int_eq(err.line, 0);
	ck_assert_str_eq(err.msg, "cannot open: No such file or directory");
	ck_assert_ptr_null(config_load(NVMWATCH_TEST_DATA, &err));
	ck_assert_str_eq(err.msg, "cannot read: Is a directory");
}
END_TEST

/* A value given twice in a file is an error; once in each, not. */
START_TEST(test_aliases)
{
	static const char	 text[] = "udp: &u {batch: 7}\n"
	    "tcp: {max_connections: 3}\n"
	    "allow: [&a 10.0.0.0/8, *a]\n";
	struct config_error	 err;
	struct config		*cfg;

	cfg = load_text(text, &err);
	ck_assert_msg(cfg != NULL, "%d:%d: %s", err.line, err.column,
	    err.msg);
	ck_assert_uint_eq(cfg->udp_batch, 7);
	ck_assert_uint_eq(cidr_set_count(cfg->allow), 1);
	config_free(cfg);
	/* A recursive alias is walked only as deep as the schema goes. */
	cfg = load_text("udp: &u {batch: *u}\n", &err);
	ck_assert_ptr_null(cfg);
	ck_assert_str_eq(err.msg,
	    "udp.batch: expected a number, not a mapping");
}
END_TEST

START_TEST(test_unquoted_v6)
{
	static const char	 text[] = "allow:\n  - ::1\n  - ::/0\n";
	struct config_error	 err;
	struct config		*cfg;

	cfg = load_text(text, &err);
	ck_assert_msg(cfg != NULL, "%d:%d: %s", err.line, err.column,
	    err.msg);
	ck_assert_uint_eq(cidr_set_count(cfg->allow), 2);
	config_free(cfg);
}
END_TEST

START_TEST(test_apply_fields)
{
	struct config		*cfg = load_data("full.yaml");
	struct config_error	 err;
	struct field_dict	*dict;
	int			 i;

	ck_assert_ptr_nonnull(dict = field_dict_new());
	ck_assert_int_eq(config_apply_fields(cfg, dict, &err), 0);
	ck_assert_int_eq(field_dict_element(dict, 9, 12380), F_ALIUL);
	ck_assert_int_eq(field_dict_element(dict, 0, 150), F_SRC);
	i = field_dict_lookup(dict, "my_new_key", 10);
	ck_assert_int_ge(i, FIELD_BUILTIN_COUNT);
	ck_assert_int_eq(field_dict_element(dict, 12232, 99), i);
	ck_assert_int_eq(field_dict_get(dict, i)->type, FIELD_HEX);
	field_dict_free(dict);
	config_free(cfg);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_defaults);
	tcase_add_loop_test(tc, test_empty, 0, (int)(sizeof(empty_docs) /
	    sizeof(empty_docs[0])));
	tcase_add_test(tc, test_golden_empty);
	tcase_add_test(tc, test_golden_full);
	tcase_add_test(tc, test_sink_defaults);
	tcase_add_test(tc, test_golden_flow);
	tcase_add_test(tc, test_shipped);
	tcase_add_test(tc, test_same_and_ref);
	tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof(errors) /
	    sizeof(errors[0])));
	tcase_add_test(tc, test_no_file);
	tcase_add_test(tc, test_aliases);
	tcase_add_test(tc, test_unquoted_v6);
	tcase_add_test(tc, test_apply_fields);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(config_suite());
}
