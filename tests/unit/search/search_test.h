/*
 * search_test.h: what the search module's tests share: the terms the tokenizer makes of a text,
 * as one space-separated string ("exercis navy"), so a case reads as one line.
 */
#ifndef NZ_TEST_SEARCH_H
#define NZ_TEST_SEARCH_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "search/search.h"

typedef struct terms_out {
	char text[4096];
	size_t len;
	size_t n;
} terms_out;

static inline int collect_term(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	terms_out *t = ctx;
	assert_true(start < end);
	assert_true(len > 0 && len <= NZ_SEARCH_TERM_MAX);
	if (t->len + len + 2 < sizeof t->text) {
		if (t->len)
			t->text[t->len++] = ' ';
		memcpy(t->text + t->len, term, len);
		t->len += len;
		t->text[t->len] = '\0';
	}
	t->n++;
	return 0;
}

/* The terms of text, space-separated, in a static buffer. */
static inline const char *terms(const char *text)
{
	static terms_out t;
	memset(&t, 0, sizeof t);
	assert_int_equal(nz_search_tokenize(text, strlen(text), collect_term, &t), 0);
	return t.text;
}

/* True when the terms of needle appear, in order and next to each other, in those of text:
 * what an FTS5 phrase query of needle finds. */
static inline bool finds(const char *text, const char *needle)
{
	static char hay[4200], want[4200];
	snprintf(hay, sizeof hay, " %s ", terms(text));
	snprintf(want, sizeof want, " %s ", terms(needle));
	return strlen(want) > 2 && strstr(hay, want) != NULL;
}

#endif
