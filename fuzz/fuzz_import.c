/*
 * fuzz/fuzz_import: libFuzzer target over nz_ingest_parse and nz_ingest_byline.
 *
 * Every input is parsed as a file (without options, then forced Korean and published), and its
 * first line as a byline. Beyond the sanitizers' checks it asserts what callers rely on: a
 * result is either a refusal with a message or an article that nz_article_validate accepts.
 * Build: make build-fuzz/fuzz_import; run: build-fuzz/fuzz_import -max_total_time=60
 * tests/fixtures/import/good (the fixtures make a good seed corpus).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content/content.h"
#include "core/core.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *data, size_t size, const nz_import_opts *opts)
{
	nz_arena *arena = nz_arena_new();
	nz_ingested got;
	const nz_article *a = &got.article;
	nz_err err;

	if (arena == NULL)
		return;
	nz_rc rc = nz_ingest_parse(arena, data, size, opts, &got, &err);
	if (rc == NZ_OK) {
		if (a->headline == NULL || a->body_markdown == NULL || a->slug == NULL ||
		    a->language == NULL)
			abort();
		if (nz_article_validate(a, &err) != NZ_OK)
			abort();
	} else if (err.msg[0] == '\0' || err.rc != rc || a->headline != NULL) {
		abort();
	}
	nz_arena_free(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nz_import_opts ko = {
	    .language = "ko", .publish = true, .section_slug = "defense", .now = 1};
	const uint8_t *nl = memchr(data, '\n', size);
	nz_str first = {(const char *)data, nl ? (size_t)(nl - data) : size};
	nz_arena *arena;
	nz_author *au;
	size_t n;
	nz_err err;

	check(data, size, NULL);
	check(data, size, &ko);
	if ((arena = nz_arena_new()) == NULL)
		return 0;
	if (nz_ingest_byline(arena, first, &au, &n, &err) == NZ_OK) {
		if (n == 0 || n > NZ_AUTHORS_MAX || au[0].display_name == NULL)
			abort();
	}
	nz_arena_free(arena);
	return 0;
}
