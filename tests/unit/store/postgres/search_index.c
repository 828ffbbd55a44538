/*
 * Tests src/store/postgres/search_index.c against a real server: the search row an article's
 * writes leave in article_search (docs/postgres.md, "The row: article_search"): our
 * tokenizer's terms with weights A/B/D and positions field after field with a gap between
 * fields, the per-field term counts, phrases that never span two fields, the row rewritten
 * when the text changes and kept (with its copies moved) when only the status does; a long
 * body kept as PostgreSQL's own input keeps it (the row is sent in binary, ordered in C).
 */
#include "store/postgres/pg_test.h"

/* Every term of the article's row as "term:positionsWEIGHTS", in position order. */
#define TERMS_OF(id)                                                                               \
	"SELECT string_agg(lexeme || ':' || array_to_string(positions, ',') || "                   \
	"array_to_string(weights, ''), ' ' ORDER BY positions[1]) FROM article_search, "           \
	"unnest(terms) WHERE article_id = " id

static nz_store *open_store(pg_fixture *f)
{
	nz_store *s = NULL;
	if (nz__pg_open(f->conninfo, NZ_STORE_CREATE, &s, &f->err) != NZ_OK)
		fail_msg("open: %s", f->err.msg);
	return s;
}

static nz_article *article(nz_arena *arena)
{
	static const char *items[] = {"U.S. drills"};
	nz_article *a = nz_arena_zalloc(arena, sizeof(*a));
	a->slug = "exercises";
	a->language = "en";
	a->status = NZ_STATUS_DRAFT;
	a->headline = "Exercises";
	a->highlights_intro = "K-9";
	a->highlights = items;
	a->n_highlights = 1;
	a->body_markdown = "한미동맹 exercises";
	a->created_at = a->updated_at = 1700000000;
	return a;
}

static void test_create_writes_the_row(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz_arena *arena = nz_arena_new();
	char out[512];

	assert_int_equal(nz_store_article_create(s, arena, article(arena), "new", &f->err), NZ_OK);
	/* headline 1; gap 2; highlights 3..5; gap 6; body 7.. (D has no letter in the text form,
	 * and unnest spells it D) */
	pg_lines(f->conn, TERMS_OF("1"), out, sizeof(out));
	assert_string_equal(out, "exercis:1,10AD k9:3B us:4B drill:5B 한미:7D 미동:8D 동맹:9D\n");
	pg_lines(f->conn,
		 "SELECT headline_terms, highlights_terms, body_terms, status, language "
		 "FROM article_search",
		 out, sizeof(out));
	assert_string_equal(out, "1|3|4|draft|en\n");
	/* a phrase inside a field matches; one across two fields never does */
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM article_search WHERE terms @@ "
					 "'''us'' <-> ''drill'''::tsquery"),
			 1);
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM article_search WHERE terms @@ "
					 "'''exercis'' <-> ''k9'''::tsquery"),
			 0);
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM article_search WHERE terms @@ "
					 "'''한미'' <-> ''미동'' <-> ''동맹'''::tsquery"),
			 1);
	nz_arena_free(arena);
	nz_store_close(s);
}

static void test_save_rewrites_and_status_keeps(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz_arena *arena = nz_arena_new();
	nz_article *a = article(arena), *out = NULL;
	char text[512];

	assert_int_equal(nz_store_article_create(s, arena, a, "new", &f->err), NZ_OK);
	a->headline = "Navy's drills";
	a->highlights = NULL;
	a->n_highlights = 0;
	a->highlights_intro = NULL;
	a->body_markdown = "";
	assert_int_equal(nz_store_article_update(s, arena, 0, a, 1, "edit", &f->err), NZ_OK);
	pg_lines(f->conn, TERMS_OF("1"), text, sizeof(text));
	assert_string_equal(text, "navi:1A drill:2A\n"); /* Porter2: navy → navi */
	pg_lines(f->conn, "SELECT headline_terms, highlights_terms, body_terms FROM article_search",
		 text, sizeof(text));
	assert_string_equal(text, "2|0|0\n");

	nz_article_transition t = {.id = a->id, .ev = NZ_EV_SUBMIT};
	assert_int_equal(nz_store_article_transition(s, arena, &t, &out, &f->err), NZ_OK);
	pg_lines(f->conn, "SELECT status, headline_terms FROM article_search", text, sizeof(text));
	assert_string_equal(text, "review|2\n");
	nz_arena_free(arena);
	nz_store_close(s);
}

/* A row in search_stale (a migration's mark: an older tokenizer made the index) makes the next
 * program that opens the database for writing compute every article's terms again; a reader
 * leaves it. */
static void test_stale_index_is_rebuilt_on_open(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz_arena *arena = nz_arena_new();
	assert_int_equal(nz_store_article_create(s, arena, article(arena), "new", &f->err), NZ_OK);
	nz_store_close(s);
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM search_stale"), 0);
	pg_ok(f->conn, "DELETE FROM article_search;"
		       "INSERT INTO search_stale(reason) VALUES ('a test')");
	assert_int_equal(nz__pg_open(f->conninfo, NZ_STORE_READONLY, &s, &f->err), NZ_OK);
	nz_store_close(s);
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM article_search"), 0);
	s = open_store(f);
	char out[512];
	pg_lines(f->conn, TERMS_OF("1"), out, sizeof(out));
	assert_string_equal(out, "exercis:1,10AD k9:3B us:4B drill:5B 한미:7D 미동:8D 동맹:9D\n");
	assert_int_equal(pg_int(f->conn, "SELECT count(*) FROM search_stale"), 0);
	nz_arena_free(arena);
	nz_store_close(s);
}

/* A word 300 times, then 17,000 other words, then one word twice: PostgreSQL keeps 256
 * positions a lexeme, none past 16383, and one per position; the lexemes stay unique. */
static void test_long_body_as_postgresql_keeps_it(void **state)
{
	pg_fixture *f = *state;
	nz_store *s = open_store(f);
	nz_arena *arena = nz_arena_new();
	nz_buf body;
	char text[512];

	nz_buf_init(&body, 0);
	for (int i = 0; i < 300; i++)
		nz_buf_puts(&body, "alpha ");
	for (int i = 0; i < 17000; i++)
		nz_buf_printf(&body, "w%dq ", i);
	nz_buf_puts(&body, "omega omega");
	nz_article *a = article(arena);
	a->body_markdown = nz_buf_cstr(&body);
	assert_int_equal(nz_store_article_create(s, arena, a, "new", &f->err), NZ_OK);
	pg_lines(f->conn,
		 "SELECT lexeme, array_length(positions, 1), positions[1], positions[256], "
		 "array_to_string(weights, '') FROM article_search, unnest(terms) "
		 "WHERE lexeme IN ('alpha', 'omega') ORDER BY lexeme",
		 text, sizeof(text));
	assert_string_equal(text,
			    "alpha|256|7|262|" /* body from 7, 256 of 300 kept */
			    "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"
			    "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"
			    "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"
			    "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD\n"
			    "omega|1|16383|-|D\n");
	assert_int_equal(pg_int(f->conn, "SELECT count(*) - count(DISTINCT lexeme) FROM "
					 "article_search, unnest(terms)"),
			 0);
	assert_int_equal(pg_int(f->conn, "SELECT body_terms FROM article_search"), 300 + 17000 + 2);
	nz_buf_free(&body);
	nz_arena_free(arena);
	nz_store_close(s);
}

int main(void)
{
	if (pg_test_require_server("search_index"))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create_writes_the_row, pg_fixture_setup,
					    pg_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_save_rewrites_and_status_keeps, pg_fixture_setup,
					    pg_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_stale_index_is_rebuilt_on_open, pg_fixture_setup,
					    pg_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_long_body_as_postgresql_keeps_it, pg_fixture_setup,
					    pg_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
