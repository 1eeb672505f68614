/*
 * fuzz_control.c - libFuzzer target for the control protocol.
 *
 * The input is taken both as a request line and as a reply. A request
 * control_parse() accepts must write back as the same line; a refused one
 * must give a message of one line. A reply control_reply_parse() accepts
 * must point inside the input and cover it; the server's status line for
 * any message must parse back as an ERR with a clean message. A
 * difference aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctlproto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
one_line(const char *msg)
{
	size_t	i, n = strlen(msg);

	if (n == 0)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			abort();
}

static void
request(const char *p, size_t len)
{
	struct control_request	req;
	char			msg[256], line[CONTROL_REQUEST_MAX];
	size_t			n;

	if (control_parse(p, len, &req, msg, sizeof(msg)) == -1) {
		one_line(msg);
		return;
	}
	n = control_request_line(&req, line, sizeof(line));
	if (n != len + 1 || memcmp(line, p, len) != 0 || line[len] != '\n')
		abort();
}

static void
reply(const char *p, size_t len)
{
	struct control_reply	 rep;
	struct buf		 b = { 0 };
	char			 msg[256];
	size_t			 i;

	if (control_reply_parse(p, len, &rep, msg, sizeof(msg)) == 0) {
		if (rep.body < p || rep.body + rep.body_len != p + len)
			abort();
		if (!rep.ok && (rep.message != p + 4 || rep.message_len == 0 ||
		    rep.message_len > CONTROL_MESSAGE_MAX))
			abort();
	} else
		one_line(msg);
	/* Whatever the handler wrote, the head is one valid line. */
	control_reply_head(&b, 0, p, len);
	if (b.failed || control_reply_parse(b.data, b.len, &rep, msg,
	    sizeof(msg)) == -1 || rep.ok || rep.body_len != 0)
		abort();
	for (i = 0; i < rep.message_len; i++)
		if ((unsigned char)rep.message[i] < 0x20 ||
		    rep.message[i] == 0x7f)
			abort();
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	request((const char *)data, size);
	reply((const char *)data, size);
	return 0;
}
