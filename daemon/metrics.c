/*
 * metrics.c - GET /metrics over evhttp; see metrics.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "metrics.h"

#define METRICS_PATH		"/metrics"
#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"
/*
 * evhttp answers a method outside this set with 501 itself; these reach
 * the callback, which answers 405 to all but GET and HEAD.
 */
#define METRICS_METHODS		(EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | \
				    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | \
				    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | \
				    EVHTTP_REQ_PATCH)

struct metrics {
	struct evhttp		*http;
	stats_source_fn		*src;
	void			*srcarg;
	struct buf		 buf;	/* the exposition, reused */
	struct metrics_counters	 counters;
};

static void	metrics_request(struct evhttp_request *, void *);
static void	metrics_reply(struct metrics *, struct evhttp_request *);
static void	metrics_error(struct evhttp_request *, int, const char *);

struct metrics *
metrics_new(struct event_base *base, const struct config *conf,
    stats_source_fn *src, void *srcarg)
{
	struct metrics	*m;
	const char	*addr = conf->metrics_address;
	int		 v6 = strchr(addr, ':') != NULL;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		log_warn("metrics");
		return NULL;
	}
	m->src = src;
	m->srcarg = srcarg;
	if ((m->http = evhttp_new(base)) == NULL) {
		log_warnx("metrics: evhttp_new failed");
		goto fail;
	}
	evhttp_set_max_headers_size(m->http, METRICS_MAX_HEADERS);
	evhttp_set_max_body_size(m->http, METRICS_MAX_BODY);
	evhttp_set_timeout(m->http, METRICS_TIMEOUT);
	evhttp_set_allowed_methods(m->http, METRICS_METHODS);
	evhttp_set_gencb(m->http, metrics_request, m);
	/* evhttp leaves errno from the failed bind(2) or listen(2). */
	if (evhttp_bind_socket_with_handle(m->http, addr,
	    (uint16_t)conf->metrics_port) == NULL) {
		log_warn("bind metrics %s%s%s:%u", v6 ? "[" : "", addr,
		    v6 ? "]" : "", conf->metrics_port);
		goto fail;
	}
	log_info("metrics on http://%s%s%s:%u%s", v6 ? "[" : "", addr,
	    v6 ? "]" : "", conf->metrics_port, METRICS_PATH);
	return m;
 fail:
	metrics_free(m);
	return NULL;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	if (m->http != NULL)
		evhttp_free(m->http);
	buf_free(&m->buf);
	free(m);
}

const struct metrics_counters *
metrics_counters(const struct metrics *m)
{
	return &m->counters;
}

static void
metrics_request(struct evhttp_request *req, void *arg)
{
	struct metrics			*m = arg;
	const struct evhttp_uri		*uri;
	const char			*path = NULL;
	enum evhttp_cmd_type		 cmd = evhttp_request_get_command(req);

	m->counters.requests++;
	if ((uri = evhttp_request_get_evhttp_uri(req)) != NULL)
		path = evhttp_uri_get_path(uri);
	if (path == NULL || strcmp(path, METRICS_PATH) != 0) {
		m->counters.not_found++;
		metrics_error(req, HTTP_NOTFOUND, "Not Found");
	} else if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		m->counters.errors++;
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD");
		metrics_error(req, 405, "Method Not Allowed");
	} else
		metrics_reply(m, req);
}

/*
 * The counters as they are now. The buffer is rendered for HEAD too, so
 * that Content-Length is the one GET would have.
 */
static void
metrics_reply(struct metrics *m, struct evhttp_request *req)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*body;
	char			 len[32];

	buf_reset(&m->buf);
	stats_render_prometheus(&m->buf, m->src, m->srcarg);
	if (m->buf.failed || (body = evbuffer_new()) == NULL) {
		m->counters.errors++;
		metrics_error(req, HTTP_INTERNAL, "Internal Server Error");
		return;
	}
	if (evbuffer_add(body, m->buf.data, m->buf.len) == -1) {
		evbuffer_free(body);
		m->counters.errors++;
		metrics_error(req, HTTP_INTERNAL, "Internal Server Error");
		return;
	}
	snprintf(len, sizeof(len), "%zu", m->buf.len);
	evhttp_add_header(h, "Content-Type", METRICS_CONTENT_TYPE);
	evhttp_add_header(h, "Content-Length", len);
	evhttp_send_reply(req, HTTP_OK, "OK", body);
	evbuffer_free(body);
}

/* A short text/plain answer: "404 Not Found". */
static void
metrics_error(struct evhttp_request *req, int code, const char *reason)
{
	struct evbuffer	*body;

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	if ((body = evbuffer_new()) != NULL)
		evbuffer_add_printf(body, "%d %s\n", code, reason);
	evhttp_send_reply(req, code, reason, body);
	if (body != NULL)
		evbuffer_free(body);
}
