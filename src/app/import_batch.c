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
 */
#include <stdlib.h>
#include <string.h>

#include "app/import_int.h"

/* One file added: its outcome so far, and, when it is to be stored, its article and bytes. */
typedef struct entry {
	nz_arena *arena;
	const char *name;
	char hash[65];
	char *bytes; /* malloc'd */
	size_t len;
	nz_app_imported r;
	nz_err err;
	int item; /* its index in the store's items, or -1 (decided already) */
} entry;

struct nz_app_batch {
	nz_store *s;
	const nz_import_opts *opts;
	nz_app_batch_report_fn report;
	void *ctx;
	size_t size;
	entry *e;
	size_t n, n_items;
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
	nz_arena_free(e->arena);
	*e = (entry){0};
}

void nz_app_batch_free(nz_app_batch *b)
{
	if (!b)
		return;
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
		    .sha256 = e->hash};
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

/* Hash, parse: e's outcome when decided now (item -1), else its article (item >= 0); whether
 * its bytes are stored already is looked up for the whole batch when it is flushed. Returns
 * an error only when the database or memory failed. */
static nz_rc prepare_entry(nz_app_batch *b, entry *e)
{
	nz_rc rc;
	nz_sha256_hex(e->bytes, e->len, e->hash);
	if (waiting(b, e->hash) && (rc = nz_app_batch_flush(b)))
		return rc;
	nz_ingested *got = nz_arena_zalloc(e->arena, sizeof(*got));
	if (!got)
		return nz_err_set(&e->err, NZ_NOMEM, "out of memory");
	rc = nz_ingest_parse(e->arena, e->bytes, e->len, b->opts, got, &e->err);
	if (rc == NZ_NOMEM)
		return rc;
	if (rc) {
		e->r.outcome = NZ_APP_REFUSED;
		return NZ_OK;
	}
	nz_article *a = &got->article;
	/* The article it names may wait in this batch: store that first. */
	if (a->translation_of && b->n_items && (rc = nz_app_batch_flush(b)))
		return rc;
	if ((rc = nz__app_join_translation(b->s, e->arena, a, &e->err)))
		return rc;
	e->r.article = a;
	e->item = (int)b->n_items++;
	return NZ_OK;
}

nz_rc nz_app_batch_file(nz_app_batch *b, const char *path)
{
	if (b->n == b->size) {
		nz_rc rc = nz_app_batch_flush(b);
		if (rc)
			return rc;
	}
	entry e = {.item = -1};
	if (!(e.arena = nz_arena_new()) || !(e.name = nz_arena_strdup(e.arena, path))) {
		nz_arena_free(e.arena);
		return NZ_NOMEM;
	}
	nz_rc rc = NZ_OK;
	if (!(e.bytes = nz__app_read_file(path, &e.len, &e.err)))
		e.r.outcome = NZ_APP_REFUSED;
	else
		rc = prepare_entry(b, &e);
	if (rc) {
		entry_free(&e);
		return rc;
	}
	b->e[b->n++] = e; /* prepare_entry may have flushed: there is room */
	return NZ_OK;
}
