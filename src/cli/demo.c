/*
 * cli/demo: fills a new database with the demo newsroom compiled into the binary (demo/ in the
 * source tree: fictional articles in English and Korean written for the project).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"

extern const nz_file_entry nz__demo_files[];

static bool is_article(const char *path)
{
	size_t n = strlen(path);
	return n > 3 && strcmp(path + n - 3, ".md") == 0 && strcmp(path, "README.md") != 0 &&
	       strchr(path, '/') == NULL;
}

/* The language of a page's version in another edition, from its file name ("pages/about.ko.md":
 * "ko"), into code; false for the page itself ("pages/about.md"). */
static bool version_language(const char *path, char code[16])
{
	size_t n = strlen(path);
	const char *dot = n > 3 ? memchr(path, '.', n - 3) : NULL;
	if (!dot || (size_t)(path + n - 3 - dot) >= 16)
		return false;
	memcpy(code, dot + 1, (size_t)(path + n - 3 - dot - 1));
	code[path + n - 3 - dot - 1] = '\0';
	return true;
}

/* The static pages of demo/pages/ (About, Contact, the policies, the masthead), then their
 * versions in the other editions ("about.ko.md": its title and text, "slug:" the page's). */
static int add_pages(const cli_env *env, nz_store *store, nz_arena *arena, size_t *n)
{
	nz_err err = {0};
	char code[16];
	for (int pass = 0; pass < 2; pass++) {
		for (const nz_file_entry *f = nz__demo_files; f->path; f++) {
			nz_static_page p, v;
			if (strncmp(f->path, "pages/", 6) != 0 ||
			    version_language(f->path, code) != (pass == 1))
				continue;
			nz_rc rc = nz_app_static_page_parse(arena, (const char *)f->data, f->len,
							    pass ? &v : &p, &err);
			if (!rc && pass)
				rc = nz_store_static_page_get(store, arena, v.slug, 0, &p, &err);
			if (!rc && pass)
				rc = nz_app_static_page_translate(arena, &p, code, v.title,
								  v.body_markdown, &err);
			if (rc || nz_app_static_page_save(store, arena, &p, 0, NULL, &err))
				return cli_fail(env, "demo", 1, "demo/%s: %s", f->path, err.msg);
			*n += pass == 0;
		}
	}
	return 0;
}

/* The sections' names in the other editions (demo/section-names.json: slug → {"ko": …}). */
static int add_section_names(const cli_env *env, nz_store *store, nz_arena *arena)
{
	nz_err err = {0};
	for (const nz_file_entry *f = nz__demo_files; f->path; f++) {
		if (strcmp(f->path, "section-names.json") != 0)
			continue;
		json_t *all = json_loadb((const char *)f->data, f->len, 0, NULL), *names;
		const char *slug;
		int status = json_is_object(all) ? 0
						 : cli_fail(env, "demo", 1,
							    "demo/%s: not a "
							    "JSON object",
							    f->path);
		json_object_foreach(all, slug, names)
		{
			nz_section *sec = NULL;
			char *text = json_dumps(names, JSON_COMPACT);
			if (status == 0 && text &&
			    nz_store_section_get(store, arena, slug, &sec, &err) == NZ_OK) {
				sec->names = text;
				if (nz_store_section_save(store, 0, sec, &err) != NZ_OK)
					status = cli_fail(env, "demo", 1, "demo/%s: %s", f->path,
							  err.msg);
			}
			free(text);
		}
		json_decref(all);
		return status;
	}
	return 0;
}

/* The live story (demo/live.json: slug → its updates, oldest first): coverage started and the
 * updates posted, so the demo shows a live page. */
static int add_live_story(const cli_env *env, nz_store *store, nz_arena *arena)
{
	nz_err err = {0};
	for (const nz_file_entry *f = nz__demo_files; f->path; f++) {
		if (strcmp(f->path, "live.json") != 0)
			continue;
		json_t *all = json_loadb((const char *)f->data, f->len, 0, NULL), *updates, *u;
		const char *slug;
		size_t i;
		int status = json_is_object(all)
				 ? 0
				 : cli_fail(env, "demo", 1, "demo/%s: not a JSON object", f->path);
		json_object_foreach(all, slug, updates)
		{
			nz_article *a = NULL;
			if (status == 0 &&
			    (nz_store_article_by_slug(store, arena, slug, &a, &err) != NZ_OK ||
			     nz_app_live_set(store, arena, a->id, true, 0, &err) != NZ_OK))
				status = cli_fail(env, "demo", 1, "demo/%s: %s: %s", f->path, slug,
						  err.msg);
			json_array_foreach(updates, i, u)
			{
				nz_live_update up = {
				    .article_id = a ? a->id : 0,
				    .body_markdown = json_string_value(json_object_get(u, "body")),
				    .pinned = json_is_true(json_object_get(u, "pinned"))};
				if (status == 0 &&
				    nz_app_live_update_save(store, arena, &up, 0, &err) != NZ_OK)
					status = cli_fail(env, "demo", 1, "demo/%s: %s: %s",
							  f->path, slug, err.msg);
			}
		}
		json_decref(all);
		return status;
	}
	return 0;
}

static int run(const cli_env *env, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_fail(env, "demo", 2, "takes no arguments (see --help)");
	nz_store *store = cli_open_store(env, "demo", true);
	if (!store)
		return 1;
	int status = 0;
	cli_demo_photos *photos = NULL; /* before any goto out */
	nz_arena *arena = nz_arena_new();
	nz_article_query q = {.limit = 1};
	nz_article_list list = {0};
	nz_err err = {0};
	if (!arena || nz_store_article_list(store, arena, &q, &list, &err) != NZ_OK) {
		status = cli_fail(env, "demo", 1, "%s: %s", env->db, err.msg);
		goto out;
	}
	if (list.total > 0) {
		status = cli_fail(env, "demo", 1,
				  "%s already has %zu articles; the demo fills a new database",
				  env->db, list.total);
		goto out;
	}
	size_t with_photos = 0, n_pages = 0;
	char where[128] = "";
	if (cli_demo_photos_load(nz__demo_files, &photos, where, sizeof where, &err) != NZ_OK) {
		status = cli_fail(env, "demo", 1, "%s: %s", where, err.msg);
		goto out;
	}
	nz_import_opts opts = {.publish = true, .now = nz_time_now()};
	cli_import_run stats = {.opts = &opts,
				.quiet = true,
				.prepare = cli_demo_photos_prepare,
				.prepare_ctx = photos};
	for (const nz_file_entry *f = nz__demo_files; f->path; f++) {
		if (!is_article(f->path))
			continue;
		char name[512];
		snprintf(name, sizeof name, "demo/%s", f->path);
		if (cli_import_bytes(store, &stats, name, f->data, f->len) != NZ_OK) {
			status = 1;
			goto out;
		}
	}
	if (stats.refused) {
		status = cli_fail(env, "demo", 1, "%zu demo articles were refused", stats.refused);
		goto out;
	}
	if (cli_demo_photos_done(photos, &with_photos, where, sizeof where, &err) != NZ_OK) {
		status = cli_fail(env, "demo", 1, "%s: %s", where, err.msg);
		goto out;
	}
	if ((status = add_pages(env, store, arena, &n_pages)) ||
	    (status = add_section_names(env, store, arena)) ||
	    (status = add_live_story(env, store, arena)))
		goto out;
	/* Every article's related list, so a server started on the demo reads stored lists from
	 * its first page (a newsroom of forty articles: a fraction of a second). */
	if (cli_related_pass(env, store, true, false, &err) != NZ_OK) {
		status = cli_fail(env, "demo", 1, "related articles: %s", err.msg);
		goto out;
	}
	printf("%s: demo newsroom ready with %zu articles (%zu with photos) and %zu pages\n",
	       env->db, stats.imported, with_photos, n_pages);
out:
	cli_demo_photos_free(photos);
	nz_arena_free(arena);
	nz_store_close(store);
	return status;
}

const cli_command cli_demo_cmd = {
    "demo", run, "create a demo newsroom to explore",
    "demo\n\nFills a new database (--db, created when missing) with the demo newsroom: sections,\n"
    "reporters with English and Korean names, and articles in English and Korean, all\n"
    "published. Refuses a database that already has articles.\n"};
