/*
 * wordpress_page.c: a published page of a WordPress export into a static page (docs/pages.md,
 * docs/wordpress.md): title and content (made Markdown as a post's are), at the page's own
 * slug. A slug that is one of the site's own addresses (nz_app_static_page_reserved: "search",
 * "feed", ...) gets "-page" added, and a slug another page holds "-2", "-3", ...; each renaming
 * is reported. The old addresses (/?page_id=N and the page's permalink) answer 301 to the new
 * one. Each page keeps an import record (page_imports): the item's key (its GUID, else base URL
 * and post ID), its original XML byte for byte, its hash and the import notes (the fields a
 * static page has no place for). A later import finds the page by that key: the same XML
 * changes nothing, another XML saves a new revision of the page when its title or content
 * changed. A page imported before records were kept is found through its /?page_id=N redirect.
 *
 * Rules: one arena per page; the page's fault (a title too long, ...) skips it with a reason.
 * Pages that are not published stay articles in the section "pages" (wordpress_item.c), so an
 * editor can review them before anything is public.
 */
#include <string.h>

#include "app/wordpress_int.h"

#define MAX_TRIES 9 /* "-2" .. "-9" after a taken slug */

/* The static page a previous import made of this item (found through its /?page_id=N
 * redirect) into *p; p->id stays 0 when there is none. */
static nz_rc earlier(nz__wp_run *run, nz_arena *ar, const char *old, nz_static_page *p, nz_err *err)
{
	const char *target = NULL;
	nz_err ignored = {0};
	nz_rc rc = nz_store_url_redirect_get(run->s, ar, old, &target, &ignored);
	if (rc == NZ_NOTFOUND || (!rc && (target[0] != '/' || strchr(target + 1, '/'))))
		return NZ_OK;
	if (rc) {
		*err = ignored;
		return rc;
	}
	rc = nz_store_static_page_get(run->s, ar, target + 1, 0, p, &ignored);
	if (rc == NZ_NOTFOUND) {
		*p = (nz_static_page){0};
		return NZ_OK;
	}
	if (rc)
		*err = ignored;
	return rc;
}

/* The slug to try first: the page's own when valid here, else one made from its title; NULL
 * when there is none (the title makes none either). */
static const char *first_slug(nz_arena *ar, const nz_wxr_item *it, const char *title)
{
	const char *slug = nz__wp_slug(ar, it->post_name);
	if (slug)
		return slug;
	nz_buf b;
	nz_buf_init(&b, 0);
	if (nz_slug_make(nz_str_c(title), 80, &b) == NZ_OK)
		slug = nz_arena_strdup(ar, nz_buf_cstr(&b));
	nz_buf_free(&b);
	return slug;
}

/* Saves new page p under its slug, renamed when reserved or taken (reported). */
static nz_rc save_new(nz__wp_run *run, nz_arena *ar, const nz_wxr_item *it, nz_static_page *p,
		      nz_err *err)
{
	const char *want = p->slug;
	nz_rc rc = NZ_OK;
	if (want && nz_app_static_page_reserved(want))
		p->slug = nz_arena_printf(ar, "%s-page", want);
	const char *base = p->slug;
	for (int n = 2;; n++) {
		nz_static_page keep = *p;
		rc = nz_app_static_page_save(run->s, ar, p, 0, NULL, err);
		if (rc != NZ_EXISTS || !base || n > MAX_TRIES)
			break;
		*p = keep;
		p->slug = nz_arena_printf(ar, "%s-%d", base, n);
	}
	if (!rc && want && strcmp(want, p->slug) != 0) {
		nz__wp_notice(run, "line %ld: page %lld: the address /%s is %s; the page is at /%s",
			      it->line, (long long)it->post_id, want,
			      nz_app_static_page_reserved(want) ? "one of the site's own"
								: "another page's",
			      p->slug);
		rc = nz__wp_reason(run, &run->r->renamed, &run->r->n_renamed, &run->cap_renamed,
				   "page address taken or one of the site's own: renamed (see the "
				   "lines above)");
	}
	return rc;
}

/* Whether link (a full URL or a path) is the path to itself: "https://x/about/" for "/about". */
static bool same_path(const char *link, const char *to)
{
	const char *scheme = strstr(link, "://");
	const char *path = scheme ? strchr(scheme + 3, '/') : link;
	size_t n = path ? strlen(path) : 0, m = strlen(to);
	while (n > 1 && path[n - 1] == '/')
		n--;
	return path && n == m && strncmp(path, to, m) == 0;
}

/* The page's old addresses answer 301 to /slug (an address an admin changed is kept); its
 * permalink is left out when it is /slug already (it would send the page to itself). */
static nz_rc old_links(nz__wp_run *run, nz_arena *ar, const nz_wxr_item *it, const char *old,
		       const char *slug, nz_err *err)
{
	const char *to = nz_arena_printf(ar, "/%s", slug);
	const char *from[2] = {old, it->link};
	nz_rc rc = to ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
	for (size_t i = 0; !rc && i < 2; i++) {
		nz_err e2 = {0};
		if (!from[i] || same_path(from[i], to))
			continue;
		rc = nz_app_redirect_add(run->s, ar, from[i], to, false, &e2);
		if (rc == NZ_INVAL) /* an address that cannot be one: nothing to keep */
			rc = NZ_OK;
		else if (rc)
			*err = e2;
	}
	return rc;
}

/* The page's import notes, one a line: what a static page has no field for. NULL when out of
 * memory. */
static const char *page_notes(nz_arena *ar, const nz_wxr_item *it, const nz_wp_body *body)
{
	nz__wp_notes n = {.ar = ar};
	nz__wp_leftovers(&n, it, NZ_WP_PAGE);
	if (it->creator && *it->creator)
		nz__wp_note(&n, "author: %s", it->creator);
	if (it->post_date_gmt && strncmp(it->post_date_gmt, "0000", 4) != 0)
		nz__wp_note(&n, "date: %s (GMT)", it->post_date_gmt);
	else if (it->post_date && *it->post_date)
		nz__wp_note(&n, "date: %s (the site's local time)", it->post_date);
	if (it->excerpt && *it->excerpt)
		nz__wp_note(&n, "excerpt: %s", it->excerpt);
	for (size_t i = 0; i < it->n_terms; i++)
		nz__wp_note(&n, "term %s: %s", it->terms[i].domain,
			    it->terms[i].name ? it->terms[i].name : "");
	for (size_t i = 0; i < body->n_unknown; i++)
		nz__wp_note(&n, "content not understood, kept as text: %s", body->unknown[i]);
	if (n.rc)
		return NULL;
	nz_buf b;
	nz_buf_init(&b, 0);
	for (size_t i = 0; i < n.n; i++) {
		nz_buf_append(&b, n.lines[i], strlen(n.lines[i]));
		nz_buf_append(&b, "\n", 1);
	}
	const char *out = nz_arena_strdup(ar, nz_buf_cstr(&b));
	nz_buf_free(&b);
	return out;
}

/* The page an earlier import made of this item into *p (p->id stays 0 when none): by its import
 * record (*stored_hash: the hash of the XML it kept), else, for a page imported before records
 * were kept, through its /?page_id=N redirect. */
static nz_rc find_page(nz__wp_run *run, nz_arena *ar, const char *key, const char *old,
		       const char **stored_hash, nz_static_page *p, nz_err *err)
{
	nz_store_page_import rec;
	nz_err e2 = {0};
	nz_rc rc = nz_store_page_import_find(run->s, ar, key, &rec, &e2);
	if (rc == NZ_NOTFOUND)
		return earlier(run, ar, old, p, err);
	if (!rc)
		rc = nz_store_static_page_get(run->s, ar, NULL, rec.page_id, p, &e2);
	if (!rc)
		*stored_hash = rec.sha256_hex;
	else
		*err = e2;
	return rc;
}

/* Saves p (new or a new revision of the one found) with its import record and old addresses,
 * in one transaction; count says what happened. */
static nz_rc store(nz__wp_run *run, nz_arena *ar, const nz_wxr_item *it, nz_static_page *p,
		   nz_store_page_import *rec, const char *old, nz_err *err)
{
	nz_app_wp_count *count = &run->r->counts[NZ_WP_PAGE];
	bool changed = false, existed = p->id != 0;
	nz_err e2 = {0};
	nz_rc rc = nz_store_begin(run->s, err);
	if (rc)
		return rc;
	if (existed)
		rc = nz_app_static_page_save(run->s, ar, p, 0, &changed, &e2);
	else
		rc = save_new(run, ar, it, p, &e2);
	if (!rc) {
		rec->page_id = p->id;
		rc = nz_store_page_import_put(run->s, rec, &e2);
	}
	if (!rc)
		rc = old_links(run, ar, it, old, p->slug, &e2);
	if (!rc && !(rc = nz_store_commit(run->s, &e2))) {
		*(!existed ? &count->imported : changed ? &count->updated : &count->unchanged) += 1;
		return NZ_OK;
	}
	nz_store_rollback(run->s);
	*err = e2;
	return rc;
}

nz_rc nz__wp_page(nz__wp_run *run, const nz_wxr_item *it, nz_err *err)
{
	nz_app_wp_count *count = &run->r->counts[NZ_WP_PAGE];
	nz_arena *ar = nz_arena_new();
	nz_static_page p = {0};
	nz_wp_body body = {0};
	char hash[65];
	run->r->comments += it->n_comments;
	nz_sha256_hex(it->xml, it->xml_len, hash);
	nz_store_page_import rec = {.sha256_hex = hash,
				    .bytes = it->xml,
				    .len = it->xml_len,
				    .comments = (int64_t)it->n_comments};
	const char *old = ar ? nz_arena_printf(ar, "/?page_id=%lld", (long long)it->post_id) : NULL;
	rec.key = old ? nz__wp_item_key(run, ar, it) : NULL;
	rec.filename =
	    rec.key ? nz_arena_printf(ar, "%s#page-%lld", run->file, (long long)it->post_id) : NULL;
	const char *stored_hash = NULL;
	nz_rc rc = rec.filename ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
	if (!rc)
		rc = find_page(run, ar, rec.key, old, &stored_hash, &p, err);
	if (!rc && stored_hash && strcmp(stored_hash, hash) == 0) {
		count->unchanged++; /* the same item as last time */
		goto out;
	}
	if (!rc)
		rc = nz_ingest_wp_body(ar, it->content, nz__wp_lookup, run, &body, err);
	for (size_t i = 0; !rc && i < body.n_unknown; i++)
		rc = nz__wp_reason(run, &run->r->unknown, &run->r->n_unknown, &run->cap_unknown,
				   body.unknown[i]);
	if (!rc && !(rec.notes = page_notes(ar, it, &body)))
		rc = nz_err_set(err, NZ_NOMEM, "out of memory");
	if (rc)
		goto out;
	nz_str title = nz_str_trim(nz_str_c(it->title ? it->title : ""));
	p.title = title.len ? nz_arena_str(ar, title) : "Untitled page";
	p.body_markdown = body.markdown;
	if (!p.id)
		p.slug = first_slug(ar, it, p.title);
	nz_err e2 = {0};
	rc = store(run, ar, it, &p, &rec, old, &e2);
	if (rc == NZ_INVAL || rc == NZ_UTF8 || rc == NZ_TOOBIG || rc == NZ_EXISTS ||
	    rc == NZ_CONFLICT) {
		count->skipped++;
		nz__wp_notice(run, "line %ld: page %lld: %s", it->line, (long long)it->post_id,
			      e2.msg);
		rc = nz__wp_reason(run, &run->r->skipped, &run->r->n_skipped, &run->cap_skipped,
				   "refused by a check (see the lines above)");
	} else if (rc) {
		*err = e2;
	}
out:
	nz_arena_free(ar);
	return rc;
}
