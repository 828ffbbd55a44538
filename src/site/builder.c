/*
 * site/builder: makes the export's files. A job is one URL: the worker asks the page producer
 * (pages/) for its bytes, exactly as the server would answer it, hashes them,
 * and writes the file only when its bytes differ from what the export holds (the old
 * manifest's hash, or the file on disk when there is no manifest). Jobs run on several threads,
 * each with its own store handle, taking the next job from a shared counter.
 *
 * Rules: a worker reads the old manifest, the page context and the theme (all read-only while
 * jobs run) and writes only into its own jobs and its own arena; no locks but the one that
 * keeps the first error.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "site/site_int.h"

typedef struct worker {
	nz__builder *b;
	nz_store *store;
	bool own_store;
	nz_arena *keep;   /* results that outlive a job: paths, keys, subjects */
	nz_arena *loaded; /* the articles this worker put in the cache */
	nz_buf body;
	pthread_t thread;
} worker;

/* The build's loaded articles by id, shared by the workers. Each article is on several lists
 * (its section's, its tags', its authors', the front page's, in each edition) besides its own
 * page: read once, from the store, it serves all of them. An open-addressing table of ids; the
 * articles live in the arena of the worker that loaded them, read-only, until the builder
 * ends. Past CACHE_MAX articles (a very large site) the rest are loaded per page, as before. */
#define CACHE_MAX 40000
/* The feed items' text kept for the other feeds (render.h, nz_feed_memo): a list's six feeds
 * come one after another, and ~10 KB an entry, this holds the items of ~50 lists. */
#define FEED_MEMO_MAX ((size_t)16 << 20)
typedef struct article_cache {
	pthread_mutex_t lock;
	int64_t *ids; /* 0: an empty slot */
	const nz_article **items;
	size_t cap;
	atomic_size_t n; /* written under lock; read without it as a hint (load_article) */
} article_cache;

struct nz__builder {
	const char *dir;
	const nz_page_ctx *pc;
	const nz__manifest *old;
	const char *search_url;
	worker *workers;
	unsigned n_workers;
	/* The phase being run. */
	nz__job *jobs;
	size_t n_jobs;
	atomic_size_t next, done;
	atomic_bool failed;
	pthread_mutex_t lock;
	nz_rc rc;
	nz_err err;
	article_cache cache;
	nz_feed_memo *feed_memo; /* the feed items' text, made once for every feed (may be NULL) */
};

/* The slot of id in a table of cap (a power of two) slots: its own or the empty one to take. */
static size_t cache_slot(const int64_t *ids, size_t cap, int64_t id)
{
	size_t i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
	while (ids[i] && ids[i] != id)
		i = (i + 1) & (cap - 1);
	return i;
}

/* Keeps a (loaded into w->loaded) under id unless the cache is full or holds it already. */
static void cache_put(article_cache *c, int64_t id, const nz_article *a)
{
	pthread_mutex_lock(&c->lock);
	if (c->n + 1 > c->cap / 2 && c->n < CACHE_MAX) { /* grow: at most half full */
		size_t cap = c->cap ? 2 * c->cap : 1024;
		int64_t *ids = calloc(cap, sizeof *ids);
		const nz_article **items = calloc(cap, sizeof *items);
		for (size_t i = 0; ids && items && i < c->cap; i++) {
			if (!c->ids[i])
				continue;
			size_t k = cache_slot(ids, cap, c->ids[i]);
			ids[k] = c->ids[i];
			items[k] = c->items[i];
		}
		if (ids && items) {
			free(c->ids);
			free(c->items);
			c->ids = ids;
			c->items = items;
			c->cap = cap;
		} else {
			free(ids);
			free(items);
		}
	}
	if (c->n + 1 <= c->cap / 2) {
		size_t k = cache_slot(c->ids, c->cap, id);
		if (!c->ids[k]) {
			c->ids[k] = id;
			c->items[k] = a;
			atomic_fetch_add_explicit(&c->n, 1, memory_order_relaxed);
		}
	}
	pthread_mutex_unlock(&c->lock);
}

static const nz_article *cache_get(article_cache *c, int64_t id)
{
	const nz_article *a = NULL;
	pthread_mutex_lock(&c->lock);
	if (c->cap) {
		size_t k = cache_slot(c->ids, c->cap, id);
		a = c->ids[k] ? c->items[k] : NULL;
	}
	pthread_mutex_unlock(&c->lock);
	return a;
}

/* The article with id, whatever its status, from the cache or the store (then cached). arena:
 * where it goes when the cache is full. */
static nz_rc load_article(void *ctx, nz_arena *arena, int64_t id, const nz_article **out,
			  nz_err *err)
{
	worker *w = ctx;
	article_cache *c = &w->b->cache;
	if (id > 0 && (*out = cache_get(c, id)))
		return NZ_OK;
	bool keep = id > 0 && atomic_load_explicit(&c->n, memory_order_relaxed) < CACHE_MAX;
	nz_article *a = NULL;
	nz_rc rc = nz_store_article_by_id(w->store, keep ? w->loaded : arena, id, &a, err);
	if (rc == NZ_OK && keep)
		cache_put(c, id, a);
	*out = a;
	return rc;
}

nz_rc nz__builder_new(const nz__builder_opts *opts, nz__builder **out, nz_err *err)
{
	nz__builder *b = calloc(1, sizeof *b);
	unsigned n = opts->db_uri && opts->threads ? opts->threads : 1;
	if (!b || !(b->workers = calloc(n, sizeof *b->workers))) {
		free(b);
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	}
	b->dir = opts->dir;
	b->pc = opts->pc;
	b->old = opts->old;
	b->search_url = opts->search_url;
	pthread_mutex_init(&b->lock, NULL);
	pthread_mutex_init(&b->cache.lock, NULL);
	b->feed_memo = nz_feed_memo_new(FEED_MEMO_MAX); /* none: each feed makes its own */
	*out = b;
	for (unsigned i = 0; i < n; i++) {
		worker *w = &b->workers[i];
		w->b = b;
		nz_buf_init(&w->body, 0);
		if (!(w->keep = nz_arena_new()) || !(w->loaded = nz_arena_new()))
			return nz_err_set(err, NZ_NOMEM, "out of memory");
		b->n_workers++;
		if (i == 0) {
			w->store = opts->store;
			continue;
		}
		/* Not NZ_STORE_BULK: each connection's map of the file would count every page
		 * it read in the build's resident memory (docs/static-export.md). */
		nz_rc rc = nz_store_open(opts->db_uri, 0, &w->store, err);
		if (rc != NZ_OK)
			return rc;
		w->own_store = true;
	}
	return NZ_OK;
}

void nz__builder_free(nz__builder *b)
{
	if (!b)
		return;
	for (unsigned i = 0; i < b->n_workers; i++) {
		if (b->workers[i].own_store)
			nz_store_close(b->workers[i].store);
		nz_arena_free(b->workers[i].keep);
		nz_arena_free(b->workers[i].loaded);
		nz_buf_free(&b->workers[i].body);
	}
	free(b->cache.ids);
	free(b->cache.items);
	nz_feed_memo_free(b->feed_memo);
	pthread_mutex_destroy(&b->cache.lock);
	pthread_mutex_destroy(&b->lock);
	free(b->workers);
	free(b);
}

nz_rc nz__site_subject_head(nz_store *store, const char *kind, const char *slug,
			    char out[NZ__SITE_HASH_HEX], nz_err *err)
{
	nz_arena *arena = nz_arena_new();
	nz_rc rc = arena ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
	const char *head = NULL;
	if (rc == NZ_OK && strcmp(kind, "section") == 0) {
		nz_section *s = NULL;
		if ((rc = nz_store_section_get(store, arena, slug, &s, err)) == NZ_OK)
			head = nz_arena_printf(arena, "%s\n%s", s->slug, s->name ? s->name : "");
	} else if (rc == NZ_OK && strcmp(kind, "tag") == 0) {
		nz_tag *t = NULL;
		if ((rc = nz_store_tag_get(store, arena, slug, &t, err)) == NZ_OK)
			head = nz_arena_printf(arena, "%s\n%s", t->slug, t->name ? t->name : "");
	} else if (rc == NZ_OK) {
		nz_author *a = NULL;
		if ((rc = nz_store_author_get(store, arena, slug, &a, err)) == NZ_OK)
			head = nz_arena_printf(arena, "%s\n%s\n%s", a->slug,
					       nz_author_name(arena, a), a->bio ? a->bio : "");
	}
	if (rc == NZ_OK && !head)
		rc = nz_err_set(err, NZ_NOMEM, "out of memory");
	if (rc == NZ_OK)
		nz__site_hash(head, strlen(head), out);
	nz_arena_free(arena);
	return rc;
}

/* What an article job keeps about its article: the lists it is on, its media, its signature. */
static nz_rc note_article(worker *w, nz__job *j, const nz_article *a)
{
	nz_arena *keep = w->keep;
	size_t cap = 1 + a->n_tags + a->n_authors;
	const char **slugs = nz_arena_alloc(keep, cap * sizeof *slugs);
	/* every rendition a page may link to, and the full-size copy the feeds name */
	size_t per_photo = NZ_MEDIA_STANDARD_MAX + 1;
	const char **media = nz_arena_alloc(keep, (a->n_media * per_photo + 1) * sizeof *media);
	nz_buf keys, sig;
	nz_buf_init(&keys, 0);
	nz_buf_init(&sig, 0);
	if (!slugs || !media)
		return NZ_NOMEM;
	/* Its place in every list (listed_at: a live story's newest update raises it) and in each
	 * edition's (a story is listed once, in the edition's language when it has that version).
	 */
	nz_buf_printf(&sig, "%d %lld %lld %s %lld", (int)a->status, (long long)a->published_at,
		      (long long)a->listed_at, a->language ? a->language : "",
		      (long long)a->translation_group);
	size_t n = 0;
	if (a->section && a->section->id) {
		nz_buf_printf(&keys, "section-%lld", (long long)a->section->id);
		slugs[n++] = nz_arena_strdup(keep, a->section->slug);
	}
	for (size_t i = 0; i < a->n_tags; i++) {
		nz_buf_printf(&keys, "%stag-%lld", n ? "," : "", (long long)a->tags[i].id);
		slugs[n++] = nz_arena_strdup(keep, a->tags[i].slug);
	}
	for (size_t i = 0; i < a->n_authors; i++) {
		nz_buf_printf(&keys, "%sauthor-%lld", n ? "," : "", (long long)a->authors[i].id);
		slugs[n++] = nz_arena_strdup(keep, a->authors[i].slug);
	}
	nz_buf_printf(&sig, " %s", nz_buf_cstr(&keys));
	j->n_media = 0;
	for (size_t i = 0; i < a->n_media; i++) {
		const char *url = nz_url_media(keep, &a->media[i]);
		if (url)
			media[j->n_media++] = url;
		if (url)
			j->n_media += nz_url_renditions(keep, &a->media[i], media + j->n_media,
							NZ_MEDIA_STANDARD_MAX);
	}
	nz__site_hash(nz_buf_cstr(&sig), sig.len, j->sig);
	nz_buf_reset(&sig);
	nz_buf_printf(&sig, "%s\n%s\n%s\n%d %lld", a->slug, a->headline ? a->headline : "",
		      a->language ? a->language : "", (int)a->status, (long long)a->published_at);
	nz__site_hash(nz_buf_cstr(&sig), sig.len, j->link);
	j->subjects = nz_arena_strdup(keep, nz_buf_cstr(&keys));
	j->subject_slugs = slugs;
	j->n_subjects = n;
	j->media_urls = media;
	nz_rc rc = nz_buf_rc(&keys) != NZ_OK || nz_buf_rc(&sig) != NZ_OK || !j->subjects ? NZ_NOMEM
											 : NZ_OK;
	nz_buf_free(&keys);
	nz_buf_free(&sig);
	return rc;
}

/* An article page: loaded by id, made when it is public. Its manifest keys are the articles it
 * shows (itself and its translations): a change to its section or tags alone leaves it be. */
static nz_rc make_article(worker *w, const nz_page_env *env, nz__job *j, nz_page_out *out,
			  nz_err *err)
{
	const nz_article *a = NULL;
	nz_rc rc = load_article(w, env->arena, j->id, &a, err);
	if (rc == NZ_NOTFOUND || (rc == NZ_OK && !nz_article_is_public(a, env->pc->now))) {
		out->status = 404;
		return NZ_OK;
	}
	if (rc == NZ_OK)
		rc = note_article(w, j, a);
	if (rc == NZ_OK) {
		j->slug = nz_arena_strdup(w->keep, a->slug);
		rc = nz_page_article_loaded(env, a, out, err);
	}
	size_t k = 0;
	for (size_t i = 0; rc == NZ_OK && i < out->n_keys; i++)
		if (strncmp(out->keys[i], "article-", 8) == 0)
			out->keys[k++] = out->keys[i];
	out->n_keys = k;
	/* Its related articles' links too ("link-<id>": their headline, date, slug): when one
	 * changes its headline or leaves the site, this page must follow. */
	for (size_t i = 0; rc == NZ_OK && i < out->n_related; i++)
		rc = nz_page_key(env, out, "link-%lld", (long long)out->related[i]);
	return rc;
}

/* The export's page for /search: search needs the server, so it says so. */
static nz_rc make_search(worker *w, const nz_page_env *env, nz_page_out *out, nz_err *err)
{
	const char *msg =
	    w->b->search_url
		? nz_arena_printf(
		      env->arena,
		      "This copy of the site cannot search. Search on the live site: %s",
		      w->b->search_url)
		: "This copy of the site cannot search. Browse the sections, or use your search "
		  "engine.";
	json_t *view = nz_view_error(env->pc, 200, "Search", msg);
	json_t *e = view ? json_object_get(view, "error") : NULL;
	if (e)
		json_object_set_new(e, "status", json_null());
	return nz_page_render(env, "error", view, out, err);
}

static nz_rc make_static(worker *w, const nz_page_env *env, nz__job *j, nz_page_out *out,
			 nz_err *err)
{
	const void *data = NULL;
	size_t len = 0;
	const char *mime = NULL, *url = NULL;
	nz_rc rc;
	if (j->kind == NZ__JOB_ASSET) {
		rc = nz_theme_asset_at(env->pc->theme, (size_t)j->id, &url, &data, &len, &mime);
	} else {
		/* A photo: the rendition the server sends for this URL, never the original. */
		url = j->arg;
		const char *file = strrchr(url, '/') + 1;
		size_t hash_len = strcspn(file, ".");
		char *h = nz_arena_strndup(env->arena, file, hash_len);
		rc = h && file[hash_len]
			 ? nz_page_rendition(w->store, env->arena, h, file + hash_len + 1, &data,
					     &len, &mime, err)
		     : h ? NZ_NOTFOUND
			 : NZ_NOMEM;
		if (rc == NZ_PARSE || rc == NZ_UNSUPPORTED || rc == NZ_TOOBIG)
			rc = NZ_NOTFOUND; /* a photo the pipeline refuses: not exported */
	}
	if (rc == NZ_NOTFOUND) {
		out->status = 404;
		return NZ_OK;
	}
	if (rc != NZ_OK)
		return rc;
	out->status = 200;
	out->content_type = mime;
	j->arg = url;
	return nz_buf_append(out->body, data, len);
}

static const char *site_url(nz_arena *arena, const nz__job *j, bool *html);

const char *nz__site_job_url(nz_arena *arena, const nz_site *site, const nz__job *j, bool *html)
{
	const char *url = site_url(arena, j, html);
	return j->edition ? nz_url_edition_path(arena, site, j->edition, url) : url;
}

/* The URL of a job in the site's own edition. */
static const char *site_url(nz_arena *arena, const nz__job *j, bool *html)
{
	*html = true;
	const char *base = "";
	switch (j->kind) {
	case NZ__JOB_ARTICLE:
		return nz_url_article(arena, j->slug);
	case NZ__JOB_FRONT:
		return j->page > 1 ? nz_arena_printf(arena, "/page/%zu", j->page) : "/";
	case NZ__JOB_LIST:
	case NZ__JOB_FEED:
		if (strcmp(j->subject, "section") == 0)
			base = nz_url_section(arena, j->slug);
		else if (strcmp(j->subject, "tag") == 0)
			base = nz_url_tag(arena, j->slug);
		else if (strcmp(j->subject, "author") == 0)
			base = nz_url_author(arena, j->slug);
		else if (strcmp(j->subject, "corrections") == 0)
			base = "/corrections";
		if (!base)
			return NULL;
		*html = j->kind == NZ__JOB_LIST;
		if (j->kind == NZ__JOB_FEED)
			return nz_arena_printf(arena, "%s/%s", base, j->arg);
		return j->page > 1 ? nz_arena_printf(arena, "%s/page/%zu", base, j->page) : base;
	case NZ__JOB_SEARCH:
		return "/search";
	case NZ__JOB_STATIC_PAGE:
		return nz_url_static_page(arena, j->slug);
	default:
		break;
	}
	*html = false;
	switch (j->kind) {
	case NZ__JOB_SITEMAP_INDEX:
		return "/sitemap.xml";
	case NZ__JOB_SITEMAP_CHILD:
		return nz_arena_printf(arena, "/sitemaps/%s", j->slug);
	case NZ__JOB_NEWS:
		return "/sitemap-news.xml";
	case NZ__JOB_ROBOTS:
		return "/robots.txt";
	case NZ__JOB_MANIFEST:
		return "/manifest.webmanifest";
	case NZ__JOB_NOT_FOUND:
		return "/404.html";
	default:
		return j->arg; /* assets and media: set by make_static */
	}
}

static nz_rc produce(worker *w, const nz_page_env *env, nz__job *j, nz_page_out *out, nz_err *err)
{
	nz_page_cursor cur = j->cursor; /* the page's articles come from this worker's loader */
	cur.load = cur.ids ? load_article : NULL;
	cur.load_ctx = w;
	switch (j->kind) {
	case NZ__JOB_ARTICLE:
		return make_article(w, env, j, out, err);
	case NZ__JOB_FRONT:
		return nz_page_front_at(env, j->page, j->has_cursor ? &cur : NULL, out, err);
	case NZ__JOB_LIST:
		if (j->page == 1) {
			nz_rc rc =
			    nz__site_subject_head(w->store, j->subject, j->slug, j->head, err);
			if (rc == NZ_NOTFOUND) {
				out->status = 404;
				return NZ_OK;
			}
			if (rc != NZ_OK)
				return rc;
		}
		return nz_page_list_at(env, j->subject, j->slug, j->page,
				       j->has_cursor ? &cur : NULL, out, err);
	case NZ__JOB_FEED:
		return nz_page_feed_at(env, j->subject, j->slug, j->arg,
				       j->has_cursor ? &cur : NULL, out, err);
	case NZ__JOB_SITEMAP_INDEX:
		return nz_page_sitemap_index(env, out, err);
	case NZ__JOB_SITEMAP_CHILD:
		return nz_page_sitemap_child(env, j->slug, out, err);
	case NZ__JOB_NEWS:
		return nz_page_sitemap_news(env, out, err);
	case NZ__JOB_ROBOTS:
		return nz_page_robots(env, out, err);
	case NZ__JOB_MANIFEST:
		return nz_page_manifest(env, out, err);
	case NZ__JOB_NOT_FOUND:
		return nz_page_error(env, 404, NULL, out, err);
	case NZ__JOB_SEARCH:
		return make_search(w, env, out, err);
	case NZ__JOB_STATIC_PAGE:
		return nz_page_static(env, j->slug, out, err);
	default:
		return make_static(w, env, j, out, err);
	}
}

/* Joins keys with commas into the worker's arena. */
static const char *join_keys(worker *w, const nz_page_out *out)
{
	size_t len = 1;
	for (size_t i = 0; i < out->n_keys; i++)
		len += strlen(out->keys[i]) + 1;
	char *s = nz_arena_alloc(w->keep, len), *p = s;
	for (size_t i = 0; s && i < out->n_keys; i++) {
		size_t n = strlen(out->keys[i]);
		if (i)
			*p++ = ',';
		memcpy(p, out->keys[i], n);
		p += n;
	}
	if (s)
		*p = '\0';
	return s;
}

/* Writes the job's bytes unless the export already holds them. */
static nz_rc store_file(worker *w, nz__job *j, const char *rel, const nz_buf *body, nz_err *err)
{
	const char *dir = w->b->dir;
	nz__mf_file *old = nz__manifest_find(w->b->old, j->file.url);
	nz__site_hash(body->p ? body->p : "", body->len, j->file.hash);
	j->file.size = body->len;
	j->file.path = rel;
	if (old && strcmp(old->path, rel) == 0 && strcmp(old->hash, j->file.hash) == 0 &&
	    old->size == body->len && nz__site_file_matches(dir, rel, body->len)) {
		j->file.gz = old->gz;
		return NZ_OK;
	}
	if (!old && nz__site_file_matches(dir, rel, body->len)) {
		/* No record of it (no manifest): compare with the bytes on disk. */
		char path[4200];
		snprintf(path, sizeof path, "%s/%s", dir, rel);
		FILE *f = fopen(path, "rb");
		char *disk = f ? malloc(body->len + 1) : NULL;
		bool same = disk && fread(disk, 1, body->len, f) == body->len &&
			    memcmp(disk, body->p ? body->p : "", body->len) == 0;
		free(disk);
		if (f)
			fclose(f);
		char gz[4210], br[4210];
		snprintf(gz, sizeof gz, "%s.gz", path);
		snprintf(br, sizeof br, "%s.br", path);
		j->file.gz = same && access(gz, F_OK) == 0 &&
			     (!nz__site_wants_br(rel) || access(br, F_OK) == 0);
		if (same && (j->file.gz || !nz__site_compressible(rel) || body->len < 256))
			return NZ_OK;
	}
	j->written = true;
	return nz__site_write(dir, rel, body->p ? body->p : "", body->len, &j->file.gz, err);
}

static nz_rc run_job(worker *w, nz__job *j, nz_err *err)
{
	nz_arena *arena = nz_arena_new();
	nz_page_ctx pc = *w->b->pc;
	pc.edition = j->edition; /* the page wears that edition's chrome */
	pc.feed_memo = w->b->feed_memo;
	nz_page_env env = {w->store, &pc, arena};
	nz_buf_reset(&w->body);
	nz_page_out out = {.body = &w->body};
	bool html;
	if (j->kind == NZ__JOB_MEDIA) { /* named by its hash: the same name holds the same bytes */
		const nz__mf_file *old = nz__manifest_find(w->b->old, j->arg);
		if (old && nz__site_file_matches(w->b->dir, old->path, old->size)) {
			j->file = *old;
			j->file.owner = j->owner;
			j->status = 200;
			nz_arena_free(arena);
			return NZ_OK;
		}
	}
	nz_rc rc = arena ? produce(w, &env, j, &out, err) : NZ_NOMEM;
	if (rc == NZ_OK && out.status != 200 && j->kind != NZ__JOB_NOT_FOUND) {
		j->status = 404; /* not public, past the end, gone: not in the export */
		goto out;
	}
	if (rc == NZ_OK && nz_buf_rc(&w->body) != NZ_OK)
		rc = nz_buf_rc(&w->body);
	if (rc != NZ_OK)
		goto out;
	j->pages = out.pages;
	j->n_items = out.n_items;
	const char *url = nz__site_job_url(w->keep, w->b->pc->site, j, &html);
	const char *rel = j->kind == NZ__JOB_NOT_FOUND ? "404.html"
			  : url                        ? nz__site_file_for(w->keep, url, html)
						       : NULL;
	j->file.url = url;
	j->file.owner = j->owner;
	j->file.keys = join_keys(w, &out);
	if (!url || !rel || !j->file.keys) {
		rc = nz_err_set(err, url ? NZ_INVAL : NZ_NOMEM, "%s: cannot be a file name",
				url ? url : "(out of memory)");
		goto out;
	}
	rc = store_file(w, j, rel, &w->body, err);
	if (rc == NZ_OK)
		j->status = 200;
out:
	if (rc == NZ_NOMEM && !err->msg[0])
		nz_err_set(err, rc, "out of memory");
	nz_arena_free(arena);
	return rc;
}

/* Takes jobs until none is left; the calling thread (report) also says how far it got. */
static void take_jobs(worker *w, nz_site_progress_fn progress, void *ctx, size_t before,
		      size_t planned)
{
	nz__builder *b = w->b;
	size_t i, last = 0;
	while ((i = atomic_fetch_add(&b->next, 1)) < b->n_jobs) {
		nz_err err = {0};
		nz_rc rc = atomic_load(&b->failed) ? NZ_OK : run_job(w, &b->jobs[i], &err);
		if (rc != NZ_OK) {
			pthread_mutex_lock(&b->lock);
			if (b->rc == NZ_OK) {
				b->rc = rc;
				b->err = err;
			}
			pthread_mutex_unlock(&b->lock);
			atomic_store(&b->failed, true);
		}
		size_t done = atomic_fetch_add(&b->done, 1) + 1;
		if (progress && done - last >= 50) {
			progress(ctx, before + done, planned);
			last = done;
		}
	}
}

static void *work(void *arg)
{
	take_jobs(arg, NULL, NULL, 0, 0);
	return NULL;
}

nz_rc nz__builder_run(nz__builder *b, nz__job *jobs, size_t n, nz_site_progress_fn progress,
		      void *ctx, size_t done_before, size_t planned, nz_err *err)
{
	b->jobs = jobs;
	b->n_jobs = n;
	atomic_store(&b->next, 0);
	atomic_store(&b->done, 0);
	unsigned started = 1;
	for (unsigned i = 1; i < b->n_workers && n > 16; i++, started++)
		if (pthread_create(&b->workers[i].thread, NULL, work, &b->workers[i]) != 0)
			break;
	take_jobs(&b->workers[0], progress, ctx, done_before, planned);
	for (unsigned k = 1; k < started; k++)
		pthread_join(b->workers[k].thread, NULL);
	if (progress)
		progress(ctx, done_before + n, planned);
	if (b->rc != NZ_OK)
		*err = b->err;
	return b->rc;
}
