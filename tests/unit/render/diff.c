/*
 * Tests for render/diff.c: the word-level diff the history page shows. What an editor notices:
 * a changed word is shown as removed and added, the rest reads unchanged, Korean words and
 * punctuation split sensibly, everything is escaped, and very large texts still give a correct
 * (coarser) answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/render.h"

/* The diff of a and b as a malloc'd string (the caller frees), asserting success. */
static char *diff(const char *a, const char *b, bool *changed)
{
	nz_buf out;
	nz_buf_init(&out, 0);
	assert_int_equal(nz_diff_html(nz_str_c(a), nz_str_c(b), &out, changed), NZ_OK);
	nz_buf_putc(&out, '\0');
	char *s = nz_buf_steal(&out, NULL);
	assert_non_null(s);
	return s;
}

static void check(const char *a, const char *b, const char *want)
{
	char *got = diff(a, b, NULL);
	assert_string_equal(got, want);
	free(got);
}

/* Removes the markup and keeps one side: what the old (keep 'd') or new (keep 'i') text reads,
 * still HTML-escaped. */
static char *side(const char *html, char keep)
{
	size_t n = strlen(html);
	char *out = malloc(n + 1), *o = out;
	assert_non_null(out);
	bool in_del = false, in_ins = false;
	for (size_t i = 0; i < n;) {
		if (strncmp(html + i, "<del>", 5) == 0) {
			in_del = true, i += 5;
		} else if (strncmp(html + i, "</del>", 6) == 0) {
			in_del = false, i += 6;
		} else if (strncmp(html + i, "<ins>", 5) == 0) {
			in_ins = true, i += 5;
		} else if (strncmp(html + i, "</ins>", 6) == 0) {
			in_ins = false, i += 6;
		} else {
			if (!(in_del && keep == 'i') && !(in_ins && keep == 'd'))
				*o++ = html[i];
			i++;
		}
	}
	*o = '\0';
	return out;
}

static void equal_texts_have_no_marks(void **state)
{
	(void)state;
	bool changed = true;
	char *got =
	    diff("The fleet sailed.\nIt returned.", "The fleet sailed.\nIt returned.", &changed);
	assert_false(changed);
	assert_string_equal(got, "The fleet sailed.\nIt returned.");
	free(got);
	check("", "", "");
}

static void one_changed_word(void **state)
{
	(void)state;
	bool changed = false;
	char *got = diff("The ministers met in Seoul on Monday.",
			 "The ministers met in Busan on Monday.", &changed);
	assert_true(changed);
	assert_string_equal(got,
			    "The ministers met in <del>Seoul</del><ins>Busan</ins> on Monday.");
	free(got);
}

static void added_and_removed_words(void **state)
{
	(void)state;
	check("Talks ended.", "Talks ended early.", "Talks ended<ins> early</ins>.");
	check("Talks ended early.", "Talks ended.", "Talks ended<del> early</del>.");
	check("", "New text", "<ins>New text</ins>");
	check("Old text", "", "<del>Old text</del>");
}

static void neighbouring_replacements_read_as_one(void **state)
{
	(void)state;
	/* Two replaced words with a space between them: one removal, one addition. */
	check("They agreed on two points today.", "They agreed on three issues today.",
	      "They agreed on <del>two points</del><ins>three issues</ins> today.");
}

static void punctuation_is_its_own_token(void **state)
{
	(void)state;
	/* Only the comma changed, not the words around it. */
	check("Seoul, Busan and Incheon", "Seoul; Busan and Incheon",
	      "Seoul<del>,</del><ins>;</ins> Busan and Incheon");
	check("“Ready,” he said.", "“Ready!” he said.", "“Ready<del>,</del><ins>!</ins>” he said.");
}

static void korean_words_split_on_spaces_and_punctuation(void **state)
{
	(void)state;
	/* An eojeol (word with its particle) changes as a whole; the rest stays. */
	check("국방부는 오늘 훈련을 발표했다.", "국방부는 어제 훈련을 발표했다.",
	      "국방부는 <del>오늘</del><ins>어제</ins> 훈련을 발표했다.");
	check("합참은 서울, 부산에서 회의했다.", "합참은 서울·부산에서 회의했다.",
	      "합참은 서울<del>, </del><ins>·</ins>부산에서 회의했다.");
	/* Han characters have no spaces between words: one character changes alone. */
	check("東海艦隊", "南海艦隊", "<del>東</del><ins>南</ins>海艦隊");
}

static void output_is_escaped(void **state)
{
	(void)state;
	check("a <b> & \"c\"", "a <i> & 'c'",
	      "a &lt;<del>b</del><ins>i</ins>&gt; &amp; <del>&quot;</del><ins>&#39;</ins>c"
	      "<del>&quot;</del><ins>&#39;</ins>");
}

static void line_breaks_are_kept(void **state)
{
	(void)state;
	check("First paragraph.\n\nSecond one.", "First paragraph.\n\nSecond part.",
	      "First paragraph.\n\nSecond <del>one</del><ins>part</ins>.");
	check("One line.", "One line.\n\nA new paragraph.",
	      "One line.<ins>\n\nA new paragraph.</ins>");
}

/* Builds n pseudo-random words from seed into a malloc'd text. */
static char *words(size_t n, unsigned seed, const char *sep)
{
	static const char *const vocab[] = {"navy",  "army", "drill", "국방부",  "훈련", "동맹",
					    "talks", "port", "ship",  "missile", "air",  "base"};
	nz_buf b;
	nz_buf_init(&b, 0);
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		nz_buf_printf(&b, "%s%s%u", i ? sep : "", vocab[(seed >> 16) % 12],
			      (seed >> 8) % 7);
	}
	nz_buf_putc(&b, '\0');
	char *s = nz_buf_steal(&b, NULL);
	assert_non_null(s);
	return s;
}

/* Either side of the diff reads back exactly as its text (escaping aside: the texts here have
 * nothing to escape). */
static void assert_sides(const char *a, const char *b, const char *html)
{
	char *old = side(html, 'd'), *new = side(html, 'i');
	assert_string_equal(old, a);
	assert_string_equal(new, b);
	free(old);
	free(new);
}

static void random_edits_reconstruct_both_texts(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 30; seed++) {
		char *a = words(60, seed, " ");
		char *b = words(60, seed * 7 + 3, seed % 2 ? " " : "\n");
		char *html = diff(a, b, NULL);
		assert_sides(a, b, html);
		free(html);
		free(a);
		free(b);
	}
}

static void small_change_in_a_long_text_stays_small(void **state)
{
	(void)state;
	char *a = words(50000, 42, " ");
	size_t len = strlen(a);
	char *b = malloc(len + 32);
	assert_non_null(b);
	/* Replace one word in the middle. */
	const char *mid = strchr(a + len / 2, ' ');
	assert_non_null(mid);
	size_t at = (size_t)(mid - a) + 1;
	const char *next = strchr(a + at, ' ');
	assert_non_null(next);
	snprintf(b, len + 32, "%.*sCHANGED%s", (int)at, a, next);
	char *html = diff(a, b, NULL);
	assert_sides(a, b, html);
	assert_non_null(strstr(html, "<ins>CHANGED</ins>"));
	/* Only the one word is marked. */
	assert_null(strstr(strstr(html, "</ins>"), "<ins>"));
	free(html);
	free(a);
	free(b);
}

static void unrelated_long_texts_still_give_a_correct_diff(void **state)
{
	(void)state;
	/* Far more edits than Myers is allowed: the coarser passes take over, bounded. */
	char *a = words(40000, 1, " ");
	char *b = words(40000, 2, "\n");
	char *html = diff(a, b, NULL);
	assert_sides(a, b, html);
	free(html);
	free(a);
	free(b);
}

static void rewritten_paragraph_keeps_word_marks_elsewhere(void **state)
{
	(void)state;
	/* The middle paragraph is rewritten (too many edits for one word-level pass): the other
	 * paragraphs still show their single changed word. */
	char *p2a = words(3000, 5, " "), *p2b = words(3000, 6, " ");
	nz_buf a, b;
	nz_buf_init(&a, 0);
	nz_buf_init(&b, 0);
	nz_buf_printf(&a, "The navy sailed at dawn.\n\n%s\n\nThe army stayed home.", p2a);
	nz_buf_printf(&b, "The navy sailed at dusk.\n\n%s\n\nThe army stayed put.", p2b);
	char *html = diff(nz_buf_cstr(&a), nz_buf_cstr(&b), NULL);
	assert_sides(nz_buf_cstr(&a), nz_buf_cstr(&b), html);
	assert_true(strncmp(html, "The navy sailed at <del>dawn</del><ins>dusk</ins>.", 49) == 0);
	assert_non_null(strstr(html, "The army stayed <del>home</del><ins>put</ins>."));
	free(html);
	nz_buf_free(&a);
	nz_buf_free(&b);
	free(p2a);
	free(p2b);
}

static void too_large_input_is_refused(void **state)
{
	(void)state;
	size_t n = (size_t)8 * 1024 * 1024 + 1;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, 'a', n);
	nz_buf out;
	nz_buf_init(&out, 0);
	assert_int_equal(nz_diff_html((nz_str){big, n}, nz_str_c("a"), &out, NULL), NZ_TOOBIG);
	nz_buf_free(&out);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(equal_texts_have_no_marks),
	    cmocka_unit_test(one_changed_word),
	    cmocka_unit_test(added_and_removed_words),
	    cmocka_unit_test(neighbouring_replacements_read_as_one),
	    cmocka_unit_test(punctuation_is_its_own_token),
	    cmocka_unit_test(korean_words_split_on_spaces_and_punctuation),
	    cmocka_unit_test(output_is_escaped),
	    cmocka_unit_test(line_breaks_are_kept),
	    cmocka_unit_test(random_edits_reconstruct_both_texts),
	    cmocka_unit_test(small_change_in_a_long_text_stays_small),
	    cmocka_unit_test(unrelated_long_texts_still_give_a_correct_diff),
	    cmocka_unit_test(rewritten_paragraph_keeps_word_marks_elsewhere),
	    cmocka_unit_test(too_large_input_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
