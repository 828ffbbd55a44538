/*
 * Tests the store's live coverage (store/sqlite/live.c and its PostgreSQL twin): starting,
 * ending and starting again; updates added newest first, edited from the revision they were
 * based on (a stale edit is refused and changes nothing), pinned, deleted; and every write to a
 * published article's coverage names its page in the change feed, so cached pages never go
 * stale. The kinds of an update (text, photo, quote) keep their fields, and a photo update reads
 * its photo with it. A story rises in the public lists with its newest update (listed_at), pages
 * through the keyset cursor in that order, and the lists' cache keys are named when it moves.
 */
#include <time.h>

#include "store/store_test.h"

static int64_t published(fixture *f, const char *slug)
{
	nz_article *a = small_article(f->arena, slug, NZ_STATUS_PUBLISHED, 1780000000);
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	return a->id;
}

/* Whether the change feed named "article-<id>" after seq. */
static bool named(fixture *f, int64_t seq, int64_t id)
{
	char want[48];
	snprintf(want, sizeof want, "article-%lld", (long long)id);
	return feed_names(f, seq, want);
}

static int64_t seq_now(fixture *f)
{
	int64_t seq = 0;
	assert_int_equal(nz_store_change_seq(f->store, &seq, &f->err), NZ_OK);
	return seq;
}

static void test_start_end_and_start_again(void **state)
{
	fixture *f = *state;
	int64_t id = published(f, "summit");
	nz_live live;
	assert_int_equal(nz_store_live_get(f->store, f->arena, id, &live, &f->err), NZ_OK);
	assert_int_equal(live.started_at, 0);
	assert_int_equal(live.n_updates, 0);

	int64_t seq = seq_now(f);
	assert_int_equal(nz_store_live_set(f->store, id, true, &f->err), NZ_OK);
	assert_true(named(f, seq, id));
	assert_int_equal(nz_store_live_get(f->store, f->arena, id, &live, &f->err), NZ_OK);
	assert_true(live.started_at > 0);
	assert_int_equal(live.ended_at, 0);
	nz_time started = live.started_at;

	assert_int_equal(nz_store_live_set(f->store, id, true, &f->err), NZ_OK); /* no-op */
	assert_int_equal(nz_store_live_set(f->store, id, false, &f->err), NZ_OK);
	assert_int_equal(nz_store_live_get(f->store, f->arena, id, &live, &f->err), NZ_OK);
	assert_int_equal(live.started_at, started);
	assert_true(live.ended_at >= started);

	assert_int_equal(nz_store_live_set(f->store, id, true, &f->err), NZ_OK);
	assert_int_equal(nz_store_live_get(f->store, f->arena, id, &live, &f->err), NZ_OK);
	assert_int_equal(live.started_at, started);
	assert_int_equal(live.ended_at, 0);
}

static void test_updates_add_edit_pin_delete(void **state)
{
	fixture *f = *state;
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	int64_t id = published(f, "storm"), other = published(f, "calm");
	assert_int_equal(nz_store_live_set(f->store, id, true, &f->err), NZ_OK);

	int64_t seq = seq_now(f);
	nz_live_update first = {.article_id = id, .body_markdown = "The storm reached the coast."};
	assert_int_equal(nz_store_live_update_save(f->store, &first, eve, &f->err), NZ_OK);
	assert_true(first.id > 0);
	assert_int_equal(first.revision, 1);
	assert_int_equal(first.actor, eve);
	assert_true(named(f, seq, id));
	nz_live_update second = {.article_id = id, .body_markdown = "Ferries are cancelled."};
	assert_int_equal(nz_store_live_update_save(f->store, &second, 0, &f->err), NZ_OK);

	nz_live live;
	assert_int_equal(nz_store_live_get(f->store, f->arena, id, &live, &f->err), NZ_OK);
	assert_int_equal(live.n_updates, 2);
	assert_int_equal(live.updates[0].id, second.id); /* newest first */
	assert_string_equal(live.updates[1].body_markdown, "The storm reached the coast.");
	assert_int_equal(live.updates[1].actor, eve);
	assert_false(live.updates[1].pinned);

	/* An edit from revision 1 pins it; a second edit still based on revision 1 loses. */
	nz_live_update edit = first;
	edit.body_markdown = "The storm reached the coast at noon.";
	edit.pinned = true;
	seq = seq_now(f);
	assert_int_equal(nz_store_live_update_save(f->store, &edit, eve, &f->err), NZ_OK);
	assert_int_equal(edit.revision, 2);
	assert_int_equal(edit.created_at, first.created_at);
	assert_true(named(f, seq, id));
	nz_live_update stale = first;
	stale.body_markdown = "Overwritten?";
	assert_int_equal(nz_store_live_update_save(f->store, &stale, eve, &f->err), NZ_CONFLICT);
	assert_non_null(strstr(f->err.msg, "revision 1 (now 2)"));
	assert_int_equal(nz_store_live_get(f->store, f->arena, id, &live, &f->err), NZ_OK);
	assert_string_equal(live.updates[1].body_markdown, "The storm reached the coast at noon.");
	assert_true(live.updates[1].pinned);
	assert_int_equal(live.updates[1].revision, 2);

	/* An update belongs to its article: not found through another one. */
	nz_live_update foreign = edit;
	foreign.article_id = other;
	assert_int_equal(nz_store_live_update_save(f->store, &foreign, eve, &f->err), NZ_NOTFOUND);
	assert_int_equal(nz_store_live_update_delete(f->store, other, second.id, &f->err),
			 NZ_NOTFOUND);

	seq = seq_now(f);
	assert_int_equal(nz_store_live_update_delete(f->store, id, second.id, &f->err), NZ_OK);
	assert_true(named(f, seq, id));
	assert_int_equal(nz_store_live_update_delete(f->store, id, second.id, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(nz_store_live_get(f->store, f->arena, id, &live, &f->err), NZ_OK);
	assert_int_equal(live.n_updates, 1);
	assert_int_equal(live.updates[0].id, first.id);
}

/* A quote and a photo update read back with their fields, the photo's row with the update; an
 * edit that names no kind keeps them; a photo deleted from the library leaves the update. */
static void test_kinds_and_their_photo(void **state)
{
	fixture *f = *state;
	int64_t id = published(f, "rally");
	nz_media m = {.mime = "image/png",
		      .width = 640,
		      .height = 480,
		      .caption = "The square",
		      .credit = "Kim",
		      .alt = "People in the square"};
	assert_int_equal(nz_store_media_add(f->store, f->arena, 0, &m, "PNGBYTES", 8, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_live_set(f->store, id, true, &f->err), NZ_OK);
	nz_live_update q = {.article_id = id,
			    .body_markdown = "",
			    .kind = "quote",
			    .quote = "We will hold.",
			    .attribution = "The mayor"};
	nz_live_update p = {
	    .article_id = id, .body_markdown = "Noon.", .kind = "photo", .media_id = m.id};
	assert_int_equal(nz_store_live_update_save(f->store, &q, 0, &f->err), NZ_OK);
	assert_int_equal(nz_store_live_update_save(f->store, &p, 0, &f->err), NZ_OK);
	nz_live live;
	assert_int_equal(nz_store_live_get(f->store, f->arena, id, &live, &f->err), NZ_OK);
	assert_int_equal(live.n_updates, 2);
	const nz_live_update *got_p = &live.updates[0], *got_q = &live.updates[1];
	if (got_p->id != p.id) { /* posted within the same second: either order */
		got_p = &live.updates[1];
		got_q = &live.updates[0];
	}
	assert_string_equal(got_q->kind, "quote");
	assert_string_equal(got_q->quote, "We will hold.");
	assert_string_equal(got_q->attribution, "The mayor");
	assert_null(got_q->photo);
	assert_string_equal(got_p->kind, "photo");
	assert_int_equal(got_p->media_id, m.id);
	assert_non_null(got_p->photo);
	assert_string_equal(got_p->photo->hash, m.hash);
	assert_string_equal(got_p->photo->alt, "People in the square");
	assert_int_equal(got_p->photo->width, 640);

	nz_live_update e = {
	    .id = q.id, .article_id = id, .revision = q.revision, .body_markdown = "Said at noon."};
	assert_int_equal(nz_store_live_update_save(f->store, &e, 0, &f->err), NZ_OK);
	/* the photo is in use while an update shows it: the library names the article */
	assert_int_equal(nz_store_media_delete(f->store, 0, m.id, &f->err), NZ_CONFLICT);
	nz_article *uses = NULL;
	size_t n_uses = 0;
	assert_int_equal(nz_store_media_uses(f->store, f->arena, m.id, &uses, &n_uses, &f->err),
			 NZ_OK);
	assert_int_equal(n_uses, 1);
	assert_int_equal(uses[0].id, id);
	assert_int_equal(nz_store_live_update_delete(f->store, id, p.id, &f->err), NZ_OK);
	assert_int_equal(nz_store_media_delete(f->store, 0, m.id, &f->err), NZ_OK);
	assert_int_equal(nz_store_live_get(f->store, f->arena, id, &live, &f->err), NZ_OK);
	assert_int_equal(live.n_updates, 1);
	assert_string_equal(live.updates[0].kind, "quote");
	assert_string_equal(live.updates[0].quote, "We will hold.");
	assert_string_equal(live.updates[0].body_markdown, "Said at noon.");
}

/* The slugs of one public page of the front page's list (limit, after the cursor) or of the
 * section "world" (section true); *last gets the page's last article. */
static const char *public_page(fixture *f, bool section, size_t limit, const nz_article *after,
			       nz_article *last)
{
	nz_article_query q = {.public_only = true,
			      .now = time(NULL) + 60,
			      .limit = limit,
			      .section_slug = section ? "world" : NULL};
	nz_article_list list;
	if (after) {
		q.before_time = after->listed_at;
		q.before_id = after->id;
	}
	assert_int_equal(nz_store_article_list(f->store, f->arena, &q, &list, &f->err), NZ_OK);
	if (last && list.n)
		*last = list.items[list.n - 1];
	return list_slugs(f, &list);
}

static int64_t published_in(fixture *f, const char *slug, nz_time at)
{
	nz_article *a = small_article(f->arena, slug, NZ_STATUS_PUBLISHED, at);
	a->section = nz_arena_zalloc(f->arena, sizeof(nz_section));
	a->section->slug = "world";
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	return a->id;
}

static void test_a_live_story_rises_in_lists_with_its_newest_update(void **state)
{
	fixture *f = *state;
	nz_time now = time(NULL);
	int64_t eve = make_user(f, "eve", NZ_ROLE_EDITOR);
	int64_t summit = published_in(f, "summit", now - 7200);
	published_in(f, "budget", now - 3600);
	published_in(f, "harbour", now - 10800);
	assert_string_equal(public_page(f, false, 10, NULL, NULL), "budget summit harbour");

	assert_int_equal(nz_store_live_set(f->store, summit, true, &f->err), NZ_OK);
	int64_t seq = seq_now(f);
	nz_live_update u = {.article_id = summit, .body_markdown = "The leaders met."};
	assert_int_equal(nz_store_live_update_save(f->store, &u, eve, &f->err), NZ_OK);
	/* ahead of the newer article on the front page and on its section's page */
	assert_string_equal(public_page(f, false, 10, NULL, NULL), "summit budget harbour");
	assert_string_equal(public_page(f, true, 10, NULL, NULL), "summit budget harbour");
	/* the pages listing it are named, so their cached copies are dropped */
	assert_true(feed_names(f, seq, "front"));
	nz_article *a = NULL;
	assert_int_equal(nz_store_article_by_id(f->store, f->arena, summit, &a, &f->err), NZ_OK);
	char section_key[48];
	snprintf(section_key, sizeof section_key, "section-%lld", (long long)a->section->id);
	assert_true(feed_names(f, seq, section_key));
	assert_int_equal(a->listed_at, u.created_at);
	assert_int_equal(a->published_at, now - 7200);

	/* the keyset cursor pages in the same order, each story once */
	nz_article last;
	assert_string_equal(public_page(f, false, 1, NULL, &last), "summit");
	assert_string_equal(public_page(f, false, 1, &last, &last), "budget");
	assert_string_equal(public_page(f, false, 1, &last, &last), "harbour");
	assert_string_equal(public_page(f, true, 2, NULL, &last), "summit budget");
	assert_string_equal(public_page(f, true, 2, &last, &last), "harbour");

	/* an edit of the update does not move it; once the coverage ends the story keeps the
	 * time of its last update; deleting that update puts it back at its publication */
	u.body_markdown = "The leaders met at noon.";
	assert_int_equal(nz_store_live_update_save(f->store, &u, eve, &f->err), NZ_OK);
	assert_int_equal(nz_store_live_set(f->store, summit, false, &f->err), NZ_OK);
	assert_string_equal(public_page(f, false, 10, NULL, NULL), "summit budget harbour");
	seq = seq_now(f);
	assert_int_equal(nz_store_live_update_delete(f->store, summit, u.id, &f->err), NZ_OK);
	assert_string_equal(public_page(f, false, 10, NULL, NULL), "budget summit harbour");
	assert_true(feed_names(f, seq, "front"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_start_end_and_start_again),
	    T(test_updates_add_edit_pin_delete),
	    T(test_kinds_and_their_photo),
	    T(test_a_live_story_rises_in_lists_with_its_newest_update),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
