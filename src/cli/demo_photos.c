/*
 * cli/demo_photos: the demo newsroom's photographs. demo/photos/photos.txt names each photo
 * ("photo: FILE | ORIGINAL | CREDIT | ALT | CAPTION") and which articles use them
 * ("use: SLUG | FILE | FILE ...", the lead first); the JPEGs beside it are compiled into the
 * binary with the articles. The index is read before the articles are imported; as each article
 * is imported (cli_demo_photos_prepare, the import's prepare hook) its photos are uploaded
 * through nz_app_media_add (the bytes are stored once, each article gets its own media row with
 * the caption) and put in place of the caption-only ones of its Markdown file, so the article
 * arrives whole: one revision, and no "Updated" on a page nobody edited.
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
#define USES_MAX 64

typedef struct demo_photo {
	const char *file, *credit, *alt, *caption;
	const nz_file_entry *bytes;
} demo_photo;

typedef struct demo_use {
	char *f[FIELDS_MAX]; /* the article's slug, then its photos' files, the lead first */
	size_t n, line_no;
	bool applied;
} demo_use;

struct cli_demo_photos {
	char *text; /* the index, split in place: every string points into it */
	demo_photo photos[PHOTOS_MAX];
	demo_use uses[USES_MAX];
	size_t n_photos, n_uses, added;
};

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

/* The photo named file, or NULL. */
static const demo_photo *photo_named(const cli_demo_photos *d, const char *file)
{
	for (size_t k = 0; k < d->n_photos; k++)
		if (strcmp(d->photos[k].file, file) == 0)
			return &d->photos[k];
	return NULL;
}

/* One line of the index; a "photo:" line must come before the "use:" lines naming it. */
static nz_rc line_read(cli_demo_photos *d, const nz_file_entry *files, char *line, size_t line_no,
		       nz_err *err)
{
	char *f[FIELDS_MAX];
	if (strncmp(line, "photo: ", 7) == 0) {
		size_t n = split(line + 7, f);
		if (n != 5 || d->n_photos == PHOTOS_MAX)
			return nz_err_set(err, NZ_PARSE,
					  "photo: FILE | ORIGINAL | CREDIT | ALT | "
					  "CAPTION, at most %d photos",
					  PHOTOS_MAX);
		char path[256];
		snprintf(path, sizeof path, "photos/%s", f[0]);
		const nz_file_entry *bytes = demo_file(files, path);
		if (!bytes)
			return nz_err_set(err, NZ_NOTFOUND, "%s: not in demo/photos", f[0]);
		d->photos[d->n_photos++] = (demo_photo){f[0], f[2], f[3], f[4], bytes};
		return NZ_OK;
	}
	if (strncmp(line, "use: ", 5) == 0) {
		demo_use *u = &d->uses[d->n_uses];
		if (d->n_uses == USES_MAX)
			return nz_err_set(err, NZ_PARSE, "at most %d use: lines", USES_MAX);
		u->n = split(line + 5, u->f);
		u->line_no = line_no;
		if (u->n < 2)
			return nz_err_set(err, NZ_PARSE,
					  "use: an article's slug and at least one photo");
		for (size_t i = 1; i < u->n; i++)
			if (!photo_named(d, u->f[i]))
				return nz_err_set(err, NZ_PARSE, "%s: no such photo line", u->f[i]);
		d->n_uses++;
		return NZ_OK;
	}
	if (line[0] == '#' || line[0] == '\0')
		return NZ_OK;
	return nz_err_set(err, NZ_PARSE, "a line starts with \"photo: \", \"use: \" or \"#\"");
}

nz_rc cli_demo_photos_load(const nz_file_entry *files, cli_demo_photos **out, char *where,
			   size_t where_len, nz_err *err)
{
	const nz_file_entry *index = demo_file(files, PHOTOS_INDEX);
	cli_demo_photos *d = calloc(1, sizeof *d);
	size_t line_no = 0;
	nz_rc rc = d ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
	*out = NULL;
	if (!rc && index && !(d->text = malloc(index->len + 1)))
		rc = nz_err_set(err, NZ_NOMEM, "out of memory");
	if (!rc && index) { /* else a demo without photos */
		memcpy(d->text, index->data, index->len);
		d->text[index->len] = '\0';
	}
	for (char *line = d && index ? d->text : NULL, *next; !rc && line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		rc = line_read(d, files, line, ++line_no, err);
	}
	if (rc) {
		snprintf(where, where_len, "demo/%s:%zu", PHOTOS_INDEX, line_no);
		cli_demo_photos_free(d);
		return rc;
	}
	*out = d;
	return NZ_OK;
}

nz_rc cli_demo_photos_prepare(void *ctx, nz_store *store, nz_arena *arena, nz_article *a,
			      nz_err *err)
{
	cli_demo_photos *d = ctx;
	demo_use *u = NULL;
	for (size_t i = 0; d && i < d->n_uses && !u; i++)
		if (a->slug && strcmp(d->uses[i].f[0], a->slug) == 0)
			u = &d->uses[i];
	if (!u)
		return NZ_OK;
	nz_media *media = nz_arena_zalloc(arena, (u->n - 1) * sizeof *media);
	nz_rc rc = media ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
	for (size_t i = 1; !rc && i < u->n; i++) {
		const demo_photo *p = photo_named(d, u->f[i]);
		nz_app_media_fields fields = {p->caption, p->credit, p->alt, u->f[i]};
		rc = nz_app_media_add(store, arena, 0, p->bytes->data, p->bytes->len, &fields,
				      &media[i - 1], err);
	}
	if (!rc) {
		a->media = media;
		a->n_media = u->n - 1;
		u->applied = true;
		d->added++;
	}
	return rc;
}

nz_rc cli_demo_photos_done(const cli_demo_photos *d, size_t *added, char *where, size_t where_len,
			   nz_err *err)
{
	*added = d ? d->added : 0;
	for (size_t i = 0; d && i < d->n_uses; i++)
		if (!d->uses[i].applied) {
			snprintf(where, where_len, "demo/%s:%zu", PHOTOS_INDEX, d->uses[i].line_no);
			return nz_err_set(err, NZ_NOTFOUND, "%s: no such demo article",
					  d->uses[i].f[0]);
		}
	return NZ_OK;
}

void cli_demo_photos_free(cli_demo_photos *d)
{
	if (!d)
		return;
	free(d->text);
	free(d);
}
