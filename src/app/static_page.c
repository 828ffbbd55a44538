/*
 * app/static_page.c: the newsroom's static pages (About, Contact, the policies, the masthead;
 * docs/pages.md): the checks a page passes before the store saves it, whoever saves it (the
 * back office, the API, the demo, an import). The pages are served at /{slug}, so a slug that is
 * one of the site's own first path segments is refused here, with the list of them kept below.
 * A page's versions in the other editions' languages (served at /ko/{slug}) are checked here too
 * and kept as one JSON object in a canonical form, so an unchanged save compares equal.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/app.h"

/* Every first path segment the site answers itself (web/ routes, the static export's folders,
 * and a few kept for what a site grows: the Korean edition, sign-in), plus the files at the
 * root. Slugs hold only [a-z0-9-] and Hangul, so "feed.rss" and the like cannot collide. */
static const char *const reserved[] = {
    "admin",    "api",     "article",  "articles", "assets",  "author", "authors",    "corrections",
    "en",       "favicon", "feed",     "feeds",    "healthz", "ko",     "login",      "logout",
    "manifest", "media",   "metrics",  "page",     "pages",   "robots", "search",     "section",
    "sections", "sitemap", "sitemaps", "static",   "tag",     "tags",   "well-known",
};

bool nz_app_static_page_reserved(const char *slug)
{
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (strcmp(slug, reserved[i]) == 0)
			return true;
	return false;
}

/* A trimmed copy of s in arena (NULL stays NULL). */
static const char *trimmed(nz_arena *arena, const char *s)
{
	return s ? nz_arena_str(arena, nz_str_trim(nz_str_c(s))) : NULL;
}

/* Checks one language's version (title 1..NZ_PAGE_TITLE_MAX bytes, text at most NZ_BODY_MAX)
 * and puts it trimmed into out; an empty title and text put nothing (the version is removed). */
static nz_rc translation_check(nz_arena *arena, const char *lang, json_t *v, json_t *out,
			       nz_err *err)
{
	json_t *t = json_object_get(v, "title"), *b = json_object_get(v, "body_markdown");
	if (!nz_edition_code_valid(lang))
		return nz_err_set(err, NZ_INVAL,
				  "page: \"%.20s\" is no language code (2 or 3 lower-case letters)",
				  lang);
	if (!json_is_object(v) || (t && !json_is_string(t)) || (b && !json_is_string(b)))
		return nz_err_set(err, NZ_INVAL,
				  "page: the %.3s version is not {\"title\", \"body_markdown\"} "
				  "with text values",
				  lang);
	const char *title =
	    nz_arena_str(arena, nz_str_trim(nz_str_c(t ? json_string_value(t) : "")));
	const char *body = b ? json_string_value(b) : "";
	if (!title)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	if (!*title && !*nz_arena_str(arena, nz_str_trim(nz_str_c(body))))
		return NZ_OK;
	if (!*title)
		return nz_err_set(err, NZ_INVAL, "page: the %.3s version's title is empty", lang);
	if (strlen(title) > NZ_PAGE_TITLE_MAX)
		return nz_err_set(err, NZ_INVAL,
				  "page: the %.3s version's title is longer than %d bytes", lang,
				  NZ_PAGE_TITLE_MAX);
	if (strlen(body) > NZ_BODY_MAX)
		return nz_err_set(err, NZ_TOOBIG,
				  "page: the %.3s version's text is longer than %d bytes", lang,
				  NZ_BODY_MAX);
	json_t *o = json_pack("{s:s, s:s}", "title", title, "body_markdown", body);
	if (!o || json_object_set_new(out, lang, o) != 0)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	return NZ_OK;
}

/* Checks p->translations and puts it in its canonical form (keys sorted, compact; NULL for no
 * version at all). */
static nz_rc translations_check(nz_arena *arena, nz_static_page *p, nz_err *err)
{
	if (!p->translations || !*p->translations) {
		p->translations = NULL;
		return NZ_OK;
	}
	json_t *in = json_loads(p->translations, 0, NULL), *out = json_object(), *v;
	const char *lang;
	nz_rc rc = json_is_object(in)
		       ? NZ_OK
		       : nz_err_set(err, NZ_INVAL, "page: the translations are not a JSON object");
	json_object_foreach(in, lang, v)
	{
		if (rc == NZ_OK)
			rc = out ? translation_check(arena, lang, v, out, err)
				 : nz_err_set(err, NZ_NOMEM, "out of memory");
	}
	char *text = rc == NZ_OK && json_object_size(out)
			 ? json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS)
			 : NULL;
	p->translations = text ? nz_arena_strdup(arena, text) : NULL;
	if (rc == NZ_OK && text && !p->translations)
		rc = nz_err_set(err, NZ_NOMEM, "out of memory");
	free(text);
	json_decref(in);
	json_decref(out);
	return rc;
}

nz_rc nz_app_static_page_translate(nz_arena *arena, nz_static_page *p, const char *lang,
				   const char *title, const char *body_markdown, nz_err *err)
{
	json_t *all = p->translations ? json_loads(p->translations, 0, NULL) : json_object();
	if (!json_is_object(all)) {
		json_decref(all);
		all = json_object();
	}
	json_t *v = json_pack("{s:s, s:s}", "title", title ? title : "", "body_markdown",
			      body_markdown ? body_markdown : "");
	char *text = all && v && json_object_set_new(all, lang, v) == 0 ? json_dumps(all, 0) : NULL;
	nz_rc rc = NZ_OK;
	if (!text || !(p->translations = nz_arena_strdup(arena, text)))
		rc = nz_err_set(err, NZ_NOMEM, "out of memory");
	free(text);
	json_decref(all);
	return rc == NZ_OK ? translations_check(arena, p, err) : rc;
}

/* Checks and normalises p's fields in place (strings in arena). */
static nz_rc check(nz_arena *arena, nz_static_page *p, nz_err *err)
{
	p->title = trimmed(arena, p->title);
	p->slug = trimmed(arena, p->slug);
	p->role = trimmed(arena, p->role);
	if (!p->body_markdown)
		p->body_markdown = "";
	if (!p->title || !*p->title)
		return nz_err_set(err, NZ_INVAL, "page: the title is empty");
	if (strlen(p->title) > NZ_PAGE_TITLE_MAX)
		return nz_err_set(err, NZ_INVAL, "page: the title is longer than %d bytes",
				  NZ_PAGE_TITLE_MAX);
	if (strlen(p->body_markdown) > NZ_BODY_MAX)
		return nz_err_set(err, NZ_TOOBIG, "page: the text is longer than %d bytes",
				  NZ_BODY_MAX);
	if (!nz_utf8_valid(p->title, strlen(p->title), NULL) ||
	    !nz_utf8_valid(p->body_markdown, strlen(p->body_markdown), NULL))
		return nz_err_set(err, NZ_UTF8, "page: the title or the text is not UTF-8");
	if (!p->slug || !*p->slug) {
		nz_buf b;
		nz_buf_init(&b, 0);
		nz_rc rc = nz_slug_make(nz_str_c(p->title), 80, &b);
		p->slug = rc ? NULL : nz_arena_strdup(arena, nz_buf_cstr(&b));
		nz_buf_free(&b);
		if (rc == NZ_INVAL)
			return nz_err_set(err, rc,
					  "page: no slug can be made of this title; give one");
		if (!p->slug)
			return nz_err_set(err, NZ_NOMEM, "out of memory");
	}
	if (!nz_slug_valid(nz_str_c(p->slug)))
		return nz_err_set(
		    err, NZ_INVAL,
		    "page: the slug \"%.100s\" may hold only lower-case letters, digits "
		    "and single hyphens",
		    p->slug);
	if (nz_app_static_page_reserved(p->slug))
		return nz_err_set(err, NZ_INVAL,
				  "page: the slug \"%.100s\" is one of the site's own addresses "
				  "(/%.100s/...); choose another",
				  p->slug, p->slug);
	nz_page_role role;
	if (p->role && !*p->role)
		p->role = NULL;
	if (p->role && nz_page_role_parse(nz_str_c(p->role), &role) != NZ_OK)
		return nz_err_set(err, NZ_INVAL,
				  "page: the role \"%.60s\" is none of publishingPrinciples, "
				  "ethicsPolicy, correctionsPolicy, masthead, diversityPolicy",
				  p->role);
	return translations_check(arena, p, err);
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* NZ_EXISTS naming the page that holds p's slug or role already, else NZ_OK. */
static nz_rc taken(nz_store *s, nz_arena *arena, const nz_static_page *p, nz_err *err)
{
	nz_static_page *all = NULL;
	size_t n = 0;
	nz_rc rc = nz_store_static_page_list(s, arena, &all, &n, err);
	for (size_t i = 0; rc == NZ_OK && i < n; i++) {
		if (all[i].id == p->id)
			continue;
		if (strcmp(all[i].slug, p->slug) == 0)
			return nz_err_set(err, NZ_EXISTS,
					  "page: the slug \"%.100s\" is the page "
					  "\"%.100s\"'s already",
					  p->slug, all[i].title);
		if (p->role && same(all[i].role, p->role))
			return nz_err_set(
			    err, NZ_EXISTS,
			    "page: \"%.100s\" is the %.60s already; take the role from "
			    "it first",
			    all[i].title, p->role);
	}
	return rc;
}

nz_rc nz_app_static_page_save(nz_store *s, nz_arena *arena, nz_static_page *p, int64_t actor,
			      bool *changed, nz_err *err)
{
	nz_static_page in = *p, cur;
	nz_rc rc = check(arena, &in, err);
	if (changed)
		*changed = false;
	if (rc)
		return rc;
	if (in.id) {
		if ((rc = nz_store_static_page_get(s, arena, NULL, in.id, &cur, err)))
			return rc;
		if (cur.revision != in.revision)
			return nz_err_set(err, NZ_CONFLICT,
					  "page %.100s: saved by someone else since revision %lld "
					  "(now %lld); reload it",
					  cur.slug, (long long)in.revision,
					  (long long)cur.revision);
		if (same(cur.slug, in.slug) && same(cur.title, in.title) &&
		    same(cur.body_markdown, in.body_markdown) && same(cur.role, in.role) &&
		    same(cur.translations, in.translations) && cur.position == in.position) {
			*p = cur;
			return NZ_OK;
		}
	}
	if ((rc = taken(s, arena, &in, err)) ||
	    (rc = nz_store_static_page_save(s, &in, actor, err)))
		return rc;
	*p = in;
	if (changed)
		*changed = true;
	return NZ_OK;
}

/* Sets the field of one front-matter line ("key: value"); false for an unknown key. */
static bool front_field(nz_arena *arena, nz_str key, nz_str value, nz_static_page *out)
{
	const char *v = nz_arena_str(arena, value);
	if (nz_str_eq_c(key, "title"))
		out->title = v;
	else if (nz_str_eq_c(key, "slug"))
		out->slug = v;
	else if (nz_str_eq_c(key, "role"))
		out->role = v;
	else if (nz_str_eq_c(key, "position"))
		out->position = v ? strtoll(v, NULL, 10) : 0;
	else
		return false;
	return true;
}

nz_rc nz_app_static_page_parse(nz_arena *arena, const char *text, size_t len, nz_static_page *out,
			       nz_err *err)
{
	nz_str rest = {text, len}, line;
	size_t no = 1;
	*out = (nz_static_page){0};
	if (!nz_str_next_line(&rest, &line) || !nz_str_eq_c(nz_str_trim(line), "---"))
		return nz_err_set(err, NZ_PARSE, "line 1: a page starts with a \"---\" line");
	for (;;) {
		no++;
		if (!nz_str_next_line(&rest, &line))
			return nz_err_set(err, NZ_PARSE, "line %zu: the front matter has no end",
					  no);
		if (nz_str_eq_c(nz_str_trim(line), "---"))
			break;
		long colon = nz_str_find(line, ":");
		if (colon < 0)
			return nz_err_set(err, NZ_PARSE, "line %zu: \"key: value\" expected", no);
		nz_str key = nz_str_trim((nz_str){line.p, (size_t)colon});
		nz_str value =
		    nz_str_trim((nz_str){line.p + colon + 1, line.len - (size_t)colon - 1});
		if (!front_field(arena, key, value, out))
			return nz_err_set(
			    err, NZ_PARSE,
			    "line %zu: \"%.*s\" is none of title, slug, role, position", no,
			    (int)(key.len > 40 ? 40 : key.len), key.p);
	}
	out->body_markdown = nz_arena_str(arena, nz_str_trim(rest));
	return out->body_markdown ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
}
