/*
 * Tests the store's media uploads (store/media.c and its backends' twins): the row and its
 * bytes written together, the bytes once per hash, the picker's list newest first and only
 * rows with bytes, blob sizes, and an upload read back through a second handle on the same
 * database (on PostgreSQL: what another node sees).
 */
#include "store/store_test.h"

static void test_media_add_get_and_audit(void **state)
{
	fixture *f = *state;
	int64_t cal = make_user(f, "cal", NZ_ROLE_CONTRIBUTOR);
	nz_media m = {.mime = "image/png",
		      .width = 640,
		      .height = 480,
		      .caption = "Deck",
		      .credit = "Navy",
		      .alt = "Sailors on deck"};
	assert_int_equal(nz_store_media_add(f->store, f->arena, cal, &m, "PNG\0BYTES", 9, &f->err),
			 NZ_OK);
	assert_true(m.id > 0);

	nz_media *got = NULL;
	assert_int_equal(nz_store_media_get(f->store, f->arena, m.id, &got, &f->err), NZ_OK);
	assert_int_equal(got->id, m.id);
	assert_string_equal(got->hash, m.hash);
	assert_string_equal(got->mime, "image/png");
	assert_int_equal(got->width, 640);
	assert_int_equal(got->height, 480);
	assert_string_equal(got->caption, "Deck");
	assert_string_equal(got->credit, "Navy");
	assert_string_equal(got->alt, "Sailors on deck");
	assert_int_equal(nz_store_media_get(f->store, f->arena, m.id + 1, &got, &f->err),
			 NZ_NOTFOUND);

	int64_t size = 0;
	assert_int_equal(nz_store_blob_size(f->store, m.hash, &size, &f->err), NZ_OK);
	assert_int_equal(size, 9);
	char other[65];
	nz_sha256_hex("other", 5, other);
	assert_int_equal(nz_store_blob_size(f->store, other, &size, &f->err), NZ_NOTFOUND);
	assert_int_equal(db_int(f, "SELECT count(*) FROM audit_log WHERE action = "
				   "'media.uploaded' AND object_type = 'media'"),
			 1);
	assert_int_equal(db_int(f, "SELECT user_id FROM audit_log WHERE action = "
				   "'media.uploaded'"),
			 cal);
}

static void test_media_list_newest_first_with_bytes(void **state)
{
	fixture *f = *state;
	const char *bytes[] = {"one", "two", "three"};
	int64_t ids[3];
	for (int i = 0; i < 3; i++) {
		nz_media m = {.mime = "image/jpeg"};
		assert_int_equal(nz_store_media_add(f->store, f->arena, 0, &m, bytes[i],
						    strlen(bytes[i]), &f->err),
				 NZ_OK);
		ids[i] = m.id;
	}
	/* A caption without a photo (an imported article's) is not offered in the picker. */
	assert_int_equal(db_exec(f, "INSERT INTO media(hash, mime, caption, created_at) "
				    "VALUES (NULL, NULL, 'no photo', 1)"),
			 0);
	nz_media *list = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_media_list(f->store, f->arena, 10, 0, &list, &n, &f->err), NZ_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, ids[2]);
	assert_int_equal(list[2].id, ids[0]);
	assert_int_equal(nz_store_media_list(f->store, f->arena, 1, 1, &list, &n, &f->err), NZ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, ids[1]);
	assert_int_equal(nz_store_media_list(f->store, f->arena, 10, 3, &list, &n, &f->err), NZ_OK);
	assert_int_equal(n, 0);
}

/* The photos of a range of articles in one query: each article's, in its order, only photos
 * with bytes (a caption alone is no image). */
static void test_article_photos_of_a_range(void **state)
{
	fixture *f = *state;
	nz_media up[2] = {{.mime = "image/jpeg", .width = 800, .height = 600, .alt = "A"},
			  {.mime = "image/png", .width = 400, .height = 300, .alt = "B"}};
	for (int i = 0; i < 2; i++)
		assert_int_equal(
		    nz_store_media_add(f->store, f->arena, 0, &up[i], i ? "b" : "a", 1, &f->err),
		    NZ_OK);
	nz_article *a[3];
	for (int i = 0; i < 3; i++) {
		a[i] = small_article(f->arena, nz_arena_printf(f->arena, "photos-%d", i),
				     NZ_STATUS_PUBLISHED, 1780000000 + i);
		a[i]->media = nz_arena_zalloc(f->arena, 2 * sizeof(nz_media));
	}
	a[0]->media[0] = up[1];
	a[0]->media[1] = up[0];
	a[0]->n_media = 2;
	a[2]->media[0] = (nz_media){.caption = "a caption alone"};
	a[2]->media[1] = up[1];
	a[2]->n_media = 2;
	for (int i = 0; i < 3; i++)
		assert_int_equal(nz_store_article_create(f->store, f->arena, a[i], NULL, &f->err),
				 NZ_OK);

	nz_article_photo *ph = NULL;
	size_t n = 0;
	assert_int_equal(
	    nz_store_article_photos(f->store, f->arena, a[0]->id, a[2]->id, &ph, &n, &f->err),
	    NZ_OK);
	assert_int_equal(n, 3);
	assert_int_equal(ph[0].article_id, a[0]->id);
	assert_int_equal(ph[0].media.id, up[1].id);
	assert_string_equal(ph[0].media.alt, "B");
	assert_int_equal(ph[0].media.width, 400);
	assert_int_equal(ph[1].article_id, a[0]->id);
	assert_string_equal(ph[1].media.hash, up[0].hash);
	assert_int_equal(ph[2].article_id, a[2]->id);
	assert_string_equal(ph[2].media.mime, "image/png");
	assert_int_equal(
	    nz_store_article_photos(f->store, f->arena, a[1]->id, a[1]->id, &ph, &n, &f->err),
	    NZ_OK);
	assert_int_equal(n, 0);
}

static void test_upload_read_through_another_handle(void **state)
{
	fixture *f = *state;
	unsigned char photo[70000];
	for (size_t i = 0; i < sizeof(photo); i++)
		photo[i] = (unsigned char)(i * 31 + (i >> 8));
	nz_media m = {.mime = "image/jpeg", .width = 1, .height = 1};
	assert_int_equal(
	    nz_store_media_add(f->store, f->arena, 0, &m, photo, sizeof(photo), &f->err), NZ_OK);

	nz_store *other = NULL;
	assert_int_equal(nz_store_open(f->path, 0, &other, &f->err), NZ_OK);
	const void *got = NULL;
	size_t len = 0;
	const char *mime = NULL;
	assert_int_equal(nz_store_blob_get(other, f->arena, m.hash, &got, &len, &mime, &f->err),
			 NZ_OK);
	assert_int_equal(len, sizeof(photo));
	assert_memory_equal(got, photo, len);
	assert_string_equal(mime, "image/jpeg");
	nz_media *row = NULL;
	assert_int_equal(nz_store_media_get(other, f->arena, m.id, &row, &f->err), NZ_OK);
	assert_string_equal(row->hash, m.hash);
	nz_store_close(other);
}

/* Renditions: kept by (source hash, name), the first put wins, and the worker's queue lists
 * each hash once until its last rendition exists. */
static void test_renditions(void **state)
{
	fixture *f = *state;
	nz_media a = {.mime = "image/jpeg", .width = 800, .height = 600}, b = a, c = a;
	assert_int_equal(nz_store_media_add(f->store, f->arena, 0, &a, "AAA", 3, &f->err), NZ_OK);
	assert_int_equal(nz_store_media_add(f->store, f->arena, 0, &b, "AAA", 3, &f->err), NZ_OK);
	assert_int_equal(nz_store_media_add(f->store, f->arena, 0, &c, "CCC", 3, &f->err), NZ_OK);
	nz_media *q = NULL;
	size_t n = 0;
	assert_int_equal(nz_store_media_unrendered(f->store, f->arena, "191x100.f", ".w1200.jpg",
						   10, &q, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 2); /* a and b share their bytes */
	assert_string_equal(q[0].hash, a.hash);
	assert_int_equal(q[0].width, 800);
	assert_string_equal(q[1].hash, c.hash);

	const void *bytes = NULL;
	size_t len = 0;
	const char *mime = NULL;
	assert_int_equal(nz_store_rendition_get(f->store, f->arena, a.hash, "w320.webp", &bytes,
						&len, &mime, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(nz_store_rendition_put(f->store, a.hash, "w320.webp", "image/webp",
						"RIFF1", 5, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_rendition_put(f->store, a.hash, "w320.webp", "image/webp",
						"RIFF2-longer", 12, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_rendition_get(f->store, f->arena, a.hash, "w320.webp", &bytes,
						&len, &mime, &f->err),
			 NZ_OK);
	assert_int_equal(len, 5);
	assert_memory_equal(bytes, "RIFF1", 5);
	assert_string_equal(mime, "image/webp");
	assert_int_equal(
	    nz_store_rendition_put(f->store, "nothex", "jpg", "image/jpeg", "x", 1, &f->err),
	    NZ_INVAL);
	assert_int_equal(nz_store_rendition_put(f->store, a.hash, "191x100.f50-50.w1200.jpg",
						"image/jpeg", "J", 1, &f->err),
			 NZ_OK);
	assert_int_equal(nz_store_media_unrendered(f->store, f->arena, "191x100.f", ".w1200.jpg",
						   10, &q, &n, &f->err),
			 NZ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(q[0].hash, c.hash);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_media_add_get_and_audit),
	    T(test_media_list_newest_first_with_bytes),
	    T(test_article_photos_of_a_range),
	    T(test_upload_read_through_another_handle),
	    T(test_renditions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
