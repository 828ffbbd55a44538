/*
 * site/build: nz_site_build, the static export (docs/static-export.md). Decides between a full
 * and an incremental build, has plan.c decide what to make and builder.c make it, then removes
 * what left the site and writes the manifest, last, so that a build that stops half-way is
 * simply redone by the next one.
 *
 * Full build: no manifest, --full, or the fingerprint changed (the theme's files, the site's
 * settings, the sections, the search URL, or the newszone binary itself), or the change feed
 * says "settings" or "site" (everything). Even then a file is written only when its bytes
 * changed. Incremental build: the change feed's keys since the manifest's seq (plan.c).
 *
 * Rules: the caller's store handle is used by the calling thread only; the extra threads open
 * their own. The change feed's seq is read before anything is rendered, so a write made during
 * the build is seen by the next one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "site/build_int.h"

#define FORMAT "newszone-site-1" /* bump when the export's layout changes */

nz__job *nz__jobs_add(nz__jobs *js, const nz__job *j)
{
	if (NZ_GROW(js->items, js->n + 1, js->cap) != NZ_OK)
		return NULL;
	js->items[js->n] = *j;
	return &js->items[js->n++];
}

nz_rc nz__build_owner(nz__build *b, const char *owner)
{
	return owner ? nz_strset_add(&b->owners, owner, strlen(owner), NULL) : NZ_NOMEM;
}

bool nz__build_has_owner(const nz__build *b, const char *owner)
{
	return nz_strset_has(&b->owners, owner, strlen(owner));
}

nz_rc nz__build_gone(nz__build *b, const char *key)
{
	return nz_strset_add(&b->gone, key, strlen(key), NULL);
}

nz_rc nz__build_phase(nz__build *b, nz__jobs *phase, nz_err *err)
{
	if (b->planned < b->done + phase->n)
		b->planned = b->done + phase->n;
	nz_rc rc = NZ_OK;
	for (size_t i = 0; rc == NZ_OK && i < phase->n; i++)
		rc = nz__plan_feed_ids(b, &phase->items[i], err);
	if (rc == NZ_OK)
		rc = nz__builder_run(b->builder, phase->items, phase->n, b->progress,
				     b->progress_ctx, b->done, b->planned, err);
	b->done += phase->n;
	for (size_t i = 0; rc == NZ_OK && i < phase->n; i++)
		if (!nz__jobs_add(&b->all, &phase->items[i]))
			rc = nz_err_set(err, NZ_NOMEM, "out of memory");
	phase->n = 0;
	return rc;
}

/* What, besides the change feed, decides every page: the binary, the theme, the settings, the
 * sections (navigation) and the build's options. */
static void fingerprint(const nz__build *b, char out[65])
{
	nz_buf fp;
	struct stat st;
	nz_buf_init(&fp, 0);
	if (stat("/proc/self/exe", &st) != 0)
		memset(&st, 0, sizeof st);
	const nz_site *s = &b->site;
	nz_buf_printf(&fp, FORMAT "\n%lld %lld.%09ld\n%s\n", (long long)st.st_size,
		      (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		      nz_theme_fingerprint(b->pc.theme));
	nz_buf_printf(&fp, "%s\n%s\n%s\n%s\n%s\n%s\n%s\n", s->name ? s->name : "",
		      s->base_url ? s->base_url : "", s->language ? s->language : "",
		      s->copyright ? s->copyright : "", s->tagline ? s->tagline : "", s->time_zone,
		      b->opts->search_url ? b->opts->search_url : "");
	for (size_t i = 0; i < b->pc.n_sections; i++)
		nz_buf_printf(&fp, "%lld %s %s\n", (long long)b->pc.sections[i].id,
			      b->pc.sections[i].slug ? b->pc.sections[i].slug : "",
			      b->pc.sections[i].name ? b->pc.sections[i].name : "");
	nz_sha256_hex(fp.p ? fp.p : "", fp.len, out);
	nz_buf_free(&fp);
}

/* Reads the manifest and the change feed; returns the keys for an incremental build, or sets
 * stats->why_full. */
static nz_rc choose_mode(nz__build *b, const char *fp, int64_t *seq, const char ***keys,
			 size_t *n_keys, nz_err *err)
{
	nz_err ignored = {0};
	*keys = NULL;
	*n_keys = 0;
	nz_store_change_tick(b->store, b->pc.now, NULL, &ignored); /* embargoes that ended */
	nz_rc rc = nz_store_change_seq(b->store, seq, err);
	if (rc != NZ_OK)
		return rc;
	/* Read even for --full: its hashes spare writes, its files tell what to remove. */
	rc = nz__manifest_read(b->dir, b->old, &ignored);
	if (rc != NZ_OK) {
		b->stats->why_full =
		    rc == NZ_NOTFOUND ? "no manifest" : "the manifest is unreadable";
		nz__manifest_free(b->old);
		b->old = nz__manifest_new();
		return b->old ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
	}
	if (b->opts->full) {
		b->stats->why_full = "--full";
		return NZ_OK;
	}
	if (strcmp(b->old->fingerprint, fp) != 0) {
		b->stats->why_full = "the theme, settings, sections or newszone changed";
		return NZ_OK;
	}
	int64_t upto = 0;
	rc = nz_store_changes_since(b->store, b->arena, b->old->seq, &upto, keys, n_keys, &ignored);
	if (rc != NZ_OK || upto < *seq) {
		b->stats->why_full = "the change feed could not be read";
		*keys = NULL;
		*n_keys = 0;
		return NZ_OK;
	}
	*seq = upto;
	for (size_t i = 0; i < *n_keys; i++) {
		if (strcmp((*keys)[i], "settings") == 0 || strcmp((*keys)[i], "site") == 0) {
			b->stats->why_full = "settings or sections changed";
			return NZ_OK;
		}
	}
	b->stats->incremental = true;
	return NZ_OK;
}

/* A full build's pass: every pending list (a full build renders every page after it, so what
 * it wrote is in them). Many lists (a clean build of an imported archive): the search index
 * merged first (nz_store_search_optimize), under the pass's bar at 0. */
static nz_rc related_full(nz__build *b, int64_t *seq, nz_err *err)
{
	const nz_site_opts *o = b->opts;
	int64_t *pending = NULL;
	size_t n = 0;
	nz_rc rc =
	    nz_store_related_pending(b->store, b->arena, b->pc.now, false, &pending, &n, err);
	if (!rc && n >= NZ_STORE_RELATED_MERGE_FROM) {
		if (o->related_progress)
			o->related_progress(o->related_ctx, 0, n);
		rc = nz_store_search_optimize(b->store, err);
	}
	if (!rc)
		rc = nz_store_related_build(b->store, b->pc.now, false, 0, o->related_progress,
					    o->related_ctx, NULL, err);
	return rc ? rc : nz_store_change_seq(b->store, seq, err);
}

/* The stored related-article lists the pages read (docs/related.md), before anything is
 * planned. A full build computes every pending one (missing or stale); an incremental one only
 * those of the articles the change feed named and their new neighbours' (not every article's
 * state read), and the pages of the lists that changed join its keys. */
static nz_rc related_lists(nz__build *b, int64_t *seq, const char ***keys, size_t *n_keys,
			   nz_err *err)
{
	size_t n = 0, done = 0, n_more = 0;
	nz_rc rc;
	if (!b->stats->incremental)
		return related_full(b, seq, err);
	int64_t *ids = nz_arena_alloc(b->arena, (*n_keys + 1) * sizeof(*ids)), upto = 0;
	if (!ids)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	for (size_t i = 0; i < *n_keys; i++)
		if ((ids[n] = nz__plan_key_article((*keys)[i])))
			n++;
	rc = nz_store_related_build_ids(b->store, b->pc.now, ids, n, &done, err);
	if (rc || !done)
		return rc;
	const char **more = NULL, **all = NULL;
	if ((rc = nz_store_changes_since(b->store, b->arena, *seq, &upto, &more, &n_more, err)))
		return rc;
	*seq = upto;
	if (!n_more)
		return NZ_OK;
	if (!(all = nz_arena_alloc(b->arena, (*n_keys + n_more + 1) * sizeof(*all))))
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	if (*n_keys)
		memcpy(all, *keys, *n_keys * sizeof(*all));
	memcpy(all + *n_keys, more, n_more * sizeof(*all));
	*keys = all;
	*n_keys += n_more;
	return NZ_OK;
}

/* The gone lists (a tag or author page 1 with no article left): their files are dropped. */
static nz_rc find_gone(nz__build *b)
{
	for (size_t i = 0; i < b->all.n; i++) {
		const nz__job *j = &b->all.items[i];
		bool person_or_tag = j->subject && (strcmp(j->subject, "tag") == 0 ||
						    strcmp(j->subject, "author") == 0);
		if (j->kind == NZ__JOB_LIST && j->page == 1 && person_or_tag &&
		    (j->status != 200 || j->n_items == 0) && nz__build_gone(b, j->owner) != NZ_OK)
			return NZ_NOMEM;
	}
	return NZ_OK;
}

/* Records a file the build made (and its article or list subject) in m; a gone list's file is
 * removed instead. */
static nz_rc add_made(nz__build *b, nz__manifest *m, const nz__job *j, nz_err *err)
{
	if (j->status != 200)
		return NZ_OK;
	if (nz_strset_has(&b->gone, j->owner, strlen(j->owner)))
		return nz__site_remove(b->dir, j->file.path, err);
	b->stats->rendered++;
	b->stats->written += j->written;
	b->stats->unchanged += !j->written;
	nz_rc rc = nz__manifest_add_file(m, &j->file);
	if (rc == NZ_OK && j->kind == NZ__JOB_ARTICLE)
		rc = nz__manifest_add_article(m, j->id, j->slug, j->subjects, j->sig, j->link);
	if (rc == NZ_OK && j->kind == NZ__JOB_LIST && j->page == 1)
		rc = nz__manifest_add_subject(m, j->owner, j->subject, j->slug, j->head);
	return rc;
}

/* The new manifest: what was made, what is kept, and the removal of the rest. */
static nz_rc finish(nz__build *b, nz__manifest *m, nz_err *err)
{
	nz_rc rc = find_gone(b);
	if (rc == NZ_OK)
		rc = nz__manifest_reserve(m, b->old->n_files + b->all.n);
	for (size_t i = 0; rc == NZ_OK && i < b->all.n; i++)
		rc = add_made(b, m, &b->all.items[i], err);
	for (size_t i = 0; rc == NZ_OK && i < b->old->n_files; i++) {
		const nz__mf_file *f = &b->old->files[i];
		if (nz__manifest_find_as(m, f))
			continue;
		if (b->every_owner || nz__build_has_owner(b, f->owner) ||
		    nz_strset_has(&b->gone, f->owner, strlen(f->owner))) {
			rc = nz__site_remove(b->dir, f->path, err);
			b->stats->removed += rc == NZ_OK;
		} else { /* kept as it is: m is written before the old manifest is freed */
			rc = nz__manifest_keep_file(m, f);
		}
	}
	for (size_t i = 0; rc == NZ_OK && !b->every_owner && i < b->old->n_articles; i++) {
		const nz__mf_article *a = &b->old->articles[i];
		char owner[48];
		snprintf(owner, sizeof owner, "article-%lld", (long long)a->id);
		if (!nz__build_has_owner(b, owner))
			rc = nz__manifest_keep_article(m, a);
	}
	for (size_t i = 0; rc == NZ_OK && !b->every_owner && i < b->old->n_subjects; i++) {
		const nz__mf_subject *s = &b->old->subjects[i];
		if (!nz__build_has_owner(b, s->key) &&
		    !nz_strset_has(&b->gone, s->key, strlen(s->key)))
			rc = nz__manifest_add_subject(m, s->key, s->kind, s->slug, s->head);
	}
	if (rc == NZ_NOMEM && !err->msg[0])
		nz_err_set(err, rc, "out of memory");
	nz__manifest_sort(m); /* the articles made first, then the kept ones: in id order */
	b->stats->total = m->n_files;
	return rc;
}

/* An incremental build's manifest: the last build's, changed in place (its 18,000 records are
 * not copied into a new one): the records of what was remade and not made again are dropped,
 * then what was made is added (replacing the record of the same URL). */
static bool owned(const nz__build *b, const char *owner)
{
	return nz__build_has_owner(b, owner) || nz_strset_has(&b->gone, owner, strlen(owner));
}

static void drop_owned_records(nz__build *b, nz__manifest *m)
{
	size_t k = 0;
	for (size_t i = 0; i < m->n_articles; i++) {
		char owner[48];
		snprintf(owner, sizeof owner, "article-%lld", (long long)m->articles[i].id);
		if (!nz__build_has_owner(b, owner))
			m->articles[k++] = m->articles[i];
	}
	m->n_articles = k; /* still in id order */
	k = 0;
	for (size_t i = 0; i < m->n_subjects; i++)
		if (!owned(b, m->subjects[i].key))
			m->subjects[k++] = m->subjects[i];
	m->n_subjects = k;
}

/* Removes the files of remade owners that this build did not make again (made: their URLs). */
static nz_rc drop_owned_files(nz__build *b, nz__manifest *m, const nz_strset *made, nz_err *err)
{
	nz_rc rc = NZ_OK;
	for (size_t i = 0; rc == NZ_OK && i < m->n_files; i++) {
		nz__mf_file *f = &m->files[i];
		if (f->removed || !owned(b, f->owner) ||
		    nz_strset_has(made, f->url, strlen(f->url)))
			continue;
		rc = nz__site_remove(b->dir, f->path, err);
		f->removed = rc == NZ_OK;
		b->stats->removed += rc == NZ_OK;
	}
	return rc;
}

static nz_rc finish_in_place(nz__build *b, nz__manifest *m, nz_err *err)
{
	nz_strset made = {0};
	nz_rc rc = find_gone(b);
	for (size_t i = 0; rc == NZ_OK && i < b->all.n; i++) {
		const nz__job *j = &b->all.items[i];
		if (j->status == 200 && !nz_strset_has(&b->gone, j->owner, strlen(j->owner)))
			rc = nz_strset_add(&made, j->file.url, strlen(j->file.url), NULL);
	}
	if (rc == NZ_OK)
		rc = drop_owned_files(b, m, &made, err);
	nz_strset_free(&made);
	if (rc == NZ_OK)
		drop_owned_records(b, m);
	for (size_t i = 0; rc == NZ_OK && i < b->all.n; i++)
		rc = add_made(b, m, &b->all.items[i], err);
	if (rc == NZ_NOMEM && !err->msg[0])
		nz_err_set(err, rc, "out of memory");
	nz__manifest_sort(m); /* the kept articles, then the ones made: in id order */
	b->stats->total = 0;
	for (size_t i = 0; i < m->n_files; i++)
		b->stats->total += !m->files[i].removed;
	return rc;
}

static nz_rc load_context(nz__build *b, const nz_theme *theme, nz_err *err)
{
	nz_site_chrome chrome = {0};
	nz_rc rc = nz_store_site_chrome(b->store, b->arena, &chrome, err);
	b->site = chrome.site;
	b->pc = (nz_page_ctx){.site = &b->site,
			      .theme = theme,
			      .sections = chrome.sections,
			      .n_sections = chrome.n_sections,
			      .now = b->opts->now ? b->opts->now : nz_time_now(),
			      .pages = chrome.pages,
			      .n_pages = chrome.n_pages};
	return rc;
}

static nz_rc make_dir(const char *dir, nz_err *err)
{
	struct stat st;
	if (mkdir(dir, 0777) == 0 ||
	    (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)))
		return NZ_OK;
	return nz_err_set(err, NZ_IO, "%s: cannot create the folder: %s", dir,
			  errno == EEXIST ? "a file has that name" : strerror(errno));
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

nz_rc nz_site_build(nz_store *store, const nz_theme *theme, const char *out_dir,
		    const nz_site_opts *opts, nz_site_progress_fn progress, void *progress_ctx,
		    nz_site_stats *stats, nz_err *err)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nz_site_opts defaults = {0};
	nz__build b = {.store = store,
		       .dir = out_dir,
		       .opts = opts ? opts : &defaults,
		       .arena = nz_arena_new(),
		       .old = nz__manifest_new(),
		       .progress = progress,
		       .progress_ctx = progress_ctx,
		       .stats = stats};
	nz__manifest *m = nz__manifest_new();
	const char **keys = NULL;
	size_t n_keys = 0;
	char fp[65];
	int64_t seq = 0;
	*stats = (nz_site_stats){0};
	nz_rc rc = b.arena && b.old && m ? make_dir(out_dir, err)
					 : nz_err_set(err, NZ_NOMEM, "out of memory");
	if (rc == NZ_OK)
		rc = load_context(&b, theme, err);
	if (rc == NZ_OK) {
		fingerprint(&b, fp);
		rc = choose_mode(&b, fp, &seq, &keys, &n_keys, err);
	}
	if (rc == NZ_OK)
		rc = related_lists(&b, &seq, &keys, &n_keys, err);
	if (rc == NZ_OK) {
		nz__builder_opts bo = {.store = store,
				       .db_uri = b.opts->db_uri,
				       .threads = b.opts->threads ? b.opts->threads : 2,
				       .dir = out_dir,
				       .pc = &b.pc,
				       .old = b.old,
				       .search_url = b.opts->search_url};
		rc = nz__builder_new(&bo, &b.builder, err);
	}
	if (rc == NZ_OK)
		rc = stats->incremental ? nz__plan_incremental(&b, keys, n_keys, err)
					: nz__plan_full(&b, err);
	nz__manifest *next = stats->incremental ? b.old : m; /* the manifest this build writes */
	if (rc == NZ_OK)
		rc = stats->incremental ? finish_in_place(&b, next, err) : finish(&b, m, err);
	bool same = rc == NZ_OK && stats->incremental && b.all.n == 0 && stats->removed == 0 &&
		    seq == b.old->seq;
	if (rc == NZ_OK && !same) { /* the manifest goes last */
		next->seq = seq;
		memcpy(next->fingerprint, fp, sizeof fp);
		rc = nz__manifest_write(out_dir, next, err);
	}
	stats->seconds = seconds_since(&t0);
	nz__builder_free(b.builder);
	nz__manifest_free(m);
	nz__manifest_free(b.old);
	free(b.all.items);
	nz_strset_free(&b.owners);
	nz_strset_free(&b.gone);
	nz_arena_free(b.arena);
	return rc;
}
