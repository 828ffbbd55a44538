/*
 * http/guard: keeps one client from taking the server from everyone else. It follows every
 * connection MHD opens (MHD_OPTION_NOTIFY_CONNECTION) and:
 *  - refuses a connection past max_per_address open ones from the same address (trusted proxies
 *    excepted: their clients are many);
 *  - gives each request head a deadline: a connection waiting for a complete head (a new one,
 *    or a keep-alive one between requests) longer than head_timeout_s is closed, however many
 *    bytes it trickles in (MHD's own timeout only measures silence);
 *  - past the soft limit (max_connections less a reserve) closes the connections that have
 *    waited longest for a head, idle keep-alive ones first, so a new client always finds room;
 *    a request being answered is never cut.
 * Closing is shutdown(2) on the socket, which MHD then sees as the peer going away; it is done
 * under the guard's lock, and MHD reports a connection closed (removing it here) before it
 * closes the descriptor, so a descriptor number reused by a later connection is never hit.
 * A reaper thread checks deadlines every REAP_MS.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "http/http_int.h"

#define REAP_MS 100

typedef enum conn_state {
	WAITING,   /* for a complete request head */
	ANSWERING, /* the head is in: reading the body, running the handler, sending */
	CLOSING,   /* shut down by the guard; MHD will report it closed */
} conn_state;

typedef struct entry {
	struct entry *prev, *next;
	MHD_socket fd;
	int family;
	unsigned char addr[16];
	bool trusted; /* a trusted proxy: no per-address cap */
	bool served;  /* answered a request: idle keep-alive when waiting */
	conn_state state;
	int64_t since_ms; /* when it began waiting (state WAITING) */
} entry;

struct nz__http_guard {
	nz__http_guard_opts opts;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t reaper;
	bool reaper_running, stopping;
	entry *head;   /* newest first */
	size_t n_open; /* entries not CLOSING */
	nz__http_guard_stats stats;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void shut(nz__http_guard *g, entry *e)
{
	if (e->state == CLOSING)
		return;
	e->state = CLOSING;
	g->n_open--;
	shutdown(e->fd, SHUT_RDWR);
}

/* Closes the waiting connection that has waited longest (an idle keep-alive one before a new
 * one that has not sent a head yet). False when none is waiting. */
static bool evict_oldest(nz__http_guard *g)
{
	entry *best = NULL;
	for (entry *e = g->head; e; e = e->next) {
		if (e->state != WAITING)
			continue;
		if (!best || (e->served && !best->served) ||
		    (e->served == best->served && e->since_ms <= best->since_ms))
			best = e;
	}
	if (!best)
		return false;
	shut(g, best);
	g->stats.evicted++;
	return true;
}

static size_t open_from(const nz__http_guard *g, const entry *n)
{
	size_t count = 0;
	for (const entry *e = g->head; e; e = e->next)
		if (e != n && e->state != CLOSING && e->family == n->family &&
		    memcmp(e->addr, n->addr, sizeof e->addr) == 0)
			count++;
	return count;
}

static void fill_addr(entry *e, const struct sockaddr *sa)
{
	if (sa && sa->sa_family == AF_INET) {
		e->family = AF_INET;
		memcpy(e->addr, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		e->family = AF_INET6;
		memcpy(e->addr, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
	}
}

void nz__http_guard_opened(nz__http_guard *g, struct MHD_Connection *conn, void **socket_context)
{
	const union MHD_ConnectionInfo *fd =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	entry *e = calloc(1, sizeof *e);
	char text[INET6_ADDRSTRLEN] = "";

	*socket_context = e;
	if (!e || !fd)
		return; /* not followed: MHD's own limits still hold */
	e->fd = fd->connect_fd;
	fill_addr(e, ci ? ci->client_addr : NULL);
	if (e->family)
		inet_ntop(e->family, e->addr, text, sizeof text);
	e->trusted =
	    g->opts.n_proxies && nz__http_trusted(text, g->opts.proxies, g->opts.n_proxies);
	e->since_ms = now_ms();
	pthread_mutex_lock(&g->lock);
	e->next = g->head;
	if (g->head)
		g->head->prev = e;
	g->head = e;
	g->n_open++;
	if (!e->trusted && open_from(g, e) >= g->opts.max_per_address) {
		shut(g, e);
		g->stats.refused_per_address++;
	} else {
		while (g->n_open > g->opts.soft_limit && evict_oldest(g))
			;
	}
	pthread_mutex_unlock(&g->lock);
}

void nz__http_guard_closed(nz__http_guard *g, void **socket_context)
{
	entry *e = *socket_context;
	*socket_context = NULL;
	if (!e)
		return;
	pthread_mutex_lock(&g->lock);
	if (e->state != CLOSING)
		g->n_open--;
	if (e->prev)
		e->prev->next = e->next;
	else if (g->head == e)
		g->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	pthread_mutex_unlock(&g->lock);
	free(e);
}

static entry *entry_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return info ? info->socket_context : NULL;
}

void nz__http_guard_head_done(nz__http_guard *g, struct MHD_Connection *conn)
{
	entry *e = entry_of(conn);
	if (!g || !e)
		return;
	pthread_mutex_lock(&g->lock);
	if (e->state == WAITING)
		e->state = ANSWERING;
	pthread_mutex_unlock(&g->lock);
}

void nz__http_guard_answered(nz__http_guard *g, struct MHD_Connection *conn)
{
	entry *e = conn ? entry_of(conn) : NULL;
	if (!g || !e)
		return;
	pthread_mutex_lock(&g->lock);
	if (e->state == ANSWERING) {
		e->state = WAITING;
		e->served = true;
		e->since_ms = now_ms();
	}
	pthread_mutex_unlock(&g->lock);
}

static void *reaper(void *arg)
{
	nz__http_guard *g = arg;
	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += REAP_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->wake, &g->lock, &until);
		int64_t deadline = now_ms() - (int64_t)g->opts.head_timeout_s * 1000;
		for (entry *e = g->head; e; e = e->next) {
			if (e->state == WAITING && e->since_ms < deadline) {
				shut(g, e);
				g->stats.timed_out++;
			}
		}
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

nz_rc nz__http_guard_new(const nz__http_guard_opts *opts, nz__http_guard **out, nz_err *err)
{
	nz__http_guard *g = calloc(1, sizeof *g);
	*out = NULL;
	if (!g)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	g->opts = *opts;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->wake, NULL);
	if (pthread_create(&g->reaper, NULL, reaper, g) != 0) {
		nz__http_guard_free(g);
		return nz_err_set(err, NZ_IO, "cannot start the connection guard: %s",
				  strerror(errno));
	}
	g->reaper_running = true;
	*out = g;
	return NZ_OK;
}

void nz__http_guard_stats_get(nz__http_guard *g, nz__http_guard_stats *out)
{
	pthread_mutex_lock(&g->lock);
	*out = g->stats;
	out->open = g->n_open;
	pthread_mutex_unlock(&g->lock);
}

void nz__http_guard_free(nz__http_guard *g)
{
	if (!g)
		return;
	if (g->reaper_running) {
		pthread_mutex_lock(&g->lock);
		g->stopping = true;
		pthread_cond_signal(&g->wake);
		pthread_mutex_unlock(&g->lock);
		pthread_join(g->reaper, NULL);
	}
	/* MHD has stopped: every connection was reported closed. */
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->lock);
	free(g);
}
