/*
 * Tests for search/tokenize.c and search/stem.c: the terms made of English and Korean text at
 * index time are the ones a reader's words make at query time: case and diacritics folded,
 * English inflections stemmed, Korean found inside longer words and with particles, numbers
 * and mixed tokens kept whole.
 */
#include <stdio.h>
#include <stdlib.h>

#include "search/search_test.h"

static void test_case_folding(void **state)
{
	(void)state;
	assert_string_equal(terms("NAVY Navy navy"), "navi navi navi"); /* Porter2: y → i */
	assert_string_equal(terms("ＮＡＶＹ １２"), "navi 12");         /* fullwidth forms */
	assert_string_equal(terms("ΑΘΗΝΑ Москва"), "αθηνα москва");
}

static void test_diacritics(void **state)
{
	(void)state;
	assert_string_equal(terms("Café résumé NAÏVE"), "cafe resum naiv");
	assert_true(finds("Le café de Séoul", "cafe seoul") == false); /* not adjacent */
	assert_true(finds("Le café de Séoul", "CAFE"));
	assert_true(finds("Le café de Séoul", "seoul"));
	/* Decomposed: e + combining acute */
	assert_true(finds("Se\xcc\x81oul", "Seoul"));
	assert_string_equal(terms("Straße Æsir Øresund Łódź"), "strass aesir oresund lodz");
}

static void test_stemming_pairs(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
	    {"exercises", "exercise"}, {"exercising", "exercise"},
	    {"exercised", "exercise"}, {"drills", "drill"},
	    {"drilled", "drill"},      {"drilling", "drill"},
	    {"policies", "policy"},    {"studies", "study"},
	    {"studied", "study"},      {"allies", "ally"},
	    {"allied", "ally"},        {"planned", "plan"},
	    {"planning", "plan"},      {"agreed", "agree"},
	    {"agrees", "agree"},       {"making", "make"},
	    {"used", "use"},           {"using", "use"},
	    {"boxes", "box"},          {"watches", "watch"},
	    {"missiles", "missile"},   {"defenses", "defense"},
	    {"trained", "train"},      {"classes", "class"},
	    {"heroes", "hero"},        {"tested", "test"},
	    {"hundreds", "hundred"},   {"goes", "go"},
	    {"going", "go"},           {"added", "add"},
	    {"adding", "add"},         {"hoped", "hope"},
	    {"hoping", "hope"},        {"eggs", "egg"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		char want[4096];
		strcpy(want, terms(pairs[i][1]));
		if (strcmp(terms(pairs[i][0]), want) != 0)
			fail_msg("%s gives %s, %s gives %s", pairs[i][0], terms(pairs[i][0]),
				 pairs[i][1], want);
	}
	/* Words that only look inflected stay apart. */
	assert_string_equal(terms("news"), "news");
	assert_string_equal(terms("new"), "new");
	assert_string_equal(terms("bus status"), "bus status");
	assert_string_equal(terms("need thing sing"), "need thing sing");
	char hop[4096];
	snprintf(hop, sizeof hop, "%s", terms("hopped"));
	assert_string_not_equal(hop, terms("hoped"));     /* hop is not hope */
	assert_string_equal(terms("off inn"), "off inn"); /* not "of", "in" */
}

static void test_stem_in_place(void **state)
{
	(void)state;
	char w[] = "exercises";
	size_t n = strlen(w);
	nz_search_stem(w, &n);
	assert_int_equal(n, 7);
	assert_memory_equal(w, "exercis", 7);
	char d[] = "k9";
	n = 2;
	nz_search_stem(d, &n);
	assert_int_equal(n, 2);
}

static void test_korean_bigrams(void **state)
{
	(void)state;
	assert_string_equal(terms("한미동맹은"), "한미 미동 동맹 맹은");
	assert_string_equal(terms("국"), "국"); /* one character alone stays one term */
	/* A two-syllable word finds every article that has it, with particles attached and
	 * inside longer words. */
	assert_true(finds("동맹은 굳건하다", "동맹"));
	assert_true(finds("한미동맹 강화", "동맹"));
	assert_true(finds("국방부는 27일 밝혔다", "국방"));
	assert_true(finds("국방부는 27일 밝혔다", "국방부"));
	assert_true(finds("합동 훈련을 마쳤다", "훈련"));
	assert_false(finds("국방부는", "방위"));
	/* A three-syllable word is a phrase of two pairs: it finds itself, not its parts apart. */
	assert_true(finds("연합훈련이 시작됐다", "연합훈련"));
	assert_false(finds("연합 군수 훈련", "연합훈련"));
	/* Han and Kana runs too. */
	assert_string_equal(terms("國防部"), "國防 防部");
	assert_string_equal(terms("カタカナ"), "カタ タカ カナ");
}

static void test_mixed_scripts(void **state)
{
	(void)state;
	assert_string_equal(terms("한미FTA를"), "한미 fta 를");
	assert_string_equal(terms("F-35A를 도입"), "f35a 를 도입");
	assert_true(finds("K-9 자주포는", "K-9"));
	assert_true(finds("K-9 자주포는", "자주포"));
	assert_true(finds("The 2+2 talks in 서울", "서울"));
	assert_true(finds("Seoul's 국방부", "seoul"));
}

static void test_numbers_and_mixed_tokens(void **state)
{
	(void)state;
	assert_string_equal(terms("2+2 K-9 F-35A"), "2+2 k9 f35a");
	assert_true(finds("the 2+2 meeting", "2+2"));
	assert_false(finds("the 2 2 meeting", "2+2"));
	assert_true(finds("K-9 howitzers", "K9"));
	assert_true(finds("K9 howitzers", "k-9"));
	assert_true(finds("new F-35A jets", "f-35a"));
	assert_false(finds("new F-35A jets", "F-35")); /* a prefix query (F-35*) finds it */
	assert_string_equal(terms("1,000 troops, 3.5 percent, 2026"),
			    "1000 troop 3.5 percent 2026");
	assert_string_equal(terms("U.S. forces"), "us forc");
	assert_string_equal(terms("AT&T R&D"), "at&t r&d");
	assert_string_equal(terms("Korea's don't e-mail"), "korea dont email");
	/* Hyphenated words of whole words are their parts. */
	assert_string_equal(terms("long-range Su-Yeol"), "long rang su yeol");
	assert_true(finds("a long-range missile", "range"));
	/* A sentence's full stop and comma are not connectors. */
	assert_string_equal(terms("drills. Next, 10"), "drill next 10");
}

static const char *span_source; /* the text collect_span cuts spans from */

typedef struct spans {
	char text[8][16];
	size_t n;
} spans;

static int collect_span(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	(void)term;
	(void)len;
	spans *s = ctx;
	if (s->n < 8)
		snprintf(s->text[s->n++], 16, "%.*s", (int)(end - start), span_source + start);
	return 0;
}

static void test_offsets_point_at_the_words(void **state)
{
	(void)state;
	spans s = {0};
	span_source = "Le café, 국방부 K-9 Korea's";
	nz_search_tokenize(span_source, strlen(span_source), collect_span, &s);
	assert_int_equal(s.n, 6);
	assert_string_equal(s.text[0], "Le");
	assert_string_equal(s.text[1], "café");
	assert_string_equal(s.text[2], "국방");
	assert_string_equal(s.text[3], "방부");
	assert_string_equal(s.text[4], "K-9");
	assert_string_equal(s.text[5], "Korea");
}

static void test_bad_input(void **state)
{
	(void)state;
	assert_string_equal(terms(""), "");
	assert_string_equal(terms("   ,.-+&'  "), "");
	assert_string_equal(terms("ab\xff\xfe"
				  "cd \xed\xa0\x80x"),
			    "ab cd x");
	assert_string_equal(terms("a\x01"
				  "b\x7f"
				  "c"),
			    "a b c");
	/* A very long word is cut, the same way every time. */
	char long_word[300];
	memset(long_word, 'x', sizeof long_word - 1);
	long_word[sizeof long_word - 1] = '\0';
	assert_int_equal(strlen(terms(long_word)), NZ_SEARCH_TERM_MAX);
	/* Cut at a character boundary. */
	char accented[301] = "";
	for (int i = 0; i < 100; i++)
		strcat(accented, "ж");
	const char *t = terms(accented);
	assert_true(strlen(t) <= NZ_SEARCH_TERM_MAX);
	assert_int_equal(strlen(t) % 2, 0);
}

static int stop_at_second(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	(void)term;
	(void)len;
	(void)start;
	(void)end;
	int *n = ctx;
	return ++*n == 2 ? 42 : 0;
}

static void test_callback_stops(void **state)
{
	(void)state;
	int n = 0;
	assert_int_equal(nz_search_tokenize("one two three", 13, stop_at_second, &n), 42);
	assert_int_equal(n, 2);
}

/* ---- the same terms, always ----------------------------------------------------------- */

/* Pieces of English, Korean and everything the tokenizer treats apart: connectors between and
 * around words, numbers with separators, possessives, diacritics (precomposed and combining),
 * other scripts, CJK, fullwidth forms, symbols, invalid UTF-8, words past the term limit. */
static const char *const pieces[] = {
    "The",
    "ministry",
    "ministry's",
    "Korea's",
    "Korea\xe2\x80\x99s",
    "said",
    "running",
    "goes",
    "added",
    "odd",
    "off",
    "inn",
    "NAVY",
    "reviewed",
    "unions",
    "U.S.",
    "K-9",
    "F-35A",
    "2+2",
    "AT&T",
    "R&D",
    "don't",
    "long-range",
    "north-south-east",
    "1,000",
    "1,00",
    "1,0000",
    "12,345,678",
    "3.14",
    "v2.0.1",
    "36.5",
    "$57.0",
    "780",
    "a",
    "I",
    "x1",
    "COVID-19",
    "e-mail",
    "co-op",
    "x\xe2\x80\x90y",
    "x\xe2\x80\x91y",
    "caf\xc3\xa9",
    "r\xc3\xa9sum\xc3\xa9",
    "Se\xcc\x81oul",
    "Stra\xc3\x9f"
    "e",
    "\xc3\x86sir",
    "\xc3\x98resund",
    "\xc5\x81\xc3\xb3"
    "d\xc5\xba",
    "\xc4\xb2ssel",
    "\xc5\x92uvre",
    "\xce\x91\xce\x98\xce\x97\xce\x9d\xce\x91",
    "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0",
    "\xd0\x81\xd0\xb6",
    "\xef\xbc\xae\xef\xbc\xa1\xef\xbc\xb6\xef\xbc\xb9",
    "\xef\xbc\x91\xef\xbc\x92",
    "\xef\xbc\x81",
    "\xea\xb5\xad\xeb\xb0\xa9\xeb\xb6\x80\xeb\x8a\x94",
    "\xed\x95\x9c\xeb\xaf\xb8\xeb\x8f\x99\xeb\xa7\xb9",
    "\xea\xb5\xad",
    "\xeb\xb0\x9c\xed\x91\x9c",
    "\xe3\x84\xb1\xe3\x84\xb4",
    "\xe1\x84\x80\xe1\x85\xa1",
    "\xe6\x9d\xb1\xe4\xba\xac",
    "\xe3\x82\xab\xe3\x82\xbf\xe3\x82\xab\xe3\x83\x8a",
    "\xef\xbd\xb6\xef\xbe\x80",
    "\xf0\xa0\x80\x80",
    "\xe2\x80\x94",
    "\xe2\x80\xa6",
    "\xc2\xa0",
    "\xe3\x80\x80",
    "\xf0\x9f\x98\x80",
    "\xef\xb8\x8f",
    "\xee\x80\x80",
    "\xc3\x97",
    "\xc3\xb7",
    "\xc2\xa9",
    "\xff",
    "\xed\xa0\x80",
    "\xe2\x82",
    "\xc3",
    "-",
    "+",
    "&",
    ".",
    ",",
    "'",
    "\xe2\x80\x99",
    "\xe2\x80\x90",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    "(",
    ")",
    "\"",
    "/",
    ":",
    ";",
    "#",
    "*",
    "_",
    "\x01",
    "\x7f",
    "0",
    "007",
    "A1B2",
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
    "abcdefghijklmnopqrstuvwxyz",
    "\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6"
    "\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6"
    "\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6"
    "\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6",
    "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t",
    "ab-cd-ef-gh-ij-kl-mn-op-qr-st-uv-wx-yz-ab-cd-ef-gh-ij",
};

typedef struct digest {
	uint64_t h;
	size_t n;
	const char *text;
	size_t len;
} digest;

static void digest_bytes(digest *d, const void *p, size_t len)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < len; i++)
		d->h = (d->h ^ b[i]) * 1099511628211u; /* FNV-1a, 64 bits */
}

static int digest_term(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	digest *d = ctx;
	uint64_t place[2] = {start, end};
	assert_true(start < end && end <= d->len);
	assert_true(len > 0 && len <= NZ_SEARCH_TERM_MAX);
	digest_bytes(d, term, len);
	digest_bytes(d, "|", 1);
	digest_bytes(d, place, sizeof place);
	d->n++;
	return 0;
}

/* Every term, with its place, of a long text made of the pieces in a fixed pseudo-random order
 * (half the time with a space between two, half the time glued), and of 2,000 cuts of it: a
 * change to the tokenizer that changes one term or one offset changes the digest. The expected
 * values were those of the tokenizer before it was made faster (2026-12-07); change them only
 * with a change of the terms, which comes with a migration that marks the index stale
 * (docs/search.md, "Changing the tokenizer"). */
static char *pieces_text(size_t *out_len)
{
	size_t cap = 1 << 20, len = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	uint64_t x = 88172645463325252u; /* xorshift64 */
	size_t n_pieces = sizeof pieces / sizeof pieces[0];
	while (len + 256 < cap) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		const char *p = pieces[x % n_pieces];
		size_t l = strlen(p);
		memcpy(text + len, p, l);
		len += l;
		if ((x >> 32) & 1)
			text[len++] = ' ';
	}
	*out_len = len;
	return text;
}

static void test_terms_stay_the_same(void **state)
{
	(void)state;
	size_t len;
	char *text = pieces_text(&len);
	digest d = {.h = 14695981039346656037u, .text = text, .len = len};
	assert_int_equal(nz_search_tokenize(text, len, digest_term, &d), 0);
	for (size_t cut = 1; cut <= 2000; cut++) {
		d.len = cut * 37 % 4096; /* never read past len, whatever it cuts */
		assert_int_equal(nz_search_tokenize(text, d.len, digest_term, &d), 0);
	}
	print_message("%zu terms, digest %016llx\n", d.n, (unsigned long long)d.h);
	assert_int_equal(d.n, 521437);
	assert_int_equal(d.h, 0x66a50dd2f15ce82au);
	free(text);
}

static int digest_place(void *ctx, const char *term, size_t len, size_t start, size_t end)
{
	(void)term;
	(void)len;
	digest *d = ctx;
	uint64_t place[2] = {start, end};
	digest_bytes(d, place, sizeof place);
	d->n++;
	return 0;
}

/* Snippets tokenize without stemming (FTS5 finds the matches in the index): the words keep
 * their inflections, and every term has the place and the rank it has with stems, so the
 * passage and its marks are the same. */
static void test_unstemmed_keeps_the_places(void **state)
{
	(void)state;
	static terms_out t;
	const char *s = "Exercises planned policies";
	assert_int_equal(nz_search_tokenize_unstemmed(s, strlen(s), collect_term, &t), 0);
	assert_string_equal(t.text, "exercises planned policies");
	assert_string_equal(terms(s), "exercis plan polici");
	size_t len;
	char *text = pieces_text(&len);
	digest a = {.h = 14695981039346656037u}, b = a;
	assert_int_equal(nz_search_tokenize(text, len, digest_place, &a), 0);
	assert_int_equal(nz_search_tokenize_unstemmed(text, len, digest_place, &b), 0);
	assert_true(a.n > 100000);
	assert_int_equal(a.n, b.n);
	assert_int_equal(a.h, b.h);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_case_folding),
	    cmocka_unit_test(test_diacritics),
	    cmocka_unit_test(test_stemming_pairs),
	    cmocka_unit_test(test_stem_in_place),
	    cmocka_unit_test(test_korean_bigrams),
	    cmocka_unit_test(test_mixed_scripts),
	    cmocka_unit_test(test_numbers_and_mixed_tokens),
	    cmocka_unit_test(test_offsets_point_at_the_words),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_callback_stops),
	    cmocka_unit_test(test_terms_stay_the_same),
	    cmocka_unit_test(test_unstemmed_keeps_the_places),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
