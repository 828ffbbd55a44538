/*
 * fuzz_admin_json: libFuzzer over the admin API's JSON input (web/admin/api_input.c): a request
 * body read as a JSON object (nz__api_body) and applied over an article with PATCH semantics
 * (nz__api_apply), once over an empty article (a create) and once over a filled one (an edit).
 * Sections and authors are looked up in a small SQLite newsroom made at start-up in a temporary
 * folder (one section "world", one author "kim-min-su"). The input is the body.
 *
 * Checks what the handlers rely on: a refusal has answered 400 (or 503) with a JSON error body;
 * an acceptance has answered nothing and leaves an article whose lists hold what was sent
 * (authors with a slug or a name, tags with a name, highlights all strings).
 *
 *   make build-fuzz/fuzz_admin_json && build-fuzz/fuzz_admin_json fuzz/corpus/fuzz_admin_json
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "web/admin/admin_int.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static nz_store *store;
static char dir[] = "/tmp/nz-fuzz-admin-XXXXXX";
static char path[sizeof dir + 16];

static void remove_store(void)
{
	nz_store_close(store);
	const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		char p[sizeof path + 16];
		snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
		unlink(p);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	nz_err err = {0};
	nz_section world = {.slug = "world", .name = "World"};
	nz_author kim = {.slug = "kim-min-su", .display_name = "김민수", .family_name = "김"};
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof path, "%s/fuzz.db", dir);
	atexit(remove_store);
	if (nz_store_open(path, NZ_STORE_CREATE, &store, &err) != NZ_OK ||
	    nz_store_section_ensure(store, &world, &err) != NZ_OK ||
	    nz_store_author_ensure(store, &kim, &err) != NZ_OK) {
		fprintf(stderr, "fuzz_admin_json: %s\n", err.msg);
		abort();
	}
	return 0;
}

/* A refusal is an error answer, an acceptance none; an accepted article's lists are whole. */
static void check(const nz_http_resp *resp, bool ok, const nz_article *a)
{
	if (!ok) {
		if ((resp->status != 400 && resp->status != 503) || resp->body.len == 0 ||
		    nz_buf_cstr(&resp->body)[0] != '{')
			__builtin_trap();
		return;
	}
	if (resp->status != 0 || resp->body.len != 0)
		__builtin_trap();
	for (size_t i = 0; i < a->n_authors; i++) {
		const nz_author *au = &a->authors[i];
		if (!au->slug && !au->display_name && !au->family_name && !au->given_name)
			__builtin_trap();
	}
	for (size_t i = 0; i < a->n_tags; i++)
		if (!a->tags[i].name)
			__builtin_trap();
	for (size_t i = 0; i < a->n_highlights; i++)
		if (!a->highlights[i])
			__builtin_trap();
	if (a->translation_group < 0)
		__builtin_trap();
}

/* Runs body over a (a copy of the caller's article) the way a POST or PATCH handler does. */
static void apply(nz_arena *arena, const char *body, size_t len, nz_article a)
{
	nz_http_req req = {.method = "PATCH",
			   .path = "/",
			   .query = "",
			   .body = body,
			   .body_len = len,
			   .arena = arena};
	nz_http_resp resp = {0};
	nz__ctx c = {.store = store, .req = &req, .resp = &resp};
	nz_buf_init(&resp.body, 0);
	json_t *json = nz__api_body(&c, false);
	if (!json) {
		check(&resp, false, &a);
	} else {
		bool ok = nz__api_apply(&c, json, &a);
		check(&resp, ok, &a);
		json_decref(json);
	}
	nz_buf_free(&resp.body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *highlights[] = {"one", "two"};
	static nz_author authors[] = {{.slug = "kim-min-su", .display_name = "김민수"}};
	static nz_section section = {.id = 1, .slug = "world", .name = "World"};
	char *body = malloc(size + 1);
	nz_arena *arena = nz_arena_new();
	if (!body || !arena)
		goto out;
	memcpy(body, data, size);
	body[size] = '\0';

	nz_article filled = {.id = 7,
			     .slug = "an-article",
			     .language = "ko",
			     .headline = "A headline",
			     .body_markdown = "Text.",
			     .section = &section,
			     .authors = authors,
			     .n_authors = 1,
			     .highlights = highlights,
			     .n_highlights = 2};
	apply(arena, body, size, (nz_article){0});
	apply(arena, body, size, filled);
out:
	nz_arena_free(arena);
	free(body);
	return 0;
}
