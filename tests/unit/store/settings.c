/*
 * The store's contract for the settings (store/settings.c and each backend's settings.c): the
 * site's settings over their defaults, single values set, read, removed and stored once, and
 * nested transactions (probed through settings, the simplest write), and a page's chrome (the
 * settings with the sections and static pages, in one call). Runs on SQLite, and on PostgreSQL
 * under `make test-pg` (store_test.h).
 */
#include "store/store_test.h"

static void test_settings_override_defaults(void **state)
{
	fixture *f = *state;
	nz_site def, site;
	nz_site_defaults(&def);
	assert_int_equal(nz_store_site_load(f->store, f->arena, &site, &f->err), NZ_OK);
	assert_string_equal(site.name, def.name);
	assert_string_equal(site.time_zone, def.time_zone);

	assert_int_equal(nz_store_setting_set(f->store, "name", "뉴스존 데일리", &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "time_zone", "America/New_York", &f->err),
			 NZ_OK);
	assert_int_equal(
	    nz_store_setting_set(f->store, "base_url", "https://news.example", &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "time_zone", "Mars/Olympus", &f->err),
			 NZ_INVAL);
	assert_int_equal(nz_store_setting_set(f->store, "time_zone", "../../etc/passwd", &f->err),
			 NZ_INVAL);
	assert_int_equal(nz_store_setting_set(f->store, "tz_offset_min", "540", &f->err), NZ_INVAL);
	assert_int_equal(nz_store_setting_set(f->store, "", "x", &f->err), NZ_INVAL);
	assert_int_equal(nz_store_site_load(f->store, f->arena, &site, &f->err), NZ_OK);
	assert_string_equal(site.name, "뉴스존 데일리");
	assert_string_equal(site.base_url, "https://news.example");
	assert_string_equal(site.time_zone, "America/New_York");
	assert_string_equal(site.language, def.language);

	/* Setting a value again replaces it; NULL brings the default back. */
	assert_int_equal(nz_store_setting_set(f->store, "name", "Second", &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "time_zone", NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_site_load(f->store, f->arena, &site, &f->err), NZ_OK);
	assert_string_equal(site.name, "Second");
	assert_string_equal(site.time_zone, def.time_zone);
	assert_int_equal(count_rows(f, "settings"), 2);
}

/* A database of an older version keeps a fixed offset (tz_offset_min): it reads as the zone
 * that keeps that offset exactly, and setting a zone removes it. */
static void test_a_fixed_offset_becomes_a_zone(void **state)
{
	fixture *f = *state;
	nz_site site;
	static const struct {
		const char *offset, *zone;
	} cases[] = {
	    {"0", "UTC"}, {"540", "Etc/GMT-9"}, {"-300", "Etc/GMT+5"}, {"330", "UTC+05:30"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char sql[128];
		snprintf(sql, sizeof sql,
			 "DELETE FROM settings WHERE key = 'tz_offset_min'; INSERT INTO "
			 "settings(key, value) VALUES ('tz_offset_min', '%s')",
			 cases[i].offset);
		assert_int_equal(db_exec(f, sql), 0);
		assert_int_equal(nz_store_site_load(f->store, f->arena, &site, &f->err), NZ_OK);
		assert_string_equal(site.time_zone, cases[i].zone);
	}
	assert_int_equal(nz_store_setting_set(f->store, "time_zone", "Asia/Seoul", &f->err), NZ_OK);
	assert_int_equal(db_int(f, "SELECT COUNT(*) FROM settings WHERE key = 'tz_offset_min'"), 0);
	assert_int_equal(nz_store_site_load(f->store, f->arena, &site, &f->err), NZ_OK);
	assert_string_equal(site.time_zone, "Asia/Seoul");
}

static void test_setting_ensure_keeps_the_first(void **state)
{
	fixture *f = *state;
	const char *v = NULL;
	assert_int_equal(nz_store_setting_get(f->store, f->arena, "csrf_secret", &v, &f->err),
			 NZ_NOTFOUND);
	assert_int_equal(
	    nz_store_setting_ensure(f->store, f->arena, "csrf_secret", "one", &v, &f->err), NZ_OK);
	assert_string_equal(v, "one");
	assert_int_equal(
	    nz_store_setting_ensure(f->store, f->arena, "csrf_secret", "two", &v, &f->err), NZ_OK);
	assert_string_equal(v, "one");
	/* The site's settings are not disturbed by keys they do not know. */
	nz_site site;
	assert_int_equal(nz_store_site_load(f->store, f->arena, &site, &f->err), NZ_OK);
	assert_string_equal(site.name, "Newszone Daily");
}

/* nz_store_begin nests: an inner rollback undoes only the inner writes, the outer commit keeps
 * the rest; an outer rollback undoes everything, and a write op inside runs in its own savepoint.
 */
static void test_transactions_nest(void **state)
{
	fixture *f = *state;
	const char *v = NULL;
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "a", "1", &f->err), NZ_OK);
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "b", "2", &f->err), NZ_OK);
	nz_store_rollback(f->store);
	assert_int_equal(nz_store_setting_get(f->store, f->arena, "b", &v, &f->err), NZ_NOTFOUND);
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "c", "3", &f->err), NZ_OK);
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_OK);
	/* Not visible to another connection before the outer commit. */
	assert_int_equal(count_rows(f, "settings"), 0);
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_OK);
	assert_int_equal(count_rows(f, "settings"), 2);
	assert_int_equal(nz_store_commit(f->store, &f->err), NZ_INVAL);

	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "a", NULL, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_ensure(f->store, f->arena, "d", "4", &v, &f->err), NZ_OK);
	nz_store_rollback(f->store);
	nz_store_rollback(f->store); /* nothing open: nothing to do */
	assert_int_equal(nz_store_setting_get(f->store, f->arena, "a", &v, &f->err), NZ_OK);
	assert_string_equal(v, "1");
	assert_int_equal(nz_store_setting_get(f->store, f->arena, "d", &v, &f->err), NZ_NOTFOUND);
	assert_int_equal(count_rows(f, "settings"), 2);
}

/* A page's chrome as a page shows it: the site's name, tagline and zone, the sections (slug,
 * name, position, other names) and the static pages (slug, title, role, position, revision). */
static const char *chrome_text(nz_arena *arena, const nz_site *site, const nz_section *sec,
			       size_t n, const nz_static_page *pages, size_t n_pages)
{
	const char *t = nz_arena_printf(arena, "%s|%s|%s;", site->name,
					site->tagline ? site->tagline : "", site->time_zone);
	for (size_t i = 0; t && i < n; i++)
		t = nz_arena_printf(arena, "%s %s=%s@%d%s", t, sec[i].slug, sec[i].name,
				    sec[i].position, sec[i].names ? sec[i].names : "");
	t = t ? nz_arena_printf(arena, "%s;", t) : NULL;
	for (size_t i = 0; t && i < n_pages; i++)
		t = nz_arena_printf(arena, "%s /%s=%s(%s)@%lld.%lld", t, pages[i].slug,
				    pages[i].title, pages[i].role ? pages[i].role : "",
				    (long long)pages[i].position, (long long)pages[i].revision);
	assert_non_null(t);
	return t;
}

/* The chrome in one call, and what the three operations give one by one: the two must agree. */
static const char *chrome_of(fixture *f)
{
	nz_site_chrome c;
	assert_int_equal(nz_store_site_chrome(f->store, f->arena, &c, &f->err), NZ_OK);
	const char *one =
	    chrome_text(f->arena, &c.site, c.sections, c.n_sections, c.pages, c.n_pages);
	nz_site site;
	nz_section *sec = NULL;
	nz_static_page *pages = NULL;
	size_t n = 0, n_pages = 0;
	assert_int_equal(nz_store_site_load(f->store, f->arena, &site, &f->err), NZ_OK);
	assert_int_equal(nz_store_section_list(f->store, f->arena, &sec, &n, &f->err), NZ_OK);
	assert_int_equal(nz_store_static_page_list(f->store, f->arena, &pages, &n_pages, &f->err),
			 NZ_OK);
	assert_string_equal(one, chrome_text(f->arena, &site, sec, n, pages, n_pages));
	return one;
}

static void save_page(fixture *f, nz_static_page *p)
{
	p->body_markdown = "We report the news.";
	assert_int_equal(nz_store_static_page_save(f->store, p, 0, &f->err), NZ_OK);
}

/* site_chrome: the settings over their defaults, the sections in the navigation's order and the
 * static pages in the footer's, as the three operations give them; the next call after a change
 * sees it, and so does a call inside an open transaction (its own writes). */
static void test_site_chrome_is_settings_sections_and_pages(void **state)
{
	fixture *f = *state;
	nz_site def;
	nz_site_defaults(&def);
	char want[256];
	snprintf(want, sizeof want, "%s|%s|%s;;", def.name, def.tagline ? def.tagline : "",
		 def.time_zone);
	assert_string_equal(chrome_of(f), want); /* nothing stored: the defaults, no lists */

	assert_int_equal(nz_store_setting_set(f->store, "name", "뉴스존 데일리", &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "tagline", "News daily", &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "time_zone", "Asia/Seoul", &f->err), NZ_OK);
	nz_section world = {.slug = "world", .name = "World", .position = 2},
		   arts = {.slug = "arts",
			   .name = "Arts",
			   .position = 1,
			   .names = "{\"ko\":\"문화\"}"},
		   politics = {.slug = "politics", .name = "Politics", .position = 1};
	assert_int_equal(nz_store_section_save(f->store, 0, &world, &f->err), NZ_OK);
	assert_int_equal(nz_store_section_save(f->store, 0, &politics, &f->err), NZ_OK);
	assert_int_equal(nz_store_section_save(f->store, 0, &arts, &f->err), NZ_OK);
	nz_static_page
	    about = {.slug = "about", .title = "About us", .role = "about", .position = 2},
	    ethics = {.slug = "ethics", .title = "Ethics", .role = "ethicsPolicy", .position = 1},
	    contact = {.slug = "contact", .title = "Contact", .position = 2};
	save_page(f, &about);
	save_page(f, &ethics);
	save_page(f, &contact);
	assert_string_equal(chrome_of(f),
			    "뉴스존 데일리|News daily|Asia/Seoul; arts=Arts@1{\"ko\":"
			    "\"문화\"} politics=Politics@1 world=World@2; "
			    "/ethics=Ethics(ethicsPolicy)@1.1 /about=About us(about)@2.1 "
			    "/contact=Contact()@2.1");

	/* Changed: the next call sees it. */
	assert_int_equal(nz_store_setting_set(f->store, "tagline", NULL, &f->err), NZ_OK);
	world.name = "Globe";
	world.position = 0;
	assert_int_equal(nz_store_section_save(f->store, 0, &world, &f->err), NZ_OK);
	about.title = "Who we are";
	save_page(f, &about);
	snprintf(want, sizeof want,
		 "뉴스존 데일리|%s|Asia/Seoul; world=Globe@0 arts=Arts@1{\"ko\":\"문화\"} "
		 "politics=Politics@1; /ethics=Ethics(ethicsPolicy)@1.1 /contact=Contact()@2.1 "
		 "/about=Who we are(about)@2.2",
		 def.tagline ? def.tagline : "");
	assert_string_equal(chrome_of(f), want);

	/* Inside a transaction: its own writes, and the transaction stays open. */
	assert_int_equal(nz_store_begin(f->store, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(f->store, "name", "Draft", &f->err), NZ_OK);
	nz_site_chrome c;
	assert_int_equal(nz_store_site_chrome(f->store, f->arena, &c, &f->err), NZ_OK);
	assert_string_equal(c.site.name, "Draft");
	assert_int_equal(c.n_sections, 3);
	assert_int_equal(c.n_pages, 3);
	nz_store_rollback(f->store);
	assert_int_equal(nz_store_site_chrome(f->store, f->arena, &c, &f->err), NZ_OK);
	assert_string_equal(c.site.name, "뉴스존 데일리");
}

/* A handle opened read-only reads the settings and refuses to write them. */
static void test_read_only_refuses_setting_writes(void **state)
{
	fixture *f = *state;
	nz_store *ro = NULL;
	const char *v = NULL;
	nz_site site;
	assert_int_equal(nz_store_setting_set(f->store, "name", "Daily", &f->err), NZ_OK);
	assert_int_equal(nz_store_open(f->path, NZ_STORE_READONLY, &ro, &f->err), NZ_OK);
	assert_int_equal(nz_store_site_load(ro, f->arena, &site, &f->err), NZ_OK);
	assert_string_equal(site.name, "Daily");
	assert_int_equal(nz_store_setting_set(ro, "name", "Other", &f->err), NZ_PERM);
	assert_int_equal(nz_store_setting_ensure(ro, f->arena, "k", "v", &v, &f->err), NZ_PERM);
	assert_int_equal(nz_store_begin(ro, &f->err), NZ_PERM);
	nz_store_close(ro);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_settings_override_defaults),
	    T(test_setting_ensure_keeps_the_first),
	    T(test_a_fixed_offset_becomes_a_zone),
	    T(test_transactions_nest),
	    T(test_read_only_refuses_setting_writes),
	    T(test_site_chrome_is_settings_sections_and_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
