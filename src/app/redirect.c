/*
 * app/redirect.c: old addresses that answer 301 (docs/wordpress.md, "Old links"): the key a
 * request is looked up by, and adding one with its checks. The web layer looks a request up
 * only when no route took it, or when the root has a WordPress query (/?p=123), so the
 * lookup costs nothing on the pages readers ask for.
 */
#include <string.h>

#include "app/app.h"

#define REDIRECT_MAX 1000 /* bytes of an old address or a target */

/* The root's WordPress query parameters, in the order they are looked for. */
static const char *const root_params[] = {"p", "page_id", "cat", "tag", "author"};

/* The value of key in a raw query ("a=1&p=123"), as a slice; len 0 when absent. */
static nz_str query_value(const char *query, const char *key)
{
	size_t kl = strlen(key);
	for (const char *q = query; q && *q;) {
		const char *amp = strchr(q, '&');
		size_t len = amp ? (size_t)(amp - q) : strlen(q);
		if (len > kl && strncmp(q, key, kl) == 0 && q[kl] == '=')
			return (nz_str){q + kl + 1, len - kl - 1};
		q = amp ? amp + 1 : NULL;
	}
	return (nz_str){"", 0};
}

const char *nz_app_redirect_key(nz_arena *arena, const char *path, const char *query)
{
	size_t len = strlen(path);
	if (len == 1 && path[0] == '/') {
		for (size_t i = 0; query && i < sizeof root_params / sizeof root_params[0]; i++) {
			nz_str v = query_value(query, root_params[i]);
			if (v.len && v.len < 200)
				return nz_arena_printf(arena, "/?%s=%.*s", root_params[i],
						       (int)v.len, v.p);
		}
		return nz_arena_strdup(arena, "/");
	}
	while (len > 1 && path[len - 1] == '/')
		len--;
	return nz_arena_strndup(arena, path, len);
}

/* An absolute URL's path and query ("https://old.example/2015/x/?a" -> "/2015/x/?a"). */
static const char *strip_host(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p || strchr(url, '/') < p)
		return url;
	const char *slash = strchr(p + 3, '/');
	return slash ? slash : "/";
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

nz_rc nz_app_redirect_add(nz_store *s, nz_arena *arena, const char *from, const char *to,
			  bool replace, nz_err *err)
{
	nz_buf decoded;
	if (!from || !to || !*from || !*to)
		return nz_err_set(err, NZ_INVAL, "an old address and a target are both needed");
	from = strip_host(from);
	if (from[0] != '/' || strlen(from) > REDIRECT_MAX || strlen(to) > REDIRECT_MAX ||
	    !printable(from) || !printable(to))
		return nz_err_set(err, NZ_INVAL,
				  "the old address must be a path starting with / (at most %d "
				  "bytes, no spaces)",
				  REDIRECT_MAX);
	if (to[0] != '/' && strncmp(to, "https://", 8) != 0 && strncmp(to, "http://", 7) != 0)
		return nz_err_set(err, NZ_INVAL,
				  "the target must be a path of this site (/article/...) or an "
				  "http(s) URL");
	nz_buf_init(&decoded, REDIRECT_MAX * 3 + 1);
	const char *q = strchr(from, '?');
	nz_rc rc = nz_url_decode(&decoded, from, q ? (size_t)(q - from) : strlen(from), false);
	const char *key =
	    rc ? NULL : nz_app_redirect_key(arena, nz_buf_cstr(&decoded), q ? q + 1 : "");
	nz_buf_free(&decoded);
	if (rc)
		return nz_err_set(err, NZ_INVAL, "the old address has a bad %%-escape");
	if (!key)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	if (strcmp(key, "/") == 0 || strcmp(key, to) == 0)
		return nz_err_set(err, NZ_INVAL, "%s cannot redirect to %s", key, to);
	return nz_store_url_redirect_put(s, key, to, replace, err);
}
