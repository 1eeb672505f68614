/*
 * listen.h - the listeners: UDP sockets and TCP connections, for IPFIX
 * and for the NVM collector's syslog lines.
 *
 * IPFIX UDP datagrams are read in batches with recvmmsg(2), checked against the
 * allow-list and handed to the session of their exporter (exporter.h).
 * TCP connections are framed by the IPFIX message header (RFC 7011 §10.4);
 * each connection has its own session. Syslog listeners hand datagrams
 * and connection bytes to syslog_in.h, which frames, parses and counts
 * them. Every datagram and connection is counted in the counters of its
 * listener's format: struct listen_counters for IPFIX, struct
 * syslog_counters for syslog (refusals, idle closes and errors
 * included); udp_kernel_drops and udp_errors, a socket's, are in
 * listen_counters for both. The connection cap (tcp.max_connections,
 * against tcp_live) and the idle timeout are shared by both formats.
 * After each batch the output is flushed, so every decoded record is in
 * the records file before control returns to the event loop.
 *
 * Sockets systemd passes (socket activation, LISTEN_FDS) are listeners
 * too: each one's name (FileDescriptorName=) says its format, and a
 * configured listener that a passed socket already serves is not bound.
 */
#ifndef NVMWATCHD_LISTEN_H
#define NVMWATCHD_LISTEN_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "exporter.h"

struct event_base;
struct config;
struct ipfix_collector;
struct syslog_in;
struct exporter_table;
struct output;
struct listen;

struct listen_counters {
	uint64_t	udp_datagrams;
	uint64_t	udp_bytes;
	uint64_t	udp_denied;		/* exporter not in the allow-list */
	uint64_t	udp_truncated;		/* datagram larger than the buffer */
	uint64_t	udp_kernel_drops;	/* SO_RXQ_OVFL: socket buffer full */
	uint64_t	udp_errors;		/* recvmmsg(2) failed */
	uint64_t	tcp_accepted;
	uint64_t	tcp_refused;		/* over tcp.max_connections */
	uint64_t	tcp_denied;		/* exporter not in the allow-list */
	uint64_t	tcp_closed;		/* every close, for any reason */
	uint64_t	tcp_bad_framing;	/* bad version or length */
	uint64_t	tcp_idle_closed;	/* idle past tcp.idle_timeout */
	uint64_t	tcp_truncated;		/* closed inside a message */
	uint64_t	tcp_errors;		/* accept or read errors */
	uint64_t	tcp_messages;
	uint64_t	tcp_bytes;
	uint64_t	tcp_live;		/* connections open now, both
						   formats */
};

/* A socket systemd passed: fd SD_LISTEN_FDS_START + i, and its name. */
struct listen_passed {
	int			 fd;
	enum config_proto	 proto;		/* SO_TYPE: udp or tcp */
	enum config_format	 format;	/* from the name */
	char			 name[64];	/* FileDescriptorName= */
};

struct listen_fds {
	struct listen_passed	*fds;
	size_t			 n;
};

/*
 * The sockets systemd passed (LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES;
 * the variables are unset). The name "ipfix" or "nvmwatchd.socket"
 * (systemd's default, the unit's name) makes an IPFIX socket, "syslog" a
 * syslog one; each must be a UDP or TCP socket of IPv4 or IPv6. They are
 * made close-on-exec and non-blocking. Returns 0, with out->n 0 when
 * nothing was passed; -1 when a socket has another name or is of another
 * kind, after logging each such socket by number and name: then every
 * passed socket is closed and out is empty. out is the caller's, to be
 * given to listen_fds_close().
 */
int		 listen_fds_from_systemd(struct listen_fds *out);
/* Closes the passed sockets and frees the list; an empty one: no-op. */
void		 listen_fds_close(struct listen_fds *);

/*
 * Opens every listener in conf and registers it with base. conf, collector,
 * syslog (NULL: syslog listeners are refused), exporters and output (which
 * may be NULL) are borrowed and must outlive the listeners. On failure
 * logs what failed (e.g. the bind of an address and port) and returns
 * NULL.
 */
struct listen	*listen_new(struct event_base *, const struct config *conf,
		    struct ipfix_collector *collector, struct syslog_in *syslog,
		    struct exporter_table *exporters, struct output *output);
/* What listen_update() did. */
struct listen_change {
	unsigned	opened;		/* sockets bound */
	unsigned	closed;		/* no longer configured */
	unsigned	kept;		/* bound before, configured still */
};

/*
 * A reload's listeners, without closing what stays configured: new
 * sockets are bound first, then those no longer configured are closed;
 * the allow-list, tcp and udp settings are taken from conf (borrowed from
 * now on, as by listen_new()), for open connections too: those the new
 * allow-list does not allow, and those of listeners no longer configured,
 * are closed. 0 when done; -1 when a bind failed (logged); 1, silently,
 * when a new address overlaps one to be closed (the same port: another
 * format, or a wildcard and an address), which only reopening everything
 * can do. Nothing has changed when it is not 0.
 */
int		 listen_update(struct listen *l, const struct config *conf,
		    struct listen_change *out);
/* Adds c's totals (a replaced listen's, at a reload) to l's counters;
 * the gauge tcp_live is l's own. */
void		 listen_add_counters(struct listen *l,
		    const struct listen_counters *c);
/* The records output the listeners flush after each batch (a reload
 * that opened another one); NULL: none. */
void		 listen_set_output(struct listen *, struct output *output);
/*
 * listen_new(), and a listener on a duplicate of every socket in passed
 * (NULL: none), which stays the caller's. A configured address that a
 * passed socket serves (same transport and port, and the same address or
 * a wildcard that takes it in) is not bound; one that a passed socket of
 * the other format holds is an error. Passed sockets that no configured
 * listener names are listened on all the same.
 */
struct listen	*listen_new_fds(struct event_base *,
		    const struct config *conf, struct ipfix_collector *collector,
		    struct syslog_in *syslog, struct exporter_table *exporters,
		    struct output *output, const struct listen_fds *passed);
/*
 * Stops intake: closes every listener and connection (freeing their
 * sessions). The counters stay readable.
 */
void		 listen_shutdown(struct listen *);
/* Shuts down and frees. NULL: no-op. */
void		 listen_free(struct listen *);
const struct listen_counters *listen_counters(const struct listen *);
/*
 * Calls fn for the session of every open TCP connection, oldest first. fn
 * must not call into the listeners.
 */
void		 listen_foreach(const struct listen *, exporter_session_fn *fn,
		    void *arg);
/*
 * fn is called for a TCP connection's session just before it is freed (on
 * close for any reason, listen_shutdown() included). NULL: none (the
 * default). fn must not call into the listeners.
 */
void		 listen_set_free_hook(struct listen *, exporter_session_fn *fn,
		    void *arg);

/*
 * The event loop's cached time in seconds: the `now` every lib/ call that
 * depends on time is given. Falls back to gettimeofday() outside the loop.
 */
double	loop_now(struct event_base *);

#endif
