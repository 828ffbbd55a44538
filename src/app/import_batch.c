/*
 * app/import_batch: many files into articles, a batch at a time (app.h, nz_app_batch). Each
 * file is read, hashed and parsed as it is added (so a file's own faults are known at once);
 * the parsed articles wait, with their bytes, until the batch is full; then one look-up of
 * all the batch's hashes finds the files stored already ("unchanged"), and the rest go to the
 * store in one nz_store_import_batch; every outcome is reported in the order the files came.
 *
 * Rules: what one file at a time would see is kept: the same bytes twice are imported once
 * (the second is "unchanged"), and a translation_of slug may name an article added earlier in
 * the same run; in both cases the batch waiting is stored first, so the store answers as it
 * would have. Each file has its own arena (freed once reported); what the store fills in goes
 * into the batch's arena, freed after the report.
 *
 * Threads: with nz_app_batch_read_ahead, loading (read, hash, parse: load_entry, which touches
 * only its entry) runs on a second thread; placing a file in its batch and storing stay on the
 * caller's thread, in the files' order.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app/import_int.h"
#include "search/search.h"

/* One file added: its outcome so far, and, when it is to be stored, its article and bytes. */
typedef struct entry {
	nz_arena *arena;
	const char *name;
	char hash[65];
	char *bytes; /* malloc'd */
	size_t len;
	nz_app_imported r;
	nz_err err;
	int item;           /* its index in the store's items, or -1 (decided already) */
	nz_article *parsed; /* what the parse gave (parse_rc NZ_OK) */
	nz_rc parse_rc;
	nz_buf body_terms; /* read ahead: the body's terms (nz_search_record), or empty */
} entry;

typedef struct ahead ahead;
static void ahead_free(ahead *r);

struct nz_app_batch {
	nz_store *s;
	const nz_import_opts *opts;
	nz_app_batch_report_fn report;
	void *ctx;
	size_t size;
	entry *e;
	size_t n, n_items;
	ahead *ahead; /* files read ahead on a thread of their own, or NULL */
};

nz_rc nz_app_batch_new(nz_store *s, size_t size, const nz_import_opts *opts,
		       nz_app_batch_report_fn report, void *ctx, nz_app_batch **out)
{
	nz_app_batch *b = calloc(1, sizeof(*b));
	size = size ? size : NZ_APP_IMPORT_BATCH;
	*out = NULL;
	if (!b || !(b->e = calloc(size, sizeof(*b->e)))) {
		free(b);
		return NZ_NOMEM;
	}
	*b = (nz_app_batch){
	    .s = s, .opts = opts, .report = report, .ctx = ctx, .size = size, .e = b->e};
	*out = b;
	return NZ_OK;
}

static void entry_free(entry *e)
{
	free(e->bytes);
	nz_buf_free(&e->body_terms);
	nz_arena_free(e->arena);
	*e = (entry){0};
}

void nz_app_batch_free(nz_app_batch *b)
{
	if (!b)
		return;
	ahead_free(b->ahead);
	for (size_t i = 0; i < b->n; i++)
		entry_free(&b->e[i]);
	free(b->e);
	free(b);
}

/* The store's items for the entries to store, in their order. */
static nz_store_import_item *items_of(nz_app_batch *b, nz_arena *arena)
{
	nz_store_import_item *items = nz_arena_zalloc(arena, b->n_items * sizeof(*items));
	for (size_t i = 0; items && i < b->n; i++) {
		entry *e = &b->e[i];
		if (e->item < 0)
			continue;
		items[e->item] = (nz_store_import_item){
		    .article = e->r.article,
		    .note = nz_arena_printf(e->arena, "imported from %s", e->name),
		    .filename = e->name,
		    .bytes = e->bytes,
		    .len = e->len,
		    .sha256 = e->hash,
		    .body_terms = e->body_terms.len ? e->body_terms.p : NULL,
		    .body_terms_len = e->body_terms.len};
		if (!items[e->item].note)
			return NULL;
	}
	return items;
}

/* Each stored entry's outcome from its item. */
static void take_outcomes(nz_app_batch *b, const nz_store_import_item *items)
{
	for (size_t i = 0; i < b->n; i++) {
		entry *e = &b->e[i];
		if (e->item < 0)
			continue;
		const nz_store_import_item *it = &items[e->item];
		if (it->rc == NZ_OK) {
			e->r.outcome = NZ_APP_IMPORTED;
			e->r.article_id = it->article->id;
		} else {
			e->r = (nz_app_imported){.outcome = NZ_APP_REFUSED};
			e->err = it->err;
		}
	}
}

/* Every file read whose bytes are stored already becomes "unchanged", whatever its parse said
 * (one file at a time never parses it): one look-up for the batch's hashes, then the items
 * left are numbered again in order. */
static nz_rc find_unchanged(nz_app_batch *b, nz_arena *arena, nz_err *err)
{
	const char **hashes = nz_arena_alloc(arena, (b->n + 1) * sizeof(*hashes));
	int64_t *ids = nz_arena_alloc(arena, (b->n + 1) * sizeof(*ids));
	size_t n = 0;
	if (!hashes || !ids)
		return nz_err_set(err, NZ_NOMEM, "import: out of memory");
	for (size_t i = 0; i < b->n; i++)
		if (b->e[i].bytes)
			hashes[n++] = b->e[i].hash;
	nz_rc rc = n ? nz_store_import_find_many(b->s, hashes, n, ids, err) : NZ_OK;
	if (rc)
		return rc;
	b->n_items = 0;
	for (size_t i = 0, k = 0; i < b->n; i++) {
		entry *e = &b->e[i];
		if (!e->bytes)
			continue;
		if (ids[k++]) {
			e->r = (nz_app_imported){.outcome = NZ_APP_UNCHANGED,
						 .article_id = ids[k - 1]};
			e->err = (nz_err){0};
			e->item = -1;
		} else if (e->item >= 0) {
			e->item = (int)b->n_items++;
		}
	}
	return NZ_OK;
}

nz_rc nz_app_batch_flush(nz_app_batch *b)
{
	nz_arena *arena = nz_arena_new();
	nz_store_import_item *items = NULL;
	nz_err err = {0};
	nz_rc rc = NZ_OK;

	if (!arena)
		rc = nz_err_set(&err, NZ_NOMEM, "import: out of memory");
	else
		rc = find_unchanged(b, arena, &err);
	if (!rc && b->n_items && !(items = items_of(b, arena)))
		rc = nz_err_set(&err, NZ_NOMEM, "import: out of memory");
	else if (!rc && b->n_items)
		rc = nz_store_import_batch(b->s, arena, items, b->n_items, &err);
	if (!rc && items) /* no items: nothing was stored */
		take_outcomes(b, items);
	for (size_t i = 0; i < b->n; i++) {
		entry *e = &b->e[i];
		nz_rc file_rc = rc && e->item >= 0 ? rc : NZ_OK;
		b->report(b->ctx, e->arena ? e->arena : arena, e->name, file_rc, &e->r,
			  file_rc ? &err : &e->err);
		entry_free(e);
	}
	b->n = b->n_items = 0;
	nz_arena_free(arena);
	return rc;
}

/* Whether a file with these bytes waits in the batch. */
static bool waiting(const nz_app_batch *b, const char *hash)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->e[i].item >= 0 && strcmp(b->e[i].hash, hash) == 0)
			return true;
	return false;
}

/* Reads, hashes and parses e's file (e->name), and with record its body's terms for the search
 * index (worth it on the read-ahead thread only: the index then replays them): touches nothing
 * but e, so it may run on that thread. What goes wrong (the file's fault, or memory: parse_rc
 * NZ_NOMEM) stays in e for place_entry, which decides in the batch's order. */
static void load_entry(const nz_import_opts *opts, entry *e, bool record)
{
	if (!(e->bytes = nz__app_read_file(e->name, &e->len, &e->err))) {
		e->r.outcome = NZ_APP_REFUSED;
		return;
	}
	nz_sha256_hex(e->bytes, e->len, e->hash);
	nz_ingested *got = nz_arena_zalloc(e->arena, sizeof(*got));
	if (!got) {
		e->parse_rc = nz_err_set(&e->err, NZ_NOMEM, "out of memory");
		return;
	}
	e->parse_rc = nz_ingest_parse(e->arena, e->bytes, e->len, opts, got, &e->err);
	e->parsed = &got->article;
	const char *body = e->parsed->body_markdown;
	if (record && !e->parse_rc && body &&
	    nz_search_record(body, strlen(body), &e->body_terms) != NZ_OK)
		nz_buf_free(&e->body_terms); /* the index tokenizes the body itself */
}

/* A loaded entry into the batch, as one file at a time would see it: e's outcome when decided
 * now (item -1), else its article (item >= 0); whether its bytes are stored already is looked
 * up for the whole batch when it is flushed. Returns an error only when the database or memory
 * failed. */
static nz_rc place_entry(nz_app_batch *b, entry *e)
{
	nz_rc rc;
	if (!e->bytes)
		return NZ_OK; /* refused when read */
	if (waiting(b, e->hash) && (rc = nz_app_batch_flush(b)))
		return rc;
	if (e->parse_rc == NZ_NOMEM)
		return NZ_NOMEM;
	if (e->parse_rc) {
		e->r.outcome = NZ_APP_REFUSED;
		return NZ_OK;
	}
	nz_article *a = e->parsed;
	/* The article it names may wait in this batch: store that first. */
	if (a->translation_of && b->n_items && (rc = nz_app_batch_flush(b)))
		return rc;
	if ((rc = nz__app_join_translation(b->s, e->arena, a, &e->err)))
		return rc;
	e->r.article = a;
	e->item = (int)b->n_items++;
	return NZ_OK;
}

/* A new entry for path, not loaded yet; false when memory ran out. */
static bool entry_new(entry *e, const char *path)
{
	*e = (entry){.item = -1};
	if ((e->arena = nz_arena_new()) && (e->name = nz_arena_strdup(e->arena, path)))
		return true;
	nz_arena_free(e->arena);
	*e = (entry){0};
	return false;
}

/* ---- reading ahead -------------------------------------------------------------------------
 * A thread of its own loads the files named to nz_app_batch_read_ahead, in their order, into a
 * ring of AHEAD entries, while the caller's thread stores the batches; nz_app_batch_file takes
 * them in that order. Only load_entry runs on that thread: every decision is still made on the
 * caller's thread, file after file, so what is stored is what loading inline stores. */
enum { AHEAD = 32 };

typedef struct ahead {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	const nz_import_opts *opts;
	const char *const *paths;
	size_t n;
	size_t made, taken; /* entries loaded, entries taken (ring[taken % AHEAD] next) */
	bool stop;
	entry ring[AHEAD];
	bool nomem[AHEAD]; /* the slot's entry could not be made */
} ahead;

static void *read_ahead_main(void *arg)
{
	ahead *r = arg;
	for (size_t i = 0; i < r->n; i++) {
		pthread_mutex_lock(&r->lock);
		while (!r->stop && r->made - r->taken == AHEAD)
			pthread_cond_wait(&r->cond, &r->lock);
		bool stop = r->stop;
		pthread_mutex_unlock(&r->lock);
		if (stop)
			break;
		entry e;
		bool made = entry_new(&e, r->paths[i]);
		if (made)
			load_entry(r->opts, &e, true);
		pthread_mutex_lock(&r->lock);
		r->ring[i % AHEAD] = e;
		r->nomem[i % AHEAD] = !made;
		r->made++;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
	}
	return NULL;
}

/* The next loaded entry when path is the next one read ahead (waits for it); false when path is
 * not (then the caller loads it). *nomem: the entry could not be made. */
static bool take_ahead(ahead *r, const char *path, entry *e, bool *nomem)
{
	if (!r || r->taken == r->n || strcmp(r->paths[r->taken], path) != 0)
		return false;
	pthread_mutex_lock(&r->lock);
	while (r->made == r->taken)
		pthread_cond_wait(&r->cond, &r->lock);
	*e = r->ring[r->taken % AHEAD];
	*nomem = r->nomem[r->taken % AHEAD];
	r->taken++;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	return true;
}

/* Stops the thread and frees what it loaded and nobody took. */
static void ahead_free(ahead *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	for (size_t i = r->taken; i < r->made; i++)
		entry_free(&r->ring[i % AHEAD]);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

void nz_app_batch_read_ahead(nz_app_batch *b, const char *const *paths, size_t n)
{
	ahead_free(b->ahead);
	b->ahead = NULL;
	ahead *r = calloc(1, sizeof(*r));
	if (!r)
		return; /* files are then loaded as they are added */
	r->opts = b->opts;
	r->paths = paths;
	r->n = n;
	if (pthread_mutex_init(&r->lock, NULL) != 0) {
		free(r);
		return;
	}
	if (pthread_cond_init(&r->cond, NULL) != 0 ||
	    pthread_create(&r->thread, NULL, read_ahead_main, r) != 0) {
		pthread_cond_destroy(&r->cond);
		pthread_mutex_destroy(&r->lock);
		free(r);
		return;
	}
	b->ahead = r;
}

nz_rc nz_app_batch_file(nz_app_batch *b, const char *path)
{
	if (b->n == b->size) {
		nz_rc rc = nz_app_batch_flush(b);
		if (rc)
			return rc;
	}
	entry e;
	bool nomem = false;
	if (!take_ahead(b->ahead, path, &e, &nomem)) {
		nomem = !entry_new(&e, path);
		if (!nomem)
			load_entry(b->opts, &e, false);
	}
	if (nomem)
		return NZ_NOMEM;
	nz_rc rc = place_entry(b, &e);
	if (rc) {
		entry_free(&e);
		return rc;
	}
	b->e[b->n++] = e; /* place_entry may have flushed: there is room */
	return NZ_OK;
}
