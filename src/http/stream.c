/*
 * http/stream: long-lived event streams (Server-Sent Events) that cost no thread while they
 * wait. A handler opens a stream on a topic (a plain string such as a Surrogate-Key), writes
 * its first bytes and hands it to the server in its response; the server sends it as an MHD
 * response from a callback (stream_read). When the stream has nothing to send, the callback
 * suspends the connection (MHD_suspend_connection, MHD_ALLOW_SUSPEND_RESUME) and returns 0:
 * MHD then leaves it out of its event loop, so a thousand open streams are a thousand
 * sockets and small buffers, not a thousand threads. nz_http_streams_publish appends an
 * event to every stream of a topic and resumes the suspended ones; a heartbeat thread
 * appends a comment line to every stream every heartbeat_s (proxies keep the connection, and
 * a client that went away is found, which MHD cannot see while a connection is suspended).
 *
 * Rules: one lock (the hub's) guards every stream's buffer and its suspended flag; a stream
 * is suspended and resumed only under it, so MHD_resume_connection is never called on a
 * connection that is not suspended. The lock order is the hub's, then MHD's own. A stream
 * leaves the hub when MHD frees its response (stream_free), which happens after the
 * connection stopped using it. Before MHD stops, nz__http_streams_shutdown ends every stream
 * (MHD must not be stopped with suspended connections).
 */
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/nap.h"
#include "http/http_int.h"

#define HEARTBEAT ": heartbeat\n\n"
/* Bytes a client may leave unread before its stream is ended (it reconnects and resumes). */
#define BACKLOG_MAX (256 * 1024)

struct nz_http_stream {
	nz_http_stream *prev, *next; /* in the hub's list, once opened */
	nz_http_streams *hub;
	char topic[NZ_HTTP_CACHE_KEY_MAX];
	int64_t last_id; /* the highest event id written */
	nz_buf out;      /* bytes not yet handed to MHD, from sent on */
	size_t sent;
	bool end;       /* end the response once out is sent */
	bool suspended; /* MHD_suspend_connection called, not yet resumed */
	struct MHD_Connection *conn;
};

struct nz_http_streams {
	pthread_mutex_t lock;
	nz_http_stream *head;
	size_t n, max; /* open now, at most */
	bool closing;  /* the server is stopping: no new stream */
	unsigned heartbeat_s;
	pthread_t thread;
	bool thread_running, stop;
	pthread_mutex_t nap_lock;
	pthread_cond_t wake;
};

/* Resumes s when suspended. Under the hub's lock. */
static void wake(nz_http_stream *s)
{
	if (s->suspended && s->conn) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

/* Appends bytes (and raises last_id to id) or, past BACKLOG_MAX unread, ends the stream.
 * Under the hub's lock. */
static void put(nz_http_stream *s, int64_t id, const char *bytes, size_t len)
{
	if (s->end)
		return;
	if (s->out.len - s->sent + len > BACKLOG_MAX || nz_buf_append(&s->out, bytes, len) != NZ_OK)
		s->end = true;
	if (id > s->last_id)
		s->last_id = id;
}

static void *heartbeat_run(void *arg)
{
	nz_http_streams *h = arg;
	while (nz_nap(&h->nap_lock, &h->wake, &h->stop, (int64_t)h->heartbeat_s * 1000)) {
		pthread_mutex_lock(&h->lock);
		for (nz_http_stream *s = h->head; s; s = s->next) {
			if (s->out.len == s->sent)
				put(s, 0, HEARTBEAT, sizeof HEARTBEAT - 1);
			wake(s);
		}
		pthread_mutex_unlock(&h->lock);
	}
	return NULL;
}

nz_rc nz_http_streams_new(unsigned heartbeat_s, size_t max, nz_http_streams **out, nz_err *err)
{
	*out = NULL;
	nz_http_streams *h = calloc(1, sizeof *h);
	if (!h)
		return nz_err_set(err, NZ_NOMEM, "event streams: out of memory");
	h->heartbeat_s = heartbeat_s ? heartbeat_s : 25;
	h->max = max ? max : SIZE_MAX;
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->nap_lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&h->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&h->thread, NULL, heartbeat_run, h) != 0) {
		nz_http_streams_free(h);
		return nz_err_set(err, NZ_NOMEM, "event streams: cannot start the heartbeat");
	}
	h->thread_running = true;
	*out = h;
	return NZ_OK;
}

void nz__http_streams_shutdown(nz_http_streams *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->closing = true;
	for (nz_http_stream *s = h->head; s; s = s->next) {
		s->end = true;
		wake(s);
	}
	pthread_mutex_unlock(&h->lock);
}

void nz_http_streams_free(nz_http_streams *h)
{
	if (!h)
		return;
	if (h->thread_running) {
		pthread_mutex_lock(&h->nap_lock);
		h->stop = true;
		pthread_cond_signal(&h->wake);
		pthread_mutex_unlock(&h->nap_lock);
		pthread_join(h->thread, NULL);
	}
	/* streams still listed belong to responses MHD has not freed: there are none once the
	 * server has stopped */
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->nap_lock);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

nz_rc nz_http_stream_open(nz_http_streams *h, const char *topic, int64_t last_id,
			  nz_http_stream **out)
{
	*out = NULL;
	if (!h || !topic || strlen(topic) >= NZ_HTTP_CACHE_KEY_MAX)
		return NZ_INVAL;
	nz_http_stream *s = calloc(1, sizeof *s);
	if (!s)
		return NZ_NOMEM;
	s->hub = h;
	memcpy(s->topic, topic, strlen(topic) + 1);
	s->last_id = last_id;
	nz_buf_init(&s->out, 0);
	pthread_mutex_lock(&h->lock);
	nz_rc rc = h->closing ? NZ_UNSUPPORTED : h->n >= h->max ? NZ_TOOBIG : NZ_OK;
	if (rc == NZ_OK) {
		s->next = h->head;
		if (h->head)
			h->head->prev = s;
		h->head = s;
		h->n++;
	}
	pthread_mutex_unlock(&h->lock);
	if (rc != NZ_OK) {
		free(s);
		return rc;
	}
	*out = s;
	return NZ_OK;
}

void nz_http_stream_write(nz_http_stream *s, int64_t id, const char *bytes, size_t len)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->hub->lock);
	put(s, id, bytes, len);
	pthread_mutex_unlock(&s->hub->lock);
}

bool nz_http_streams_watched(nz_http_streams *h, const char *topic, int64_t *min_last)
{
	bool any = false;
	*min_last = INT64_MAX;
	if (!h)
		return false;
	pthread_mutex_lock(&h->lock);
	for (nz_http_stream *s = h->head; s; s = s->next) {
		if (strcmp(s->topic, topic) != 0)
			continue;
		any = true;
		if (s->last_id < *min_last)
			*min_last = s->last_id;
	}
	pthread_mutex_unlock(&h->lock);
	return any;
}

size_t nz_http_streams_publish(nz_http_streams *h, const char *topic, int64_t id, const char *bytes,
			       size_t len, bool end)
{
	size_t n = 0;
	if (!h)
		return 0;
	pthread_mutex_lock(&h->lock);
	for (nz_http_stream *s = h->head; s; s = s->next) {
		if (strcmp(s->topic, topic) != 0 || (id > 0 && id <= s->last_id))
			continue;
		put(s, id, bytes, len);
		if (end)
			s->end = true;
		wake(s);
		n++;
	}
	pthread_mutex_unlock(&h->lock);
	return n;
}

size_t nz_http_streams_count(nz_http_streams *h)
{
	if (!h)
		return 0;
	pthread_mutex_lock(&h->lock);
	size_t n = h->n;
	pthread_mutex_unlock(&h->lock);
	return n;
}

/* ---- the server's side -------------------------------------------------------------------- */

void nz__http_stream_attach(nz_http_stream *s, struct MHD_Connection *conn)
{
	pthread_mutex_lock(&s->hub->lock);
	s->conn = conn;
	pthread_mutex_unlock(&s->hub->lock);
}

ssize_t nz__http_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	nz_http_stream *s = cls;
	ssize_t n = 0;
	(void)pos;
	pthread_mutex_lock(&s->hub->lock);
	if (s->sent < s->out.len) {
		size_t left = s->out.len - s->sent;
		n = (ssize_t)(left < max ? left : max);
		memcpy(buf, s->out.p + s->sent, (size_t)n);
		s->sent += (size_t)n;
		if (s->sent == s->out.len) {
			nz_buf_reset(&s->out);
			s->sent = 0;
		}
	} else if (s->end || !s->conn) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else { /* nothing new: out of the event loop until a publish or the heartbeat */
		s->suspended = true;
		MHD_suspend_connection(s->conn);
	}
	pthread_mutex_unlock(&s->hub->lock);
	return n;
}

void nz__http_stream_free(void *cls)
{
	nz_http_stream *s = cls;
	nz_http_streams *h = s->hub;
	pthread_mutex_lock(&h->lock);
	if (s->prev)
		s->prev->next = s->next;
	else if (h->head == s)
		h->head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	h->n--;
	pthread_mutex_unlock(&h->lock);
	nz_buf_free(&s->out);
	free(s);
}
