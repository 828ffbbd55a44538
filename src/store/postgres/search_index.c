/*
 * search_index.c: an article's row of the PostgreSQL search index (article_search), written
 * in C because PostgreSQL cannot run search/'s tokenizer.
 *
 * The row (docs/postgres.md, "The row: article_search"): terms is a tsvector in its text form,
 * built from nz_search_tokenize's terms of the headline (weight A), the highlights (intro then
 * items, weight B) and the body (weight D, written without a letter), every term quoted and
 * given its position: terms are numbered from 1 in order, field after field, with one unused
 * position after each field so that no phrase spans two fields. The *_terms columns count each
 * field's terms (BM25's document lengths). The text is bound as $1::tsvector: to_tsvector and
 * its parser never touch the terms. The row's copies of the article's filter columns are set
 * by triggers, not here.
 *
 * Rules: runs in the caller's write transaction, after the article's text was written.
 */
#include <string.h>

#include "search/search.h"
#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_text = {"SELECT headline, highlights_intro, highlights, body_markdown "
				  "FROM articles WHERE id = $1"};
static const nz__pg_sql q_write = {
    "INSERT INTO article_search(article_id, terms, headline_terms, highlights_terms, "
    "body_terms) VALUES ($1, $2::tsvector, $3, $4, $5) ON CONFLICT(article_id) DO UPDATE SET "
    "terms = excluded.terms, headline_terms = excluded.headline_terms, "
    "highlights_terms = excluded.highlights_terms, body_terms = excluded.body_terms"};

/* The tsvector text being built and the position of the next term. */
typedef struct sink {
	nz_buf *b;
	int64_t pos;
	int64_t count; /* terms of the current field */
	char weight;   /* 'A', 'B', or 0 for D */
} sink;

static int add_term(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	sink *k = ctx;
	(void)start;
	(void)end;
	if (k->b->len)
		nz_buf_putc(k->b, ' ');
	nz_buf_putc(k->b, '\'');
	for (size_t i = 0; i < len; i++) {
		if (term[i] == '\'' || term[i] == '\\')
			nz_buf_putc(k->b, term[i]);
		nz_buf_putc(k->b, term[i]);
	}
	/* PostgreSQL keeps positions up to 16383 (larger ones are stored as 16383). */
	nz_buf_printf(k->b, "':%lld", (long long)(k->pos < 16383 ? k->pos : 16383));
	if (k->weight)
		nz_buf_putc(k->b, k->weight);
	k->pos++;
	k->count++;
	return 0;
}

static void add_text(sink *k, const char *text)
{
	if (text)
		nz_search_tokenize(text, strlen(text), add_term, k);
}

/* Ends a field: its term count, and the unused position after it. */
static int64_t end_field(sink *k)
{
	int64_t n = k->count;
	k->count = 0;
	k->pos++;
	return n;
}

/* The three fields' terms into b (the tsvector's text); counts per field into n[3]. */
static nz_rc terms_of(const char *headline, const char *intro, const char *const *items,
		      size_t n_items, const char *body, nz_buf *b, int64_t n[3], nz_err *err)
{
	sink k = {b, 1, 0, 'A'};
	add_text(&k, headline);
	n[0] = end_field(&k);
	k.weight = 'B';
	add_text(&k, intro);
	for (size_t i = 0; i < n_items; i++)
		add_text(&k, items[i]);
	n[1] = end_field(&k);
	k.weight = 0;
	add_text(&k, body);
	n[2] = end_field(&k);
	return nz_buf_rc(b) ? nz_err_set(err, NZ_NOMEM, "search index: out of memory") : NZ_OK;
}

/* The three fields of the article's stored text into b; counts per field into n[3]. */
static nz_rc build_terms(nz_arena *arena, const PGresult *res, nz_buf *b, int64_t n[3], nz_err *err)
{
	const char *headline, *intro, *highlights, *body;
	const char **items = NULL;
	size_t n_items = 0;
	nz_rc rc;

	if (nz__pg_col_text(arena, res, 0, 0, &headline) ||
	    nz__pg_col_text(arena, res, 0, 1, &intro) ||
	    nz__pg_col_text(arena, res, 0, 2, &highlights) ||
	    nz__pg_col_text(arena, res, 0, 3, &body))
		return nz_err_set(err, NZ_NOMEM, "search index: out of memory");
	if ((rc = nz__store_json_strings_parse(arena, highlights, &items, &n_items, err)))
		return rc;
	return terms_of(headline, intro, items, n_items, body, b, n, err);
}

/* The row of article_id from the terms in b and the field counts n. */
static nz_rc write_row(nz__pg *h, int64_t article_id, nz_buf *b, const int64_t n[3], nz_err *err)
{
	nz__pg_params p = {0};
	nz__pg_int64(&p, article_id);
	nz__pg_text(&p, nz_buf_cstr(b));
	nz__pg_int64(&p, n[0]);
	nz__pg_int64(&p, n[1]);
	nz__pg_int64(&p, n[2]);
	return nz__pg_run(h, &q_write, &p, "search index", err);
}

nz_rc nz__pg_search_write_article(nz__pg *h, const nz_article *a, nz_err *err)
{
	int64_t n[3] = {0, 0, 0};
	nz_buf b;
	nz_buf_init(&b, 0);
	h->search_totals_at = 0;
	nz_rc rc = terms_of(a->headline, a->highlights_intro, a->highlights, a->n_highlights,
			    a->body_markdown, &b, n, err);
	if (!rc)
		rc = write_row(h, a->id, &b, n, err);
	nz_buf_free(&b);
	return rc;
}

nz_rc nz__pg_search_write(nz__pg *h, int64_t article_id, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res = NULL;
	nz_arena *arena = nz_arena_new();
	int64_t n[3] = {0, 0, 0};
	nz_buf b;
	nz_rc rc;

	nz_buf_init(&b, 0);
	h->search_totals_at = 0; /* the archive's totals change: search_window.c counts again */
	if (!arena) {
		rc = nz_err_set(err, NZ_NOMEM, "search index: out of memory");
		goto out;
	}
	nz__pg_int64(&p, article_id);
	if ((rc = nz__pg_query(h, &q_text, &p, &res, "search index", err)))
		goto out;
	if (PQntuples(res) < 1) {
		rc = nz_err_set(err, NZ_NOTFOUND, "article %lld: not found", (long long)article_id);
		goto out;
	}
	if (!(rc = build_terms(arena, res, &b, n, err)))
		rc = write_row(h, article_id, &b, n, err);
out:
	PQclear(res);
	nz_buf_free(&b);
	nz_arena_free(arena);
	return rc;
}
