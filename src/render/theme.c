/*
 * theme.c: a theme is a folder with templates/NAME.mustache and static/... . Loading compiles
 * every template once into one set (so {{>card}} and {{<base}} find each other by name) and
 * gives every static file a content-hashed name ("site.css" → "site.3f2a9c1b.css") so it can be
 * cached forever: a new theme build changes the URL.
 *
 * The default theme is compiled into the binary (nz__theme_files, made by tools/embed); a folder
 * on disk replaces it as a whole. A missing folder, a missing page template or a template that
 * does not compile is an error naming the file (and, for syntax errors, the line).
 *
 * strings/<lang>.json holds the UI strings of the edition in that language (docs/editions.md):
 * they go over the built-in labels, so a theme may leave out what it does not change.
 *
 * Rules: read-only once loaded, so any number of threads may render and serve assets at once.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "render/render_int.h"

#define THEME_FILE_MAX (16 * 1024 * 1024) /* bytes per template or asset read from disk */
#define THEME_DEPTH_MAX 8                 /* folder depth under static/ */

/* The templates every theme must have: the pages view.c builds contexts for. */
static const char *const required[] = {"base", "article", "front", "list", "error"};

typedef struct asset {
	char *path;   /* under static/: "site.css" */
	char *hashed; /* "site.3f2a9c1b.css" */
	char *url;    /* "/static/site.3f2a9c1b.css" */
	const unsigned char *data;
	unsigned char *owned; /* data when read from disk; NULL when embedded */
	size_t len;
	const char *mime;
} asset;

struct nz_theme {
	nz_tmpl_set *set;
	asset *assets;
	size_t n_assets, cap_assets;
	json_t *strings;      /* strings/<lang>.json: {"ko": {...}, ...} (the UI strings) */
	nz_buf parts;         /* "name sha256\n" of every file, while loading */
	char fingerprint[65]; /* SHA-256 of parts: changes with any file */
};

/* Notes one file of the theme for its fingerprint (the static export re-renders
 * everything when it changes). */
static void note_file(nz_theme *t, const char *kind, const char *name, const void *data, size_t len)
{
	char hex[65];
	nz_sha256_hex(data, len, hex);
	nz_buf_printf(&t->parts, "%s %s %s\n", kind, name, hex);
}

static const char *mime_for(const char *path)
{
	static const struct {
		const char *ext, *mime;
	} table[] = {
	    {".css", "text/css; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".mjs", "text/javascript; charset=utf-8"},
	    {".json", "application/json"},
	    {".map", "application/json"},
	    {".webmanifest", "application/manifest+json"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".jpg", "image/jpeg"},
	    {".jpeg", "image/jpeg"},
	    {".webp", "image/webp"},
	    {".gif", "image/gif"},
	    {".avif", "image/avif"},
	    {".ico", "image/x-icon"},
	    {".woff2", "font/woff2"},
	    {".woff", "font/woff"},
	    {".ttf", "font/ttf"},
	    {".otf", "font/otf"},
	    {".txt", "text/plain; charset=utf-8"},
	    {".xml", "application/xml"},
	    {".html", "text/html; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (dot && (!slash || dot > slash))
		for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
			if (strcasecmp(dot, table[i].ext) == 0)
				return table[i].mime;
	return "application/octet-stream";
}

static void asset_clear(asset *a)
{
	free(a->path);
	free(a->hashed);
	free(a->url);
	free(a->owned);
}

void nz_theme_free(nz_theme *t)
{
	if (!t)
		return;
	nz_tmpl_set_free(t->set);
	json_decref(t->strings);
	nz_buf_free(&t->parts);
	for (size_t i = 0; i < t->n_assets; i++)
		asset_clear(&t->assets[i]);
	free(t->assets);
	free(t);
}

/* Adds an asset; takes owned (which may be NULL for embedded bytes) even on failure. */
static nz_rc add_asset(nz_theme *t, const char *path, const unsigned char *data,
		       unsigned char *owned, size_t len)
{
	char hex[65];
	asset a = {0};
	size_t plen = strlen(path);
	a.data = data;
	a.owned = owned;
	a.len = len;
	a.mime = mime_for(path);
	nz_sha256_hex(data, len, hex);
	nz_buf_printf(&t->parts, "asset %s %s\n", path, hex);
	hex[8] = '\0';
	/* The hash goes before the last extension of the file name: "fonts/x.<hash>.woff2". */
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');
	size_t stem = dot && dot > (slash ? slash + 1 : path) ? (size_t)(dot - path) : plen;
	a.path = strdup(path);
	a.hashed = malloc(plen + 10);
	a.url = malloc(plen + 18);
	if (!a.path || !a.hashed || !a.url ||
	    NZ_GROW(t->assets, t->n_assets + 1, t->cap_assets) != NZ_OK) {
		asset_clear(&a);
		return NZ_NOMEM;
	}
	snprintf(a.hashed, plen + 10, "%.*s.%s%s", (int)stem, path, hex, path + stem);
	snprintf(a.url, plen + 18, "/static/%s", a.hashed);
	t->assets[t->n_assets++] = a;
	return NZ_OK;
}

/* Compiles one template; a syntax error names the file it came from. */
static nz_rc add_template(nz_theme *t, const char *name, const char *src, size_t len,
			  const char *file, nz_err *err)
{
	nz_err tmpl_err = {0};
	note_file(t, "template", name, src, len);
	nz_rc rc = nz_tmpl_add(t->set, name, src, len, &tmpl_err);
	if (rc == NZ_OK)
		return NZ_OK;
	if (rc == NZ_NOMEM)
		return nz_err_set(err, rc, "%s: out of memory", file);
	/* The engine says "article: line 12: ..."; say the file instead of the name. */
	const char *detail = tmpl_err.msg;
	size_t n = strlen(name);
	if (strncmp(detail, name, n) == 0 && detail[n] == ':' && detail[n + 1] == ' ')
		detail += n + 2;
	return nz_err_set(err, rc, "%s: %s", file, detail[0] ? detail : nz_strerror(rc));
}

/* Adds strings/<lang>.json: a JSON object of UI strings for the edition in that language. A
 * file that is not such an object is an error naming it. */
static nz_rc add_strings(nz_theme *t, const char *name, const char *src, size_t len,
			 const char *file, nz_err *err)
{
	json_error_t jerr;
	char lang[16];
	size_t n = strlen(name);
	if (n < 6 || strcmp(name + n - 5, ".json") != 0)
		return NZ_OK; /* a README or the like beside the files */
	snprintf(lang, sizeof lang, "%.*s", (int)(n - 5), name);
	if (!nz_edition_code_valid(lang))
		return nz_err_set(err, NZ_INVAL, "%s: the name must be a language code (ko.json)",
				  file);
	note_file(t, "strings", name, src, len);
	json_t *obj = json_loadb(src, len, 0, &jerr);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return nz_err_set(err, NZ_INVAL, "%s: line %d: %s", file, jerr.line,
				  json_is_object(obj) || jerr.text[0] ? jerr.text
								      : "not a JSON object");
	}
	if (!t->strings && !(t->strings = json_object())) {
		json_decref(obj);
		return nz_err_set(err, NZ_NOMEM, "%s: out of memory", file);
	}
	if (json_object_set_new(t->strings, lang, obj) != 0)
		return nz_err_set(err, NZ_NOMEM, "%s: out of memory", file);
	return NZ_OK;
}

const json_t *nz_theme_strings(const nz_theme *t, const char *lang)
{
	return t && t->strings && lang ? json_object_get(t->strings, lang) : NULL;
}

/* Loads the theme compiled into the binary. */
static nz_rc load_embedded(nz_theme *t, nz_err *err)
{
	for (const nz_file_entry *f = nz__theme_files; f->path; f++) {
		nz_rc rc = NZ_OK;
		size_t plen = strlen(f->path);
		if (strncmp(f->path, "templates/", 10) == 0 && plen > 19 &&
		    strcmp(f->path + plen - 9, ".mustache") == 0) {
			char name[256];
			snprintf(name, sizeof name, "%.*s", (int)(plen - 19), f->path + 10);
			rc = add_template(t, name, (const char *)f->data, f->len, f->path, err);
		} else if (strncmp(f->path, "static/", 7) == 0) {
			rc = add_asset(t, f->path + 7, f->data, NULL, f->len);
			if (rc != NZ_OK)
				nz_err_set(err, rc, "%s: out of memory", f->path);
		} else if (strncmp(f->path, "strings/", 8) == 0) {
			rc = add_strings(t, f->path + 8, (const char *)f->data, f->len, f->path,
					 err);
		}
		if (rc != NZ_OK)
			return rc;
	}
	return NZ_OK;
}

/* Reads a whole file (up to THEME_FILE_MAX) into a malloc'd, NUL-terminated buffer. */
static nz_rc read_file(const char *path, unsigned char **data, size_t *len, nz_err *err)
{
	nz_rc rc = NZ_OK;
	unsigned char *buf = NULL;
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f)
		return nz_err_set(err, errno == ENOENT ? NZ_NOTFOUND : NZ_IO, "%s: %s", path,
				  strerror(errno));
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0) {
		rc = nz_err_set(err, NZ_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_size > THEME_FILE_MAX) {
		rc = nz_err_set(err, NZ_TOOBIG, "%s: larger than %d bytes", path, THEME_FILE_MAX);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", path);
		goto out;
	}
	*len = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		rc = nz_err_set(err, NZ_IO, "%s: read error", path);
		goto out;
	}
	buf[*len] = '\0';
	*data = buf;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return rc;
}

/* Adds every regular file under dir/static/rel as an asset named rel/... */
static nz_rc load_static(nz_theme *t, const char *root, const char *rel, int depth, nz_err *err)
{
	char dirpath[4096];
	nz_rc rc = NZ_OK;
	snprintf(dirpath, sizeof dirpath, "%s/static%s%s", root, rel[0] ? "/" : "", rel);
	DIR *d = opendir(dirpath);
	if (!d)
		return errno == ENOENT && depth == 0
			   ? NZ_OK /* a theme without assets */
			   : nz_err_set(err, NZ_IO, "%s: %s", dirpath, strerror(errno));
	struct dirent *e;
	while (rc == NZ_OK && (e = readdir(d))) {
		char sub[4096], full[8192];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
		snprintf(full, sizeof full, "%s/%s", dirpath, e->d_name);
		if (stat(full, &st) != 0) {
			rc = nz_err_set(err, NZ_IO, "%s: %s", full, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			rc = depth < THEME_DEPTH_MAX
				 ? load_static(t, root, sub, depth + 1, err)
				 : nz_err_set(err, NZ_TOOBIG, "%s: folders nested too deep", full);
		} else if (S_ISREG(st.st_mode)) {
			unsigned char *data = NULL;
			size_t len = 0;
			rc = read_file(full, &data, &len, err);
			if (rc == NZ_OK && (rc = add_asset(t, sub, data, data, len)) != NZ_OK)
				nz_err_set(err, rc, "%s: out of memory", full);
		}
	}
	closedir(d);
	return rc;
}

/* What a theme folder's file is given to: the theme, its name in the folder, its bytes (NUL
 * terminated), its path for errors. */
typedef nz_rc (*file_fn)(nz_theme *t, const char *name, const char *data, size_t len,
			 const char *file, nz_err *err);

/* Reads every file of root/sub whose name ends with suffix and hands it to fn. A missing folder
 * is NZ_NOTFOUND (named in err) when it must exist, else quietly NZ_OK. */
static nz_rc each_file(nz_theme *t, const char *root, const char *sub, const char *suffix,
		       bool must_exist, file_fn fn, nz_err *err)
{
	char dirpath[4096];
	nz_rc rc = NZ_OK;
	snprintf(dirpath, sizeof dirpath, "%s/%s", root, sub);
	DIR *d = opendir(dirpath);
	if (!d && errno == ENOENT && !must_exist)
		return NZ_OK;
	if (!d)
		return nz_err_set(err, errno == ENOENT ? NZ_NOTFOUND : NZ_IO, "%s: %s", dirpath,
				  strerror(errno));
	struct dirent *e;
	size_t slen = strlen(suffix);
	while (rc == NZ_OK && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.' || n <= slen || strcmp(e->d_name + n - slen, suffix) != 0)
			continue;
		char full[8192];
		unsigned char *data = NULL;
		size_t len = 0;
		snprintf(full, sizeof full, "%s/%s", dirpath, e->d_name);
		rc = read_file(full, &data, &len, err);
		if (rc == NZ_OK)
			rc = fn(t, e->d_name, (const char *)data, len, full, err);
		free(data);
	}
	closedir(d);
	return rc;
}

/* A template file "NAME.mustache", compiled as NAME. */
static nz_rc template_file(nz_theme *t, const char *name, const char *data, size_t len,
			   const char *file, nz_err *err)
{
	char tmpl[256];
	snprintf(tmpl, sizeof tmpl, "%.*s", (int)(strlen(name) - 9), name);
	return add_template(t, tmpl, data, len, file, err);
}

static nz_rc load_dir(nz_theme *t, const char *dir, nz_err *err)
{
	struct stat st;
	if (stat(dir, &st) != 0)
		return nz_err_set(err, NZ_NOTFOUND, "%s: no such theme folder", dir);
	if (!S_ISDIR(st.st_mode))
		return nz_err_set(err, NZ_INVAL, "%s: not a folder", dir);
	/* every templates/NAME.mustache; the UI strings of strings/<code>.json, when any */
	nz_rc rc = each_file(t, dir, "templates", ".mustache", true, template_file, err);
	if (rc == NZ_OK)
		rc = load_static(t, dir, "", 0, err);
	if (rc == NZ_OK)
		rc = each_file(t, dir, "strings", ".json", false, add_strings, err);
	return rc;
}

nz_rc nz_theme_load(const char *dir, nz_theme **out, nz_err *err)
{
	nz_rc rc;
	nz_theme *t = calloc(1, sizeof *t);
	*out = NULL;
	if (!t)
		return nz_err_set(err, NZ_NOMEM, "theme: out of memory");
	rc = nz_tmpl_set_new(&t->set);
	if (rc != NZ_OK) {
		nz_err_set(err, rc, "theme: cannot create template set");
		goto out;
	}
	rc = dir ? load_dir(t, dir, err) : load_embedded(t, err);
	if (rc != NZ_OK)
		goto out;
	if (nz_buf_rc(&t->parts) != NZ_OK) {
		rc = nz_err_set(err, NZ_NOMEM, "theme: out of memory");
		goto out;
	}
	/* Files load in a fixed order (embedded: sorted; folders: readdir's), so the same files
	 * give the same fingerprint on one machine; a different order only costs a re-render. */
	nz_sha256_hex(t->parts.p, t->parts.len, t->fingerprint);
	nz_buf_free(&t->parts);
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
		if (!nz_tmpl_has(t->set, required[i])) {
			rc = nz_err_set(err, NZ_NOTFOUND, "%s/templates/%s.mustache: missing",
					dir ? dir : "(built-in theme)", required[i]);
			goto out;
		}
	}
	*out = t;
	t = NULL;
out:
	nz_theme_free(t);
	return rc;
}

nz_rc nz_theme_render(const nz_theme *t, const char *name, const json_t *ctx, nz_buf *out,
		      nz_err *err)
{
	if (!nz_tmpl_has(t->set, name))
		return nz_err_set(err, NZ_NOTFOUND, "theme: no template '%s'", name);
	return nz_tmpl_render(t->set, name, ctx, out, err);
}

static const asset *find_asset(const nz_theme *t, const char *path, bool *hashed)
{
	if (strncmp(path, "/static/", 8) == 0)
		path += 8;
	while (*path == '/')
		path++;
	for (size_t i = 0; i < t->n_assets; i++) {
		if (strcmp(t->assets[i].hashed, path) == 0) {
			*hashed = true;
			return &t->assets[i];
		}
		if (strcmp(t->assets[i].path, path) == 0) {
			*hashed = false;
			return &t->assets[i];
		}
	}
	return NULL;
}

nz_rc nz_theme_asset(const nz_theme *t, const char *path, const void **data, size_t *len,
		     const char **mime, bool *immutable)
{
	bool hashed = false;
	const asset *a = t && path ? find_asset(t, path, &hashed) : NULL;
	if (!a)
		return NZ_NOTFOUND;
	if (data)
		*data = a->data;
	if (len)
		*len = a->len;
	if (mime)
		*mime = a->mime;
	if (immutable)
		*immutable = hashed;
	return NZ_OK;
}

const char *nz_theme_asset_url(const nz_theme *t, const char *path)
{
	bool hashed = false;
	const asset *a = t && path ? find_asset(t, path, &hashed) : NULL;
	return a ? a->url : NULL;
}

/* ---- speed: what the static export needs ---- */

const char *nz_theme_fingerprint(const nz_theme *t)
{
	return t->fingerprint;
}

size_t nz_theme_asset_count(const nz_theme *t)
{
	return t ? t->n_assets : 0;
}

nz_rc nz_theme_asset_at(const nz_theme *t, size_t i, const char **url, const void **data,
			size_t *len, const char **mime)
{
	if (!t || i >= t->n_assets)
		return NZ_NOTFOUND;
	*url = t->assets[i].url;
	*data = t->assets[i].data;
	*len = t->assets[i].len;
	*mime = t->assets[i].mime;
	return NZ_OK;
}
