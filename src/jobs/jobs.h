/*
 * jobs: the server's background workers behind one start/stop interface. Threads, each
 * with its own store handle: the scheduler (publishes scheduled articles when publish_at
 * passes, and ticks the change feed when embargoes end), the delivery worker (sends the
 * outbox's webhook and purge-hook deliveries), the renditions worker (makes new photos'
 * renditions), the wire poller and the related-articles worker (keeps the stored lists
 * current after writes).
 *
 * Rules: workers never run on request threads and never touch HTTP requests; everything they
 * need is in the database, so a restart picks up where the last run left off. A worker's
 * failure is logged and retried, never fatal once started.
 */
#ifndef NZ_JOBS_H
#define NZ_JOBS_H

#include "core/core.h"

typedef struct nz_jobs_opts {
	const char *db_uri; /* each worker opens its own store handle on it */
} nz_jobs_opts;

typedef struct nz_jobs nz_jobs;

/* Starts every worker; on failure none is left running. */
nz_rc nz_jobs_start(const nz_jobs_opts *opts, nz_jobs **out, nz_err *err);
/* Stops every worker (waiting for a publish in progress; a send under way is abandoned and
 * stays due) and frees them; NULL-safe. */
void nz_jobs_stop(nz_jobs *jobs);

/* ---- wires (wire.c) --------------------------------------------------------------------- */

typedef struct nz_store nz_store;
typedef struct nz_wire_feed nz_wire_feed;
/* Told about each feed polled: one line ("3 items: taken 2, ...", "not modified",
 * "refused: <reason>"). */
typedef void (*nz_jobs_wire_said)(void *ctx, const nz_wire_feed *f, const char *line, bool refused);
/* One pass: fetches every feed that is due (every feed with all), takes its items into the
 * review queue (app/wire.c) and records the poll on the feed. A feed's failure is its own
 * (said, and kept as its last_error); an error comes back only when the database or memory
 * failed. */
nz_rc nz_jobs_wire_poll(nz_store *s, bool all, nz_jobs_wire_said said, void *ctx, nz_err *err);

#endif
