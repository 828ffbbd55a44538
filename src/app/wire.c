/*
 * app/wire.c: agency copy into the review queue (docs/wires.md). A feed's items, parsed by
 * ingest/, become articles in review, each marked with where it came from; an item is known
 * again by its id ("wire <guid|id|uri>" in import_items), so it is never taken twice.
 *
 * Rules: one transaction per item; the original text of every version of an item is kept in
 * import_sources; an update never touches an article that readers can see: it is kept,
 * and an audit line (article.wire_updated) makes the back office's editor show a notice.
 */
#include <string.h>

#include "app/app.h"

nz_rc nz_app_wire_add(nz_store *s, nz_wire_feed *f, nz_err *err)
{
	if (!f->url || (strncmp(f->url, "http://", 7) != 0 && strncmp(f->url, "https://", 8) != 0))
		return nz_err_set(err, NZ_INVAL,
				  "the feed's URL must start with http:// or https://");
	if (strlen(f->url) > 2000)
		return nz_err_set(err, NZ_INVAL, "the feed's URL is longer than 2000 bytes");
	if (!f->format || (strcmp(f->format, "rss") != 0 && strcmp(f->format, "atom") != 0 &&
			   strcmp(f->format, "ninjs") != 0))
		return nz_err_set(err, NZ_INVAL, "--format must be rss, atom or ninjs");
	if (f->every_s < NZ_WIRE_EVERY_MIN)
		return nz_err_set(err, NZ_INVAL, "--every must be at least %ds", NZ_WIRE_EVERY_MIN);
	if (f->section_slug && !nz_slug_valid(nz_str_c(f->section_slug)))
		return nz_err_set(err, NZ_INVAL, "--section %s: not a valid slug", f->section_slug);
	return nz_store_wire_feed_add(s, f, err);
}

static nz_rc add_note(nz_arena *arena, nz_article *a, size_t *cap, const char *line)
{
	if (!line || NZ_ARENA_GROW(arena, a->import_notes, a->n_import_notes + 1, *cap))
		return NZ_NOMEM;
	a->import_notes[a->n_import_notes++] = line;
	return NZ_OK;
}

/* The article an item makes (in arena). */
static nz_rc build(nz_arena *arena, const nz_wire_feed *f, const nz_wire_item *it, nz_article *a,
		   nz_err *err)
{
	nz_wp_body body;
	size_t cap = 0;
	nz_rc rc = nz_ingest_wp_body(arena, it->body_html ? it->body_html : it->summary, NULL, NULL,
				     &body, err);
	if (rc)
		return rc;
	a->status = NZ_STATUS_REVIEW;
	a->headline = it->headline;
	a->body_markdown = body.markdown;
	a->highlights_intro = it->body_html && it->summary ? it->summary : NULL;
	a->copyright = it->credit;
	a->language = nz_language_detect(it->headline, strlen(it->headline));
	if (f->section_slug && (a->section = nz_arena_zalloc(arena, sizeof *a->section))) {
		a->section->slug = f->section_slug;
		a->section->name = f->section_slug;
	}
	if (it->byline) {
		nz_err ignored = {0};
		nz_author *au = NULL;
		size_t n = 0;
		if (nz_ingest_byline(arena, nz_str_c(it->byline), &au, &n, &ignored) == NZ_OK) {
			a->authors = au;
			a->n_authors = n;
		}
	}
	rc = add_note(arena, a, &cap, nz_arena_printf(arena, "wire source: %s", f->url));
	if (!rc && it->credit)
		rc = add_note(arena, a, &cap, nz_arena_printf(arena, "credit: %s", it->credit));
	if (!rc && it->link)
		rc = add_note(arena, a, &cap, nz_arena_printf(arena, "original: %s", it->link));
	if (!rc)
		rc = add_note(arena, a, &cap, nz_arena_printf(arena, "wire id: %s", it->uid));
	if (!rc && it->byline)
		rc = add_note(arena, a, &cap, nz_arena_printf(arena, "byline: %s", it->byline));
	return rc ? nz_err_set(err, rc, "out of memory") : NZ_OK;
}

/* One item in one transaction. */
static nz_rc take(nz_store *s, nz_arena *arena, const nz_wire_feed *f, const nz_wire_item *it,
		  nz_app_wire_counts *c, nz_err *err)
{
	char hash[65];
	const char *key = nz_arena_printf(arena, "wire %s", it->uid), *old_hash = NULL;
	const char *rec = nz_arena_printf(arena, "wire %s", f->url);
	int64_t id = 0, kept = 0;
	nz_article *a = nz_arena_zalloc(arena, sizeof *a), *old = NULL;
	if (!key || !rec || !a)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	nz_sha256_hex(it->raw, it->raw_len, hash);
	nz_rc rc = nz_store_import_item_find(s, arena, key, &id, &old_hash, err);
	if (rc == NZ_OK && strcmp(old_hash, hash) == 0) {
		c->unchanged++;
		return NZ_OK;
	}
	if (rc != NZ_OK && rc != NZ_NOTFOUND)
		return rc;
	if ((rc = build(arena, f, it, a, err)) || (rc = nz_store_begin(s, err)))
		return rc;
	if (id && !(rc = nz_store_article_by_id(s, arena, id, &old, err))) {
		if (old->status == NZ_STATUS_PUBLISHED || old->status == NZ_STATUS_RETRACTED ||
		    old->status == NZ_STATUS_SCHEDULED) {
			/* readers' copy is the newsroom's: the update is kept, and the editor of
			 * the article says so until someone saves it (editor_import.c) */
			c->noticed++;
			rc = nz_store_audit_add(s, 0, "article.wire_updated", "article", id,
						"the wire sent a newer version; the article was "
						"left as it is",
						err);
		} else {
			a->id = id;
			a->slug = old->slug;
			rc = nz_store_article_update(s, arena, 0, a, old->revision,
						     "updated from the wire", err);
			c->updated += rc == NZ_OK;
		}
	} else if (!id) {
		rc = nz_store_article_create(s, arena, a, "taken from the wire", err);
		id = a->id;
		c->taken += rc == NZ_OK;
	}
	if (!rc && (rc = nz_store_import_find(s, hash, &kept, err)) == NZ_NOTFOUND)
		rc = nz_store_import_add(s, id, rec, it->raw, it->raw_len, err);
	if (!rc)
		rc = nz_store_import_item_put(s, key, id, hash, 0, err);
	if (!rc)
		return nz_store_commit(s, err);
	nz_store_rollback(s);
	return rc;
}

nz_rc nz_app_wire_take(nz_store *s, nz_arena *arena, const nz_wire_feed *f,
		       const nz_wire_item *items, size_t n, nz_app_wire_counts *counts, nz_err *err)
{
	*counts = (nz_app_wire_counts){0};
	for (size_t i = 0; i < n; i++) {
		nz_rc rc = take(s, arena, f, &items[i], counts, err);
		if (rc == NZ_INVAL || rc == NZ_UTF8 || rc == NZ_TOOBIG)
			continue; /* the item's fault: the others still come in */
		if (rc)
			return rc;
	}
	return NZ_OK;
}
