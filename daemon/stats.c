/*
 * stats.c - the daemon's counter tables; see stats.h.
 */
#include <stddef.h>
#include <stdint.h>

#include "control.h"
#include "engine.h"
#include "enrich.h"
#include "exporter.h"
#include "ipfix.h"
#include "listen.h"
#include "metrics.h"
#include "output.h"
#include "record.h"
#include "sink.h"
#include "stats.h"
#include "syslog_in.h"

#define F(type, member, help)	{ #member, offsetof(type, member), help, 0 }
#define G(type, member, help)	{ #member, offsetof(type, member), help, \
				    STATS_GAUGE }
#define TABLE(prefix, fields, group)	{ prefix, fields, \
				    sizeof(fields) / sizeof(fields[0]), group }

static const struct stats_field daemon_fields[] = {
	F(struct daemon_counters, records,
	    "records decoded (IPFIX and syslog) and run through the rules"),
	F(struct daemon_counters, enrich_failed,
	    "flow records that could not be given every cached field "
	    "(record memory cap)"),
	F(struct daemon_counters, final_suppressed,
	    "closed exporter sessions whose final stats line was not logged "
	    "(rate limit)"),
	F(struct daemon_counters, reloads,
	    "configuration reloads applied"),
	F(struct daemon_counters, reload_failures,
	    "configuration reloads refused (errors; nothing changed)"),
	G(struct daemon_counters, rules_loaded,
	    "detection rules running"),
	{ "start_time_seconds", offsetof(struct daemon_counters, start_time),
	    "time the daemon started, in seconds since the epoch",
	    STATS_GAUGE },
};

static const struct stats_field listen_fields[] = {
	F(struct listen_counters, udp_datagrams,
	    "IPFIX UDP datagrams received"),
	F(struct listen_counters, udp_bytes,
	    "bytes received in IPFIX UDP datagrams"),
	F(struct listen_counters, udp_denied,
	    "UDP datagrams from exporters not in the allow-list, dropped"),
	F(struct listen_counters, udp_truncated,
	    "UDP datagrams larger than the receive buffer, dropped"),
	F(struct listen_counters, udp_kernel_drops,
	    "UDP datagrams the kernel dropped because the socket buffer was "
	    "full (SO_RXQ_OVFL), all listeners"),
	F(struct listen_counters, udp_errors,
	    "failed UDP receive calls (recvmmsg), all listeners"),
	F(struct listen_counters, tcp_accepted,
	    "IPFIX TCP connections accepted"),
	F(struct listen_counters, tcp_refused,
	    "IPFIX TCP connections refused at tcp.max_connections"),
	F(struct listen_counters, tcp_denied,
	    "IPFIX TCP connections from exporters not in the allow-list, "
	    "closed"),
	F(struct listen_counters, tcp_closed,
	    "IPFIX TCP connections closed, for any reason"),
	F(struct listen_counters, tcp_bad_framing,
	    "IPFIX TCP connections closed for a bad message version or length"),
	F(struct listen_counters, tcp_idle_closed,
	    "IPFIX TCP connections closed when idle past tcp.idle_timeout"),
	F(struct listen_counters, tcp_truncated,
	    "IPFIX TCP connections that ended inside a message"),
	F(struct listen_counters, tcp_errors,
	    "IPFIX TCP accept and read errors"),
	F(struct listen_counters, tcp_messages,
	    "IPFIX messages received over TCP"),
	F(struct listen_counters, tcp_bytes,
	    "bytes received over IPFIX TCP connections"),
	G(struct listen_counters, tcp_live,
	    "TCP connections open, IPFIX and syslog"),
};

static const struct stats_field exporter_fields[] = {
	G(struct exporter_counters, live,
	    "UDP exporter sessions in the table"),
	F(struct exporter_counters, created,
	    "UDP exporter sessions created"),
	F(struct exporter_counters, evicted,
	    "UDP exporter sessions evicted because the table was full "
	    "(max_sessions)"),
	F(struct exporter_counters, expired,
	    "UDP exporter sessions freed when idle past session_idle_timeout"),
	F(struct exporter_counters, failed,
	    "UDP datagrams dropped because a session could not be created "
	    "(out of memory)"),
};

_Static_assert(RECORD_KIND_COUNT == 5, "stats: one records_<kind> per kind");

#define K(kind, name, help)	{ name, offsetof(struct ipfix_counters, \
				    records_kind[kind]), help, 0 }

static const struct stats_field ipfix_fields[] = {
	F(struct ipfix_counters, messages,
	    "IPFIX messages given to the decoder"),
	F(struct ipfix_counters, malformed,
	    "IPFIX messages with a structural fault (sets before it are "
	    "still decoded)"),
	F(struct ipfix_counters, records,
	    "IPFIX records decoded and delivered"),
	K(RECORD_UNKNOWN, "records_unknown",
	    "decoded IPFIX records of no known kind"),
	K(RECORD_FLOW, "records_flow",
	    "decoded IPFIX flow records"),
	K(RECORD_ENDPOINT, "records_endpoint",
	    "decoded IPFIX endpoint records"),
	K(RECORD_INTERFACE, "records_interface",
	    "decoded IPFIX interface records"),
	K(RECORD_PROCESS, "records_process",
	    "decoded IPFIX process records"),
	F(struct ipfix_counters, no_template,
	    "IPFIX data records whose template was never seen, withdrawn "
	    "or refused (a set counts as one when the layout is unknown)"),
	F(struct ipfix_counters, bad_records,
	    "IPFIX records dropped: a bad length or value, or the record "
	    "memory cap"),
	F(struct ipfix_counters, seq_gaps,
	    "IPFIX records lost in transit, from sequence numbers (per "
	    "exporter and observation domain)"),
	F(struct ipfix_counters, templates,
	    "IPFIX template records accepted (re-sent ones included)"),
	F(struct ipfix_counters, template_withdrawals,
	    "IPFIX template withdrawal records"),
	F(struct ipfix_counters, bad_templates,
	    "IPFIX template records refused"),
	F(struct ipfix_counters, unknown_elements,
	    "fields of accepted IPFIX templates whose element is not in "
	    "the field dictionary (skipped)"),
};

#define P(member, help)	{ #member, offsetof(struct syslog_counters, \
			    parse.member), help, 0 }

static const struct stats_field syslog_fields[] = {
	F(struct syslog_counters, udp_datagrams,
	    "syslog UDP datagrams received"),
	F(struct syslog_counters, udp_bytes,
	    "bytes received in syslog UDP datagrams"),
	F(struct syslog_counters, udp_denied,
	    "syslog UDP datagrams from senders not in the allow-list, dropped"),
	F(struct syslog_counters, udp_truncated,
	    "syslog UDP datagrams larger than the receive buffer, dropped"),
	F(struct syslog_counters, tcp_accepted,
	    "syslog TCP connections accepted"),
	F(struct syslog_counters, tcp_refused,
	    "syslog TCP connections refused at tcp.max_connections"),
	F(struct syslog_counters, tcp_denied,
	    "syslog TCP connections from senders not in the allow-list, "
	    "closed"),
	F(struct syslog_counters, tcp_closed,
	    "syslog TCP connections closed, for any reason"),
	F(struct syslog_counters, tcp_idle_closed,
	    "syslog TCP connections closed when idle past tcp.idle_timeout"),
	F(struct syslog_counters, tcp_errors,
	    "syslog TCP accept and read errors"),
	F(struct syslog_counters, tcp_bytes,
	    "bytes received over syslog TCP connections"),
	F(struct syslog_counters, tcp_octet_counting,
	    "syslog TCP connections that sent an octet-counted frame"),
	F(struct syslog_counters, tcp_truncated,
	    "syslog TCP frames dropped because the connection ended inside "
	    "them"),
	P(lines, "syslog lines parsed"),
	P(records, "syslog lines that became a record"),
	P(bad_lines, "syslog lines refused (syntax, no event)"),
	P(unknown_keys,
	    "keys in syslog lines that are not in the field dictionary, "
	    "skipped"),
	P(bad_values,
	    "values in syslog lines that their field's type refused"),
	P(kv_lines, "syslog records in key=\"value\" form"),
	P(json_lines, "syslog records in JSON form"),
	F(struct syslog_counters, too_long,
	    "syslog lines longer than the line cap, skipped"),
	F(struct syslog_counters, bad_framing,
	    "syslog TCP connections closed for an octet count over the cap"),
};

static const struct stats_field enrich_fields[] = {
	G(struct enrich_counters, endpoints,
	    "endpoint records in the enrichment cache"),
	G(struct enrich_counters, interfaces,
	    "interface records in the enrichment cache"),
	G(struct enrich_counters, processes,
	    "process records in the enrichment cache"),
	F(struct enrich_counters, updates,
	    "enrichment cache entries stored or replaced"),
	F(struct enrich_counters, joins,
	    "flow records that got a field from the enrichment cache"),
	F(struct enrich_counters, misses,
	    "flow records whose device (udid) was not in the enrichment cache"),
	F(struct enrich_counters, evicted_full,
	    "enrichment cache entries evicted because a cache was full"),
	F(struct enrich_counters, evicted_age,
	    "enrichment cache entries dropped for age"),
};

static const struct stats_field output_fields[] = {
	F(struct output_counters, records_written,
	    "records written to the records file"),
	F(struct output_counters, bytes_written,
	    "bytes written to the records file"),
	F(struct output_counters, write_errors,
	    "failed writes to the records file"),
	F(struct output_counters, records_lost,
	    "records lost in failed writes to the records file, or not "
	    "rendered"),
	F(struct output_counters, reopens,
	    "reopens of the records file (SIGUSR1)"),
};

/* The alerts file: "alerts_written" in the stats: line, "written" in
 * the alerts_file group. */
static const struct stats_field alerts_fields[] = {
	{ "written", offsetof(struct output_counters, records_written),
	    "alerts written to the alerts file", 0 },
	{ "bytes_written", offsetof(struct output_counters, bytes_written),
	    "bytes written to the alerts file", 0 },
	{ "write_errors", offsetof(struct output_counters, write_errors),
	    "failed writes to the alerts file", 0 },
	{ "lost", offsetof(struct output_counters, records_lost),
	    "alerts lost in failed writes to the alerts file, or not "
	    "rendered", 0 },
	{ "reopens", offsetof(struct output_counters, reopens),
	    "reopens of the alerts file (SIGUSR1)", 0 },
};

#define W(member, help, flags)	{ #member, offsetof(struct engine_rule_stats, \
				    window.member), help, flags }

static const struct stats_field rule_fields[] = {
	F(struct engine_rule_stats, matched,
	    "records that passed the rule's search"),
	F(struct engine_rule_stats, alerts,
	    "alerts the rule delivered"),
	F(struct engine_rule_stats, filtered,
	    "rows the rule's search after stats dropped"),
	F(struct engine_rule_stats, errors,
	    "records or rows the rule lost for lack of memory"),
	W(missing_by, "records lacking a by-field, not counted in a group", 0),
	W(late_records, "records for a window that had closed", 0),
	W(groups, "groups opened", 0),
	W(rows, "rows emitted, of every kind", 0),
	W(rows_late, "rows of late records", 0),
	W(rows_partial, "rows emitted before their window closed (a cap, "
	    "or the flush at shutdown)", 0),
	W(rows_first, "rows emitted at a group's first record (emit: first)",
	    0),
	W(rows_truncated, "rows with values left out or cut", 0),
	W(values_dropped, "values not kept at max_values", 0),
	W(values_cut, "values cut at max_value_bytes", 0),
	W(splits_dropped, "group combinations over max_split, dropped", 0),
	W(groups_evicted, "groups emitted or freed early at max_groups or "
	    "max_bytes", 0),
	W(future_records, "records with a _time past now + max_future", 0),
	W(windows_closed, "windows closed", 0),
	W(groups_live, "groups open", STATS_GAUGE),
	W(bytes_live, "bytes held by open groups", STATS_GAUGE),
};

static const struct stats_field sink_fields[] = {
	F(struct sink_counters, enqueued,
	    "alerts given to the sink"),
	F(struct sink_counters, sent,
	    "alerts handed to the kernel (or written)"),
	F(struct sink_counters, dropped,
	    "alerts dropped: queue full, render failure, or left queued at "
	    "shutdown"),
	F(struct sink_counters, retries,
	    "connection attempts and writes after a failure, and messages "
	    "written again after a lost connection"),
	F(struct sink_counters, reconnects,
	    "TCP connections made after a loss or a failed attempt"),
	G(struct sink_counters, queue_depth,
	    "alerts in the sink's queue"),
	F(struct sink_counters, truncated,
	    "messages cut at max_message"),
	F(struct sink_counters, write_errors,
	    "failed writes, sends and journal calls"),
	F(struct sink_counters, tls_failures,
	    "TLS handshakes that failed"),
};

static const struct stats_field metrics_fields[] = {
	F(struct metrics_counters, requests,
	    "HTTP requests to the metrics endpoint"),
	F(struct metrics_counters, not_found,
	    "HTTP requests for a path other than /metrics (404)"),
	F(struct metrics_counters, errors,
	    "HTTP requests refused: a method other than GET or HEAD (405), "
	    "or no memory for the reply (500)"),
};

static const struct stats_field control_fields[] = {
	F(struct control_counters, connections,
	    "connections to the control socket, refused ones included"),
	F(struct control_counters, refused,
	    "connections closed at once over control.max_clients"),
	F(struct control_counters, requests,
	    "well-formed requests handled"),
	F(struct control_counters, errors,
	    "malformed or too long requests, and socket errors"),
	F(struct control_counters, timeouts,
	    "clients closed after control.timeout: no request, or the "
	    "reply not read"),
};

const struct stats_table stats_daemon = TABLE("", daemon_fields, "daemon");
const struct stats_table stats_listen = TABLE("", listen_fields, "listen");
const struct stats_table stats_exporter = TABLE("sessions_", exporter_fields,
    "sessions");
const struct stats_table stats_ipfix = TABLE("", ipfix_fields, "ipfix");
const struct stats_table stats_syslog = TABLE("syslog_", syslog_fields,
    "syslog");
const struct stats_table stats_enrich = TABLE("enrich_", enrich_fields,
    "enrich");
const struct stats_table stats_output = TABLE("", output_fields,
    "records_file");
const struct stats_table stats_alerts = TABLE("alerts_", alerts_fields,
    "alerts_file");
const struct stats_table stats_rule = TABLE("", rule_fields, "rule");
const struct stats_table stats_sink = TABLE("", sink_fields, "sink");
const struct stats_table stats_metrics = TABLE("", metrics_fields,
    "metrics");
const struct stats_table stats_control = TABLE("control_", control_fields,
    "control");

const struct stats_table *const stats_tables[] = {
	&stats_daemon, &stats_listen, &stats_exporter, &stats_ipfix,
	&stats_syslog, &stats_enrich, &stats_output, &stats_alerts,
	&stats_rule, &stats_sink, &stats_metrics, &stats_control, NULL
};
