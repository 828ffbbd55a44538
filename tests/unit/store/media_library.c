/*
 * Tests the store's media library (store/media.c's library front, sqlite/media_library.c and
 * postgres/media_library.c): finding photos by the words of their texts and file name (through
 * each backend's index), by use and by upload time, keyset pages; the articles that use a photo;
 * edits of texts and focal point (audited, a change for each article that shows the photo, kept
 * when the article is saved again, and the renditions queue asking for the new crops), each kept as
 * a revision; deletion refused while a photo is used.
 */
#include "store/store_test.h"

static nz_media upload(fixture *f, const char *bytes, const char *caption, const char *credit,
		       const char *alt, const char *filename)
{
	nz_media m = {.mime = "image/jpeg",
		      .width = 800,
		      .height = 600,
		      .caption = caption,
		      .credit = credit,
		      .alt = alt,
		      .filename = filename};
	assert_int_equal(
	    nz_store_media_add(f->store, f->arena, 0, &m, bytes, strlen(bytes), &f->err), NZ_OK);
	return m;
}

static nz_article *article_with(fixture *f, const char *slug, const nz_media *m)
{
	nz_article *a = small_article(f->arena, slug, NZ_STATUS_PUBLISHED, 1780000000);
	a->media = nz_arena_zalloc(f->arena, sizeof(nz_media));
	a->media[0] = (nz_media){.id = m->id};
	a->n_media = 1;
	assert_int_equal(nz_store_article_create(f->store, f->arena, a, NULL, &f->err), NZ_OK);
	return a;
}

static size_t search(fixture *f, nz_media_filter q, nz_media_entry **out)
{
	size_t n = 0;
	assert_int_equal(nz_store_media_search(f->store, f->arena, &q, out, &n, &f->err), NZ_OK);
	return n;
}

static void test_search_texts_use_and_pages(void **state)
{
	fixture *f = *state;
	nz_media ship = upload(f, "s", "Frigate at dawn", "Navy", "A grey ship", "frigate.jpg");
	nz_media tank = upload(f, "t", "Tanks on parade", "Army Press", NULL, "IMG_0042.JPG");
	nz_media plane = upload(f, "p", "100% ready", NULL, "Jet on a runway", "jet.png");
	article_with(f, "uses-the-tank", &tank);
	nz_media_entry *e = NULL;

	assert_int_equal(search(f, (nz_media_filter){0}, &e), 3);
	assert_int_equal(e[0].media.id, plane.id); /* newest first */
	assert_string_equal(e[2].media.filename, "frigate.jpg");
	assert_true(e[0].created_at > 0);
	assert_int_equal(e[1].n_uses, 1);
	assert_int_equal(e[0].n_uses, 0);

	/* caption, credit, alt text and file name, whatever the case */
	assert_int_equal(search(f, (nz_media_filter){.text = "DAWN"}, &e), 1);
	assert_int_equal(e[0].media.id, ship.id);
	assert_int_equal(search(f, (nz_media_filter){.text = "army"}, &e), 1);
	assert_int_equal(search(f, (nz_media_filter){.text = "runway"}, &e), 1);
	assert_int_equal(search(f, (nz_media_filter){.text = "img_0042"}, &e), 1);
	assert_int_equal(e[0].media.id, tank.id);
	/* words, each the beginning of a word (through the index): punctuation splits them, the
	 * middle of a word is not found, a query without a word finds nothing */
	assert_int_equal(search(f, (nz_media_filter){.text = "100%"}, &e), 1);
	assert_int_equal(search(f, (nz_media_filter){.text = "frig DAW"}, &e), 1);
	assert_int_equal(e[0].media.id, ship.id);
	assert_int_equal(search(f, (nz_media_filter){.text = "frigate tanks"}, &e), 0);
	assert_int_equal(search(f, (nz_media_filter){.text = "img_"}, &e), 1);
	assert_int_equal(search(f, (nz_media_filter){.text = "rigate"}, &e), 0);
	assert_int_equal(search(f, (nz_media_filter){.text = "%_\\\""}, &e), 0);
	assert_int_equal(search(f, (nz_media_filter){.text = "submarine"}, &e), 0);
	/* an edit moves the photo in the index */
	nz_media edit = {.id = ship.id, .caption = "Submarine at dusk", .alt = "A grey ship"};
	assert_int_equal(nz_store_media_update(f->store, 0, &edit, &f->err), NZ_OK);
	assert_int_equal(search(f, (nz_media_filter){.text = "dawn"}, &e), 0);
	assert_int_equal(search(f, (nz_media_filter){.text = "submarine"}, &e), 1);

	assert_int_equal(search(f, (nz_media_filter){.used = 1}, &e), 1);
	assert_int_equal(e[0].media.id, tank.id);
	assert_int_equal(search(f, (nz_media_filter){.used = -1}, &e), 2);

	/* keyset pages: two, then the rest */
	assert_int_equal(search(f, (nz_media_filter){.limit = 2}, &e), 2);
	assert_int_equal(search(f, (nz_media_filter){.limit = 2, .before = e[1].media.id}, &e), 1);
	assert_int_equal(e[0].media.id, ship.id);

	/* by upload time */
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE media SET created_at = 1000 WHERE id = %lld",
		 (long long)ship.id);
	assert_int_equal(db_exec(f, sql), 0);
	assert_int_equal(search(f, (nz_media_filter){.to = 2000}, &e), 1);
	assert_int_equal(e[0].media.id, ship.id);
	assert_int_equal(search(f, (nz_media_filter){.from = 2000}, &e), 2);
}

static void test_uses_and_delete(void **state)
{
	fixture *f = *state;
	int64_t ed = make_user(f, "ed", NZ_ROLE_EDITOR);
	nz_media m = upload(f, "m", "Harbour", NULL, "Boats", NULL);
	nz_article *a = article_with(f, "harbour-one", &m);
	nz_article *b = article_with(f, "harbour-two", &m);
	nz_article *uses = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_media_uses(f->store, f->arena, m.id, &uses, &n, &f->err), NZ_OK);
	assert_int_equal(n, 2);
	assert_int_equal(uses[0].id, b->id);
	assert_string_equal(uses[0].slug, "harbour-two");
	assert_string_equal(uses[1].headline, a->headline);
	assert_int_equal(uses[1].status, NZ_STATUS_PUBLISHED);

	assert_int_equal(nz_store_media_delete(f->store, ed, m.id, &f->err), NZ_CONFLICT);
	nz_media *got = NULL;
	assert_int_equal(nz_store_media_get(f->store, f->arena, m.id, &got, &f->err), NZ_OK);

	/* once no article shows it, it goes */
	for (int i = 0; i < 2; i++) {
		nz_article *x = i ? b : a;
		x->n_media = 0;
		assert_int_equal(
		    nz_store_article_update(f->store, f->arena, ed, x, x->revision, NULL, &f->err),
		    NZ_OK);
	}
	assert_int_equal(nz_store_media_delete(f->store, ed, m.id, &f->err), NZ_OK);
	assert_int_equal(nz_store_media_get(f->store, f->arena, m.id, &got, &f->err), NZ_NOTFOUND);
	assert_int_equal(nz_store_media_delete(f->store, ed, m.id, &f->err), NZ_NOTFOUND);
	assert_int_equal(db_int(f, "SELECT count(*) FROM audit_log WHERE action = 'media.deleted'"),
			 1);
	/* the bytes stay for the revisions that name them */
	int64_t size = 0;
	assert_int_equal(nz_store_blob_size(f->store, m.hash, &size, &f->err), NZ_OK);
}

static void test_edit_texts_and_focal_point(void **state)
{
	fixture *f = *state;
	int64_t ed = make_user(f, "ed", NZ_ROLE_EDITOR);
	nz_media m = upload(f, "f", "Old caption", "Old credit", NULL, "pier.jpg");
	nz_article *a = article_with(f, "the-pier", &m);
	nz_media *got = NULL;
	assert_int_equal(nz_store_media_get(f->store, f->arena, m.id, &got, &f->err), NZ_OK);
	assert_false(got->has_focal);
	int x = 0, y = 0;
	nz_media_focal(got, &x, &y);
	assert_true(x == 50 && y == 50);

	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM changes WHERE key = 'article-%lld'",
		 (long long)a->id);
	int64_t before = db_int(f, sql);
	nz_media edit = {.id = m.id,
			 .caption = "New caption",
			 .credit = "Navy",
			 .alt = "A pier at low tide",
			 .has_focal = true,
			 .focal_x = 20,
			 .focal_y = 75};
	assert_int_equal(nz_store_media_update(f->store, ed, &edit, &f->err), NZ_OK);
	assert_true(db_int(f, sql) > before); /* the article's pages are made again */
	assert_int_equal(nz_store_media_get(f->store, f->arena, m.id, &got, &f->err), NZ_OK);
	assert_string_equal(got->caption, "New caption");
	assert_string_equal(got->alt, "A pier at low tide");
	assert_string_equal(got->filename, "pier.jpg");
	assert_true(got->has_focal && got->focal_x == 20 && got->focal_y == 75);
	assert_int_equal(db_int(f, "SELECT count(*) FROM audit_log WHERE action = 'media.edited'"),
			 1);

	/* the article shows the edited photo and keeps its focal point when saved again */
	nz_article *cur = NULL;
	assert_int_equal(nz_store_article_by_id(f->store, f->arena, a->id, &cur, &f->err), NZ_OK);
	assert_string_equal(cur->media[0].caption, "New caption");
	assert_int_equal(cur->media[0].focal_x, 20);
	cur->media[0] = (nz_media){
	    .id = m.id, .caption = "New caption", .credit = "Navy", .alt = "A pier at low tide"};
	assert_int_equal(
	    nz_store_article_update(f->store, f->arena, ed, cur, cur->revision, NULL, &f->err),
	    NZ_OK);
	assert_int_equal(cur->media[0].id, m.id); /* unchanged: the same row */
	assert_true(cur->media[0].has_focal && cur->media[0].focal_y == 75);

	/* the worker's queue asks for the crop around the new point */
	nz_media *q = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_rendition_put(f->store, m.hash, "191x100.f50-50.w1200.jpg",
						"image/jpeg", "J", 1, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_media_unrendered(f->store, f->arena, "191x100.f", ".w1200.jpg",
						   10, &q, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 1);
	assert_true(q[0].focal_x == 20 && q[0].focal_y == 75);
	assert_int_equal(nz_store_rendition_put(f->store, m.hash, "191x100.f20-75.w1200.jpg",
						"image/jpeg", "J", 1, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_media_unrendered(f->store, f->arena, "191x100.f", ".w1200.jpg",
						   10, &q, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 0);

	/* back to the centre; bad input changes nothing */
	edit.has_focal = false;
	assert_int_equal(nz_store_media_update(f->store, ed, &edit, &f->err), NZ_OK);
	assert_int_equal(nz_store_media_get(f->store, f->arena, m.id, &got, &f->err), NZ_OK);
	assert_false(got->has_focal);
	edit.has_focal = true;
	edit.focal_x = 101;
	edit.caption = "Not saved";
	assert_int_equal(nz_store_media_update(f->store, ed, &edit, &f->err), NZ_INVAL);
	assert_int_equal(nz_store_media_get(f->store, f->arena, m.id, &got, &f->err), NZ_OK);
	assert_string_equal(got->caption, "New caption");
	edit.id = m.id + 100;
	edit.focal_x = 10;
	assert_int_equal(nz_store_media_update(f->store, ed, &edit, &f->err), NZ_NOTFOUND);
}

static void test_revisions(void **state)
{
	fixture *f = *state;
	int64_t ed = make_user(f, "ed", NZ_ROLE_EDITOR);
	nz_media m = upload(f, "r", "Crane", "Desk", "A crane", NULL);
	nz_media_revision *r = NULL;
	size_t n = 9;
	assert_int_equal(nz_store_media_revisions(f->store, f->arena, m.id, &r, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 0); /* never edited */

	nz_media edit = {
	    .id = m.id, .caption = "Crane at night", .credit = "Desk", .alt = "A crane"};
	assert_int_equal(nz_store_media_update(f->store, ed, &edit, &f->err), NZ_OK);
	assert_int_equal(nz_store_media_update(f->store, ed, &edit, &f->err), NZ_OK); /* same */
	edit.has_focal = true;
	edit.focal_x = 30;
	edit.focal_y = 60;
	assert_int_equal(nz_store_media_update(f->store, 0, &edit, &f->err), NZ_OK);
	assert_int_equal(nz_store_media_revisions(f->store, f->arena, m.id, &r, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n,
			 3); /* newest first: the point (system), the caption (ed), as uploaded */
	assert_true(r[0].has_focal && r[0].focal_x == 30 && r[0].focal_y == 60);
	assert_int_equal(r[0].user_id, 0);
	assert_null(r[0].user_login);
	assert_string_equal(r[1].caption, "Crane at night");
	assert_int_equal(r[1].user_id, ed);
	assert_string_equal(r[1].user_login, "ed");
	assert_false(r[1].has_focal);
	assert_true(r[1].at > 0 && r[0].id > r[1].id);
	assert_string_equal(r[2].caption, "Crane");
	assert_string_equal(r[2].credit, "Desk");
	assert_int_equal(r[2].user_id, 0);

	/* a refused edit leaves none */
	edit.focal_x = 101;
	assert_int_equal(nz_store_media_update(f->store, ed, &edit, &f->err), NZ_INVAL);
	assert_int_equal(nz_store_media_revisions(f->store, f->arena, m.id, &r, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 3);
	/* they go with an unused photo */
	assert_int_equal(nz_store_media_delete(f->store, ed, m.id, &f->err), NZ_OK);
	assert_int_equal(db_int(f, "SELECT count(*) FROM media_revisions"), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_search_texts_use_and_pages),
	    T(test_uses_and_delete),
	    T(test_edit_texts_and_focal_point),
	    T(test_revisions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
