/*
 * Tests src/store/postgres/batch.c against a real server: reads sent together come
 * back in one round trip (one Sync on the wire, counted with libpq's trace) with the rows each
 * would have read alone, in or out of a transaction; a failed one reports its error and leaves
 * the connection usable, outside any transaction; an article loads whole (row, section,
 * authors and tags in order, a caption, a correction, an import note) by slug and by id in one
 * round trip; and a page's chrome (site_chrome: settings, sections, static pages) takes one
 * round trip, with nothing kept for the next call.
 */
#include "store/postgres/pg_test.h"

static nz_store *open_store(pg_fixture *f)
{
	nz_store *s = NULL;
	if (nz__pg_open(f->conninfo, NZ_STORE_CREATE, &s, &f->err) != NZ_OK)
		fail_msg("open: %s", f->err.msg);
	return s;
}

/* Counts the round trips of the store's connection from now on: libpq's trace of the messages
 * it sends, where every round trip ends with a Sync (a pipeline's one, or each statement's). */
typedef struct trace {
	FILE *file;
	PGconn *conn;
} trace;

static trace trace_start(nz_store *s)
{
	trace t = {tmpfile(), nz__pg_h(s)->conn};
	assert_non_null(t.file);
	PQtrace(t.conn, t.file);
	PQsetTraceFlags(t.conn, PQTRACE_SUPPRESS_TIMESTAMPS);
	return t;
}

/* How many messages named what ("Sync", "Execute") went out since trace_start; stops the trace. */
static int trace_count(trace *t, const char *what)
{
	char line[4096], tab_what[32];
	int n = 0;
	snprintf(tab_what, sizeof tab_what, "\t%s", what);
	PQuntrace(t->conn);
	rewind(t->file);
	while (fgets(line, sizeof line, t->file))
		n += strncmp(line, "F\t", 2) == 0 && strstr(line, tab_what) != NULL;
	fclose(t->file);
	return n;
}

static int trace_syncs(trace *t)
{
	return trace_count(t, "Sync");
}

static const nz__pg_sql q_one = {"SELECT $1::int + 1"};
static const nz__pg_sql q_two = {"SELECT s FROM generate_series(1, $1::int) s"};
static const nz__pg_sql q_div = {"SELECT 1 / ($1::int - 1)"};

static void test_reads_come_back_in_one_round_trip(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	nz__pg_int64(&p, 3);
	nz__pg_read r[] = {{&q_one, &p, "one", NULL}, {&q_two, &p, "two", NULL}};

	assert_int_equal(nz__pg_reads(h, r, 2, &f->err), NZ_OK); /* prepares them */
	nz__pg_reads_clear(r, 2);
	trace t = trace_start(s);
	assert_int_equal(nz__pg_reads(h, r, 2, &f->err), NZ_OK);
	assert_int_equal(trace_syncs(&t), 1);
	assert_string_equal(PQgetvalue(r[0].res, 0, 0), "4");
	assert_int_equal(PQntuples(r[1].res), 3);
	assert_string_equal(PQgetvalue(r[1].res, 2, 0), "3");
	nz__pg_reads_clear(r, 2);
	assert_null(r[0].res);
	assert_int_equal(PQtransactionStatus(h->conn), PQTRANS_IDLE);

	/* Inside a transaction: in it (its writes seen), and it stays open. */
	assert_int_equal(nz_store_begin(s, &f->err), NZ_OK);
	assert_int_equal(nz_store_setting_set(s, "k", "v", &f->err), NZ_OK);
	static const nz__pg_sql q_k = {"SELECT value FROM settings WHERE key = 'k'"};
	nz__pg_read rk[] = {{&q_k, NULL, "k", NULL}, {&q_one, &p, "one", NULL}};
	assert_int_equal(nz__pg_reads(h, rk, 2, &f->err), NZ_OK);
	assert_string_equal(PQgetvalue(rk[0].res, 0, 0), "v");
	nz__pg_reads_clear(rk, 2);
	assert_int_equal(nz_store_commit(s, &f->err), NZ_OK);
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM settings WHERE key = 'k'"), 1);
	nz_store_close(s);
}

static void test_a_failed_read_reports_and_leaves_the_connection_usable(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	nz__pg_int64(&p, 1);
	nz__pg_read r[] = {
	    {&q_one, &p, "one", NULL}, {&q_div, &p, "divide", NULL}, {&q_two, &p, "two", NULL}};

	assert_int_not_equal(nz__pg_reads(h, r, 3, &f->err), NZ_OK);
	assert_non_null(strstr(f->err.msg, "divide: "));
	assert_non_null(strstr(f->err.msg, "division by zero"));
	for (int i = 0; i < 3; i++)
		assert_null(r[i].res);
	assert_int_equal(PQtransactionStatus(h->conn), PQTRANS_IDLE);
	assert_int_equal(PQpipelineStatus(h->conn), PQ_PIPELINE_OFF);
	assert_int_equal(nz__pg_reads(h, r, 1, &f->err), NZ_OK);
	assert_string_equal(PQgetvalue(r[0].res, 0, 0), "2");
	nz__pg_reads_clear(r, 1);
	nz_store_close(s);
}

/* An article with two authors, two tags, a caption and an import note. */
static nz_article *article(nz_arena *arena)
{
	nz_article *a = nz_arena_zalloc(arena, sizeof(*a));
	nz_section *sec = nz_arena_zalloc(arena, sizeof(*sec));
	nz_author *au = nz_arena_zalloc(arena, 2 * sizeof(*au));
	nz_tag *tags = nz_arena_zalloc(arena, 2 * sizeof(*tags));
	nz_media *m = nz_arena_zalloc(arena, sizeof(*m));
	static const char *notes[] = {"Source: wire"};
	*sec = (nz_section){.slug = "world", .name = "World"};
	au[0] = (nz_author){.slug = "zoe", .display_name = "Zoe"};
	au[1] = (nz_author){.slug = "adam", .display_name = "Adam"};
	tags[0] = (nz_tag){.slug = "seoul", .name = "Seoul"};
	tags[1] = (nz_tag){.slug = "army", .name = "Army"};
	*m = (nz_media){.caption = "A bridge", .credit = "Kim"}; /* a caption without a photo */
	*a = (nz_article){.slug = "the-bridge",
			  .language = "en",
			  .status = NZ_STATUS_PUBLISHED,
			  .section = sec,
			  .headline = "The bridge",
			  .body_markdown = "Text.",
			  .authors = au,
			  .n_authors = 2,
			  .tags = tags,
			  .n_tags = 2,
			  .media = m,
			  .n_media = 1,
			  .import_notes = notes,
			  .n_import_notes = 1,
			  .created_at = 1700000000,
			  .updated_at = 1700000000,
			  .published_at = 1700000000};
	return a;
}

static void assert_whole(const nz_article *a, int64_t id)
{
	assert_int_equal(a->id, id);
	assert_string_equal(a->slug, "the-bridge");
	assert_string_equal(a->headline, "The bridge");
	assert_int_equal(a->revision, 1);
	assert_non_null(a->section);
	assert_string_equal(a->section->name, "World");
	assert_int_equal(a->n_authors, 2);
	assert_string_equal(a->authors[0].slug, "zoe"); /* byline order, not the alphabet's */
	assert_string_equal(a->authors[1].slug, "adam");
	assert_int_equal(a->n_tags, 2);
	assert_string_equal(a->tags[0].slug, "seoul");
	assert_int_equal(a->n_media, 1);
	assert_string_equal(a->media[0].caption, "A bridge");
	assert_string_equal(a->media[0].credit, "Kim");
	assert_int_equal(a->n_corrections, 1);
	assert_string_equal(a->corrections[0].text, "A date was wrong.");
	assert_int_equal(a->n_import_notes, 1);
	assert_string_equal(a->import_notes[0], "Source: wire");
}

static void test_an_article_loads_whole_in_one_round_trip(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz_arena *arena = nz_arena_new();
	nz_article *a = article(arena), *got = NULL;
	char sql[160];

	if (nz_store_article_create(s, arena, a, "new", &f->err) != NZ_OK)
		fail_msg("create: %s", f->err.msg);
	snprintf(sql, sizeof sql,
		 "INSERT INTO corrections(article_id, text, created_at) VALUES (%lld, "
		 "'A date was wrong.', 1700000100)",
		 (long long)a->id);
	pg_ok(f->conn, sql);
	assert_int_equal(nz_store_article_by_slug(s, arena, "the-bridge", &got, &f->err), NZ_OK);
	trace t = trace_start(s); /* prepared by now */
	assert_int_equal(nz_store_article_by_slug(s, arena, "the-bridge", &got, &f->err), NZ_OK);
	assert_int_equal(trace_syncs(&t), 1);
	assert_whole(got, a->id);
	assert_int_equal(nz_store_article_by_id(s, arena, a->id, &got, &f->err), NZ_OK);
	assert_whole(got, a->id);
	/* Inside a transaction, as a save reads back what it wrote. */
	assert_int_equal(nz_store_begin(s, &f->err), NZ_OK);
	assert_int_equal(nz_store_article_by_slug(s, arena, "the-bridge", &got, &f->err), NZ_OK);
	assert_whole(got, a->id);
	assert_int_equal(nz_store_commit(s, &f->err), NZ_OK);

	assert_int_equal(nz_store_article_by_slug(s, arena, "no-such", &got, &f->err), NZ_NOTFOUND);
	assert_null(got);
	assert_string_equal(f->err.msg, "article no-such: not found");
	assert_int_equal(nz_store_article_by_id(s, arena, a->id + 99, &got, &f->err), NZ_NOTFOUND);
	nz_arena_free(arena);
	nz_store_close(s);
}

/* A page's chrome as site_chrome gives it: the site's name, the sections' names, the pages'
 * slugs. */
static void chrome(nz_store *s, nz_arena *arena, char *out, size_t size, nz_err *err)
{
	nz_site_chrome c;
	size_t len = 0;
	assert_int_equal(nz_store_site_chrome(s, arena, &c, err), NZ_OK);
	len += (size_t)snprintf(out, size, "%s: ", c.site.name);
	for (size_t i = 0; i < c.n_sections; i++)
		len += (size_t)snprintf(out + len, size - len, "%s ", c.sections[i].name);
	for (size_t i = 0; i < c.n_pages; i++)
		len += (size_t)snprintf(out + len, size - len, "/%s ", c.pages[i].slug);
}

/* site_chrome is one round trip, outside any transaction after it; the next call sees what
 * changed since (nothing is kept between calls); site_load alone is one statement. */
static void test_a_pages_chrome_is_one_round_trip(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz_arena *arena = nz_arena_new();
	char got[256];

	pg_ok(f->conn, "INSERT INTO settings(key, value) VALUES ('name', 'Daily')");
	pg_ok(f->conn, "INSERT INTO sections(slug, name, position) VALUES ('world', 'World', 1)");
	pg_ok(f->conn,
	      "INSERT INTO pages(slug, title, body_markdown, role, position, revision, "
	      "created_at, updated_at) VALUES ('about', 'About', 'x', 'about', 1, 1, 1, 1)");
	chrome(s, arena, got, sizeof got, &f->err); /* prepares the statements */
	trace t = trace_start(s);
	chrome(s, arena, got, sizeof got, &f->err);
	assert_int_equal(trace_syncs(&t), 1);
	assert_string_equal(got, "Daily: World /about ");
	assert_int_equal(PQtransactionStatus(nz__pg_h(s)->conn), PQTRANS_IDLE);

	/* Changed behind the store's back: the next call reads it. */
	pg_ok(f->conn, "UPDATE settings SET value = 'Weekly'");
	pg_ok(f->conn, "UPDATE sections SET name = 'Globe'");
	pg_ok(f->conn, "INSERT INTO sections(slug, name, position) VALUES ('arts', 'Arts', 0)");
	pg_ok(f->conn, "UPDATE pages SET slug = 'us'");
	chrome(s, arena, got, sizeof got, &f->err);
	assert_string_equal(got, "Weekly: Arts Globe /us ");

	nz_site site;
	t = trace_start(s);
	assert_int_equal(nz_store_site_load(s, arena, &site, &f->err), NZ_OK);
	assert_int_equal(trace_count(&t, "Execute"), 1);
	assert_string_equal(site.name, "Weekly");
	nz_arena_free(arena);
	nz_store_close(s);
}

int main(void)
{
	if (pg_test_require_server("store/postgres/batch"))
		return 1;
#define T(fn) cmocka_unit_test_setup_teardown(fn, pg_fixture_setup, pg_fixture_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_reads_come_back_in_one_round_trip),
	    T(test_a_failed_read_reports_and_leaves_the_connection_usable),
	    T(test_an_article_loads_whole_in_one_round_trip),
	    T(test_a_pages_chrome_is_one_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
