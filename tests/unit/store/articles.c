/* Tests src/store/sqlite/articles.c: creating an article with everything hanging off it,
 * reading it back by slug and id, unique slugs, and that a failed create leaves nothing behind. */
#include "store/store_test.h"

static void assert_same_author(const nz_author *want, const nz_author *got)
{
	assert_string_equal(got->slug, want->slug);
	assert_string_equal(got->display_name, want->display_name);
	assert_string_equal(got->family_name, want->family_name);
	assert_string_equal(got->given_name, want->given_name);
	assert_int_equal(got->order, want->order);
	if (want->email)
		assert_string_equal(got->email, want->email);
	else
		assert_null(got->email);
	if (want->bio)
		assert_string_equal(got->bio, want->bio);
	else
		assert_null(got->bio);
	assert_int_equal(got->id, want->id);
}

static void assert_same_article(const nz_article *a, const nz_article *got)
{
	assert_int_equal(got->id, a->id);
	assert_string_equal(got->uuid, a->uuid);
	assert_string_equal(got->slug, a->slug);
	assert_string_equal(got->language, a->language);
	assert_int_equal(got->status, a->status);
	assert_non_null(got->section);
	assert_string_equal(got->section->slug, "defense");
	assert_string_equal(got->section->name, "Defense");
	assert_int_equal(got->section->id, a->section->id);
	assert_string_equal(got->headline, a->headline);
	assert_string_equal(got->highlights_intro, "During the meeting:");
	assert_int_equal(got->n_highlights, 2);
	assert_string_equal(got->highlights[0], a->highlights[0]);
	assert_string_equal(got->highlights[1], "한국어 요점: 합동 훈련");
	assert_string_equal(got->dateline, "BUSAN, June 4");
	assert_string_equal(got->body_markdown, a->body_markdown);
	assert_string_equal(got->copyright, a->copyright);
	assert_int_equal(got->n_authors, 2);
	assert_same_author(&a->authors[0], &got->authors[0]);
	assert_same_author(&a->authors[1], &got->authors[1]);
	assert_int_equal(got->n_tags, 2);
	assert_string_equal(got->tags[0].slug, "navy");
	assert_string_equal(got->tags[1].name, "Busan");
	assert_int_equal(got->n_media, 1);
	assert_null(got->media[0].hash); /* a caption without a photo */
	assert_string_equal(got->media[0].caption, a->media[0].caption);
	assert_string_equal(got->media[0].credit, "Newszone");
	assert_null(got->media[0].alt);
	assert_int_equal(got->media[0].id, a->media[0].id);
	assert_int_equal(got->n_corrections, 0);
	assert_int_equal(got->n_import_notes, 2);
	assert_string_equal(got->import_notes[0], "Photo: file");
	assert_string_equal(got->import_notes[1], "Reporter's note 국방");
	assert_int_equal(got->translation_group, 0);
	assert_int_equal(got->created_at, 1780000000);
	assert_int_equal(got->updated_at, 1780000100);
	assert_int_equal(got->published_at, 1780000050);
	assert_int_equal(got->publish_at, 0);
	assert_int_equal(got->embargo_until, 0);
	assert_int_equal(got->revision, 1);
}

static void test_round_trip_every_field(void **state)
{
	fixture *f = *state;
	nz_article *a = sample_article(f->arena, "navies-train-together", "Navies train together");

	assert_int_equal(nz_store_article_create(f->store, f->arena, a, "imported", &f->err),
			 NZ_OK);
	assert_true(a->id > 0);
	assert_true(a->section->id > 0 && a->authors[0].id > 0 && a->authors[1].id > 0);
	assert_true(a->tags[0].id > 0 && a->media[0].id > 0);

	nz_arena *other = nz_arena_new(); /* results live in the arena given, not the input's */
	nz_article *got = NULL;
	assert_int_equal(nz_store_article_by_slug(f->store, other, a->slug, &got, &f->err), NZ_OK);
	assert_same_article(a, got);
	assert_int_equal(nz_store_article_by_id(f->store, other, a->id, &got, &f->err), NZ_OK);
	assert_same_article(a, got);
	nz_arena_free(other);

	/* Revision 1 holds a full snapshot. */
	assert_int_equal(count_rows(f, "revisions"), 1);
	/* (read through the store: SQLite's and PostgreSQL's JSON functions differ) */
	nz_article *snap = NULL;
	assert_int_equal(nz_store_revision_article(f->store, f->arena, a->id, 1, &snap, &f->err),
			 NZ_OK);
	assert_int_equal(snap->revision, 1);
	assert_int_equal(snap->n_authors, 2);
	assert_int_equal(db_int(f, "SELECT count(*) FROM revisions WHERE note = 'imported'"), 1);
}

static void test_missing_article_is_not_found(void **state)
{
	fixture *f = *state;
	nz_article *got = (nz_article *)1;
	assert_int_equal(nz_store_article_by_slug(f->store, f->arena, "nope", &got, &f->err),
			 NZ_NOTFOUND);
	assert_null(got);
	assert_int_equal(nz_store_article_by_id(f->store, f->arena, 42, &got, &f->err),
			 NZ_NOTFOUND);
	assert_non_null(strstr(f->err.msg, "42"));
}

static void test_slug_collision_gets_a_number(void **state)
{
	fixture *f = *state;
	const char *slugs[3];
	for (int i = 0; i < 3; i++) {
		nz_article *a = small_article(f->arena, "same-title", NZ_STATUS_DRAFT, 0);
		assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err),
				 NZ_OK);
		slugs[i] = a->slug;
	}
	assert_string_equal(slugs[0], "same-title");
	assert_string_equal(slugs[1], "same-title-2");
	assert_string_equal(slugs[2], "same-title-3");
	nz_article *got = NULL;
	assert_int_equal(
	    nz_store_article_by_slug(f->store, f->arena, "same-title-3", &got, &f->err), NZ_OK);
}

static void test_numbered_slug_stays_within_the_limit(void **state)
{
	fixture *f = *state;
	char slug[NZ_SLUG_MAX + 1];
	memset(slug, 'a', NZ_SLUG_MAX);
	slug[NZ_SLUG_MAX] = '\0';
	for (int i = 0; i < 2; i++) {
		nz_article *a =
		    small_article(f->arena, nz_arena_strdup(f->arena, slug), NZ_STATUS_DRAFT, 0);
		assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err),
				 NZ_OK);
		assert_true(strlen(a->slug) <= NZ_SLUG_MAX);
		if (i == 1)
			assert_string_equal(a->slug + NZ_SLUG_MAX - 2, "-2");
	}
}

static const char *const tables[] = {
    "articles",     "sections", "authors",       "tags",         "article_authors",
    "article_tags", "media",    "article_media", "import_notes", "revisions",
};

static void assert_no_rows(const fixture *f)
{
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (count_rows(f, tables[i]) != 0)
			fail_msg("table %s has rows after a failed create", tables[i]);
	}
}

static void test_invalid_article_writes_nothing(void **state)
{
	fixture *f = *state;
	nz_article *a = sample_article(f->arena, "bad", "   ");
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_INVAL);
	assert_non_null(strstr(f->err.msg, "headline"));
	assert_int_equal(a->id, 0);
	assert_no_rows(f);
}

static void test_failure_half_way_rolls_everything_back(void **state)
{
	fixture *f = *state;
	nz_article *a = sample_article(f->arena, "half-way", "Fails half way");
	/* Passes validation, but the database refuses it after the article row is in. */
	a->media[0].width = -1;
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_INVAL);
	assert_non_null(strstr(f->err.msg, "media[0]"));
	assert_no_rows(f);
	/* The caller's struct does not claim rows that were rolled back. */
	assert_int_equal(a->id, 0);
	assert_int_equal(a->revision, 0);
	assert_int_equal(a->section->id, 0);
	assert_int_equal(a->authors[0].id, 0);
	assert_int_equal(a->tags[1].id, 0);

	/* The same article, fixed, then goes in whole. */
	a->media[0].width = 0;
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	assert_string_equal(a->slug, "half-way");
	assert_int_equal(count_rows(f, "articles"), 1);
}

static void test_same_author_twice_is_refused(void **state)
{
	fixture *f = *state;
	nz_article *a = sample_article(f->arena, "twice", "Twice");
	a->authors[1] = a->authors[0];
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_INVAL);
	assert_non_null(strstr(f->err.msg, "maeng-su-yeol"));
	assert_no_rows(f);
}

static void test_media_with_stored_photo(void **state)
{
	fixture *f = *state;
	const char png[] = "\x89PNG\r\n\x1a\nfake";
	char hash[65];
	nz_sha256_hex(png, sizeof(png) - 1, hash);
	nz_article *a = sample_article(f->arena, "photo", "Photo");
	a->media[0].hash = hash;
	a->media[0].mime = "image/png";
	a->media[0].width = 640;
	a->media[0].height = 480;
	a->media[0].alt = "Two ships";

	/* The photo's bytes must be stored first. */
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_INVAL);
	assert_int_equal(
	    nz_store_blob_put(f->store, hash, "image/png", png, sizeof(png) - 1, &f->err), NZ_OK);
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	nz_article *got = NULL;
	assert_int_equal(nz_store_article_by_id(f->store, f->arena, a->id, &got, &f->err), NZ_OK);
	assert_string_equal(got->media[0].hash, hash);
	assert_string_equal(got->media[0].mime, "image/png");
	assert_string_equal(got->media[0].alt, "Two ships");
	assert_int_equal(got->media[0].width, 640);
	assert_int_equal(got->media[0].height, 480);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_round_trip_every_field),         T(test_missing_article_is_not_found),
	    T(test_slug_collision_gets_a_number),   T(test_numbered_slug_stays_within_the_limit),
	    T(test_invalid_article_writes_nothing), T(test_failure_half_way_rolls_everything_back),
	    T(test_same_author_twice_is_refused),   T(test_media_with_stored_photo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
