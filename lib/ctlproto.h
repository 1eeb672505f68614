/*
 * ctlproto.h - the control socket's wire protocol, both sides.
 *
 * A client connects to nvmwatchd's Unix socket, sends one request line
 * and reads the reply until the daemon closes the connection:
 *
 *	request	= ("stats" | "stats json" | "rules" | "rules json" |
 *		  "reload") LF			at most CONTROL_REQUEST_MAX
 *						bytes, the LF included
 *	reply	= "OK" LF body			body: any bytes, to the close
 *		| "ERR " message LF		message: 1 to CONTROL_MESSAGE_MAX
 *						bytes, no control characters
 *
 * Words are case-sensitive and separated by one space; anything else is
 * an error that names what is wrong; what follows the first line is not
 * read. When the daemon closes a connection with input unread (a request
 * too long, a client refused), the kernel may report the close as a
 * reset: a client takes a reset after a whole ERR line as the end of the
 * reply. Pure: no I/O, no allocation.
 */
#ifndef NVMWATCH_CTLPROTO_H
#define NVMWATCH_CTLPROTO_H

#include <stddef.h>

struct buf;

#define CONTROL_REQUEST_MAX	256		/* bytes, LF included */
#define CONTROL_MESSAGE_MAX	1024		/* bytes of an ERR message */
#define CONTROL_REPLY_MAX	(64 * 1024 * 1024)	/* a client reads no more */

enum control_command {
	CONTROL_STATS,
	CONTROL_RULES,
	CONTROL_RELOAD,
};

struct control_request {
	enum control_command	 command;
	int			 json;		/* "json" given (stats, rules) */
};

/* A reply split by control_reply_parse(); pointers borrow its input. */
struct control_reply {
	int			 ok;		/* 1: OK, 0: ERR */
	const char		*message;	/* ERR: the message (not
						 * NUL-terminated); OK: NULL */
	size_t			 message_len;
	const char		*body;		/* what follows the status line */
	size_t			 body_len;
};

/*
 * Parses line[0..len), one request without its LF (any byte may appear,
 * NUL included; line[len] is not read). Returns 0 and fills req, or -1
 * with a one-line message in msg (msgsize > 0; NUL-terminated, cut to
 * fit) such as `unknown command "foo" (stats, rules, reload)`.
 */
int	control_parse(const char *line, size_t len,
	    struct control_request *req, char *msg, size_t msgsize);
/*
 * Writes req as its request line, LF included, NUL-terminated, into
 * line (size >= CONTROL_REQUEST_MAX). Returns its length.
 */
size_t	control_request_line(const struct control_request *req, char *line,
	    size_t size);
/* The name of a command: "stats", "rules" or "reload". */
const char *control_command_name(enum control_command);

/*
 * Appends a reply's status line to out: "OK\n" when ok, else "ERR " and
 * msg[0..len) made one line (control characters become spaces, leading
 * and trailing blanks dropped, cut at CONTROL_MESSAGE_MAX bytes on a
 * UTF-8 boundary; an empty message becomes "failed") and "\n".
 */
void	control_reply_head(struct buf *out, int ok, const char *msg,
	    size_t len);
/*
 * Splits a whole reply, data[0..len), as a client read it. Returns 0 and
 * fills rep (pointing into data), or -1 with the reason in msg: an empty
 * reply, one longer than CONTROL_REPLY_MAX, no LF after the status, or a
 * status line other than "OK" or "ERR " and a valid message.
 */
int	control_reply_parse(const char *data, size_t len,
	    struct control_reply *rep, char *msg, size_t msgsize);

#endif
