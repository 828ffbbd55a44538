/*
 * cli/demo_photos: the demo newsroom's photographs. demo/photos/photos.txt names each photo
 * ("photo: FILE | ORIGINAL | CREDIT | ALT | CAPTION") and which articles use them
 * ("use: SLUG | FILE | FILE ...", the lead first); the JPEGs beside it are compiled into the
 * binary with the articles. Each use uploads the photo through nz_app_media_add (the bytes are
 * stored once, each article gets its own media row with the caption) and saves the article with
 * those photos in place of the caption-only ones of its Markdown file.
 *
 * Rules: a line that cannot be applied (unknown photo or article, a refused photo) stops the
 * demo with the file, the line and the reason; lines starting with '#' are comments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "cli/cli.h"

#define PHOTOS_INDEX "photos/photos.txt"
#define PHOTOS_MAX 32
#define FIELDS_MAX 8

typedef struct demo_photo {
	const char *file, *credit, *alt, *caption;
	const nz_file_entry *bytes;
} demo_photo;

static const nz_file_entry *demo_file(const nz_file_entry *files, const char *path)
{
	for (const nz_file_entry *f = files; f->path; f++)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

/* Splits line (modified) after its "key: " at " | " into at most FIELDS_MAX trimmed fields. */
static size_t split(char *line, char **fields)
{
	size_t n = 0;
	char *p = line;
	while (p && n < FIELDS_MAX) {
		char *bar = strstr(p, " | ");
		if (bar)
			*bar = '\0';
		while (*p == ' ')
			p++;
		size_t len = strlen(p);
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\r'))
			p[--len] = '\0';
		fields[n++] = p;
		p = bar ? bar + 3 : NULL;
	}
	return n;
}

/* One "use:" line: the article at slug gets the photos named in files[0..n). */
static nz_rc use(nz_store *store, const demo_photo *photos, size_t n_photos, char **f, size_t n,
		 nz_err *err)
{
	nz_arena *arena = nz_arena_new();
	nz_article *a = NULL;
	nz_rc rc = arena ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
	if (!rc && n < 2)
		rc = nz_err_set(err, NZ_PARSE, "use: an article's slug and at least one photo");
	if (!rc)
		rc = nz_store_article_by_slug(store, arena, f[0], &a, err);
	nz_media *media = rc ? NULL : nz_arena_zalloc(arena, (n - 1) * sizeof *media);
	if (!rc && !media)
		rc = nz_err_set(err, NZ_NOMEM, "out of memory");
	for (size_t i = 1; !rc && i < n; i++) {
		const demo_photo *p = NULL;
		for (size_t k = 0; k < n_photos && !p; k++)
			if (strcmp(photos[k].file, f[i]) == 0)
				p = &photos[k];
		if (!p) {
			rc = nz_err_set(err, NZ_PARSE, "%s: no such photo line", f[i]);
			break;
		}
		nz_app_media_fields fields = {p->caption, p->credit, p->alt};
		rc = nz_app_media_add(store, arena, 0, p->bytes->data, p->bytes->len, &fields,
				      &media[i - 1], err);
	}
	if (!rc) {
		a->media = media;
		a->n_media = n - 1;
		rc = nz_store_article_update(store, arena, 0, a, a->revision, "demo photos", err);
	}
	nz_arena_free(arena);
	return rc;
}

/* One line of the index; photos grows with each "photo:" line (its strings point into line). */
static nz_rc line_apply(nz_store *store, const nz_file_entry *files, char *line, demo_photo *photos,
			size_t *n_photos, nz_err *err)
{
	char *f[FIELDS_MAX];
	if (strncmp(line, "photo: ", 7) == 0) {
		size_t n = split(line + 7, f);
		if (n != 5 || *n_photos == PHOTOS_MAX)
			return nz_err_set(err, NZ_PARSE,
					  "photo: FILE | ORIGINAL | CREDIT | ALT | "
					  "CAPTION, at most %d photos",
					  PHOTOS_MAX);
		char path[256];
		snprintf(path, sizeof path, "photos/%s", f[0]);
		const nz_file_entry *bytes = demo_file(files, path);
		if (!bytes)
			return nz_err_set(err, NZ_NOTFOUND, "%s: not in demo/photos", f[0]);
		photos[(*n_photos)++] = (demo_photo){f[0], f[2], f[3], f[4], bytes};
		return NZ_OK;
	}
	if (strncmp(line, "use: ", 5) == 0)
		return use(store, photos, *n_photos, f, split(line + 5, f), err);
	if (line[0] == '#' || line[0] == '\0')
		return NZ_OK;
	return nz_err_set(err, NZ_PARSE, "a line starts with \"photo: \", \"use: \" or \"#\"");
}

nz_rc cli_demo_photos(nz_store *store, const nz_file_entry *files, size_t *added, char *where,
		      size_t where_len, nz_err *err)
{
	const nz_file_entry *index = demo_file(files, PHOTOS_INDEX);
	demo_photo photos[PHOTOS_MAX];
	size_t n_photos = 0, line_no = 0;
	nz_rc rc = NZ_OK;
	*added = 0;
	if (!index)
		return NZ_OK; /* a demo without photos */
	char *text = malloc(index->len + 1);
	if (!text)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	memcpy(text, index->data, index->len);
	text[index->len] = '\0';
	for (char *line = text, *next; !rc && line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line_no++;
		rc = line_apply(store, files, line, photos, &n_photos, err);
		if (!rc && strncmp(line, "use: ", 5) == 0)
			(*added)++;
	}
	if (rc)
		snprintf(where, where_len, "demo/%s:%zu", PHOTOS_INDEX, line_no);
	free(text);
	return rc;
}
