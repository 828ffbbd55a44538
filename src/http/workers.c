/*
 * http/workers: the render workers, a small pool of threads that run the handler for every
 * request the event threads do not answer themselves, so that a slow render (a search, an
 * admin write, a page on a slow database) never holds up the other connections of the event
 * thread that read it. server.c asks the quick step (nz_http_opts.quick: the page cache) on
 * the event thread; what it does not answer, once the request and its body are complete, is
 * handed here: the connection is suspended (MHD_suspend_connection, out of MHD's event loop),
 * a worker runs the job, keeps the answer in the request's state and resumes the connection;
 * MHD then calls the access handler again, which queues that answer.
 *
 * Rules: one lock (the pool's) guards the queue and the closing flag. A job's connection is
 * suspended under it, before the job is queued, so a worker can never resume a connection
 * that is not suspended yet; the lock order is the pool's, then MHD's own. A worker resumes
 * outside the lock, after the job's last write to the request's state: that state then
 * belongs to the event thread again (MHD's resume is a mutex hand-over). A client that goes
 * away while its request is with a worker is not seen until the resume (MHD does not watch a
 * suspended connection): the handler runs to its end and its answer is dropped with the
 * connection. Stopping (before MHD stops: MHD must not be stopped with suspended
 * connections): new jobs are refused, queued ones are resumed as cancelled (the server answers
 * 503), running ones finish, and the threads are joined.
 */
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>

#include "http/http_int.h"

struct nz__http_workers {
	pthread_mutex_t lock;
	pthread_cond_t work;
	nz__http_job *head, *tail; /* queued, oldest first */
	bool closing;
	pthread_t *threads;
	unsigned n_threads; /* started */
};

/* Runs a job and hands its connection back to MHD. Outside the lock. */
static void finish(nz__http_job *job, bool cancelled)
{
	struct MHD_Connection *conn = job->conn;
	job->run(job, cancelled);
	MHD_resume_connection(conn);
}

static void *worker_main(void *arg)
{
	nz__http_workers *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->head && !w->closing)
			pthread_cond_wait(&w->work, &w->lock);
		nz__http_job *job = w->head;
		if (!job)
			break; /* closing and nothing left */
		w->head = job->next;
		if (!w->head)
			w->tail = NULL;
		pthread_mutex_unlock(&w->lock);
		finish(job, false);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

nz_rc nz__http_workers_new(unsigned n, nz__http_workers **out, nz_err *err)
{
	*out = NULL;
	nz__http_workers *w = calloc(1, sizeof *w);
	if (!w || !(w->threads = calloc(n ? n : 1, sizeof *w->threads))) {
		free(w);
		return nz_err_set(err, NZ_NOMEM, "render workers: out of memory");
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->work, NULL);
	for (; w->n_threads < n; w->n_threads++) {
		if (pthread_create(&w->threads[w->n_threads], NULL, worker_main, w) != 0) {
			nz__http_workers_stop(w);
			return nz_err_set(err, NZ_NOMEM, "render workers: cannot start a thread");
		}
	}
	*out = w;
	return NZ_OK;
}

nz_rc nz__http_workers_submit(nz__http_workers *w, nz__http_job *job)
{
	pthread_mutex_lock(&w->lock);
	if (w->closing) {
		pthread_mutex_unlock(&w->lock);
		return NZ_UNSUPPORTED;
	}
	MHD_suspend_connection(job->conn);
	job->next = NULL;
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->lock);
	return NZ_OK;
}

void nz__http_workers_stop(nz__http_workers *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->closing = true;
	nz__http_job *queued = w->head;
	w->head = w->tail = NULL;
	pthread_cond_broadcast(&w->work);
	pthread_mutex_unlock(&w->lock);
	while (queued) {
		nz__http_job *next = queued->next; /* the job is not ours once resumed */
		finish(queued, true);
		queued = next;
	}
	for (unsigned i = 0; i < w->n_threads; i++)
		pthread_join(w->threads[i], NULL);
	pthread_cond_destroy(&w->work);
	pthread_mutex_destroy(&w->lock);
	free(w->threads);
	free(w);
}
