/* Tests src/search/phrase.c and passage.c: a parsed query's phrases (the tokens of each term),
 * the tsquery written from them (every token a quoted lexeme: no user text is syntax), and the
 * passage around the best matches (its agreement with FTS5's snippet() is checked against
 * SQLite in tests/unit/store/postgres/search.c). */
#include <stdio.h>

#include "search/search_test.h"

/* The tsquery of text, in a static buffer. */
static const char *tsquery(const char *text)
{
	static char out[1024];
	nz_arena *arena = nz_arena_new();
	nz_search_query q;
	nz_search_phrase *ph = NULL;
	size_t n = 0;
	nz_buf b;
	nz_buf_init(&b, 0);
	assert_int_equal(nz_search_parse(arena, text, strlen(text), &q), NZ_OK);
	assert_int_equal(nz_search_phrases(arena, &q, &ph, &n), NZ_OK);
	assert_int_equal(n, q.n);
	assert_int_equal(nz_search_tsquery(ph, n, &b), NZ_OK);
	snprintf(out, sizeof(out), "%s", b.len ? nz_buf_cstr(&b) : "");
	nz_buf_free(&b);
	nz_arena_free(arena);
	return out;
}

static void test_tsquery_shapes(void **state)
{
	(void)state;
	assert_string_equal(tsquery("navy drills"), "'navi' & 'drill'");
	assert_string_equal(tsquery("\"joint naval drill\""), "('joint' <-> 'naval' <-> 'drill')");
	assert_string_equal(tsquery("defen*"), "'defen':*");
	assert_string_equal(tsquery("국"), "'국':*");
	assert_string_equal(tsquery("exercises -drill"), "'exercis' & !'drill'");
	assert_string_equal(tsquery("-drill navy NOT \"live fire\" ship"),
			    "'navi' & 'ship' & !'drill' & !('live' <-> 'fire')");
	assert_string_equal(tsquery("연합훈련"), "('연합' <-> '합훈' <-> '훈련')");
	assert_string_equal(tsquery("\"naval dri\"*"), "('naval' <-> 'dri':*)");
	assert_string_equal(tsquery("K-9 2+2 at&t"), "'k9' & '2+2' & 'at&t'");
	assert_string_equal(tsquery("-drill"), "");
	assert_string_equal(tsquery(""), "");
}

static void test_lexemes_are_quoted(void **state)
{
	(void)state;
	nz_buf b;
	nz_buf_init(&b, 0);
	nz_search_ts_lexeme("a'b\\c", 5, &b);
	assert_string_equal(nz_buf_cstr(&b), "'a''b\\\\c'");
	nz_buf_free(&b);
	/* what readers type is never tsquery syntax: operators are separators or kept inside */
	assert_string_equal(tsquery("a & b | !c <-> d:*"), "'a' & 'b' & 'c' & 'd':*");
	assert_string_equal(tsquery("it's o'brien"), "'it' & 'obrien'");
}

/* The passage of text for query q with ntok tokens. */
static const char *passage(const char *text, const char *q, size_t ntok, size_t *hits)
{
	static char out[2048];
	nz_arena *arena = nz_arena_new();
	nz_search_query parsed;
	nz_search_phrase *ph = NULL;
	size_t n = 0;
	nz_buf b;
	nz_buf_init(&b, 0);
	assert_int_equal(nz_search_parse(arena, q, strlen(q), &parsed), NZ_OK);
	assert_int_equal(nz_search_phrases(arena, &parsed, &ph, &n), NZ_OK);
	assert_int_equal(nz_search_passage(arena, text, strlen(text), ph, n, ntok, hits, &b),
			 NZ_OK);
	snprintf(out, sizeof(out), "%s", b.len ? nz_buf_cstr(&b) : "");
	for (char *p = out; *p; p++)
		*p = *p == '\x02' ? '[' : *p == '\x03' ? ']' : *p;
	nz_buf_free(&b);
	nz_arena_free(arena);
	return out;
}

static void test_passage(void **state)
{
	(void)state;
	size_t hits = 0;
	assert_string_equal(passage("A word on radar. The radar was new.", "radar", 24, &hits),
			    "A word on [radar]. The [radar] was new.");
	assert_int_equal(hits, 2);
	assert_string_equal(passage("one two three four five six seven eight", "six", 3, &hits),
			    "…five [six] seven…");
	assert_string_equal(passage("one two. Three four five six", "five", 3, &hits),
			    "…Three four [five]…"); /* a sentence's start wins */
	assert_string_equal(passage("국방부는 한미동맹은 굳건하다", "한미동맹", 40, &hits),
			    "국방부는 [한미동맹]은 굳건하다");
	assert_string_equal(passage("Nothing here at all", "radar", 2, &hits), "Nothing here…");
	assert_int_equal(hits, 0);
	assert_string_equal(passage("", "radar", 24, &hits), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tsquery_shapes),
	    cmocka_unit_test(test_lexemes_are_quoted),
	    cmocka_unit_test(test_passage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
