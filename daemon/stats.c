/*
 * stats.c - counter tables and their key=value rendering; see stats.h.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "control.h"
#include "engine.h"
#include "enrich.h"
#include "exporter.h"
#include "ipfix.h"
#include "listen.h"
#include "output.h"
#include "record.h"
#include "sink.h"
#include "stats.h"
#include "syslog_in.h"

#define F(type, member)		{ #member, offsetof(type, member) }
#define TABLE(prefix, fields)	{ prefix, fields, \
				    sizeof(fields) / sizeof(fields[0]) }

static const struct stats_field listen_fields[] = {
	F(struct listen_counters, udp_datagrams),
	F(struct listen_counters, udp_bytes),
	F(struct listen_counters, udp_denied),
	F(struct listen_counters, udp_truncated),
	F(struct listen_counters, udp_kernel_drops),
	F(struct listen_counters, udp_errors),
	F(struct listen_counters, tcp_accepted),
	F(struct listen_counters, tcp_refused),
	F(struct listen_counters, tcp_denied),
	F(struct listen_counters, tcp_closed),
	F(struct listen_counters, tcp_bad_framing),
	F(struct listen_counters, tcp_idle_closed),
	F(struct listen_counters, tcp_truncated),
	F(struct listen_counters, tcp_errors),
	F(struct listen_counters, tcp_messages),
	F(struct listen_counters, tcp_bytes),
	F(struct listen_counters, tcp_live),
};

static const struct stats_field exporter_fields[] = {
	F(struct exporter_counters, live),
	F(struct exporter_counters, created),
	F(struct exporter_counters, evicted),
	F(struct exporter_counters, expired),
	F(struct exporter_counters, failed),
};

_Static_assert(RECORD_KIND_COUNT == 5, "stats: one records_<kind> per kind");

static const struct stats_field ipfix_fields[] = {
	F(struct ipfix_counters, messages),
	F(struct ipfix_counters, malformed),
	F(struct ipfix_counters, records),
	{ "records_unknown", offsetof(struct ipfix_counters,
	    records_kind[RECORD_UNKNOWN]) },
	{ "records_flow", offsetof(struct ipfix_counters,
	    records_kind[RECORD_FLOW]) },
	{ "records_endpoint", offsetof(struct ipfix_counters,
	    records_kind[RECORD_ENDPOINT]) },
	{ "records_interface", offsetof(struct ipfix_counters,
	    records_kind[RECORD_INTERFACE]) },
	{ "records_process", offsetof(struct ipfix_counters,
	    records_kind[RECORD_PROCESS]) },
	F(struct ipfix_counters, no_template),
	F(struct ipfix_counters, bad_records),
	F(struct ipfix_counters, seq_gaps),
	F(struct ipfix_counters, templates),
	F(struct ipfix_counters, template_withdrawals),
	F(struct ipfix_counters, bad_templates),
	F(struct ipfix_counters, unknown_elements),
};

#define P(member)	{ #member, offsetof(struct syslog_counters, \
			    parse.member) }

static const struct stats_field syslog_fields[] = {
	F(struct syslog_counters, udp_datagrams),
	F(struct syslog_counters, udp_bytes),
	F(struct syslog_counters, udp_denied),
	F(struct syslog_counters, udp_truncated),
	F(struct syslog_counters, tcp_accepted),
	F(struct syslog_counters, tcp_refused),
	F(struct syslog_counters, tcp_denied),
	F(struct syslog_counters, tcp_closed),
	F(struct syslog_counters, tcp_idle_closed),
	F(struct syslog_counters, tcp_errors),
	F(struct syslog_counters, tcp_bytes),
	F(struct syslog_counters, tcp_octet_counting),
	F(struct syslog_counters, tcp_truncated),
	P(lines),
	P(records),
	P(bad_lines),
	P(unknown_keys),
	P(bad_values),
	P(kv_lines),
	P(json_lines),
	F(struct syslog_counters, too_long),
	F(struct syslog_counters, bad_framing),
};

static const struct stats_field enrich_fields[] = {
	F(struct enrich_counters, endpoints),
	F(struct enrich_counters, interfaces),
	F(struct enrich_counters, processes),
	F(struct enrich_counters, updates),
	F(struct enrich_counters, joins),
	F(struct enrich_counters, misses),
	F(struct enrich_counters, evicted_full),
	F(struct enrich_counters, evicted_age),
};

static const struct stats_field output_fields[] = {
	F(struct output_counters, records_written),
	F(struct output_counters, bytes_written),
	F(struct output_counters, write_errors),
	F(struct output_counters, records_lost),
	F(struct output_counters, reopens),
};

static const struct stats_field alerts_fields[] = {
	{ "alerts_written", offsetof(struct output_counters,
	    records_written) },
	{ "alerts_bytes_written", offsetof(struct output_counters,
	    bytes_written) },
	{ "alerts_write_errors", offsetof(struct output_counters,
	    write_errors) },
	{ "alerts_lost", offsetof(struct output_counters, records_lost) },
	{ "alerts_reopens", offsetof(struct output_counters, reopens) },
};

#define W(member)	{ #member, offsetof(struct engine_rule_stats, \
			    window.member) }

static const struct stats_field rule_fields[] = {
	F(struct engine_rule_stats, matched),
	F(struct engine_rule_stats, alerts),
	F(struct engine_rule_stats, filtered),
	F(struct engine_rule_stats, errors),
	W(missing_by),
	W(late_records),
	W(groups),
	W(rows),
	W(rows_late),
	W(rows_partial),
	W(rows_first),
	W(rows_truncated),
	W(values_dropped),
	W(values_cut),
	W(splits_dropped),
	W(groups_evicted),
	W(future_records),
	W(windows_closed),
	W(groups_live),
	W(bytes_live),
};

static const struct stats_field sink_fields[] = {
	F(struct sink_counters, enqueued),
	F(struct sink_counters, sent),
	F(struct sink_counters, dropped),
	F(struct sink_counters, retries),
	F(struct sink_counters, reconnects),
	F(struct sink_counters, queue_depth),
	F(struct sink_counters, truncated),
	F(struct sink_counters, write_errors),
	F(struct sink_counters, tls_failures),
};

static const struct stats_field control_fields[] = {
	F(struct control_counters, connections),
	F(struct control_counters, refused),
	F(struct control_counters, requests),
	F(struct control_counters, errors),
	F(struct control_counters, timeouts),
};

const struct stats_table stats_listen = TABLE("", listen_fields);
const struct stats_table stats_exporter = TABLE("sessions_", exporter_fields);
const struct stats_table stats_ipfix = TABLE("", ipfix_fields);
const struct stats_table stats_syslog = TABLE("syslog_", syslog_fields);
const struct stats_table stats_enrich = TABLE("enrich_", enrich_fields);
const struct stats_table stats_output = TABLE("", output_fields);
const struct stats_table stats_alerts = TABLE("", alerts_fields);
const struct stats_table stats_rule = TABLE("", rule_fields);
const struct stats_table stats_sink = TABLE("", sink_fields);
const struct stats_table stats_control = TABLE("control_", control_fields);

static uint64_t
field_get(const void *counters, const struct stats_field *f)
{
	uint64_t	v;

	memcpy(&v, (const char *)counters + f->off, sizeof(v));
	return v;
}

void
stats_put(struct buf *b, const struct stats_table *t, const void *counters)
{
	size_t	i;

	for (i = 0; i < t->nfields; i++)
		buf_printf(b, " %s%s=%llu", t->prefix, t->fields[i].name,
		    (unsigned long long)field_get(counters, &t->fields[i]));
}

void
stats_word(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		buf_putc(b, (isalnum((unsigned char)*s) || *s == '_' ||
		    *s == '.' || *s == '-') ? *s : '_');
}

void
stats_sub(const struct stats_table *t, void *dst, const void *src)
{
	uint64_t	d, s;
	size_t		i;

	for (i = 0; i < t->nfields; i++) {
		d = field_get(dst, &t->fields[i]);
		s = field_get(src, &t->fields[i]);
		d = d > s ? d - s : 0;
		memcpy((char *)dst + t->fields[i].off, &d, sizeof(d));
	}
}
