/* The store's related-articles-as-data contract, on every backend: after a bulk pass every
 * public article's stored list is the reference computation's (nz_store_related); a retracted
 * article leaves every stored list at once (and names their pages in the change feed); an edit
 * makes the article's own list stale until it is computed again, to the new reference; an empty
 * list that gains an article names its page in the change feed, as any list that changes. */
#include "store/search_test.h"

/* The ids of a's reference list, space-separated. */
static const char *reference(fixture *f, int64_t id)
{
	nz_article *a = NULL;
	nz_article_list l;
	assert_int_equal(nz_store_article_by_id(f->store, f->arena, id, &a, &f->err), NZ_OK);
	assert_int_equal(nz_store_related(f->store, f->arena, a, NOW, 5, &l, &f->err), NZ_OK);
	return list_slugs(f, &l);
}

/* The stored list of id as read for a page, and its state. */
static const char *stored(fixture *f, int64_t id, nz_related_state *state)
{
	nz_article *a = NULL;
	nz_article_list l;
	assert_int_equal(nz_store_article_by_id(f->store, f->arena, id, &a, &f->err), NZ_OK);
	assert_int_equal(nz_store_related_stored(f->store, f->arena, id, a->revision, NOW, 5, &l,
						 state, &f->err),
			 NZ_OK);
	return list_slugs(f, &l);
}

/* Saves article id with a new headline (NULL: unchanged) and body, as an editor would. */
static void edit(fixture *f, int64_t id, const char *headline, const char *body)
{
	nz_article *a = NULL;
	assert_int_equal(nz_store_article_by_id(f->store, f->arena, id, &a, &f->err), NZ_OK);
	if (headline)
		a->headline = headline;
	a->body_markdown = body;
	assert_int_equal(
	    nz_store_article_update(f->store, f->arena, 0, a, a->revision, "edit", &f->err), NZ_OK);
}

/* A pass over the pending lists (all: a clean pass over every public article, as demo and
 * reindex run it). */
static void pass_of(fixture *f, bool all)
{
	if (nz_store_related_build(f->store, NOW, all, 0, NULL, NULL, NULL, &f->err) != NZ_OK)
		fail_msg("related pass: %s", f->err.msg);
}

static void pass(fixture *f)
{
	pass_of(f, false);
}

/* Two families of stories that share words, one loner, a draft and a Korean story. */
static void corpus(fixture *f, int64_t ids[8])
{
	ids[0] =
	    add(f, (story){.slug = "me",
			   .headline = "Minehunter delivered to the navy",
			   .body = "The minehunter Ganghwa joined the mine warfare flotilla."});
	ids[1] = add(f, (story){.slug = "sister",
				.headline = "Second minehunter launched",
				.body = "Another minehunter for the mine warfare flotilla."});
	ids[2] = add(f, (story){.slug = "cousin",
				.headline = "Flotilla exercise",
				.body = "The mine warfare flotilla trained."});
	ids[3] = add(f, (story){.slug = "budget",
				.headline = "Budget approved",
				.body = "The assembly approved the defense budget."});
	ids[4] = add(f, (story){.slug = "budget-2",
				.headline = "Budget debate",
				.body = "The assembly debated the defense budget again."});
	ids[5] = add(f, (story){.slug = "lone", .headline = "Zeppelin quokka", .body = "Quokka."});
	ids[6] = add(f, (story){.slug = "draft", .headline = "Minehunter flotilla", .draft = true});
	ids[7] = add(f, (story){.slug = "korean", .headline = "소해함 인도", .lang = "ko"});
}

/* Every public article's list stored, and each the reference computation's. */
static void check_every_list(fixture *f, const int64_t ids[8])
{
	nz_related_state st;
	for (size_t i = 0; i < 8; i++) {
		if (i == 6) /* a draft has no public page, so no list */
			continue;
		const char *got = stored(f, ids[i], &st);
		assert_int_equal(st, NZ_RELATED_FRESH);
		assert_string_equal(got, reference(f, ids[i]));
	}
}

static void test_a_clean_pass_stores_every_list(void **state)
{
	fixture *f = *state;
	int64_t ids[8];
	corpus(f, ids);
	pass_of(f, true);
	check_every_list(f, ids);
}

static void test_bulk_pass_equals_the_reference(void **state)
{
	fixture *f = *state;
	int64_t ids[8];
	nz_related_state st;
	corpus(f, ids);
	stored(f, ids[0], &st);
	assert_int_equal(st, NZ_RELATED_NONE);
	pass(f);
	check_every_list(f, ids);
	/* The corpus is not trivial: the families find each other, the loner nobody. */
	assert_string_equal(stored(f, ids[0], &st), "sister cousin");
	assert_string_equal(stored(f, ids[5], &st), "");
	assert_int_equal(st, NZ_RELATED_FRESH);
	/* A second pass has nothing to do. */
	size_t done = 1;
	assert_int_equal(
	    nz_store_related_build(f->store, NOW, false, 0, NULL, NULL, &done, &f->err), NZ_OK);
	assert_int_equal(done, 0);
}

static void test_a_retraction_leaves_every_list_at_once(void **state)
{
	fixture *f = *state;
	int64_t ids[8], seq = 0, upto = 0;
	nz_related_state st;
	const char **keys = NULL;
	size_t n = 0;
	corpus(f, ids);
	pass(f);
	assert_int_equal(nz_store_change_seq(f->store, &seq, &f->err), NZ_OK);
	nz_article_transition t = {.id = ids[1], .ev = NZ_EV_RETRACT};
	assert_int_equal(nz_store_article_transition(f->store, f->arena, &t, NULL, &f->err), NZ_OK);
	/* Before any pass: gone from the list read for the page, which is then stale... */
	assert_string_equal(stored(f, ids[0], &st), "cousin");
	assert_int_equal(st, NZ_RELATED_STALE);
	/* ...and the page of every article that listed it is named in the change feed. */
	assert_int_equal(nz_store_changes_since(f->store, f->arena, seq, &upto, &keys, &n, &f->err),
			 NZ_OK);
	const char *want[] = {nz_arena_printf(f->arena, "related-%lld", (long long)ids[0]),
			      nz_arena_printf(f->arena, "related-%lld", (long long)ids[2])};
	for (size_t w = 0; w < 2; w++) {
		bool seen = false;
		for (size_t i = 0; i < n; i++)
			seen |= strcmp(keys[i], want[w]) == 0;
		if (!seen)
			fail_msg("%s not in the change feed", want[w]);
	}
	pass(f);
	assert_string_equal(stored(f, ids[0], &st), reference(f, ids[0]));
	assert_int_equal(st, NZ_RELATED_FRESH);
	assert_string_equal(stored(f, ids[2], &st), reference(f, ids[2]));
	assert_string_equal(stored(f, ids[2], &st), "me");
}

static void test_a_first_neighbour_names_the_page_of_an_empty_list(void **state)
{
	fixture *f = *state;
	int64_t me, seq = 0;
	nz_related_state st;
	me = add(f, (story){.slug = "me",
			    .headline = "Minehunter delivered to the navy",
			    .body = "The minehunter Ganghwa joined the mine warfare flotilla."});
	pass(f);
	assert_string_equal(stored(f, me, &st), "");
	assert_int_equal(st, NZ_RELATED_FRESH);
	assert_int_equal(nz_store_change_seq(f->store, &seq, &f->err), NZ_OK);
	add(f, (story){.slug = "sister",
		       .headline = "Second minehunter launched",
		       .body = "Another minehunter for the mine warfare flotilla."});
	pass(f);
	/* The page that showed the empty list is named, so a page cache drops it. */
	assert_string_equal(stored(f, me, &st), "sister");
	assert_true(feed_names(f, seq, nz_arena_printf(f->arena, "related-%lld", (long long)me)));
}

static void test_an_edit_refreshes_its_own_list(void **state)
{
	fixture *f = *state;
	int64_t ids[8];
	nz_related_state st;
	corpus(f, ids);
	pass(f);
	assert_string_equal(stored(f, ids[0], &st), "sister cousin");
	edit(f, ids[0], "Budget for the minehunter",
	     "The assembly approved the defense budget for a minehunter.");
	stored(f, ids[0], &st);
	assert_int_equal(st, NZ_RELATED_STALE);
	pass(f);
	const char *got = stored(f, ids[0], &st);
	assert_int_equal(st, NZ_RELATED_FRESH);
	assert_string_equal(got, reference(f, ids[0]));
	assert_non_null(strstr(got, "budget"));
	/* Its new neighbours' lists were computed again too, to their reference. */
	assert_string_equal(stored(f, ids[3], &st), reference(f, ids[3]));
	assert_int_equal(st, NZ_RELATED_FRESH);
}

/* A pass keeps the word frequencies it counted while it stores lists (each list a row of the
 * change feed), but another connection's article drops them: a word that article made shared
 * leads this connection's next list to it. */
static void test_a_word_another_connection_shares_is_counted_again(void **state)
{
	fixture *f = *state;
	int64_t ids[8];
	nz_related_state st;
	corpus(f, ids);
	pass(f);
	/* "Ganghwa" is in one article: it leads nowhere yet (and this connection counted it). */
	assert_string_equal(stored(f, ids[0], &st), "sister cousin");
	assert_string_equal(reference(f, ids[0]), "sister cousin");
	nz_store *mine = f->store, *other = NULL;
	assert_int_equal(nz_store_open(f->path, 0, &other, &f->err), NZ_OK);
	f->store = other;
	/* An edit, not a new article: the archive's size (which also empties the counts) stays. */
	edit(f, ids[5], NULL, "Quokka on Ganghwa.");
	const char *fresh = reference(f, ids[0]); /* on a connection that counted nothing before */
	f->store = mine;
	nz_store_close(other);
	assert_non_null(strstr(fresh, "lone"));
	assert_string_equal(reference(f, ids[0]), fresh);
}

/* The ids of a's reference list of max, space-separated. */
static const char *reference_ids(fixture *f, const nz_article *a, size_t max)
{
	nz_article_list l;
	const char *out = "";
	assert_int_equal(nz_store_related(f->store, f->arena, a, NOW, max, &l, &f->err), NZ_OK);
	for (size_t i = 0; i < l.n; i++)
		out = nz_arena_printf(f->arena, "%s%s%lld", out, i ? " " : "",
				      (long long)l.items[i].id);
	return out;
}

/* The ids of a's list of max as the bulk pass computes it (nz_store_related_ids). */
static const char *pass_ids(fixture *f, const nz_article *a, size_t max)
{
	int64_t ids[10];
	size_t n = 99;
	const char *out = "";
	assert_int_equal(nz_store_related_ids(f->store, f->arena, a, NOW, max, ids, &n, &f->err),
			 NZ_OK);
	assert_true(n <= max);
	for (size_t i = 0; i < n; i++)
		out = nz_arena_printf(f->arena, "%s%s%lld", out, i ? " " : "", (long long)ids[i]);
	return out;
}

/* Every article's ids-only list of every length equals its reference list. */
static void compare_every_list(fixture *f, const int64_t *ids, size_t n)
{
	const size_t maxes[] = {1, 2, 5, 10};
	for (size_t i = 0; i < n; i++) {
		nz_article *a = NULL;
		assert_int_equal(nz_store_article_by_id(f->store, f->arena, ids[i], &a, &f->err),
				 NZ_OK);
		for (size_t m = 0; m < sizeof(maxes) / sizeof(*maxes); m++)
			assert_string_equal(pass_ids(f, a, maxes[m]),
					    reference_ids(f, a, maxes[m]));
	}
}

/* The pass stores ids computed without loading the articles, on its own test of who may be
 * listed (SQLite: a public set per language, remembered until an article changes): the
 * reference's ids, in its order, for every article (public or not, any language) and every
 * length of list, beside articles under embargo or scheduled, and after changes made on this
 * connection and on another. */
static void test_the_ids_only_list_is_the_reference(void **state)
{
	fixture *f = *state;
	int64_t ids[8];
	corpus(f, ids);
	add(f, (story){.slug = "third", .headline = "Third minehunter", .body = "Minehunter."});
	add(f, (story){.slug = "embargoed",
		       .headline = "Minehunter flotilla news",
		       .body = "The minehunter flotilla.",
		       .embargo = NOW + DAY});
	add(f, (story){.slug = "was-embargoed",
		       .headline = "Budget flotilla",
		       .body = "The defense budget.",
		       .embargo = NOW - 60});
	add(f, (story){.slug = "scheduled",
		       .headline = "Minehunter budget",
		       .body = "The minehunter budget.",
		       .published = NOW + DAY});
	compare_every_list(f, ids, 8);
	/* Not trivial: lists of several, in rank order, without the embargoed or scheduled. */
	assert_string_equal(reference(f, ids[0]), "cousin sister third was-embargoed");
	assert_string_equal(reference(f, ids[3]), "budget-2 was-embargoed");
	/* A retraction on this connection, then an article from another one. */
	nz_article_transition t = {.id = ids[2], .ev = NZ_EV_RETRACT};
	assert_int_equal(nz_store_article_transition(f->store, f->arena, &t, NULL, &f->err), NZ_OK);
	compare_every_list(f, ids, 8);
	nz_store *mine = f->store, *other = NULL;
	assert_int_equal(nz_store_open(f->path, 0, &other, &f->err), NZ_OK);
	f->store = other;
	add(f, (story){.slug = "fourth", .headline = "Fourth minehunter", .body = "Minehunter."});
	f->store = mine;
	nz_store_close(other);
	compare_every_list(f, ids, 8);
	assert_string_equal(reference(f, ids[0]), "sister was-embargoed fourth third");
}

/* Merging the index before a bulk pass (`related --all`, reindex, a clean build) changes no
 * search result and no list; merging again is harmless. */
static void test_merging_the_index_changes_no_result(void **state)
{
	fixture *f = *state;
	int64_t ids[8];
	const char *before[8];
	corpus(f, ids); /* one article a transaction: one segment each */
	for (size_t i = 0; i < 8; i++)
		before[i] = reference(f, ids[i]);
	found s0 = search(f, "flotilla");
	assert_true(s0.n >= 3);
	assert_int_equal(nz_store_search_optimize(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_search_optimize(f->store, &f->err), NZ_OK);
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(reference(f, ids[i]), before[i]);
	found s1 = search(f, "flotilla");
	assert_int_equal(s1.n, s0.n);
	for (size_t i = 0; i < s0.n; i++)
		assert_string_equal(s1.slugs[i], s0.slugs[i]);
	pass_of(f, true);
	check_every_list(f, ids);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_bulk_pass_equals_the_reference),
	    T(test_a_clean_pass_stores_every_list),
	    T(test_a_retraction_leaves_every_list_at_once),
	    T(test_an_edit_refreshes_its_own_list),
	    T(test_a_first_neighbour_names_the_page_of_an_empty_list),
	    T(test_a_word_another_connection_shares_is_counted_again),
	    T(test_the_ids_only_list_is_the_reference),
	    T(test_merging_the_index_changes_no_result),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
