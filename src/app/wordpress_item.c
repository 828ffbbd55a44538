/*
 * wordpress_item.c: one post or page of a WordPress export into an article. Maps the fields
 * (docs/wordpress.md has the table), notes everything no field took, and stores the article,
 * the item's XML (its import record) and the item's key in one transaction. An item seen
 * before is unchanged when its XML hashes the same; when it differs, the article gets a new
 * revision if its content changed.
 *
 * Rules: one arena per item; the item's fault (no usable status, a field our model refuses)
 * skips it with a reason, never stops the import.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/wordpress_int.h"

typedef struct item_ctx {
	nz__wp_run *run;
	nz_arena *ar;
	const nz_wxr_item *it;
	nz_wp_type type;
	nz_article *a;
	size_t cap_notes, cap_tags, cap_media;
	nz_rc rc; /* sticky: NZ_NOMEM */
} item_ctx;

static void note(item_ctx *c, const char *fmt, ...) NZ_PRINTF(2, 3);
static void note(item_ctx *c, const char *fmt, ...)
{
	va_list ap;
	char line[1024];
	nz_article *a = c->a;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (c->rc || NZ_ARENA_GROW(c->ar, a->import_notes, a->n_import_notes + 1, c->cap_notes) ||
	    !(a->import_notes[a->n_import_notes++] = nz_arena_strdup(c->ar, line)))
		c->rc = NZ_NOMEM;
}

/* "2015-01-27 10:00:00" as UTC seconds; 0 when absent or all zero. */
static nz_time wp_time(const char *s)
{
	struct tm tm = {0};
	if (!s ||
	    sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec) < 3 ||
	    tm.tm_year < 1970)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (nz_time)timegm(&tm);
}

const char *nz__wp_slug(nz_arena *ar, const char *name)
{
	nz_buf b;
	const char *out = NULL;
	if (!name || !*name)
		return NULL;
	nz_buf_init(&b, 0);
	if (nz_url_decode(&b, name, strlen(name), false) == NZ_OK &&
	    nz_slug_valid((nz_str){nz_buf_cstr(&b), b.len}))
		out = nz_arena_strdup(ar, nz_buf_cstr(&b));
	nz_buf_free(&b);
	return out;
}

static char *trimmed(nz_arena *ar, const char *s)
{
	nz_str t = nz_str_trim(nz_str_c(s));
	return t.len ? nz_arena_str(ar, t) : NULL;
}

/* ---- terms: the primary category is the section, the rest are tags ---------------------- */

static void add_tag(item_ctx *c, const nz_wxr_term *t)
{
	nz_article *a = c->a;
	if (!t->name || !*t->name)
		return;
	const char *slug = nz__wp_slug(c->ar, t->slug);
	for (size_t i = 0; i < a->n_tags; i++)
		if (strcmp(a->tags[i].name, t->name) == 0)
			return;
	if (NZ_ARENA_GROW(c->ar, a->tags, a->n_tags + 1, c->cap_tags)) {
		c->rc = NZ_NOMEM;
		return;
	}
	a->tags[a->n_tags++] = (nz_tag){.slug = slug, .name = t->name};
}

static void terms(item_ctx *c)
{
	const nz_wxr_item *it = c->it;
	nz_article *a = c->a;
	if (c->type == NZ_WP_PAGE) {
		a->section = nz_arena_zalloc(c->ar, sizeof *a->section);
		if (!a->section) {
			c->rc = NZ_NOMEM;
			return;
		}
		a->section->slug = "pages";
		a->section->name = "Pages";
	}
	for (size_t i = 0; i < it->n_terms; i++) {
		const nz_wxr_term *t = &it->terms[i];
		bool cat = strcmp(t->domain, "category") == 0;
		if (cat && !a->section && t->name && *t->name) {
			a->section = nz_arena_zalloc(c->ar, sizeof *a->section);
			if (!a->section) {
				c->rc = NZ_NOMEM;
				return;
			}
			a->section->slug = nz__wp_slug(c->ar, t->slug);
			a->section->name = t->name;
		} else if (cat || strcmp(t->domain, "post_tag") == 0) {
			if (cat)
				note(c,
				     "category %s: imported as a tag (an article has one section)",
				     t->name);
			add_tag(c, t);
		} else {
			note(c, "term %s: %s", t->domain, t->name ? t->name : "");
		}
	}
}

/* ---- authors ---------------------------------------------------------------------------- */

static void author(item_ctx *c)
{
	const char *login = c->it->creator;
	if (!login || !*login)
		return;
	const nz_wxr_author *au = nz__wp_author_find(c->run, login);
	nz_buf slug;
	nz_buf_init(&slug, 0);
	if (nz_slug_make(nz_str_c(login), NZ_SLUG_MAX, &slug) == NZ_OK) {
		nz_author *x = nz_arena_zalloc(c->ar, sizeof *x);
		if (!x) {
			c->rc = NZ_NOMEM;
		} else {
			x->slug = nz_arena_strdup(c->ar, nz_buf_cstr(&slug));
			x->display_name =
			    au && au->display_name && *au->display_name ? au->display_name : login;
			x->given_name = au ? au->first_name : NULL;
			x->family_name = au ? au->last_name : NULL;
			x->email = au ? au->email : NULL;
			c->a->authors = x;
			c->a->n_authors = 1;
		}
	} else {
		note(c, "author: %s (no usable name)", login);
	}
	nz_buf_free(&slug);
}

/* ---- the lead photo ----------------------------------------------------------------------- */

/* Reads dir/rel (no ".." and not absolute) into malloc'd bytes; NULL when it cannot. */
static void *read_upload(const char *dir, const char *rel, size_t *len)
{
	char path[4096];
	struct stat st;
	void *bytes = NULL;
	if (!rel || rel[0] == '/' || strstr(rel, "..") ||
	    snprintf(path, sizeof path, "%s/%s", dir, rel) >= (int)sizeof path)
		return NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    st.st_size <= NZ_MEDIA_MAX && (bytes = malloc((size_t)st.st_size))) {
		ssize_t got = read(fd, bytes, (size_t)st.st_size);
		if (got != st.st_size) {
			free(bytes);
			bytes = NULL;
		}
		*len = (size_t)st.st_size;
	}
	close(fd);
	return bytes;
}

/* Brings the file rel of --media-dir in as a photo with caption and alt: m filled (id, hash,
 * mime) and true; false with a note saying why not (url names the photo in it). */
static bool upload(item_ctx *c, const char *rel, const char *url, nz_media *m, nz_err *err)
{
	size_t len = 0;
	void *bytes = read_upload(c->run->o->media_dir, rel, &len);
	bool ok = false;
	if (!bytes) {
		note(c, "photo not fetched: %s (no file %s in the media folder)", url,
		     rel ? rel : "named");
		return false;
	}
	/* Through the photo pipeline's front: type and limits from the header, the upright size. */
	nz_app_media_fields fields = {.caption = m->caption, .credit = m->credit, .alt = m->alt};
	nz_err e2 = {0};
	nz_rc rc = nz_app_media_add(c->run->s, c->ar, 0, bytes, len, &fields, m, &e2);
	if (rc == NZ_OK) {
		ok = true;
		c->run->r->fetched++;
	} else if (rc == NZ_TOOBIG || rc == NZ_UNSUPPORTED || rc == NZ_PARSE) {
		note(c, "photo not fetched: %s (%s)", url, e2.msg);
	} else { /* the store failed: the import stops with it */
		*err = e2;
		note(c, "photo not fetched: %s (%s)", url, e2.msg);
	}
	free(bytes);
	return ok;
}

/* Brings the attachment's file in from --media-dir (once per import); its media id, or 0
 * with a note saying why not. */
static int64_t fetch(item_ctx *c, nz__wp_att *att, nz_err *err)
{
	if (att->media_id)
		return att->media_id > 0 ? att->media_id : 0;
	nz_media m = {.caption = att->pub.caption, .alt = att->pub.alt};
	att->media_id = upload(c, att->file, att->pub.url, &m, err) ? m.id : -1;
	return att->media_id > 0 ? att->media_id : 0;
}

/* The body's images from --media-dir: each file under wp-content/uploads that the folder has
 * comes in as a photo and the body shows it from here ("/media/<hash>.<ext>", the address
 * every stored photo has); the others stay linked to the old site, noted. */
static const char *body_images(item_ctx *c, const nz_wp_body *body, nz_err *err)
{
	const char *md = body->markdown;
	for (size_t i = 0; md && i < body->n_images; i++) {
		const char *url = body->images[i];
		bool again = false; /* the same image shown twice is noted once */
		for (size_t k = 0; k < i; k++)
			again = again || strcmp(body->images[k], url) == 0;
		const char *up = strstr(url, "/wp-content/uploads/");
		nz_media m = {0};
		if (again)
			continue;
		if (!c->run->o->media_dir || !up) {
			note(c, "image in the body not fetched (linked to the old site): %s", url);
			c->run->r->not_fetched++;
			continue;
		}
		char *rel = nz_arena_strndup(c->ar, up + 20, strcspn(up + 20, "?#"));
		if (!rel || !upload(c, rel, url, &m, err)) {
			c->run->r->not_fetched += rel != NULL;
			continue;
		}
		const char *ext = strchr(m.mime, '/') ? strchr(m.mime, '/') + 1 : "jpg";
		const char *from = nz_arena_printf(c->ar, "](%s)", url);
		const char *to = nz_arena_printf(c->ar, "](/media/%s.%s)", m.hash,
						 strcmp(ext, "jpeg") == 0 ? "jpg" : ext);
		nz_buf out;
		nz_buf_init(&out, 0);
		for (const char *p = md, *hit; p && from && to;
		     p = hit ? hit + strlen(from) : NULL) {
			hit = strstr(p, from);
			nz_buf_append(&out, p, hit ? (size_t)(hit - p) : strlen(p));
			if (hit)
				nz_buf_puts(&out, to);
		}
		md = nz_buf_rc(&out) ? NULL : nz_arena_strdup(c->ar, nz_buf_cstr(&out));
		nz_buf_free(&out);
	}
	if (!md)
		c->rc = NZ_NOMEM;
	return md;
}

static void lead_photo(item_ctx *c, nz_err *err)
{
	const char *thumb = NULL;
	for (size_t i = 0; i < c->it->n_meta; i++)
		if (strcmp(c->it->meta[i].key, "_thumbnail_id") == 0)
			thumb = c->it->meta[i].value;
	if (!thumb)
		return;
	nz__wp_att *att = nz__wp_att_find(c->run, strtoll(thumb, NULL, 10));
	if (!att) {
		note(c, "featured image %s: not in the export", thumb);
		return;
	}
	nz_media *m = nz_arena_zalloc(c->ar, sizeof *m);
	if (!m) {
		c->rc = NZ_NOMEM;
		return;
	}
	m->caption = att->pub.caption ? att->pub.caption : att->pub.title;
	m->alt = att->pub.alt;
	m->id = c->run->o->media_dir ? fetch(c, att, err) : 0;
	if (!c->run->o->media_dir)
		note(c, "photo not fetched: %s", att->pub.url ? att->pub.url : "(no URL)");
	if (!m->id)
		c->run->r->not_fetched++;
	c->a->media = m;
	c->a->n_media = 1;
}

/* ---- status and dates --------------------------------------------------------------------- */

/* Maps the status; false (with why) when the item is not to be imported at all. */
static bool status(item_ctx *c, const char **why)
{
	const nz_wxr_item *it = c->it;
	nz_article *a = c->a;
	const char *st = it->status ? it->status : "draft";
	nz_time gmt = wp_time(it->post_date_gmt), when = gmt ? gmt : wp_time(it->post_date);
	nz_time now = c->run->o->now;
	if (!gmt && when)
		note(c, "date: %s is the site's local time (the export has no GMT date)",
		     it->post_date);
	if (strcmp(st, "trash") == 0 || strcmp(st, "auto-draft") == 0 ||
	    strcmp(st, "inherit") == 0) {
		*why = strcmp(st, "trash") == 0     ? "status trash (deleted on the old site)"
		       : strcmp(st, "inherit") == 0 ? "status inherit (a revision)"
						    : "status auto-draft (never written)";
		return false;
	}
	a->status = NZ_STATUS_DRAFT;
	bool live = strcmp(st, "publish") == 0 || strcmp(st, "future") == 0;
	if (!c->run->o->publish_as_is) {
		if (strcmp(st, "draft") != 0)
			note(c,
			     "status on the old site: %s (imported as a draft; --publish-as-is "
			     "keeps it)",
			     st);
	} else if (live && it->password && *it->password) {
		note(c, "status on the old site: %s, password-protected (imported as a draft)", st);
	} else if (live && when && when > now) {
		a->status = NZ_STATUS_SCHEDULED;
		a->publish_at = when;
	} else if (live) {
		a->status = NZ_STATUS_PUBLISHED;
		a->published_at = when ? when : now;
		if (strcmp(st, "future") == 0)
			note(c, "status on the old site: future (its time has passed: published)");
	} else if (strcmp(st, "pending") == 0) {
		a->status = NZ_STATUS_REVIEW;
		note(c, "status on the old site: pending (imported for review)");
	} else if (strcmp(st, "draft") != 0) {
		note(c, "status on the old site: %s (imported as a draft)", st);
	}
	if (when)
		a->created_at = when < now ? when : now;
	return true;
}

/* ---- the article -------------------------------------------------------------------------- */

const nz_wp_attachment *nz__wp_lookup(void *ctx, int64_t id)
{
	nz__wp_att *att = nz__wp_att_find(ctx, id);
	return att ? &att->pub : NULL;
}

static void leftovers(item_ctx *c)
{
	nz__wp_notes n = {c->ar, c->a->import_notes, c->a->n_import_notes, c->cap_notes, c->rc};
	nz__wp_leftovers(&n, c->it, c->type);
	c->a->import_notes = n.lines;
	c->a->n_import_notes = n.n;
	c->cap_notes = n.cap;
	c->rc = n.rc;
}

static nz_rc build(item_ctx *c, const char **why, nz_err *err)
{
	const nz_wxr_item *it = c->it;
	nz_article *a = c->a;
	nz_wp_body body;
	if (!status(c, why))
		return NZ_OK;
	a->headline = trimmed(c->ar, it->title);
	if (!a->headline) {
		a->headline = c->type == NZ_WP_PAGE ? "Untitled page" : "Untitled post";
		note(c, "title: empty on the old site");
	}
	a->slug = nz__wp_slug(c->ar, it->post_name);
	a->highlights_intro = trimmed(c->ar, it->excerpt);
	nz_rc rc = nz_ingest_wp_body(c->ar, it->content, nz__wp_lookup, c->run, &body, err);
	if (rc)
		return rc;
	a->body_markdown = body.markdown;
	a->language = nz_language_detect(a->headline, strlen(a->headline));
	for (size_t i = 0; i < body.n_unknown; i++) {
		note(c, "content not understood, kept as text: %s", body.unknown[i]);
		rc = nz__wp_reason(c->run, &c->run->r->unknown, &c->run->r->n_unknown,
				   &c->run->cap_unknown, body.unknown[i]);
	}
	a->body_markdown = body_images(c, &body, err);
	terms(c);
	author(c);
	lead_photo(c, err);
	leftovers(c);
	return rc ? rc : c->rc ? nz_err_set(err, c->rc, "out of memory") : NZ_OK;
}

/* ---- storing -------------------------------------------------------------------------------- */

static bool same_content(const nz_article *x, const nz_article *y)
{
#define SAME(f) ((x->f == NULL) == (y->f == NULL) && (!x->f || strcmp(x->f, y->f) == 0))
	return SAME(headline) && SAME(highlights_intro) && SAME(body_markdown) &&
	       (x->section == NULL) == (y->section == NULL) &&
	       (!x->section || strcmp(x->section->name, y->section->name) == 0) &&
	       x->n_tags == y->n_tags;
#undef SAME
}

/* One old address to a new one; an address that cannot be one is noted, not an error. */
static nz_rc old_link(item_ctx *c, const char *from, const char *to, nz_err *err)
{
	nz_err e2 = {0};
	if (!to)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	if (!from) /* no such address (an item without a link) */
		return NZ_OK;
	nz_rc rc = nz_app_redirect_add(c->run->s, c->ar, from, to, false, &e2);
	if (rc == NZ_INVAL)
		return NZ_OK;
	if (rc)
		*err = e2;
	return rc;
}

/* The item's WordPress addresses (its permalink, /?p=ID, its categories, tags and author)
 * answer 301 to the article's, its section's, tags' and author's. */
static nz_rc old_links(item_ctx *c, nz_err *err)
{
	const nz_wxr_item *it = c->it;
	const nz_article *a = c->a;
	nz_arena *ar = c->ar;
	const char *url = nz_arena_printf(ar, "/article/%s", a->slug);
	nz_rc rc = old_link(c, it->link, url, err);
	if (!rc)
		rc = old_link(c,
			      nz_arena_printf(ar, "/?%s=%lld",
					      c->type == NZ_WP_PAGE ? "page_id" : "p",
					      (long long)it->post_id),
			      url, err);
	for (size_t i = 0; !rc && i < it->n_terms; i++) {
		const nz_wxr_term *t = &it->terms[i];
		bool cat = strcmp(t->domain, "category") == 0;
		if (!t->slug || (!cat && strcmp(t->domain, "post_tag") != 0))
			continue;
		const char *to = NULL;
		if (cat && a->section && a->section->name && t->name &&
		    strcmp(a->section->name, t->name) == 0)
			to = nz_arena_printf(ar, "/section/%s", a->section->slug);
		for (size_t k = 0; !to && k < a->n_tags; k++)
			if (t->name && strcmp(a->tags[k].name, t->name) == 0)
				to = nz_arena_printf(ar, "/tag/%s", a->tags[k].slug);
		if (to)
			rc = old_link(
			    c, nz_arena_printf(ar, "/%s/%s", cat ? "category" : "tag", t->slug), to,
			    err);
	}
	if (!rc && a->n_authors && it->creator) {
		const char *to = nz_arena_printf(ar, "/author/%s", a->authors[0].slug);
		rc = old_link(c, nz_arena_printf(ar, "/author/%s", it->creator), to, err);
		if (!rc && strcmp(it->creator, a->authors[0].slug) != 0)
			rc = old_link(c, nz_arena_printf(ar, "/author/%s", a->authors[0].slug), to,
				      err);
	}
	return rc;
}

/* Stores what build made: a new article, or a new revision of the one the key found. */
static nz_rc store(item_ctx *c, const char *key, const char *hash, int64_t existing,
		   nz_app_wp_count *count, nz_err *err)
{
	nz_store *s = c->run->s;
	nz_article *a = c->a, *old = NULL;
	const char *rec =
	    nz_arena_printf(c->ar, "%s#%s-%lld", c->run->file,
			    c->type == NZ_WP_PAGE ? "page" : "post", (long long)c->it->post_id);
	const char *how = nz_arena_printf(c->ar, "imported from %s", rec);
	nz_rc rc = nz_store_begin(s, err);
	if (rc)
		return rc;
	if (existing && !(rc = nz_store_article_by_id(s, c->ar, existing, &old, err))) {
		if (same_content(old, a)) {
			count->unchanged++;
		} else {
			a->id = existing;
			a->slug = a->slug ? a->slug : old->slug;
			rc = nz_store_article_update(s, c->ar, 0, a, old->revision, how, err);
			count->updated += rc == NZ_OK;
		}
	} else if (!existing) {
		rc = nz_store_article_create(s, c->ar, a, how, err);
		count->imported += rc == NZ_OK;
	}
	int64_t kept = 0; /* the same XML kept before (an item changed back to it) */
	if (!rc && (rc = nz_store_import_find(s, hash, &kept, err)) == NZ_NOTFOUND)
		rc = nz_store_import_add(s, existing ? existing : a->id, rec, c->it->xml,
					 c->it->xml_len, err);
	if (!rc)
		rc = nz_store_import_item_put(s, key, existing ? existing : a->id, hash,
					      (int64_t)c->it->n_comments, err);
	if (!rc && a->id && a->slug)
		rc = old_links(c, err);
	if (!rc)
		return nz_store_commit(s, err);
	nz_store_rollback(s);
	return rc;
}

const char *nz__wp_item_key(nz__wp_run *run, nz_arena *ar, const nz_wxr_item *it)
{
	if (it->guid && *it->guid)
		return nz_arena_printf(ar, "wordpress %s", it->guid);
	return nz_arena_printf(ar, "wordpress %s/?p=%lld", run->base_url ? run->base_url : "",
			       (long long)it->post_id);
}

nz_rc nz__wp_item(nz__wp_run *run, const nz_wxr_item *it, nz_wp_type type, nz_err *err)
{
	nz_app_wp_count *count = &run->r->counts[type];
	nz_arena *ar = nz_arena_new();
	nz_article *a = ar ? nz_arena_zalloc(ar, sizeof *a) : NULL;
	item_ctx c = {.run = run, .ar = ar, .it = it, .type = type, .a = a};
	const char *why = NULL, *stored_hash = NULL;
	char hash[65];
	int64_t existing = 0;
	nz_rc rc = a ? NZ_OK : NZ_NOMEM;
	run->r->comments += it->n_comments;
	nz_sha256_hex(it->xml, it->xml_len, hash);
	const char *key = a ? nz__wp_item_key(run, ar, it) : NULL;
	if (!rc && !key)
		rc = NZ_NOMEM;
	if (!rc) {
		rc = nz_store_import_item_find(run->s, ar, key, &existing, &stored_hash, err);
		if (rc == NZ_NOTFOUND)
			rc = NZ_OK;
	}
	if (!rc && stored_hash && strcmp(stored_hash, hash) == 0) {
		count->unchanged++;
		goto out;
	}
	if (!rc)
		rc = build(&c, &why, err);
	if (!rc && why) {
		count->skipped++;
		rc = nz__wp_reason(run, &run->r->skipped, &run->r->n_skipped, &run->cap_skipped,
				   why);
		goto out;
	}
	if (!rc) {
		nz_err e2 = {0};
		rc = store(&c, key, hash, existing, count, &e2);
		if (rc == NZ_INVAL || rc == NZ_UTF8 || rc == NZ_TOOBIG || rc == NZ_CONFLICT) {
			count->skipped++;
			nz__wp_notice(run, "line %ld: %s %lld: %s", it->line,
				      type == NZ_WP_PAGE ? "page" : "post", (long long)it->post_id,
				      e2.msg);
			rc = nz__wp_reason(run, &run->r->skipped, &run->r->n_skipped,
					   &run->cap_skipped,
					   "refused by a check (see the lines above)");
		} else if (rc) {
			*err = e2;
		} else if (it->sticky && a->status == NZ_STATUS_PUBLISHED) {
			rc = nz__wp_sticky_keep(run, a, existing ? existing : a->id);
			if (rc)
				nz_err_set(err, rc, "out of memory");
		}
	}
out:
	nz_arena_free(ar);
	return rc;
}
