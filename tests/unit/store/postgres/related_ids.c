/*
 * Tests src/store/postgres/related_ids.c against a real server: the bulk pass's list computed
 * from search_postings (nz_store_related_ids) is the reference computation's
 * (nz_store_related: the GIN index and article_rank), id for id and in order, for every article
 * of an archive large enough that the words' document counts come from pg_stats as well as from
 * counting (ANALYZE run, 800 articles: a word in 64 to 80 of them is counted by pg_stats and
 * still distinctive), in two languages, with drafts, embargoed and scheduled articles beside,
 * at several lengths of list, and again after a retraction and an edit.
 */
#include "search/search.h"
#include "store/postgres/pg_test.h"

#define NOW 1800000000
#define DAY 86400
#define ARTICLES 800

static nz_store *open_store(pg_fixture *f)
{
	nz_store *s = NULL;
	if (nz__pg_open(f->conninfo, NZ_STORE_CREATE, &s, &f->err) != NZ_OK)
		fail_msg("open: %s", f->err.msg);
	return s;
}

/* A deterministic word of a vocabulary where word k is about twice as common as word 2k: a
 * few words in most articles, many in a few dozen, a long tail in one or two. */
static const char *word(nz_arena *arena, uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	uint32_t r = (*seed >> 8) % 4096 + 1;
	return nz_arena_printf(arena, "w%u", 4096 / r);
}

/* Article i: its text from its seed; every 13th in Korean, every 17th a draft, every 19th
 * under embargo until tomorrow, every 23rd scheduled for tomorrow. */
static int64_t add_article(nz_store *s, nz_arena *arena, int i, nz_err *err)
{
	uint32_t seed = (uint32_t)i * 2654435761u;
	nz_buf body;
	nz_buf_init(&body, 0);
	for (int k = 0; k < 40 + i % 30; k++)
		nz_buf_printf(&body, "%s%s", k ? " " : "", word(arena, &seed));
	nz_article *a = nz_arena_zalloc(arena, sizeof(*a));
	a->slug = nz_arena_printf(arena, "a%d", i);
	a->headline = nz_arena_printf(arena, "%s %s", word(arena, &seed), word(arena, &seed));
	a->body_markdown = nz_arena_strdup(arena, nz_buf_cstr(&body));
	a->language = i % 13 == 0 ? "ko" : "en";
	a->status = i % 17 == 0 ? NZ_STATUS_DRAFT : NZ_STATUS_PUBLISHED;
	a->published_at = i % 23 == 0 ? NOW + DAY : NOW - DAY + i;
	a->embargo_until = i % 19 == 0 ? NOW + DAY : 0;
	a->created_at = a->updated_at = NOW - 2 * DAY;
	nz_buf_free(&body);
	if (nz_store_article_create(s, arena, a, NULL, err) != NZ_OK)
		fail_msg("create %s: %s", a->slug, err->msg);
	return a->id;
}

/* The ids of a's list of max, by the reference (pass false) or the bulk pass's computation. */
static const char *list_of(nz_store *s, nz_arena *arena, const nz_article *a, size_t max, bool pass,
			   nz_err *err)
{
	int64_t ids[10];
	size_t n = 0;
	nz_article_list l;
	const char *out = "";
	if (pass)
		assert_int_equal(nz_store_related_ids(s, arena, a, NOW, max, ids, &n, err), NZ_OK);
	else
		assert_int_equal(nz_store_related(s, arena, a, NOW, max, &l, err), NZ_OK);
	for (size_t i = 0; !pass && i < l.n; i++)
		ids[n++] = l.items[i].id;
	for (size_t i = 0; i < n; i++)
		out = nz_arena_printf(arena, "%s%s%lld", out, i ? " " : "", (long long)ids[i]);
	return out;
}

/* The first k ids of a list (space-separated). */
static const char *first(nz_arena *arena, const char *list, size_t k)
{
	size_t len = 0;
	for (size_t n = 0; list[len] && (list[len] != ' ' || ++n < k); len++)
		;
	return nz_arena_strndup(arena, list, len);
}

/* Every article's list by both computations: the bulk pass's of 1, 5 and 10 against the first
 * of the reference's 10 (which, as any list of max, is its full ranking cut at max); how many
 * were not empty. */
static int compare_every_list(nz_store *s, const int64_t *ids, nz_err *err)
{
	const size_t maxes[] = {1, 5, 10};
	int listed = 0;
	for (int i = 0; i < ARTICLES; i++) {
		nz_arena *arena = nz_arena_new();
		nz_article *a = NULL;
		assert_int_equal(nz_store_article_by_id(s, arena, ids[i], &a, err), NZ_OK);
		const char *want = list_of(s, arena, a, 10, false, err);
		for (size_t m = 0; m < sizeof(maxes) / sizeof(*maxes); m++)
			assert_string_equal(list_of(s, arena, a, maxes[m], true, err),
					    first(arena, want, maxes[m]));
		listed += *want != '\0';
		nz_arena_free(arena);
	}
	return listed;
}

static void test_the_postings_list_is_the_reference(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz_arena *arena = nz_arena_new();
	int64_t *ids = malloc(ARTICLES * sizeof(*ids));
	assert_int_equal(nz_store_begin(s, &f->err), NZ_OK);
	for (int i = 0; i < ARTICLES; i++)
		ids[i] = add_article(s, arena, i, &f->err);
	assert_int_equal(nz_store_commit(s, &f->err), NZ_OK);
	pg_ok(f->conn, "ANALYZE article_search");
	/* pg_stats answers for some candidate words in the distinctive range (64 to 80 articles) */
	assert_true(pg_int(f->conn, "SELECT count(*) FROM pg_stats s, unnest("
				    "s.most_common_elem_freqs) f WHERE s.tablename = "
				    "'article_search' AND s.attname = 'terms' AND f * 800 >= 64"
				    " AND f * 800 < 81") > 0);
	/* not trivial: most public articles have a full list */
	assert_true(compare_every_list(s, ids, &f->err) > ARTICLES / 2);
	/* a retraction and an edit: the lists that showed them, and its own, change */
	nz_article_transition t = {.id = ids[3], .ev = NZ_EV_RETRACT};
	assert_int_equal(nz_store_article_transition(s, arena, &t, NULL, &f->err), NZ_OK);
	nz_article *a = NULL;
	assert_int_equal(nz_store_article_by_id(s, arena, ids[5], &a, &f->err), NZ_OK);
	a->body_markdown = "w3 w5 w7 w11 w13 w17 w19 w23 w29 w31 w37 w41 w43 w47";
	assert_int_equal(nz_store_article_update(s, arena, 0, a, a->revision, "edit", &f->err),
			 NZ_OK);
	compare_every_list(s, ids, &f->err);
	free(ids);
	nz_arena_free(arena);
	nz_store_close(s);
}

int main(void)
{
	if (pg_test_require_server("related_ids"))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_the_postings_list_is_the_reference,
					    pg_fixture_setup, pg_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
