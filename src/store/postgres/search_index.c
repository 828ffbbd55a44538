/*
 * search_index.c: an article's row of the PostgreSQL search index (article_search), written
 * in C because PostgreSQL cannot run search/'s tokenizer.
 *
 * The row (docs/postgres.md, "The row: article_search"): terms is a tsvector of the terms
 * nz_search_tokenize gives the headline (weight A), the highlights (intro then items, weight B)
 * and the body (weight D), each with its position: terms are numbered from 1 in order, field
 * after field, with one unused position after each field so that no phrase spans two fields.
 * The *_terms columns count each field's terms (BM25's document lengths). The tsvector is sent
 * in PostgreSQL's binary form (tsvector_recv), sorted and made unique here exactly as the
 * server's text input would (positions past 16383 stored as 16383, at most 256 a lexeme, the
 * heaviest weight for a repeated position): to_tsvector and its parser never touch the terms.
 * The row's copies of the article's filter columns are set by triggers, not here.
 *
 * Rules: runs in the caller's write transaction, after the article's text was written.
 */
#include <stdint.h>
#include <stdlib.h>
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
/* The same many rows at a time, for an optimistic batch (bulk.c). */
static const nz__pg_bulk bulk_write = {
    {"INSERT INTO article_search(article_id, terms, headline_terms, highlights_terms, "
     "body_terms) SELECT * FROM unnest($1::int8[], $2::tsvector[], $3::int8[], $4::int8[], "
     "$5::int8[]) ON CONFLICT(article_id) DO UPDATE SET "
     "terms = excluded.terms, headline_terms = excluded.headline_terms, "
     "highlights_terms = excluded.highlights_terms, body_terms = excluded.body_terms"},
    "iviii",
    1,
    NULL};
/* The row's ranking frequencies (article_rank, PostgreSQL migration 26). */
/* With the postings' keys and frequencies (migration 27: its trigger writes search_postings
 * from them), as array literals. */
static const nz__pg_sql q_rank = {
    "INSERT INTO article_rank(article_id, tf, keys, tfs) VALUES ($1, $2::bytea, $3::int8[],"
    " $4::int4[]) ON CONFLICT(article_id) DO UPDATE SET tf = excluded.tf, keys = excluded.keys,"
    " tfs = excluded.tfs"};
static const nz__pg_bulk bulk_rank = {
    {"INSERT INTO article_rank(article_id, tf, keys, tfs) SELECT a, b, c::int8[], d::int4[]"
     " FROM unnest($1::int8[], $2::bytea[], $3::text[], $4::text[]) AS r(a, b, c, d)"
     " ON CONFLICT(article_id) DO UPDATE SET tf = excluded.tf, keys = excluded.keys,"
     " tfs = excluded.tfs"},
    "ibtt",
    2,
    NULL};

/* One term of the row: its bytes (in the sink's text), position and weight bits. */
typedef struct term {
	size_t off, len;
	const char *s; /* the bytes, once collecting is over (the text no longer moves) */
	uint16_t pos;  /* weight << 14 | position, as PostgreSQL's WordEntryPos */
} term;

/* The terms being collected and the position of the next one. */
typedef struct sink {
	nz_buf text; /* every term's bytes, one after another */
	term *terms;
	size_t n, cap;
	int64_t pos;
	int64_t count;   /* terms of the current field */
	unsigned weight; /* 3 (A), 2 (B) or 0 (D) */
	bool nomem;
} sink;

static int add_term(void *ctx, const char *bytes, size_t len, size_t start, size_t end)
{
	sink *k = ctx;
	(void)start;
	(void)end;
	if (NZ_GROW(k->terms, k->n + 1, k->cap) != NZ_OK) {
		k->nomem = true;
		return 0;
	}
	/* PostgreSQL keeps positions up to 16383 (larger ones are stored as 16383). */
	unsigned pos = (unsigned)(k->pos < 16383 ? k->pos : 16383);
	k->terms[k->n++] = (term){k->text.len, len, NULL, (uint16_t)(k->weight << 14 | pos)};
	nz_buf_append(&k->text, bytes, len);
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

/* The three fields' terms into k; counts per field into n[3]. */
static nz_rc terms_of(const char *headline, const char *intro, const char *const *items,
		      size_t n_items, const char *body, sink *k, int64_t n[3], nz_err *err)
{
	k->pos = 1;
	k->weight = 3;
	add_text(k, headline);
	n[0] = end_field(k);
	k->weight = 2;
	add_text(k, intro);
	for (size_t i = 0; i < n_items; i++)
		add_text(k, items[i]);
	n[1] = end_field(k);
	k->weight = 0;
	add_text(k, body);
	n[2] = end_field(k);
	if (k->nomem || nz_buf_rc(&k->text))
		return nz_err_set(err, NZ_NOMEM, "search index: out of memory");
	return NZ_OK;
}

static void sink_free(sink *k)
{
	nz_buf_free(&k->text);
	free(k->terms);
}

/* ---- the tsvector in PostgreSQL's binary form ---------------------------------------------- */

/* tsvector's order of lexemes: their bytes, a prefix first. */
static int lexeme_cmp(const void *pa, const void *pb)
{
	const term *a = *(const term *const *)pa, *b = *(const term *const *)pb;
	size_t len = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, len);
	if (c == 0 && a->len != b->len)
		c = a->len < b->len ? -1 : 1;
	return c;
}

static void put_be(nz_buf *out, uint32_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--)
		nz_buf_putc(out, (char)(v >> (8 * i) & 0xff));
}

/* One lexeme's positions pos[0..n) (ascending): as PostgreSQL's text input keeps them, one per
 * position (the heaviest weight), at most 256, none after 16383. */
static void put_positions(nz_buf *out, const uint16_t *pos, size_t n)
{
	uint16_t kept[256];
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && (kept[m - 1] & 0x3fff) == (pos[i] & 0x3fff)) {
			if ((pos[i] >> 14) > (kept[m - 1] >> 14))
				kept[m - 1] = pos[i];
			continue;
		}
		if (m == 256 || (m && (kept[m - 1] & 0x3fff) == 16383))
			break;
		kept[m++] = pos[i];
	}
	put_be(out, (uint32_t)m, 2);
	for (size_t i = 0; i < m; i++)
		put_be(out, kept[i], 2);
}

uint32_t nz__pg_rank_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a, 32 bits */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static uint64_t term_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

int64_t nz__pg_term_key(const char *s, size_t len)
{
	return (int64_t)term_hash(s, len);
}

/* The lexemes of k: each distinct term once (*lex, *n_lex, the first occurrence), next[i] the
 * term's following occurrence after occurrence i (SIZE_MAX: none), in position order since
 * terms come in that order. A hash table finds the repeats, so only distinct terms are sorted
 * (sorting every occurrence was a quarter of the importer's CPU). */
static nz_rc lexemes_of(sink *k, term ***lex, size_t *n_lex, size_t *next)
{
	size_t cap = 16, d = 0;
	while (cap < k->n * 2)
		cap *= 2;
	size_t *slots = malloc(cap * sizeof(*slots)); /* the first occurrence's index + 1; 0 free */
	size_t *last = malloc((k->n ? k->n : 1) * sizeof(*last)); /* per first: its last */
	term **out = malloc((k->n ? k->n : 1) * sizeof(*out));
	if (!slots || !last || !out) {
		free(slots);
		free(last);
		free(out);
		return NZ_NOMEM;
	}
	memset(slots, 0, cap * sizeof(*slots));
	for (size_t i = 0; i < k->n; i++) {
		const term *t = &k->terms[i];
		next[i] = SIZE_MAX;
		size_t h = (size_t)term_hash(t->s, t->len) & (cap - 1);
		for (;; h = (h + 1) & (cap - 1)) {
			if (!slots[h]) {
				slots[h] = i + 1;
				last[i] = i;
				out[d++] = &k->terms[i];
				break;
			}
			size_t f = slots[h] - 1;
			if (k->terms[f].len == t->len && memcmp(k->terms[f].s, t->s, t->len) == 0) {
				next[last[f]] = i;
				last[f] = i;
				break;
			}
		}
	}
	free(slots);
	free(last);
	*lex = out;
	*n_lex = d;
	return NZ_OK;
}

/* An occurrence's weight in a field's frequency (search_window.c's): A 10, B 4, D 1. */
static unsigned occurrence_weight(uint16_t pos)
{
	unsigned w = pos >> 14;
	return w == 3 ? 10 : w == 2 ? 4 : 1;
}

/* One entry of the ranking frequencies: the lexeme's hash and weighted frequency. */
typedef struct tf_entry {
	uint32_t hash;
	uint32_t f;
} tf_entry;

static int tf_cmp(const void *pa, const void *pb)
{
	const tf_entry *a = pa, *b = pb;
	return a->hash < b->hash ? -1 : a->hash > b->hash;
}

/* The ranking frequencies of the lexemes lex[0..n) into tf (nz_search_rank_tf's format): every
 * occurrence counted, as SQLite counts them (the tsvector keeps 256 a lexeme); their postings'
 * keys and the same frequencies as array literals into keys and tfs (migration 27). */
static nz_rc encode_tf(const sink *k, term *const *lex, size_t n, const size_t *next, nz_buf *tf,
		       nz_buf *keys, nz_buf *tfs)
{
	tf_entry *e = malloc((n ? n : 1) * sizeof(*e));
	if (!e)
		return NZ_NOMEM;
	for (size_t l = 0; l < n; l++) {
		e[l] = (tf_entry){nz__pg_rank_hash(lex[l]->s, lex[l]->len), 0};
		for (size_t i = (size_t)(lex[l] - k->terms); i != SIZE_MAX; i = next[i])
			e[l].f += occurrence_weight(k->terms[i].pos);
	}
	qsort(e, n, sizeof(*e), tf_cmp);
	for (size_t l = 0; l < n; l++) {
		put_be(tf, e[l].hash, 4);
		put_be(tf, e[l].f < 0xffff ? e[l].f : 0xffff, 2);
	}
	nz_buf_putc(keys, '{');
	nz_buf_putc(tfs, '{');
	for (size_t l = 0; l < n; l++) {
		unsigned f = 0;
		for (size_t i = (size_t)(lex[l] - k->terms); i != SIZE_MAX; i = next[i])
			f += occurrence_weight(k->terms[i].pos);
		nz_buf_printf(keys, l ? ",%lld" : "%lld",
			      (long long)nz__pg_term_key(lex[l]->s, lex[l]->len));
		nz_buf_printf(tfs, l ? ",%u" : "%u", f < 0xffff ? f : 0xffff);
	}
	nz_buf_putc(keys, '}');
	nz_buf_putc(tfs, '}');
	free(e);
	return nz_buf_rc(tf) || nz_buf_rc(keys) || nz_buf_rc(tfs) ? NZ_NOMEM : NZ_OK;
}

/* k's terms as tsvector_recv reads them: the count of lexemes, then each lexeme (its bytes, a
 * NUL), its count of positions and the positions; lexemes sorted and unique, so the server
 * neither parses text nor sorts (the text form cost a fifth of an import's server time). */
static nz_rc encode(sink *k, nz_buf *out, nz_buf *tf, nz_buf *keys, nz_buf *tfs, nz_err *err)
{
	const char *text = nz_buf_cstr(&k->text);
	for (size_t i = 0; i < k->n; i++)
		k->terms[i].s = text + k->terms[i].off;
	term **lex = NULL;
	size_t n_lex = 0;
	size_t *next = malloc((k->n ? k->n : 1) * sizeof(*next));
	uint16_t *pos = malloc((k->n ? k->n : 1) * sizeof(*pos));
	if (!next || !pos || lexemes_of(k, &lex, &n_lex, next)) {
		free(next);
		free(pos);
		return nz_err_set(err, NZ_NOMEM, "search index: out of memory");
	}
	if (n_lex)
		qsort(lex, n_lex, sizeof(*lex), lexeme_cmp);
	put_be(out, (uint32_t)n_lex, 4);
	for (size_t l = 0; l < n_lex; l++) {
		const term *t = lex[l];
		size_t m = 0;
		for (size_t i = (size_t)(t - k->terms); i != SIZE_MAX; i = next[i])
			pos[m++] = k->terms[i].pos;
		nz_buf_append(out, t->s, t->len);
		nz_buf_putc(out, 0);
		put_positions(out, pos, m);
	}
	nz_rc rc = encode_tf(k, lex, n_lex, next, tf, keys, tfs);
	free(lex);
	free(next);
	free(pos);
	if (rc || nz_buf_rc(out))
		return nz_err_set(err, NZ_NOMEM, "search index: out of memory");
	return NZ_OK;
}

/* The three fields of the article's stored text into k; counts per field into n[3]. */
static nz_rc build_terms(nz_arena *arena, const PGresult *res, sink *k, int64_t n[3], nz_err *err)
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
	return terms_of(headline, intro, items, n_items, body, k, n, err);
}

/* The row of article_id from the terms in k and the field counts n. */
static nz_rc write_row(nz__pg *h, int64_t article_id, sink *k, const int64_t n[3], nz_err *err)
{
	nz__pg_params p = {0}, r = {0};
	nz_buf vec, tf, keys, tfs;
	nz_buf_init(&vec, 0);
	nz_buf_init(&tf, 0);
	nz_buf_init(&keys, 0);
	nz_buf_init(&tfs, 0);
	nz_rc rc = encode(k, &vec, &tf, &keys, &tfs, err);
	if (!rc) {
		nz__pg_int64(&p, article_id);
		nz__pg_bytea(&p, vec.p, vec.len); /* binary: tsvector_recv */
		nz__pg_int64(&p, n[0]);
		nz__pg_int64(&p, n[1]);
		nz__pg_int64(&p, n[2]);
		rc = nz__pg_run_rows(h, &q_write, &bulk_write, &p, "search index", err);
	}
	if (!rc) {
		nz__pg_int64(&r, article_id);
		nz__pg_bytea(&r, tf.len ? tf.p : "", tf.len);
		nz__pg_text(&r, nz_buf_cstr(&keys));
		nz__pg_text(&r, nz_buf_cstr(&tfs));
		rc = nz__pg_run_rows(h, &q_rank, &bulk_rank, &r, "search index", err);
	}
	nz_buf_free(&vec);
	nz_buf_free(&tf);
	nz_buf_free(&keys);
	nz_buf_free(&tfs);
	return rc;
}

nz_rc nz__pg_search_write_article(nz__pg *h, const nz_article *a, nz_err *err)
{
	int64_t n[3] = {0, 0, 0};
	sink k = {0};
	nz_buf_init(&k.text, 0);
	h->search_totals_at = 0;
	nz_rc rc = terms_of(a->headline, a->highlights_intro, a->highlights, a->n_highlights,
			    a->body_markdown, &k, n, err);
	if (!rc)
		rc = write_row(h, a->id, &k, n, err);
	sink_free(&k);
	return rc;
}

nz_rc nz__pg_search_write(nz__pg *h, int64_t article_id, nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res = NULL;
	nz_arena *arena = nz_arena_new();
	int64_t n[3] = {0, 0, 0};
	sink k = {0};
	nz_rc rc;

	nz_buf_init(&k.text, 0);
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
	if (!(rc = build_terms(arena, res, &k, n, err)))
		rc = write_row(h, article_id, &k, n, err);
out:
	PQclear(res);
	sink_free(&k);
	nz_arena_free(arena);
	return rc;
}
