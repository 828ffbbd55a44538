/*
 * search_related.c: related articles and reindex on PostgreSQL.
 *
 * Related articles as on SQLite (sqlite/search_related.c): the article's most frequent terms
 * (the front's nz__store_article_terms), each weighed by how rare it is, the RELATED_TERMS most
 * distinctive ORed into a tsquery and searched for in the same window as a search, BM25 alone,
 * the article itself left out. A term's document frequency (one statement for all the
 * candidates): for a term among the column's most common elements (pg_stats, kept by ANALYZE)
 * in at least 64 articles, its frequency there times the archive; for any other, its matches
 * counted through the GIN index (sequential scans off for that statement: the planner, which cannot
 * price detoasting every row's terms, would otherwise scan the table or walk the ids backwards, a
 * second per rare term at 60,000 articles). SQLite counts up to its 64 newest matches and
 * extrapolates (docs/search.md, differences).
 *
 * Reindex rewrites every article's search row with nz__pg_search_write (the row's one writer,
 * which reads the article's stored text), in one transaction, in batches of article ids.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "store/postgres/postgres_int.h"

#define RELATED_TERMS 8       /* as SQLite's */
#define RELATED_CANDIDATES 40 /* as SQLite's */
#define REBUILD_BATCH 500

static const nz__pg_sql q_max_id = {"SELECT COALESCE(max(id), 0) FROM articles"};
/* A term's count: among the column's most common elements (pg_stats) in at least 64 articles
 * ($3: the archive), its frequency there times the archive; otherwise the count that follows. */
#define DF_COMMON                                                                                  \
	"WITH m AS MATERIALIZED (SELECT m.e, m.f FROM pg_stats s,"                                 \
	" unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS m(e, f)"          \
	" WHERE s.schemaname = current_schema() AND s.tablename = 'article_search'"                \
	" AND s.attname = 'terms')"                                                                \
	" SELECT COALESCE((SELECT round(m.f * $3)::bigint FROM m WHERE m.e = t.lex"                \
	" AND m.f * $3 >= 64 LIMIT 1),"
static const nz__pg_sql q_df = {
    DF_COMMON " (SELECT count(*) FROM article_search a WHERE a.terms @@ t.q::tsquery))"
	      " FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(lex, q, i) ORDER BY t.i"};
/* The same counts from search_postings (the bulk pass, related_ids.c): $2 the terms' keys; a
 * term's postings are the rows whose vector holds it, so the count is the GIN index's, read off
 * the primary key (an index-only scan) instead of a bitmap of the matches. */
static const nz__pg_sql q_df_postings = {
    DF_COMMON
    " (SELECT count(*) FROM search_postings p WHERE p.term_hash = t.k))"
    " FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS t(lex, k, i) ORDER BY t.i"};
/* For the rest of the read's transaction, as the window then sets it too (search_window.c). */
static const nz__pg_sql q_no_seqscan = {"SET LOCAL enable_seqscan = off"};
static const nz__pg_sql q_count = {"SELECT count(*) FROM articles"};
static const nz__pg_sql q_ids = {"SELECT id FROM articles WHERE id > $1 ORDER BY id LIMIT $2"};
static const nz__pg_sql q_clear = {"DELETE FROM article_search"};
static const nz__pg_sql q_stale = {"SELECT count(*) FROM search_stale"};
static const nz__pg_sql q_fresh = {"DELETE FROM search_stale"};

/* How many articles have each of the terms t[0..n) that is not a stop word (df[i]; stop
 * words get 0), in one statement: through the GIN index, or search_postings when postings. */
static nz_rc doc_freqs(nz__pg *h, const nz__store_term *t, size_t n, int64_t n_docs, bool postings,
		       int64_t *df, nz_err *err)
{
	nz_buf lex, q, one;
	nz__pg_params p = {0};
	PGresult *res = NULL;
	size_t k = 0;
	nz_rc rc = NZ_OK;
	nz_buf_init(&lex, 0);
	nz_buf_init(&q, 0);
	nz_buf_init(&one, 0);
	nz_buf_putc(&lex, '{');
	nz_buf_putc(&q, '{');
	for (size_t i = 0; i < n; i++) {
		if (nz__store_stop_word(t[i].term, t[i].len))
			continue;
		nz_buf_reset(&one);
		nz_search_ts_lexeme(t[i].term, t[i].len, &one);
		nz__pg_array_item(&lex, t[i].term, t[i].len, k == 0);
		if (postings)
			nz_buf_printf(&q, k++ ? ",%lld" : "%lld",
				      (long long)nz__pg_term_key(t[i].term, t[i].len));
		else
			nz__pg_array_item(&q, nz_buf_cstr(&one), strlen(nz_buf_cstr(&one)),
					  k++ == 0);
	}
	nz_buf_putc(&lex, '}');
	nz_buf_putc(&q, '}');
	if (nz_buf_rc(&lex) || nz_buf_rc(&q) || nz_buf_rc(&one)) {
		rc = nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
		goto out;
	}
	nz__pg_text(&p, nz_buf_cstr(&lex));
	nz__pg_text(&p, nz_buf_cstr(&q));
	nz__pg_int64(&p, n_docs);
	/* postings: the caller's settings (related_ids.c); a key's count is an index-only scan */
	if (k && (postings || !(rc = nz__pg_run(h, &q_no_seqscan, NULL, "related articles", err))))
		rc = nz__pg_query(h, postings ? &q_df_postings : &q_df, &p, &res,
				  "related articles", err);
	for (size_t i = 0, r = 0; !rc && i < n; i++)
		df[i] = nz__store_stop_word(t[i].term, t[i].len) || (int)r >= PQntuples(res)
			    ? 0
			    : nz__pg_col_int(res, (int)r++, 0);
out:
	PQclear(res);
	nz_buf_free(&lex);
	nz_buf_free(&q);
	nz_buf_free(&one);
	return rc;
}

/* Weighs the most frequent terms by idf; the best become phrases (*n of them) and a tsquery. */
static nz_rc related_terms(nz__pg *h, nz_arena *arena, nz__store_terms *t, bool postings,
			   nz_search_phrase **ph, size_t *n_ph, nz_buf *tsq, nz_err *err)
{
	int64_t n_docs = 0, df[RELATED_CANDIDATES];
	size_t n = t->n < RELATED_CANDIDATES ? t->n : RELATED_CANDIDATES;
	nz_rc rc = nz__pg_one_int(h, &q_max_id, NULL, &n_docs, "related articles", err);
	if (rc || (rc = doc_freqs(h, t->slots, n, n_docs, postings, df, err)))
		return rc;
	/* A term in more than a tenth of the archive says little about this article. */
	int64_t cap = n_docs < 100 ? n_docs + 1 : n_docs / 10 + 1;
	for (size_t i = 0; i < n; i++) {
		int64_t d = df[i];
		t->slots[i].weight = 0.0;
		if (d >= 2 && d < cap) /* a term only this article has leads nowhere */
			t->slots[i].weight = t->slots[i].tf * log((double)(n_docs + 1) / (double)d);
	}
	if (n) /* an article without terms has no slots (NULL) */
		qsort(t->slots, n, sizeof(*t->slots), nz__store_by_weight);
	if (!(*ph = nz_arena_zalloc(arena, RELATED_TERMS * sizeof(**ph))))
		return nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	*n_ph = 0;
	for (size_t i = 0; i < n && *n_ph < RELATED_TERMS && t->slots[i].weight > 0.0; i++) {
		nz_search_phrase *p = &(*ph)[(*n_ph)++];
		if (!(p->tokens = nz_arena_zalloc(arena, sizeof(*p->tokens))))
			return nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
		memcpy(p->tokens[0], t->slots[i].term, t->slots[i].len);
		p->n = 1;
		if (*n_ph > 1)
			nz_buf_puts(tsq, " | ");
		nz_search_ts_lexeme(t->slots[i].term, t->slots[i].len, tsq);
	}
	return nz_buf_rc(tsq) ? nz_err_set(err, NZ_NOMEM, "related articles: out of memory")
			      : NZ_OK;
}

/* The articles of c[0..n) into out. */
static nz_rc load_related(nz_store *s, nz_arena *arena, const nz__pg_candidate *c, size_t n,
			  nz_article_list *out, nz_err *err)
{
	nz_rc rc = NZ_OK;
	if (!(out->items = nz_arena_zalloc(arena, n * sizeof(*out->items))))
		return nz_err_set(err, NZ_NOMEM, "related articles: out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		nz_article *a = NULL;
		if (!(rc = nz__pg_article_by_id(s, arena, c[i].id, &a, err)))
			out->items[i] = *a;
	}
	if (!rc)
		out->n = out->total = n;
	return rc;
}

nz_rc nz__pg_related_words(nz__pg *h, nz_arena *arena, const nz_article *a, bool postings,
			   nz_search_phrase **ph, size_t *n_ph, nz_buf *tsq, nz_err *err)
{
	nz__store_terms t;
	nz_rc rc = nz__store_article_terms(arena, a, &t);
	*n_ph = 0;
	if (rc)
		return nz_err_set(err, rc, "related articles: out of memory");
	return related_terms(h, arena, &t, postings, ph, n_ph, tsq, err);
}

nz_rc nz__pg_related(nz_store *s, nz_arena *arena, const nz_article *a, nz_time now, size_t max,
		     nz_article_list *out, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz_search_phrase *ph = NULL;
	nz__pg_candidate *c = NULL;
	size_t n_ph = 0, n = 0;
	bool capped = false;
	nz_buf tsq;
	nz_rc rc;
	nz_buf_init(&tsq, 0);
	bool snap = nz__pg_read_begin(h);
	if ((rc = nz__pg_related_words(h, arena, a, false, &ph, &n_ph, &tsq, err)) || n_ph == 0)
		goto out;
	/* The same window as searches, BM25 alone: the newest matches are ranked. */
	nz_article_search q = {
	    .language = a->language ? a->language : "en", .now = now, .no_recency = true};
	nz__pg_window w = {&q, ph, n_ph, n_ph, nz_buf_cstr(&tsq), false, a->id};
	if ((rc = nz__pg_search_window(h, arena, &w, &c, &n, &capped, err)) || n == 0)
		goto out;
	rc = load_related(s, arena, c, n > max ? max : n, out, err);
out:
	nz__pg_read_end(h, snap);
	nz_buf_free(&tsq);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* Rewrites the rows of the next batch of articles after *last_id; *n gets how many. */
static nz_rc rebuild_batch(nz__pg *h, int64_t *last_id, size_t *n, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res = NULL;
	nz_rc rc;
	*n = 0;
	nz__pg_int64(&p, *last_id);
	nz__pg_int64(&p, REBUILD_BATCH);
	if ((rc = nz__pg_query(h, &q_ids, &p, &res, "reindex", err)))
		return rc;
	for (int r = 0; r < PQntuples(res) && !rc; r++, (*n)++) {
		*last_id = nz__pg_col_int(res, r, 0);
		rc = nz__pg_search_write(h, *last_id, err);
	}
	PQclear(res);
	return rc;
}

nz_rc nz__pg_search_rebuild(nz_store *s, nz_store_progress_fn progress, void *ctx, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	int64_t total = 0, last_id = 0;
	size_t done = 0, n = 0;
	nz_rc rc = nz__pg_begin(h, err);
	if (rc)
		return rc;
	if ((rc = nz__pg_one_int(h, &q_count, NULL, &total, "reindex", err)) ||
	    (rc = nz__pg_run(h, &q_clear, NULL, "reindex", err)))
		goto out;
	if (progress)
		progress(ctx, 0, (size_t)total);
	do {
		if ((rc = rebuild_batch(h, &last_id, &n, err)))
			goto out;
		done += n;
		if (progress && n)
			progress(ctx, done, (size_t)total > done ? (size_t)total : done);
	} while (n > 0);
	rc = nz__pg_run(h, &q_fresh, NULL, "reindex", err);
out:
	return nz__pg_end(h, rc, err);
}

nz_rc nz__pg_search_refresh(nz__pg *h, nz_err *err)
{
	int64_t stale = 0;
	nz_rc rc = nz__pg_one_int(h, &q_stale, NULL, &stale, "search index", err);
	void *ctx = NULL;
	nz_store_progress_fn progress = nz__store_open_progress(&ctx);
	return rc || !stale ? rc : nz__pg_search_rebuild(&h->base, progress, ctx, err);
}
