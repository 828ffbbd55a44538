/*
 * articles_list.c: the article listing behind the front page, section/tag/author pages, feeds
 * and the API. Its SQL depends on which filters are set, so each combination (a bit mask) is
 * built once, prepared once per handle and cached; values are always bound by name.
 *
 * Order: public lists by listed_at DESC, id DESC (the publication time, or a live story's newest
 * update: migration 28); lists that include drafts by COALESCE(published_at, updated_at) DESC,
 * id DESC, so unpublished work sorts by its last edit.
 * The keyset cursor compares against that same key. Items are loaded fully, one article at a
 * time (a few queries each); the ids are read first so no statement is stepped while another
 * use of it is live.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

enum { SQL_PAGE, SQL_COUNT, SQL_KEYS };

/* Builds the SQL of one variant into b: the page of ids, the number of matches, or
 * the order keys of every match. */
static void build_sql(nz_buf *b, unsigned mask, int what)
{
	const char *key =
	    (mask & NZ__F_PUBLIC) ? "a.listed_at" : "COALESCE(a.published_at, a.updated_at)";
	bool count = what == SQL_COUNT;
	/* the newest public articles site-wide are read in the order of their index;
	 * left to itself, the planner reads every published row by status and sorts them all,
	 * for every page (20 ms a page at 10,000 articles). */
	bool walk = !count && (mask & NZ__F_PUBLIC) &&
		    !(mask & (NZ__F_SECTION | NZ__F_TAG | NZ__F_AUTHOR | NZ__F_LANGUAGE));
	const char *from = walk ? " FROM articles a INDEXED BY articles_listed WHERE 1"
				: " FROM articles a WHERE 1";
	/* A section's (or an edition's) page walks its own index in the list's order: left to
	 * itself, the planner takes the older index on (section_id, published_at), which serves
	 * the "published_at <= now" test, and sorts the whole section in a temp B-tree. */
	if (what == SQL_PAGE && (mask & NZ__F_PUBLIC) && (mask & NZ__F_SECTION))
		from = " FROM articles a INDEXED BY articles_section_listed WHERE 1";
	else if (what == SQL_PAGE && (mask & NZ__F_PUBLIC) && (mask & NZ__F_LANGUAGE) &&
		 !(mask & (NZ__F_TAG | NZ__F_AUTHOR)))
		from = " FROM articles a INDEXED BY articles_language_listed WHERE 1";
	/* The keys of a whole list: every filter column is in the search's covering index, so no
	 * article row is read (3 ms for 10,000 articles instead of 10). */
	if (what == SQL_KEYS && (mask & NZ__F_PUBLIC))
		from = " FROM articles a INDEXED BY articles_search_filter WHERE 1";

	if (what == SQL_KEYS)
		nz_buf_printf(b, "SELECT %s, a.id%s", key, from);
	else
		nz_buf_printf(b, "SELECT %s%s", count ? "count(*)" : "a.id", from);
	if (mask & NZ__F_SECTION)
		nz_buf_puts(b,
			    " AND a.section_id = (SELECT id FROM sections WHERE slug = :section)");
	if (mask & NZ__F_TAG)
		nz_buf_puts(b, " AND a.id IN (SELECT at.article_id FROM article_tags at"
			       " JOIN tags t ON t.id = at.tag_id WHERE t.slug = :tag)");
	if (mask & NZ__F_AUTHOR)
		nz_buf_puts(b, " AND a.id IN (SELECT aa.article_id FROM article_authors aa"
			       " JOIN authors au ON au.id = aa.author_id WHERE au.slug = :author)");
	if (mask & NZ__F_LANGUAGE)
		nz_buf_puts(b, " AND a.language = :language");
	if (mask & NZ__F_PUBLIC)
		nz_buf_puts(b, " AND a.status IN ('published', 'retracted')"
			       " AND (a.embargo_until IS NULL OR a.embargo_until <= :now)"
			       " AND a.published_at <= :now");
		/* A translated story once: a version in another language goes when the preferred
		 * language's version is public too. A story's versions share
		 * COALESCE(translation_group, id) (the first version's id); one EXISTS per index,
		 * as articles_feeds.c does. The group's index is named: left to itself, the planner
		 * walks every article in :prefer by the language index once per row (7.7 s for one
		 * section's count at 10,000 articles, instead of 14 ms). */
#define NZ__PREFERRED_PUBLIC                                                                       \
	" AND t.language = :prefer AND t.status IN ('published', 'retracted')"                     \
	" AND (t.embargo_until IS NULL OR t.embargo_until <= :now) AND t.published_at <= :now%s)"
	if ((mask & NZ__F_PREFER) && (mask & NZ__F_PUBLIC)) {
		/* On a section's, tag's or author's page, only a version that is on that page too
		 * replaces this one (the other version may not carry the tag or the byline). */
		char sec[512];
		snprintf(sec, sizeof sec, "%s%s%s",
			 (mask & NZ__F_SECTION) ? " AND t.section_id = a.section_id" : "",
			 (mask & NZ__F_TAG)
			     ? " AND t.id IN (SELECT g.article_id FROM article_tags g"
			       " JOIN tags gt ON gt.id = g.tag_id WHERE gt.slug = :tag)"
			     : "",
			 (mask & NZ__F_AUTHOR)
			     ? " AND t.id IN (SELECT w.article_id FROM article_authors w"
			       " JOIN authors wa ON wa.id = w.author_id WHERE wa.slug = :author)"
			     : "");
		nz_buf_printf(
		    b,
		    " AND (a.language = :prefer OR NOT ("
		    "EXISTS (SELECT 1 FROM articles t INDEXED BY articles_translation"
		    " WHERE t.translation_group ="
		    " COALESCE(a.translation_group, a.id) AND t.id <> a.id" NZ__PREFERRED_PUBLIC
		    " OR EXISTS (SELECT 1 FROM articles t WHERE t.id = "
		    "a.translation_group" NZ__PREFERRED_PUBLIC "))",
		    sec, sec);
	}
#undef NZ__PREFERRED_PUBLIC
	if (count)
		return;
	if (what == SQL_KEYS) {
		nz_buf_printf(b, " ORDER BY %s DESC, a.id DESC", key);
		return;
	}
	if (mask & NZ__F_CURSOR)
		nz_buf_printf(b, " AND (%s, a.id) < (:before_time, :before_id)", key);
	nz_buf_printf(b, " ORDER BY %s DESC, a.id DESC LIMIT :limit OFFSET :offset", key);
}

/* Binds a named parameter when the variant has it. */
static int bind_name_text(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	return i ? nz__sq_bind_text(st, i, v) : SQLITE_OK;
}

static int bind_name_int(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	return i ? sqlite3_bind_int64(st, i, v) : SQLITE_OK;
}

/* Binds q's values to the parameters st has. */
static int bind_query(sqlite3_stmt *st, const nz_article_query *q)
{
	return bind_name_text(st, ":section", q->section_slug) ||
	       bind_name_text(st, ":tag", q->tag_slug) ||
	       bind_name_text(st, ":author", q->author_slug) ||
	       bind_name_text(st, ":language", q->language) || bind_name_int(st, ":now", q->now) ||
	       bind_name_text(st, ":prefer", q->prefer_language) ||
	       bind_name_int(st, ":before_time", q->before_time) ||
	       bind_name_int(st, ":before_id", q->before_id) ||
	       bind_name_int(st, ":limit", (int64_t)q->limit + 1) ||
	       bind_name_int(st, ":offset", (int64_t)q->offset);
}

/* The cached statement for a variant, prepared on first use, with q's values bound. */
static nz_rc variant(nz__sqlite *h, unsigned mask, bool count, const nz_article_query *q,
		     sqlite3_stmt **out, nz_err *err)
{
	int slot = (count ? NZ__SLOT_COUNT : NZ__SLOT_LIST) + (int)mask;
	sqlite3_stmt *st = NULL;
	nz_rc rc = NZ_OK;

	*out = NULL;
	if (!h->stmts[slot]) {
		nz_buf b;
		nz_buf_init(&b, 0);
		build_sql(&b, mask, count ? SQL_COUNT : SQL_PAGE);
		if (nz_buf_rc(&b))
			rc = nz_err_set(err, NZ_NOMEM, "article list: out of memory");
		else
			rc = nz__sq_cached(h, slot, nz_buf_cstr(&b), &st, err);
		nz_buf_free(&b);
	} else {
		rc = nz__sq_cached(h, slot, NULL, &st, err);
	}
	if (rc)
		return rc;
	if (bind_query(st, q))
		return nz__sq_bind_error(h, "article list", err);
	*out = st;
	return NZ_OK;
}

/* The ids of the page (up to limit + 1, to learn whether more follow) into an arena array. */
static nz_rc page_ids(nz__sqlite *h, nz_arena *arena, const nz_article_query *q, int64_t **ids,
		      size_t *n, nz_err *err)
{
	sqlite3_stmt *st;
	bool row;
	size_t count = 0;
	int64_t *v = nz_arena_alloc(arena, (q->limit + 1) * sizeof(*v));
	nz_rc rc;

	if (!v)
		return nz_err_set(err, NZ_NOMEM, "article list: out of memory");
	if ((rc = variant(h, nz__store_list_mask(q), false, q, &st, err)))
		return rc;
	while (!(rc = nz__sq_step(h, st, &row, "article list", err)) && row && count <= q->limit)
		v[count++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	*ids = v;
	*n = count;
	return rc;
}

nz_rc nz__sq_article_list(nz_store *s, nz_arena *arena, const nz_article_query *q,
			  nz_article_list *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	int64_t *ids = NULL, total = 0;
	size_t n = 0;
	nz_rc rc;

	memset(out, 0, sizeof(*out));
	/* One snapshot, so the total, the page and its articles agree. */
	bool snap = nz__sq_read_begin(h);
	if (!q->no_total && /* the caller knows the total */
	    ((rc = variant(h, nz__store_list_mask(q) & ~(unsigned)NZ__F_CURSOR, true, q, &st,
			   err)) ||
	     (rc = nz__sq_int(h, st, &total, "article list", err))))
		goto out;
	if ((rc = page_ids(h, arena, q, &ids, &n, err)))
		goto out;
	out->has_more = n > q->limit;
	if (out->has_more)
		n = q->limit;
	if (n && !(out->items = nz_arena_alloc(arena, n * sizeof(nz_article)))) {
		rc = nz_err_set(err, NZ_NOMEM, "article list: out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = nz__sq_article_load(h, arena, ids[i], &out->items[i], err);
	if (!rc) {
		out->n = n;
		out->total = (size_t)total;
	}
out:
	nz__sq_read_end(h, snap);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* ---- the order keys of a whole list ---- */

nz_rc nz__sq_article_keys(nz_store *s, nz_arena *arena, const nz_article_query *q,
			  nz_article_key **keys, size_t *n, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st = NULL;
	nz_article_key *v = NULL;
	size_t count = 0, cap = 0;
	bool row;
	nz_buf b;
	nz_rc rc = NZ_OK;

	*keys = NULL;
	*n = 0;
	nz_buf_init(&b, 0);
	build_sql(&b, nz__store_list_mask(q) & ~(unsigned)NZ__F_CURSOR, SQL_KEYS);
	if (nz_buf_rc(&b)) {
		rc = nz_err_set(err, NZ_NOMEM, "article keys: out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(h->db, nz_buf_cstr(&b), -1, &st, NULL) != SQLITE_OK) {
		rc = nz__sq_error(h, sqlite3_errcode(h->db), "article keys", err);
		goto out;
	}
	if (bind_query(st, q)) {
		rc = nz__sq_bind_error(h, "article keys", err);
		goto out;
	}
	while (!(rc = nz__sq_step(h, st, &row, "article keys", err)) && row) {
		if (NZ_ARENA_GROW(arena, v, count + 1, cap) != NZ_OK) {
			rc = nz_err_set(err, NZ_NOMEM, "article keys: out of memory");
			goto out;
		}
		v[count].time = sqlite3_column_int64(st, 0);
		v[count++].id = sqlite3_column_int64(st, 1);
	}
	if (!rc) {
		*keys = v;
		*n = count;
	}
out:
	sqlite3_finalize(st);
	nz_buf_free(&b);
	return rc;
}
