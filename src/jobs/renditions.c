/*
 * jobs/renditions: makes the renditions of new photos in the background, so that an upload
 * answers at once and readers seldom wait for a rendition to be made on demand. Once a second
 * it asks the store for photos without their last standard rendition (nz_media_standard) and
 * makes each one's set through pages/ (nz_page_rendition: the same get-or-make, under the same
 * lock, as a reader's request). Photos stored before the pipeline existed get theirs too.
 *
 * Rules: one thread with its own store handle, working while this node holds the lease; a
 * photo the pipeline refuses (damaged past its header) is logged once and skipped until the
 * server restarts; a stop interrupts the rendition under way (the pipeline's cancel), which is
 * then neither stored nor remembered as refused.
 */
#include <stdlib.h>
#include <string.h>

#include "jobs/jobs_int.h"
#include "media/media.h"
#include "pages/pages.h"

#define TICK_MS 1000
#define BATCH 50
#define SKIP_MAX 256 /* photos the pipeline refused, remembered by hash */

struct nz__renderer {
	nz__worker worker;
	nz_store *store;
	const nz__lease *lease;
	char skip[SKIP_MAX][65];
	size_t n_skip;
};

static bool stopping(nz__renderer *r)
{
	pthread_mutex_lock(&r->worker.lock);
	bool stop = r->worker.stop;
	pthread_mutex_unlock(&r->worker.lock);
	return stop;
}

static bool skipped(const nz__renderer *r, const char *hash)
{
	for (size_t i = 0; i < r->n_skip; i++)
		if (strcmp(r->skip[i], hash) == 0)
			return true;
	return false;
}

/* The order the worker makes a photo's set in: cheapest and most needed first (the full-size
 * copy that feeds measure, then JPEG, which every browser takes), AVIF, several times slower to
 * encode, after WebP; the set's last member stays last (it marks a photo as done). */
static int cost_rank(const nz_rendition *r)
{
	if (r->width == 0)
		return 0;
	return r->format == NZ_FORMAT_AVIF ? 3 : r->format == NZ_FORMAT_WEBP ? 2 : 1;
}

/* Orders set[0..n-1) by cost_rank, stably; set[n-1] does not move. */
static void cheapest_first(nz_rendition *set, size_t n)
{
	for (size_t i = 1; i + 1 < n; i++) {
		nz_rendition x = set[i];
		size_t j = i;
		for (; j > 0 && cost_rank(&set[j - 1]) > cost_rank(&x); j--)
			set[j] = set[j - 1];
		set[j] = x;
	}
}

/* The pipeline's cancel (media/media.h): a stop interrupts the rendition under way. */
static bool asked_to_stop(void *arg)
{
	return stopping(arg);
}

/* Makes every standard rendition of one photo that is not made yet. A rendition cut short by a
 * stop is neither stored nor remembered as refused: the next start makes it. */
static void render_one(nz__renderer *r, nz_arena *arena, const nz_media *m)
{
	const nz_media_cancel cancel = {.asked = asked_to_stop, .arg = r};
	nz_rendition set[NZ_MEDIA_STANDARD_MAX];
	int fx, fy;
	nz_media_focal(m, &fx, &fy);
	size_t n = nz_media_standard(m->width, m->mime, fx, fy, set, NZ_MEDIA_STANDARD_MAX);
	cheapest_first(set, n);
	for (size_t i = 0; i < n && !stopping(r); i++) {
		const void *bytes;
		size_t len;
		const char *mime;
		nz_err err = {0};
		const char *name = nz_media_rendition_name(arena, &set[i]);
		nz_rc rc = name ? nz_page_rendition_cancellable(r->store, arena, m->hash, name,
								&cancel, &bytes, &len, &mime, &err)
				: NZ_NOMEM;
		if (rc == NZ_OK)
			continue;
		if (stopping(r)) {
			NZ_LOG(NZ_LOG_INFO, "renditions",
			       "photo %.12s, %s: left for the next start", m->hash,
			       name ? name : "?");
			return;
		}
		NZ_LOG(NZ_LOG_ERROR, "renditions", "photo %.12s, %s: %s", m->hash,
		       name ? name : "?", err.msg[0] ? err.msg : nz_strerror(rc));
		if (rc != NZ_DB && rc != NZ_NOMEM && r->n_skip < SKIP_MAX)
			snprintf(r->skip[r->n_skip++], 65, "%s", m->hash);
		return;
	}
}

static void *run(void *arg)
{
	nz__renderer *r = arg;
	do {
		nz_media *todo = NULL;
		size_t n = 0;
		nz_err err = {0};
		if (!nz__lease_held(r->lease))
			continue; /* another node makes them */
		nz_arena *arena = nz_arena_new();
		if (!arena)
			continue;
		if (nz_store_media_unrendered(r->store, arena, NZ_MEDIA_LAST_PREFIX,
					      NZ_MEDIA_LAST_SUFFIX, BATCH, &todo, &n,
					      &err) != NZ_OK)
			NZ_LOG(NZ_LOG_ERROR, "renditions", "finding new photos: %s", err.msg);
		for (size_t i = 0; i < n && !stopping(r); i++)
			if (!skipped(r, todo[i].hash))
				render_one(r, arena, &todo[i]);
		nz_arena_free(arena);
	} while (nz__worker_nap(&r->worker, TICK_MS));
	return NULL;
}

nz_rc nz__renderer_start(const char *db_uri, const nz__lease *lease, nz__renderer **out,
			 nz_err *err)
{
	nz__renderer *r = calloc(1, sizeof *r);
	nz_rc rc;

	*out = NULL;
	if (!r)
		return nz_err_set(err, NZ_NOMEM, "renditions: out of memory");
	r->lease = lease;
	/* libvips is opened by the first rendition made (nz_page_rendition), not here: a server
	 * whose photos are all made never loads it (media/vips_api.h). */
	if ((rc = nz_store_open(db_uri, 0, &r->store, err)) ||
	    (rc = nz__worker_start(&r->worker, run, r, "renditions", err))) {
		nz_store_close(r->store);
		free(r);
		return rc;
	}
	*out = r;
	return NZ_OK;
}

void nz__renderer_stop(nz__renderer *r)
{
	if (!r)
		return;
	nz__worker_stop(&r->worker);
	nz_store_close(r->store);
	free(r);
}
