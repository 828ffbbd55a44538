/* Tests src/site/output.c and src/site/manifest.c: which file answers a URL on a static server
 * (folders with index.html, decoded Hangul names, nothing outside the export), crash-safe
 * writes with a .gz copy only when it is smaller, removals that take empty folders with them,
 * and the manifest read back as it was written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "site/site_int.h"

typedef struct fx {
	char dir[64];
	nz_arena *arena;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/nz-site-unit-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->arena = nz_arena_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	nz_arena_free(f->arena);
	free(f);
	return 0;
}

static char *slurp(const char *dir, const char *rel, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	return buf;
}

static bool exists(const char *dir, const char *rel)
{
	char path[512];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	return stat(path, &st) == 0;
}

static void pages_are_folders_with_an_index(void **state)
{
	fx *f = *state;
	assert_string_equal(nz__site_file_for(f->arena, "/", true), "index.html");
	assert_string_equal(nz__site_file_for(f->arena, "/page/2", true), "page/2/index.html");
	assert_string_equal(nz__site_file_for(f->arena, "/article/navy-drill", true),
			    "article/navy-drill/index.html");
	assert_string_equal(nz__site_file_for(f->arena, "/feed.rss", false), "feed.rss");
	/* Hangul slugs are percent-encoded in links and UTF-8 on disk. */
	assert_string_equal(nz__site_file_for(f->arena, "/tag/%EA%B5%AD%EB%B0%A9/feed.atom", false),
			    "tag/국방/feed.atom");
	/* Nothing may leave the export's folder or hide in odd names. */
	assert_null(nz__site_file_for(f->arena, "/article/../../etc/passwd", false));
	assert_null(nz__site_file_for(f->arena, "/article/%2e%2e/x", true));
	assert_null(nz__site_file_for(f->arena, "/a//b", false));
	assert_null(nz__site_file_for(f->arena, "/a%00b", false));
	assert_null(nz__site_file_for(f->arena, "relative", false));
}

static void writes_a_smaller_gzip_beside_text(void **state)
{
	fx *f = *state;
	char page[4096];
	bool gz = false;
	size_t len = 0, zlen = 0;
	for (size_t i = 0; i < sizeof page; i++)
		page[i] = "<p>news</p>\n"[i % 12];
	assert_int_equal(
	    nz__site_write(f->dir, "article/x/index.html", page, sizeof page, &gz, NULL), NZ_OK);
	assert_true(gz);
	char *back = slurp(f->dir, "article/x/index.html", &len);
	assert_int_equal(len, sizeof page);
	assert_memory_equal(back, page, len);
	char *z = slurp(f->dir, "article/x/index.html.gz", &zlen);
	assert_true(zlen < len);
	/* It is gzip of the same bytes. */
	z_stream s = {0};
	char out[8192];
	assert_int_equal(inflateInit2(&s, 15 + 16), Z_OK);
	s.next_in = (Bytef *)z;
	s.avail_in = (uInt)zlen;
	s.next_out = (Bytef *)out;
	s.avail_out = sizeof out;
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	assert_int_equal(s.total_out, sizeof page);
	assert_memory_equal(out, page, sizeof page);
	inflateEnd(&s);
	free(back);
	free(z);
	/* Rewritten small: the stale .gz goes. Binary files never get one. */
	assert_int_equal(nz__site_write(f->dir, "article/x/index.html", "<p>x</p>", 8, &gz, NULL),
			 NZ_OK);
	assert_false(gz);
	assert_false(exists(f->dir, "article/x/index.html.gz"));
	assert_int_equal(nz__site_write(f->dir, "media/ab.png", page, sizeof page, &gz, NULL),
			 NZ_OK);
	assert_false(gz);
	assert_true(nz__site_file_matches(f->dir, "media/ab.png", sizeof page));
	assert_false(nz__site_file_matches(f->dir, "media/ab.png", 1));
}

static void removal_takes_empty_folders(void **state)
{
	fx *f = *state;
	bool gz;
	char big[1024];
	memset(big, 'a', sizeof big);
	nz__site_write(f->dir, "article/old/index.html", big, sizeof big, &gz, NULL);
	nz__site_write(f->dir, "article/kept/index.html", "k", 1, &gz, NULL);
	assert_int_equal(nz__site_remove(f->dir, "article/old/index.html", NULL), NZ_OK);
	assert_false(exists(f->dir, "article/old/index.html"));
	assert_false(exists(f->dir, "article/old/index.html.gz"));
	assert_false(exists(f->dir, "article/old"));
	assert_true(exists(f->dir, "article/kept/index.html"));
	/* Removing what is not there is fine; a path outside is refused. */
	nz_err err = {0};
	assert_int_equal(nz__site_remove(f->dir, "article/none/index.html", &err), NZ_OK);
	assert_int_equal(nz__site_remove(f->dir, "../outside", &err), NZ_INVAL);
}

static void manifest_reads_back_what_it_wrote(void **state)
{
	fx *f = *state;
	nz__manifest *m = nz__manifest_new();
	m->seq = 42;
	snprintf(m->fingerprint, sizeof m->fingerprint, "%s", "abc123");
	nz__mf_file file = {.url = "/tag/%EA%B5%AD%EB%B0%A9",
			    .path = "tag/국방/index.html",
			    .owner = "tag-7",
			    .keys = "tag-7,article-1,article-2",
			    .size = 1234,
			    .gz = true};
	nz__site_hash("x", 1, file.hash);
	assert_int_equal(nz__manifest_add_file(m, &file), NZ_OK);
	assert_int_equal(
	    nz__manifest_add_article(m, 9, "navy-drill", "section-1,tag-7", "s1", "l1"), NZ_OK);
	assert_int_equal(nz__manifest_add_subject(m, "tag-7", "tag", "국방", "h1"), NZ_OK);
	assert_int_equal(nz__manifest_write(f->dir, m, NULL), NZ_OK);
	nz__manifest_free(m);

	nz__manifest *r = nz__manifest_new();
	nz_err err = {0};
	assert_int_equal(nz__manifest_read(f->dir, r, &err), NZ_OK);
	assert_int_equal(r->seq, 42);
	assert_string_equal(r->fingerprint, "abc123");
	const nz__mf_file *g = nz__manifest_find(r, "/tag/%EA%B5%AD%EB%B0%A9");
	assert_non_null(g);
	assert_string_equal(g->path, "tag/국방/index.html");
	assert_string_equal(g->keys, "tag-7,article-1,article-2");
	assert_int_equal(g->size, 1234);
	assert_true(g->gz);
	assert_null(nz__manifest_find(r, "/tag/other"));
	nz__mf_article *a = nz__manifest_article(r, 9);
	assert_non_null(a);
	assert_string_equal(a->subjects, "section-1,tag-7");
	assert_string_equal(a->sig, "s1");
	assert_string_equal(a->link, "l1");
	assert_null(nz__manifest_article(r, 10));
	assert_string_equal(nz__manifest_subject(r, "tag-7")->slug, "국방");
	nz__manifest_free(r);

	/* Something else in its place is refused, not half-read. */
	char path[256];
	snprintf(path, sizeof path, "%s/.newszone-manifest", f->dir);
	FILE *fp = fopen(path, "w");
	fputs("not a manifest\n", fp);
	fclose(fp);
	r = nz__manifest_new();
	assert_int_equal(nz__manifest_read(f->dir, r, &err), NZ_PARSE);
	nz__manifest_free(r);
	unlink(path);
	r = nz__manifest_new();
	assert_int_equal(nz__manifest_read(f->dir, r, &err), NZ_NOTFOUND);
	nz__manifest_free(r);
}

static const int64_t sorted_ids[] = {1, 2, 3, 4, 7, 9, 10, 11, 12};

/* A manifest with three articles "made" and six "kept" (the made ones added first, or last),
 * sorted: they come out as sorted_ids. */
static nz__manifest *sorted_manifest(bool made_first)
{
	static const int64_t made[] = {7, 3, 12}, kept[] = {1, 2, 4, 9, 10, 11};
	nz__manifest *m = nz__manifest_new();
	for (size_t pass = 0; pass < 2; pass++) {
		bool made_now = (pass == 0) == made_first;
		const int64_t *ids = made_now ? made : kept;
		for (size_t i = 0; i < (made_now ? 3u : 6u); i++)
			assert_int_equal(nz__manifest_add_article(m, ids[i], "s", "", "g", "l"),
					 NZ_OK);
	}
	assert_false(m->articles_sorted);
	nz__manifest_sort(m);
	assert_int_equal(m->n_articles, 9);
	for (size_t i = 0; i < 9; i++)
		assert_int_equal(m->articles[i].id, sorted_ids[i]);
	return m;
}

/* A build adds the articles it made, then the kept ones (in id order): the manifest is written
 * in id order, read back without a sort, and every record is found; a kept file is found by its
 * URL in the manifest that borrowed it. */
static void manifest_keeps_articles_in_id_order(void **state)
{
	fx *f = *state;
	nz__manifest *m = sorted_manifest(true);
	nz__mf_file file = {.url = "/a", .path = "a", .owner = "front", .keys = "", .size = 1};
	nz__site_hash("a", 1, file.hash);
	assert_int_equal(nz__manifest_add_file(m, &file), NZ_OK);
	assert_int_equal(nz__manifest_write(f->dir, m, NULL), NZ_OK);
	nz__manifest_free(m);

	nz__manifest *r = nz__manifest_new(), *next = nz__manifest_new();
	nz_err err = {0};
	assert_int_equal(nz__manifest_read(f->dir, r, &err), NZ_OK);
	assert_true(r->articles_sorted);
	for (size_t i = 0; i < 9; i++)
		assert_non_null(nz__manifest_article(r, sorted_ids[i]));
	assert_null(nz__manifest_article(r, 5));
	assert_int_equal(nz__manifest_keep_file(next, &r->files[0]), NZ_OK);
	assert_ptr_equal(nz__manifest_find_as(next, &r->files[0]), &next->files[0]);
	assert_ptr_equal(nz__manifest_find(next, "/a"), &next->files[0]);
	assert_null(nz__manifest_find(next, "/b"));
	nz__manifest_free(next);
	nz__manifest_free(r);
}

/* An incremental build changes the last manifest in place: its kept articles (in id order)
 * come first, those it made after; a file it removed is marked, and not written back. */
static void manifest_changed_in_place_sorts_and_drops(void **state)
{
	fx *f = *state;
	nz__manifest *m = sorted_manifest(false);
	nz__mf_file a = {.url = "/a", .path = "a", .owner = "front", .keys = "", .size = 1};
	nz__mf_file b = {.url = "/b", .path = "b", .owner = "tag-1", .keys = "", .size = 1};
	nz__site_hash("a", 1, a.hash);
	nz__site_hash("b", 1, b.hash);
	assert_int_equal(nz__manifest_add_file(m, &a), NZ_OK);
	assert_int_equal(nz__manifest_add_file(m, &b), NZ_OK);
	nz__manifest_find(m, "/b")->removed = true;
	assert_int_equal(nz__manifest_write(f->dir, m, NULL), NZ_OK);
	nz__manifest_free(m);

	nz__manifest *r = nz__manifest_new();
	nz_err err = {0};
	assert_int_equal(nz__manifest_read(f->dir, r, &err), NZ_OK);
	assert_true(r->articles_sorted);
	assert_int_equal(r->n_files, 1);
	assert_non_null(nz__manifest_find(r, "/a"));
	assert_null(nz__manifest_find(r, "/b"));
	nz__manifest_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(pages_are_folders_with_an_index, setup, teardown),
	    cmocka_unit_test_setup_teardown(writes_a_smaller_gzip_beside_text, setup, teardown),
	    cmocka_unit_test_setup_teardown(removal_takes_empty_folders, setup, teardown),
	    cmocka_unit_test_setup_teardown(manifest_reads_back_what_it_wrote, setup, teardown),
	    cmocka_unit_test_setup_teardown(manifest_keeps_articles_in_id_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(manifest_changed_in_place_sorts_and_drops, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
