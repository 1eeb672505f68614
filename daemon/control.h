/*
 * control.h - the control socket: a Unix stream socket on which
 * `nvmwatch stats`, `nvmwatch rules` and `nvmwatch reload` ask the daemon
 * (protocol: lib/ctlproto.h; operator's view: nvmwatchd(8)).
 *
 * One request per connection. The handler runs in the event loop, at
 * once; the reply goes out through a bufferevent and the connection is
 * closed when it has drained. Every connection beyond control.max_clients
 * is answered "ERR too many clients" and closed; a client that sends no
 * request within control.timeout, or does not read its reply within it,
 * is closed. Each is counted.
 */
#ifndef NVMWATCHD_CONTROL_H
#define NVMWATCHD_CONTROL_H

#include <stdint.h>

struct buf;
struct config;
struct control;
struct control_request;
struct event_base;

struct control_counters {
	uint64_t	connections;	/* accepted, refused ones included */
	uint64_t	refused;	/* over max_clients */
	uint64_t	requests;	/* well-formed requests handled */
	uint64_t	errors;		/* bad requests, socket errors */
	uint64_t	timeouts;	/* no request, or reply not read, in
					 * time */
};

/*
 * Runs the command req (borrowed). Returns 0 with the reply's body in
 * out, or -1 with a one-line message in out (sent as "ERR message").
 */
typedef int	control_fn(void *arg, const struct control_request *req,
		    struct buf *out);

/*
 * Creates the socket at conf->control_path (conf is borrowed for the
 * call; the values are copied) and listens on it: mode control.mode,
 * group control.group. A stale socket there (nothing accepts on it) is
 * replaced; a live one, or a file that is not a socket, is an error and
 * is left alone. Returns NULL (logged) on failure.
 */
struct control	*control_new(struct event_base *, const struct config *conf,
		    control_fn *fn, void *arg);
/*
 * Closes every connection and the socket, and removes the socket file
 * when it is still the one control_new() made; the counters stay
 * readable (shutdown: no request is served while the sinks drain).
 */
void		 control_shutdown(struct control *);
/* control_shutdown(), then frees it. NULL: a no-op. */
void		 control_free(struct control *);
const struct control_counters *control_counters(const struct control *);

#endif
