/*
 * fuzz_query: libFuzzer over search/'s query parser, FTS5 writer, tokenizer and snippet helper.
 * Any bytes must parse (NZ_OK), produce an FTS5 expression whose user text sits only inside
 * double-quoted strings, tokenize into terms no longer than NZ_SEARCH_TERM_MAX, and give
 * snippet HTML with balanced <mark> elements and no raw '<' from the input.
 */
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_term(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	size_t size = *(size_t *)ctx;
	if (len == 0 || len > NZ_SEARCH_TERM_MAX || start >= end || end > size || !term)
		abort();
	return 0;
}

/* Outside strings only the FTS5 syntax the writer emits may appear. */
static void check_match(const char *m)
{
	bool in = false;
	for (const char *c = m; *c; c++) {
		if (*c == '"') {
			if (in && c[1] == '"')
				c++;
			else
				in = !in;
		} else if (!in && !strchr("() *ANDOT", *c)) {
			abort();
		}
	}
	if (in)
		abort();
}

static void check_snippet(const char *html)
{
	int open = 0;
	for (const char *c = html; *c; c++) {
		if (*c != '<')
			continue;
		if (strncmp(c, "<mark>", 6) == 0)
			open++;
		else if (strncmp(c, "</mark>", 7) == 0)
			open--;
		else
			abort();
		if (open < 0 || open > 1)
			abort();
	}
	if (open != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	nz_arena *arena = nz_arena_new();
	nz_search_query q;
	nz_buf b;
	if (!arena)
		return 0;
	if (nz_search_parse(arena, text, size, &q) != NZ_OK)
		abort();
	if (q.n > NZ_SEARCH_TERMS_MAX || q.n_include > q.n)
		abort();
	nz_buf_init(&b, 0);
	if (nz_search_fts5(&q, &b) != NZ_OK)
		abort();
	check_match(nz_buf_cstr(&b));
	if ((b.len == 0) != (q.n_include == 0))
		abort();
	nz_buf_reset(&b);
	nz_search_tokenize(text, size, check_term, &size);
	nz_search_snippet_html(text, size, &b);
	check_snippet(nz_buf_cstr(&b));
	nz_buf_free(&b);
	nz_arena_free(arena);
	return 0;
}
