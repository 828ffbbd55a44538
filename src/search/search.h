/*
 * search: full-text search that works in English and Korean, independent of any database.
 *
 * - The tokenizer turns text into index terms, the same way at index time and at query time:
 *   Latin-script words are folded to lower case, stripped of diacritics and stemmed ("exercises"
 *   and "exercise" both give "exercis"); Hangul, Han and Kana runs become overlapping two-character
 *   pieces ("한미동맹은" gives 한미 미동 동맹 맹은), a lone CJK character stays one piece; numbers
 *   and mixed tokens are kept whole with their inner "-", "." and "'" dropped ("K-9" gives "k9",
 *   "F-35A" gives "f35a", "U.S." gives "us") and "+" and "&" kept ("2+2", "at&t").
 * - The query parser reads what a reader typed: words (all must match), "exact phrases", prefixes
 *   (defen*), exclusions (-drill). It never fails on bad input: unbalanced quotes are closed,
 *   lone operators, control bytes and invalid UTF-8 are ignored, long input is cut; what was
 *   changed is said in a message for the reader.
 * - The FTS5 writer turns a parsed query into a SQLite FTS5 MATCH expression in which every piece
 *   of user text is a quoted string, so user text can never be read as FTS5 syntax.
 * - The tsquery writer turns a parsed query (its phrases: each term's tokens) into a PostgreSQL
 *   tsquery in which every token is a quoted lexeme, for a backend that stores our terms in a
 *   tsvector; the passage helper cuts the passage around the best matches as FTS5's snippet()
 *   does, for a backend without it.
 * - The snippet helper turns a passage marked with NZ_SEARCH_MARK_OPEN/CLOSE into HTML: text
 *   escaped, marks as <mark>, Markdown punctuation dropped.
 *
 * Rules: no database types here (the SQLite glue is store/sqlite/search.c; a PostgreSQL backend
 * can reuse the same tokenizer); pure functions, thread-safe, no allocation except into the
 * caller's arena or buffer.
 */
#ifndef NZ_SEARCH_H
#define NZ_SEARCH_H

#include "core/core.h"

/* ---- tokenizer --------------------------------------------------------------------------- */

/* The longest term in bytes; longer words are cut (the same way at index and query time). */
#define NZ_SEARCH_TERM_MAX 64

/* Called once per term: the term (not NUL-terminated, len <= NZ_SEARCH_TERM_MAX) and the byte
 * range [start, end) of the text it came from. A non-zero return stops the tokenizer, which
 * then returns that value. */
typedef int (*nz_search_term_fn)(void *ctx, const char *term, size_t len, size_t start, size_t end);

/* Tokenizes text[0..len) (invalid UTF-8 bytes separate words) calling fn for each term in
 * order. Returns 0, or the first non-zero value fn returned. */
int nz_search_tokenize(const char *text, size_t len, nz_search_term_fn fn, void *ctx);
/* The same terms at the same places, but words are left unstemmed (a stem is never empty, so
 * the count and the byte ranges are nz_search_tokenize's): for callers that only count terms
 * and take their places, such as FTS5's snippet(), which finds the matches from the index. */
int nz_search_tokenize_unstemmed(const char *text, size_t len, nz_search_term_fn fn, void *ctx);

/* Recorded terms (record.c): nz_search_record appends to out the text and the terms
 * nz_search_tokenize gives for it (NZ_NOMEM or NZ_TOOBIG, for 4 GiB and more, else NZ_OK), so
 * that they can be given again without tokenizing, on any thread. nz_search_replay calls fn for
 * each term of the recording rec[0..rec_len) as nz_search_tokenize(text, len) would, with *rc
 * what it would return, when text is the recorded text byte for byte; false (nothing called)
 * when it is not. */
nz_rc nz_search_record(const char *text, size_t len, nz_buf *out);
bool nz_search_replay(const void *rec, size_t rec_len, const char *text, size_t len,
		      nz_search_term_fn fn, void *ctx, int *rc);

/* The stemmer the tokenizer applies to a lower-case ASCII word: word[0..*len) is shortened in
 * place ("exercises" → "exercis", "policies" → "policy", "planned" → "plan"). */
void nz_search_stem(char *word, size_t *len);

/* ---- queries ----------------------------------------------------------------------------- */

/* Limits on what a query may hold; more is ignored and the reader is told. */
#define NZ_SEARCH_QUERY_MAX 512 /* bytes of query text read */
#define NZ_SEARCH_TERMS_MAX 16  /* words and phrases */

typedef struct nz_search_term {
	const char *text; /* as typed (control bytes and bad UTF-8 replaced by spaces) */
	bool phrase;      /* "in quotes": the words in this order */
	bool prefix;      /* ends with '*': any term starting with it */
	bool exclude;     /* starts with '-': articles with it are left out */
} nz_search_term;

typedef struct nz_search_query {
	nz_search_term *terms;
	size_t n;
	size_t n_include; /* terms that are not exclusions */
	/* For the reader, NULL when the query was read as typed: "The closing quote was missing;
	 * the phrase runs to the end." Static text. */
	const char *message;
} nz_search_query;

/* Parses q[0..len) (any bytes) into out; strings in arena. NZ_NOMEM is the only failure: a
 * query with nothing to search for gives n_include == 0 and a message. */
nz_rc nz_search_parse(nz_arena *arena, const char *q, size_t len, nz_search_query *out);

/* The SQLite FTS5 MATCH expression for q, appended to out: terms ANDed, exclusions after NOT,
 * every term a quoted string. Nothing is appended when q has no term to include. */
nz_rc nz_search_fts5(const nz_search_query *q, nz_buf *out);

/* Offered each prefix term whose text is one index term (prefix: that term, as the tokenizer
 * gives it): may append to out an FTS5 expression that matches exactly what the prefix matches
 * (an OR of the index terms that start with it) and return true; false (out untouched) keeps
 * FTS5's own prefix query. Expansion is for speed: FTS5 merges the whole doclist of every
 * matching term before giving a first row, where an OR is read lazily. */
typedef bool (*nz_search_prefix_fn)(void *ctx, const char *prefix, size_t len, nz_buf *out);

/* nz_search_fts5 with prefix terms offered to expand (NULL: none are). */
nz_rc nz_search_fts5_expanded(const nz_search_query *q, nz_search_prefix_fn expand, void *ctx,
			      nz_buf *out);

/* A term exactly as the index stores it (from the tokenizer's output), for machine-made
 * queries such as related articles: appended to out as an FTS5 string that the tokenizer
 * passes through untouched. */
nz_rc nz_search_fts5_raw_term(const char *term, size_t len, nz_buf *out);
/* The byte that starts a raw term inside an FTS5 string (a control byte, which the query
 * parser never lets through from readers). */
#define NZ_SEARCH_RAW_BYTE '\x01'

/* ---- phrases and PostgreSQL text search ----------------------------------------------------- */

/* A term of a query as the index sees it: the tokens the tokenizer gives for its text, in order
 * (one for a plain word; several for "a phrase", a compound such as long-range, or a Korean word
 * cut into pairs), which must follow each other; with prefix, the last token is a prefix. */
typedef struct nz_search_phrase {
	char (*tokens)[NZ_SEARCH_TERM_MAX + 1]; /* NUL-terminated */
	size_t n;                               /* >= 1 */
	bool prefix;
	bool exclude;
} nz_search_phrase;

/* The phrases of q, one per term, in q's order (terms the tokenizer finds nothing in are
 * skipped: the parser never keeps them); in arena. NZ_NOMEM is the only failure. */
nz_rc nz_search_phrases(nz_arena *arena, const nz_search_query *q, nz_search_phrase **out,
			size_t *n);

/* One index term as a PostgreSQL tsvector/tsquery lexeme: in single quotes, quotes doubled and
 * backslashes escaped, so the term is never read as syntax. */
nz_rc nz_search_ts_lexeme(const char *term, size_t len, nz_buf *out);

/* One phrase as a tsquery: 'a', 'a':*, or ('a' <-> 'b' <-> 'c':*); exclude is not applied. */
nz_rc nz_search_tsquery_phrase(const nz_search_phrase *p, nz_buf *out);

/* The tsquery text of phrases[0..n) (nz_search_phrases): those to include ANDed, each to
 * exclude after "& !". Nothing is appended when none is to include. PostgreSQL parses it with
 * $1::tsquery: no text-search configuration ever touches the terms. */
nz_rc nz_search_tsquery(const nz_search_phrase *phrases, size_t n, nz_buf *out);

/* A passage of about ntokens tokens of text around the best cluster of matches of phrases
 * (FTS5's snippet(): a window holding the most distinct phrases, preferring one that starts a
 * sentence), matches between NZ_SEARCH_MARK_OPEN and NZ_SEARCH_MARK_CLOSE, "…" where text was
 * cut; appended to out. *hits gets how many matches the text has (0: the passage is the text's
 * opening). Scratch space in arena. */
nz_rc nz_search_passage(nz_arena *arena, const char *text, size_t len,
			const nz_search_phrase *phrases, size_t n, size_t ntokens, size_t *hits,
			nz_buf *out);

/* ---- snippets ---------------------------------------------------------------------------- */

/* Marks around matched words in a passage made by the store (control bytes, which the snippet
 * helper never copies from text). */
#define NZ_SEARCH_MARK_OPEN "\x02"
#define NZ_SEARCH_MARK_CLOSE "\x03"

/* Appends the passage as HTML: text escaped, marks turned into <mark>…</mark> (always
 * balanced), other control bytes and Markdown punctuation (* _ ` # and link targets) left out,
 * runs of white space made one space. */
nz_rc nz_search_snippet_html(const char *passage, size_t len, nz_buf *out);

#endif
