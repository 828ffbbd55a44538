/*
 * app/import: one file into one article (docs/import-format.md). The file's bytes are
 * deduplicated by their SHA-256 (the same file twice is one article), parsed by ingest/, and
 * stored in one transaction with their revision and the original bytes, so a file is imported
 * whole or not at all. A translation_of slug joins the article to that article's translation
 * group (the group is the original's id).
 *
 * What is the file's fault (unreadable, too big, not an article) is an outcome, not an error:
 * the caller reports it and goes on; an error means the database or memory failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/import_int.h"

nz_rc nz__app_join_translation(nz_store *s, nz_arena *arena, nz_article *a, nz_err *err)
{
	nz_article *other = NULL;
	if (!a->translation_of)
		return NZ_OK;
	nz_rc rc = nz_store_article_by_slug(s, arena, a->translation_of, &other, err);
	if (rc == NZ_OK) {
		a->translation_group =
		    other->translation_group ? other->translation_group : other->id;
		return NZ_OK;
	}
	if (rc != NZ_NOTFOUND)
		return rc;
	const char **notes = nz_arena_alloc(arena, (a->n_import_notes + 1) * sizeof *notes);
	const char *note = nz_arena_printf(arena, "translation_of: %s", a->translation_of);
	if (!notes || !note)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	if (a->n_import_notes)
		memcpy(notes, a->import_notes, a->n_import_notes * sizeof *notes);
	notes[a->n_import_notes++] = note;
	a->import_notes = notes;
	return NZ_OK;
}

/* The article, its revision and the original bytes, in one transaction. */
static nz_rc store_article(nz_store *s, nz_arena *arena, const nz_app_import *in, nz_article *a,
			   nz_err *err)
{
	nz_rc rc = nz_store_begin(s, err);
	if (rc != NZ_OK)
		return rc;
	rc = nz__app_join_translation(s, arena, a, err);
	if (rc == NZ_OK && in->prepare)
		rc = in->prepare(in->prepare_ctx, s, arena, a, err);
	if (rc == NZ_OK) {
		char *note = nz_arena_printf(arena, "imported from %s", in->name);
		rc = nz_store_article_create(s, arena, a, note, err);
	}
	if (rc == NZ_OK)
		rc = nz_store_import_add(s, a->id, in->name, in->bytes, in->len, err);
	if (rc == NZ_OK)
		rc = nz_store_commit(s, err);
	else
		nz_store_rollback(s);
	return rc;
}

nz_rc nz_app_import_bytes(nz_store *s, nz_arena *arena, const nz_app_import *in,
			  nz_app_imported *out, nz_err *err)
{
	char hash[65];
	*out = (nz_app_imported){0};
	nz_sha256_hex(in->bytes, in->len, hash);
	nz_rc rc = nz_store_import_find(s, hash, &out->article_id, err);
	if (rc == NZ_OK) {
		out->outcome = NZ_APP_UNCHANGED;
		return NZ_OK;
	}
	if (rc != NZ_NOTFOUND)
		return rc;
	nz_ingested *got = nz_arena_zalloc(arena, sizeof *got);
	if (!got)
		return nz_err_set(err, NZ_NOMEM, "out of memory");
	nz_article *a = &got->article;
	rc = nz_ingest_parse(arena, in->bytes, in->len, in->opts, got, err);
	if (rc == NZ_OK)
		rc = store_article(s, arena, in, a, err);
	if (rc == NZ_OK) {
		out->outcome = NZ_APP_IMPORTED;
		out->article_id = a->id;
		out->article = a;
	} else if (rc != NZ_DB && rc != NZ_NOMEM && rc != NZ_IO) {
		out->outcome = NZ_APP_REFUSED; /* the file's fault: err says why */
		rc = NZ_OK;
	}
	return rc;
}

char *nz__app_read_file(const char *path, size_t *len, nz_err *err)
{
	/* O_NONBLOCK: opening a FIFO would otherwise wait for a writer for ever. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	char *buf = NULL;
	struct stat st;
	if (fd < 0) {
		nz_err_set(err, NZ_IO, "%s", errno == ENOENT ? "no such file" : strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		nz_err_set(err, NZ_INVAL,
			   "not a regular file (a pipe, device, socket or folder): "
			   "skipped");
	} else if ((size_t)st.st_size > NZ_IMPORT_MAX_BYTES) {
		nz_err_set(err, NZ_TOOBIG, "file is %lld bytes, over the import limit of %zu bytes",
			   (long long)st.st_size, NZ_IMPORT_MAX_BYTES);
	} else if (!(buf = malloc((size_t)st.st_size + 1))) {
		nz_err_set(err, NZ_NOMEM, "out of memory");
	} else {
		size_t got = 0;
		while (got < (size_t)st.st_size) {
			ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
			if (r <= 0) {
				nz_err_set(err, NZ_IO, "read failed: %s",
					   r < 0 ? strerror(errno) : "file shrank");
				free(buf);
				buf = NULL;
				break;
			}
			got += (size_t)r;
		}
		*len = got;
	}
	close(fd);
	return buf;
}

nz_rc nz_app_import_file(nz_store *s, nz_arena *arena, const char *path, const nz_import_opts *opts,
			 nz_app_imported *out, nz_err *err)
{
	size_t len = 0;
	char *bytes = nz__app_read_file(path, &len, err);
	if (!bytes) {
		*out = (nz_app_imported){.outcome = NZ_APP_REFUSED};
		return NZ_OK;
	}
	nz_app_import in = {.name = path, .bytes = bytes, .len = len, .opts = opts};
	nz_rc rc = nz_app_import_bytes(s, arena, &in, out, err);
	free(bytes);
	return rc;
}
