/*
 * wordpress.c: a WordPress export into the newsroom (nz_app_wordpress_import). Two streaming
 * passes over the file: the first reads it whole, so a malformed file is refused before
 * anything is written, and keeps what items refer to (authors, attachments: a few hundred
 * bytes each, never post content); the second imports the posts and pages one at a time
 * (wordpress_item.c; published pages as static pages, wordpress_page.c), each in its own arena.
 * Both passes are one walker (walk) with a different visit. At the end the sticky posts are
 * pinned on the front page (wordpress_sticky.c).
 *
 * Rules: memory is bounded by the number of attachments and authors, not by the file's size;
 * nothing about the file's content is logged, it goes to the report.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app/wordpress_int.h"

NZ_ENUM_NAME_FN(nz_wp_type, nz_wp_type_name, NZ_WP_TYPES)

nz__wp_att *nz__wp_att_find(nz__wp_run *run, int64_t id)
{
	if (!run->n_slots)
		return NULL;
	for (size_t i = (size_t)nz_hash_bytes(&id, sizeof id) % run->n_slots;;
	     i = (i + 1) % run->n_slots) {
		size_t k = run->slots[i];
		if (!k)
			return NULL;
		if (run->atts[k - 1].id == id)
			return &run->atts[k - 1];
	}
}

const nz_wxr_author *nz__wp_author_find(nz__wp_run *run, const char *login)
{
	for (size_t i = 0; login && i < run->n_authors; i++)
		if (run->authors[i].login && strcmp(run->authors[i].login, login) == 0)
			return &run->authors[i];
	return NULL;
}

nz_rc nz__wp_reason(nz__wp_run *run, nz_app_wp_reason **list, size_t *n, size_t *cap,
		    const char *text)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i].text, text) == 0) {
			(*list)[i].n++;
			return NZ_OK;
		}
	if (NZ_ARENA_GROW(run->arena, *list, *n + 1, *cap))
		return NZ_NOMEM;
	(*list)[*n] = (nz_app_wp_reason){nz_arena_strdup(run->arena, text), 1};
	return (*list)[(*n)++].text ? NZ_OK : NZ_NOMEM;
}

void nz__wp_notice(nz__wp_run *run, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	if (!run->o->notice)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	run->o->notice(run->o->ctx, line);
}

/* ---- what the first pass keeps: authors and attachments ---------------------------------- */

static const char *meta(const nz_wxr_item *it, const char *key)
{
	for (size_t i = 0; i < it->n_meta; i++)
		if (it->meta[i].key && strcmp(it->meta[i].key, key) == 0)
			return it->meta[i].value;
	return NULL;
}

static nz_rc keep_attachment(nz__wp_run *run, const nz_wxr_item *it)
{
	if (NZ_ARENA_GROW(run->arena, run->atts, run->n_atts + 1, run->cap_atts))
		return NZ_NOMEM;
	nz__wp_att *a = &run->atts[run->n_atts++];
	nz_arena *ar = run->arena;
	*a = (nz__wp_att){.id = it->post_id};
	a->pub.url = nz_arena_strdup(ar, it->attachment_url ? it->attachment_url : it->guid);
	a->pub.caption = it->excerpt && *it->excerpt ? nz_arena_strdup(ar, it->excerpt) : NULL;
	a->pub.alt = nz_arena_strdup(ar, meta(it, "_wp_attachment_image_alt"));
	a->pub.title = nz_arena_strdup(ar, it->title);
	a->file = nz_arena_strdup(ar, meta(it, "_wp_attached_file"));
	return NZ_OK;
}

static nz_rc index_attachments(nz__wp_run *run)
{
	run->n_slots = run->n_atts * 2 + 1;
	run->slots = nz_arena_zalloc(run->arena, run->n_slots * sizeof *run->slots);
	if (!run->slots)
		return NZ_NOMEM;
	for (size_t k = 0; k < run->n_atts; k++) {
		int64_t id = run->atts[k].id;
		size_t i = (size_t)nz_hash_bytes(&id, sizeof id) % run->n_slots;
		while (run->slots[i])
			i = (i + 1) % run->n_slots;
		run->slots[i] = k + 1;
	}
	return NZ_OK;
}

static nz_rc keep_author(nz__wp_run *run, const nz_wxr_author *au)
{
	if (NZ_ARENA_GROW(run->arena, run->authors, run->n_authors + 1, run->cap_authors))
		return NZ_NOMEM;
	nz_wxr_author *k = &run->authors[run->n_authors++];
	nz_arena *ar = run->arena;
	k->login = nz_arena_strdup(ar, au->login);
	k->email = au->email && *au->email ? nz_arena_strdup(ar, au->email) : NULL;
	k->display_name = nz_arena_strdup(ar, au->display_name);
	k->first_name =
	    au->first_name && *au->first_name ? nz_arena_strdup(ar, au->first_name) : NULL;
	k->last_name = au->last_name && *au->last_name ? nz_arena_strdup(ar, au->last_name) : NULL;
	return NZ_OK;
}

/* ---- the walker both passes share ----------------------------------------------------------- */

/* What a pass does with each entry, and at the clean end of the file (x still open). */
typedef nz_rc (*visit_fn)(nz__wp_run *run, nz_wxr *x, const nz_wxr_entry *e, nz_err *err);
typedef nz_rc (*end_fn)(nz__wp_run *run, nz_wxr *x, nz_err *err);

/* Streams the export once, each entry in its own arena freed after visit. */
static nz_rc walk(nz__wp_run *run, visit_fn visit, end_fn end, nz_err *err)
{
	nz_wxr *x = NULL;
	nz_rc rc = nz_ingest_wxr_open(run->o->path, &x, err);
	while (!rc) {
		nz_arena *item = nz_arena_new();
		nz_wxr_entry e;
		if (!item) {
			rc = nz_err_set(err, NZ_NOMEM, "out of memory");
			break;
		}
		rc = nz_ingest_wxr_next(x, item, &e, err);
		if (!rc)
			rc = visit(run, x, &e, err);
		nz_arena_free(item);
	}
	if (rc == NZ_NOTFOUND)
		rc = end ? end(run, x, err) : NZ_OK;
	nz_ingest_wxr_close(x);
	return rc;
}

/* ---- the first pass: keeps authors and attachments --------------------------------------------
 */

static nz_rc keep(nz__wp_run *run, nz_wxr *x, const nz_wxr_entry *e, nz_err *err)
{
	(void)x;
	nz_rc rc = NZ_OK;
	if (e->kind == NZ_WXR_AUTHOR)
		rc = keep_author(run, &e->author);
	else if (e->kind == NZ_WXR_ITEM && e->item.post_type &&
		 strcmp(e->item.post_type, "attachment") == 0)
		rc = keep_attachment(run, &e->item);
	return rc ? nz_err_set(err, rc, "out of memory") : NZ_OK;
}

/* The whole file was read: refuses it when it is not a WordPress export. */
static nz_rc first_end(nz__wp_run *run, nz_wxr *x, nz_err *err)
{
	run->r->wxr_version = nz_arena_strdup(run->arena, nz_ingest_wxr_version(x));
	run->base_url = nz_arena_strdup(run->arena, nz_ingest_wxr_base_url(x));
	if (!nz_ingest_wxr_version(x))
		return nz_err_set(err, NZ_PARSE,
				  "line 1: not a WordPress export (no wp:wxr_version in the "
				  "channel)");
	return index_attachments(run);
}

/* ---- authors and accounts ------------------------------------------------------------------ */

/* The author's account (with --users): a contributor with no password (it cannot sign in until
 * an admin sets one). An account that exists already is left as it is. */
static nz_rc author_account(nz__wp_run *run, const nz_wxr_author *au, int64_t author_id,
			    nz_app_wp_count *c, nz_err *err)
{
	nz_user u = {.login = au->login, .role = NZ_ROLE_CONTRIBUTOR, .author_id = author_id};
	nz_err e2 = {0};
	nz_rc rc = nz_store_user_create(run->s, 0, &u, "!", &e2); /* "!": no password matches */
	if (rc == NZ_EXISTS) {
		c->unchanged++;
		return NZ_OK;
	}
	if (rc == NZ_INVAL) {
		char why[300];
		snprintf(why, sizeof why, "author %s: no account (%s)", au->login, e2.msg);
		c->skipped++;
		nz__wp_notice(run, "%s", why);
		return nz__wp_reason(run, &run->r->skipped, &run->r->n_skipped, &run->cap_skipped,
				     "author login not valid here: no account");
	}
	if (rc)
		return nz_err_set(err, rc, "%s", e2.msg);
	c->imported++;
	return NZ_OK;
}

static nz_rc import_authors(nz__wp_run *run, nz_err *err)
{
	nz_app_wp_count *c = &run->r->counts[NZ_WP_AUTHOR];
	for (size_t i = 0; i < run->n_authors; i++) {
		const nz_wxr_author *au = &run->authors[i];
		nz_arena *ar = nz_arena_new();
		nz_author *stored = NULL;
		nz_rc rc = ar ? NZ_OK : NZ_NOMEM;
		nz_buf slug;
		nz_buf_init(&slug, 0);
		if (!rc && (!au->login || nz_slug_make(nz_str_c(au->login), NZ_SLUG_MAX, &slug))) {
			c->skipped++;
			rc = nz__wp_reason(run, &run->r->skipped, &run->r->n_skipped,
					   &run->cap_skipped, "author without a usable login");
		} else if (!rc) {
			bool existed = nz_store_author_get(run->s, ar, nz_buf_cstr(&slug), &stored,
							   err) == NZ_OK;
			nz_author a = {.slug = nz_buf_cstr(&slug),
				       .display_name = au->display_name && *au->display_name
							   ? au->display_name
							   : au->login,
				       .family_name = au->last_name,
				       .given_name = au->first_name,
				       .email = au->email};
			rc = nz_store_author_ensure(run->s, &a, err);
			if (!rc && !run->o->users)
				*(existed ? &c->unchanged : &c->imported) += 1;
			if (!rc && run->o->users)
				rc = author_account(run, au, a.id, c, err);
		}
		nz_buf_free(&slug);
		nz_arena_free(ar);
		if (rc)
			return rc;
	}
	return NZ_OK;
}

/* ---- the second pass ------------------------------------------------------------------------ */

static nz_wp_type type_of(const nz_wxr_item *it)
{
	const char *t = it->post_type ? it->post_type : "post";
	return strcmp(t, "post") == 0         ? NZ_WP_POST
	       : strcmp(t, "page") == 0       ? NZ_WP_PAGE
	       : strcmp(t, "attachment") == 0 ? NZ_WP_ATTACHMENT
					      : NZ_WP_OTHER;
}

static nz_rc other_item(nz__wp_run *run, const nz_wxr_item *it)
{
	char why[160];
	snprintf(why, sizeof why, "post type %.60s is not imported",
		 it->post_type ? it->post_type : "?");
	run->r->counts[NZ_WP_OTHER].skipped++;
	return nz__wp_reason(run, &run->r->skipped, &run->r->n_skipped, &run->cap_skipped, why);
}

/* The second pass: posts and pages, each as it comes; a published page becomes a static
 * page, any other page an article in the section "pages". */
static nz_rc import_item(nz__wp_run *run, nz_wxr *x, const nz_wxr_entry *e, nz_err *err)
{
	nz_rc rc = NZ_OK;
	if (e->kind != NZ_WXR_ITEM)
		return NZ_OK;
	nz_wp_type t = type_of(&e->item);
	bool published = e->item.status && strcmp(e->item.status, "publish") == 0;
	if (t == NZ_WP_PAGE && published)
		rc = nz__wp_page(run, &e->item, err);
	else if (t == NZ_WP_POST || t == NZ_WP_PAGE)
		rc = nz__wp_item(run, &e->item, t, err);
	else if (t == NZ_WP_OTHER)
		rc = other_item(run, &e->item);
	if (run->o->progress) {
		long long done, total;
		nz_ingest_wxr_progress(x, &done, &total);
		run->o->progress(run->o->ctx, done, total);
	}
	return rc;
}

nz_rc nz_app_wordpress_import(nz_store *s, nz_arena *arena, const nz_app_wp_opts *o,
			      nz_app_wp_report *report, nz_err *err)
{
	*report = (nz_app_wp_report){0};
	const char *slash = strrchr(o->path, '/');
	nz__wp_run run = {
	    .s = s, .arena = arena, .o = o, .r = report, .file = slash ? slash + 1 : o->path};
	nz_rc rc = walk(&run, keep, first_end, err);
	report->attachments = run.n_atts;
	if (!rc)
		rc = import_authors(&run, err);
	if (!rc) /* the old site's feed */
		rc = nz_app_redirect_add(s, arena, "/feed", "/feed.rss", false, err);
	if (!rc)
		rc = walk(&run, import_item, NULL, err);
	if (!rc)
		rc = nz__wp_sticky_pin(&run, err);
	return rc;
}
