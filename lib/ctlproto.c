/*
 * ctlproto.c - the control socket's wire protocol: requests and the
 * reply's status line. See ctlproto.h.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "ctlproto.h"

/* A word quoted in a message: at most this many bytes of it. */
#define SHOW_MAX	32
#define HEAD_MAX	(4 + CONTROL_MESSAGE_MAX + 1)	/* "ERR " msg LF */

static const char *const command_names[] = {
	[CONTROL_STATS] = "stats",
	[CONTROL_RULES] = "rules",
	[CONTROL_RELOAD] = "reload",
};

static int	is_control(unsigned char);
static void	show(const char *, size_t, char *);
static int	word_is(const char *, size_t, const char *);
static int	parse_words(const char **, size_t *, size_t,
		    struct control_request *, char *, size_t);

static int
is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/*
 * w[0..n) for a message, into dst (SHOW_MAX + 4 bytes): bytes other than
 * printable ASCII as '?', cut at SHOW_MAX bytes with "...", so that no
 * input can break the one-line reply or flood it.
 */
static void
show(const char *w, size_t n, char *dst)
{
	size_t	i, m = n > SHOW_MAX ? SHOW_MAX : n;

	for (i = 0; i < m; i++)
		dst[i] = w[i] > 0x20 && w[i] < 0x7f ? w[i] : '?';
	if (m < n) {
		memcpy(dst + m, "...", 3);
		m += 3;
	}
	dst[m] = '\0';
}

static int
word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(w, s, n) == 0;
}

int
control_parse(const char *line, size_t len, struct control_request *req,
    char *msg, size_t msgsize)
{
	const char	*w[3];
	size_t		 n[3], nw = 0, i, start = 0;

	if (len >= CONTROL_REQUEST_MAX) {
		snprintf(msg, msgsize, "request longer than %d bytes",
		    CONTROL_REQUEST_MAX);
		return -1;
	}
	if (len == 0) {
		snprintf(msg, msgsize, "empty request");
		return -1;
	}
	for (i = 0; i < len; i++)
		if (is_control((unsigned char)line[i])) {
			snprintf(msg, msgsize, "request contains a control "
			    "character");
			return -1;
		}
	/* Words separated by one space: no empty word anywhere. */
	for (i = 0; i <= len; i++) {
		if (i < len && line[i] != ' ')
			continue;
		if (i == start) {
			snprintf(msg, msgsize, "extra space in request");
			return -1;
		}
		if (nw < 3) {
			w[nw] = line + start;
			n[nw] = i - start;
		}
		nw++;
		start = i + 1;
	}
	return parse_words(w, n, nw, req, msg, msgsize);
}

/* The command, then its arguments: "json" for stats and rules, none for
 * reload. nw may exceed 3; only the first three words were kept. */
static int
parse_words(const char **w, size_t *n, size_t nw,
    struct control_request *req, char *msg, size_t msgsize)
{
	char	word[SHOW_MAX + 4];
	size_t	i;

	for (i = 0; i < sizeof(command_names) / sizeof(command_names[0]); i++)
		if (word_is(w[0], n[0], command_names[i]))
			break;
	if (i == sizeof(command_names) / sizeof(command_names[0])) {
		show(w[0], n[0], word);
		snprintf(msg, msgsize, "unknown command \"%s\" (stats, rules, "
		    "reload)", word);
		return -1;
	}
	memset(req, 0, sizeof(*req));
	req->command = (enum control_command)i;
	if (nw == 1)
		return 0;
	if (req->command == CONTROL_RELOAD) {
		snprintf(msg, msgsize, "reload takes no argument");
		return -1;
	}
	if (!word_is(w[1], n[1], "json")) {
		show(w[1], n[1], word);
		snprintf(msg, msgsize, "unknown argument \"%s\" to %s (json)",
		    word, command_names[i]);
		return -1;
	}
	if (nw > 2) {
		snprintf(msg, msgsize, "too many arguments to %s",
		    command_names[i]);
		return -1;
	}
	req->json = 1;
	return 0;
}

const char *
control_command_name(enum control_command c)
{
	if ((size_t)c >= sizeof(command_names) / sizeof(command_names[0]))
		return "unknown";
	return command_names[c];
}

size_t
control_request_line(const struct control_request *req, char *line,
    size_t size)
{
	int	n;

	n = snprintf(line, size, "%s%s\n", control_command_name(req->command),
	    req->json && req->command != CONTROL_RELOAD ? " json" : "");
	return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

void
control_reply_head(struct buf *out, int ok, const char *msg, size_t len)
{
	size_t	i, start = 0, end = len;

	if (ok) {
		buf_puts(out, "OK\n");
		return;
	}
	/* Blanks and control characters at either end go; inside, the
	 * controls (a newline in a message) become spaces. */
	while (start < end && (msg[start] == ' ' ||
	    is_control((unsigned char)msg[start])))
		start++;
	while (end > start && (msg[end - 1] == ' ' ||
	    is_control((unsigned char)msg[end - 1])))
		end--;
	if (end - start > CONTROL_MESSAGE_MAX) {
		end = start + CONTROL_MESSAGE_MAX;
		/* Not inside a UTF-8 sequence: back off its continuation
		 * bytes and its lead byte. */
		for (i = 0; i < 4 && end > start &&
		    ((unsigned char)msg[end] & 0xc0) == 0x80; i++)
			end--;
		if (i > 0 && end > start &&
		    ((unsigned char)msg[end] & 0xc0) == 0x80)
			end = start + CONTROL_MESSAGE_MAX;
	}
	buf_puts(out, "ERR ");
	if (start == end)
		buf_puts(out, "failed");
	for (i = start; i < end; i++)
		buf_putc(out, is_control((unsigned char)msg[i]) ? ' ' : msg[i]);
	buf_putc(out, '\n');
}

int
control_reply_parse(const char *data, size_t len, struct control_reply *rep,
    char *msg, size_t msgsize)
{
	const char	*lf;
	char		 head[SHOW_MAX + 4];
	size_t		 hlen, i;

	memset(rep, 0, sizeof(*rep));
	if (len == 0) {
		snprintf(msg, msgsize, "empty reply");
		return -1;
	}
	if (len > CONTROL_REPLY_MAX) {
		snprintf(msg, msgsize, "reply longer than %d bytes",
		    CONTROL_REPLY_MAX);
		return -1;
	}
	if ((lf = memchr(data, '\n', len < HEAD_MAX ? len : HEAD_MAX)) ==
	    NULL) {
		snprintf(msg, msgsize, len < HEAD_MAX ? "no status line" :
		    "status line longer than %d bytes", HEAD_MAX);
		return -1;
	}
	hlen = (size_t)(lf - data);
	rep->body = lf + 1;
	rep->body_len = len - hlen - 1;
	if (word_is(data, hlen, "OK")) {
		rep->ok = 1;
		return 0;
	}
	if (hlen > 4 && memcmp(data, "ERR ", 4) == 0) {
		for (i = 4; i < hlen; i++)
			if (is_control((unsigned char)data[i]))
				break;
		if (i == hlen) {
			rep->message = data + 4;
			rep->message_len = hlen - 4;
			return 0;
		}
	}
	show(data, hlen, head);
	snprintf(msg, msgsize, "malformed status line \"%s\"", head);
	return -1;
}
