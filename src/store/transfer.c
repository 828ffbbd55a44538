/*
 * transfer.c: the backend-neutral half of copying a whole database (store.h, "transfer"), for
 * backup, restore and migrate: the one list of tables copied and of tables left out, the check
 * that nothing else exists, the canonical row encoding and its checksum, and the fronts that
 * keep every SQL name a backend builds to the list and to columns it reported itself.
 *
 * Rules: the list is the schema's every table, parents before children, so rows load in order
 * with foreign keys on. A table added to the schema must be added here (copied or excluded with
 * a reason): nz_store_transfer_check refuses a copy otherwise, and the unit test says which.
 * The checksum is computed here, in C, from the typed values, so two backends agree on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/store_int.h"

static const nz_transfer_table tables[] = {
    {"sections", "id", false},
    {"authors", "id", false},
    {"author_profiles", "author_id", false},
    {"users", "id", false},
    {"sessions", "id", false},
    {"api_tokens", "id", false},
    {"login_failures", "id", false},
    {"tags", "id", false},
    {"tag_profiles", "tag_id", false},
    {"blobs", "hash", false},
    {"media", "id", false},
    {"media_revisions", "id", false},
    {"articles", "id", false},
    {"article_authors", "article_id, author_id", false},
    {"article_tags", "article_id, tag_id", false},
    {"article_media", "article_id, position", false},
    {"revisions", "id", false},
    {"corrections", "id", false},
    {"import_sources", "id", false},
    {"import_notes", "article_id, position", false},
    {"slug_redirects", "old_slug", false},
    {"import_items", "key", false},
    {"url_redirects", "path", false},
    {"wire_feeds", "id", false},
    {"pages", "id", false},
    {"page_revisions", "page_id, revision", false},
    {"page_imports", "key", false},
    {"live_coverage", "article_id", false},
    {"live_updates", "id", false},
    {"front_layouts", "id", false},
    {"article_views", "article_id, hour", false},
    {"reader_counts", "kind, key, hour", false},
    {"audit_log", "id", false},
    {"settings", "key", false},
    {"webhooks", "id", false},
    {"webhook_deliveries", "id", false},
    {"webhook_attempts", "id", false},
    {"changes", "seq", false},
    {"change_state", "id", true},
};
#define N_TABLES (sizeof(tables) / sizeof(tables[0]))

static const struct {
	const char *name, *reason;
} excluded[] = {
    {"schema_version", "the target's own migrations write it"},
    {"articles_fts", "the search index, rebuilt from articles"},
    {"articles_fts_data", "the search index, rebuilt from articles"},
    {"articles_fts_idx", "the search index, rebuilt from articles"},
    {"articles_fts_docsize", "the search index, rebuilt from articles"},
    {"articles_fts_config", "the search index, rebuilt from articles"},
    {"articles_fts_vocab", "a view of the search index"},
    {"article_search", "the search index (PostgreSQL), rebuilt from articles"},
    {"article_rank", "the search index's ranking frequencies (PostgreSQL), rebuilt with it"},
    {"search_postings", "the search index's postings (PostgreSQL), rebuilt with it"},
    {"search_terms", "the search index's vocabulary (PostgreSQL), rebuilt with it"},
    {"media_fts", "the media library's search index, rebuilt from media"},
    {"media_fts_data", "the media library's search index, rebuilt from media"},
    {"media_fts_idx", "the media library's search index, rebuilt from media"},
    {"media_fts_docsize", "the media library's search index, rebuilt from media"},
    {"media_fts_config", "the media library's search index, rebuilt from media"},
    {"media_fts_deferred", "a batch import's note, never seen outside its transaction"},
    {"renditions", "the image pipeline's output, made again from blobs on demand"},
    {"password_resets",
     "one-time links that live 24 hours: an admin makes a new one on the target"},
    {"presence", "who has an editor open: seconds-long state, made again by the heartbeat"},
    {"leases", "which running node holds a job: each target's own nodes take them again"},
    {"search_stale", "whether the search index is older than the tokenizer: the target's index is "
		     "built by the transfer"},
    {"related", "related articles, computed from the articles: the target's first build (or an "
		"article's first view) computes them again"},
};

const nz_transfer_table *nz_store_transfer_tables(size_t *n)
{
	*n = N_TABLES;
	return tables;
}

const nz_transfer_table *nz_store_transfer_table(const char *name)
{
	for (size_t i = 0; name && i < N_TABLES; i++)
		if (strcmp(tables[i].name, name) == 0)
			return &tables[i];
	return NULL;
}

const char *nz_store_transfer_excluded(const char *name)
{
	/* The backend's own bookkeeping (sqlite_sequence, sqlite_stat1) is made again by it. */
	if (strncmp(name, "sqlite_", 7) == 0)
		return "SQLite's own bookkeeping";
	for (size_t i = 0; i < sizeof(excluded) / sizeof(excluded[0]); i++)
		if (strcmp(excluded[i].name, name) == 0)
			return excluded[i].reason;
	return NULL;
}

nz_rc nz_store_transfer_check(nz_store *s, nz_arena *arena, nz_err *err)
{
	const char **names = NULL;
	size_t n = 0;
	nz_rc rc = nz_store_transfer_catalog(s, arena, &names, &n, err);
	for (size_t i = 0; !rc && i < n; i++)
		if (!nz_store_transfer_table(names[i]) && !nz_store_transfer_excluded(names[i]))
			rc = nz_err_set(err, NZ_INVAL,
					"transfer: table %s is neither copied nor excluded; add it "
					"to the list in store/transfer.c",
					names[i]);
	return rc;
}

/* ---- the checksum ---------------------------------------------------------------------- */

struct nz_transfer_sum {
	crypto_hash_sha256_state state;
	int64_t rows;
};

nz_transfer_sum *nz_store_transfer_sum_new(void)
{
	nz_transfer_sum *sum = calloc(1, sizeof(*sum));
	if (sum)
		crypto_hash_sha256_init(&sum->state);
	return sum;
}

/* The canonical encoding of a value: a type letter, then "i<decimal>;", "r<%.17g>;", or
 * "t<length>:<bytes>" / "b<length>:<bytes>"; "n" for NULL; a row ends with a newline. */
void nz_store_transfer_sum_add(nz_transfer_sum *sum, const nz_value *row, size_t ncols)
{
	char head[48];
	for (size_t c = 0; c < ncols; c++) {
		const nz_value *v = &row[c];
		int len = 0;
		switch (v->type) {
		case NZ_VALUE_INT:
			len = snprintf(head, sizeof(head), "i%lld;", (long long)v->i);
			break;
		case NZ_VALUE_REAL:
			len = snprintf(head, sizeof(head), "r%.17g;", v->r);
			break;
		case NZ_VALUE_TEXT:
		case NZ_VALUE_BLOB:
			len = snprintf(head, sizeof(head),
				       "%c%zu:", v->type == NZ_VALUE_TEXT ? 't' : 'b', v->len);
			break;
		default:
			len = snprintf(head, sizeof(head), "n");
		}
		crypto_hash_sha256_update(&sum->state, (const unsigned char *)head, (size_t)len);
		if ((v->type == NZ_VALUE_TEXT || v->type == NZ_VALUE_BLOB) && v->len)
			crypto_hash_sha256_update(&sum->state, (const unsigned char *)v->p, v->len);
	}
	crypto_hash_sha256_update(&sum->state, (const unsigned char *)"\n", 1);
	sum->rows++;
}

int64_t nz_store_transfer_sum_rows(const nz_transfer_sum *sum)
{
	return sum->rows;
}

void nz_store_transfer_sum_hex(const nz_transfer_sum *sum, char hex[65])
{
	crypto_hash_sha256_state copy = sum->state;
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&copy, digest);
	sodium_bin2hex(hex, 65, digest, sizeof(digest));
}

void nz_store_transfer_sum_free(nz_transfer_sum *sum)
{
	free(sum);
}

nz_rc nz_store_transfer_each(nz_store *s, const nz_transfer_table *t, const char *const *cols,
			     size_t ncols, nz_transfer_batch_fn fn, void *ctx, nz_err *err)
{
	/* Two arenas in turn: the key of a batch's last row is bound by the next read, so the
	 * batch's arena lives until that read is done. */
	nz_arena *arenas[2] = {nz_arena_new(), nz_arena_new()};
	nz_value key[NZ_TRANSFER_KEY_MAX];
	nz_rc rc = NZ_OK;

	if (!arenas[0] || !arenas[1]) {
		rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", t->name);
		goto out;
	}
	for (size_t turn = 0;; turn++) {
		nz_arena *arena = arenas[turn % 2];
		nz_value *batch = NULL;
		size_t n = 0;
		if (turn >= 2) { /* this arena held the batch before the previous one */
			nz_arena_free(arena);
			if (!(arena = arenas[turn % 2] = nz_arena_new())) {
				rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", t->name);
				goto out;
			}
		}
		if ((rc = nz_store_transfer_read(s, arena, t, cols, ncols, turn ? key : NULL,
						 NZ_TRANSFER_BATCH, &batch, &n, err)) ||
		    n == 0)
			break;
		if ((rc = fn(ctx, batch, n, err)) ||
		    (rc = nz_store_transfer_key(t, cols, ncols, batch + (n - 1) * ncols, key, err)))
			break;
	}
out:
	nz_arena_free(arenas[0]);
	nz_arena_free(arenas[1]);
	return rc;
}

typedef struct sum_ctx {
	nz_transfer_sum *sum;
	size_t ncols;
} sum_ctx;

static nz_rc sum_batch(void *ctx, const nz_value *rows, size_t n, nz_err *err)
{
	sum_ctx *c = ctx;
	(void)err;
	for (size_t r = 0; r < n; r++)
		nz_store_transfer_sum_add(c->sum, rows + r * c->ncols, c->ncols);
	return NZ_OK;
}

nz_rc nz_store_transfer_checksum(nz_store *s, const nz_transfer_table *t, const char *const *cols,
				 size_t ncols, int64_t *rows, char hex[65], nz_err *err)
{
	sum_ctx c = {nz_store_transfer_sum_new(), ncols};
	nz_rc rc;

	if (!c.sum)
		return nz_err_set(err, NZ_NOMEM, "checksum: out of memory");
	if (!(rc = nz_store_transfer_each(s, t, cols, ncols, sum_batch, &c, err))) {
		*rows = nz_store_transfer_sum_rows(c.sum);
		nz_store_transfer_sum_hex(c.sum, hex);
	}
	nz_store_transfer_sum_free(c.sum);
	return rc;
}

/* ---- the fronts -------------------------------------------------------------------------- */

/* NZ_INVAL unless t is an entry of the list (so its names are ours, never a file's). */
static nz_rc listed(const nz_transfer_table *t, nz_err *err)
{
	if (t && t >= tables && t < tables + N_TABLES)
		return NZ_OK;
	return nz_err_set(err, NZ_INVAL, "transfer: not a table of the list");
}

/* True when name is a plain lower-case SQL name: safe to quote into a statement. */
static bool plain_name(const char *name)
{
	if (!name || !*name || strlen(name) > 63)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

static nz_rc plain_columns(const nz_transfer_table *t, const char *const *cols, size_t ncols,
			   nz_err *err)
{
	if (ncols == 0)
		return nz_err_set(err, NZ_INVAL, "%s: no columns", t->name);
	for (size_t c = 0; c < ncols; c++)
		if (!plain_name(cols[c]))
			return nz_err_set(err, NZ_INVAL, "%s: \"%.40s\" is not a column name",
					  t->name, cols[c] ? cols[c] : "");
	return NZ_OK;
}

nz_rc nz_store_transfer_key(const nz_transfer_table *t, const char *const *cols, size_t ncols,
			    const nz_value *row, nz_value key[NZ_TRANSFER_KEY_MAX], nz_err *err)
{
	size_t k = 0;
	for (const char *p = t->key; *p;) {
		size_t len = strcspn(p, ", ");
		size_t c = 0;
		while (c < ncols && !(strlen(cols[c]) == len && strncmp(cols[c], p, len) == 0))
			c++;
		if (c == ncols || k == NZ_TRANSFER_KEY_MAX)
			return nz_err_set(err, NZ_INVAL, "%s: key column %.*s missing", t->name,
					  (int)len, p);
		key[k++] = row[c];
		p += len;
		p += strspn(p, ", ");
	}
	return NZ_OK;
}

nz_rc nz_store_transfer_columns(nz_store *s, nz_arena *arena, const nz_transfer_table *t,
				const char ***cols, size_t *n, nz_err *err)
{
	*cols = NULL;
	*n = 0;
	nz_rc rc = listed(t, err);
	return rc ? rc : nz__store_transfer_columns(s, arena, t, cols, n, err);
}

nz_rc nz_store_transfer_count(nz_store *s, const nz_transfer_table *t, int64_t *n, nz_err *err)
{
	*n = 0;
	nz_rc rc = listed(t, err);
	return rc ? rc : nz__store_transfer_count(s, t, n, err);
}

nz_rc nz_store_transfer_read(nz_store *s, nz_arena *arena, const nz_transfer_table *t,
			     const char *const *cols, size_t ncols, const nz_value *after,
			     size_t max, nz_value **rows, size_t *n, nz_err *err)
{
	*rows = NULL;
	*n = 0;
	nz_rc rc = listed(t, err);
	if (!rc)
		rc = plain_columns(t, cols, ncols, err);
	if (!rc && (max < 1 || max > 10000))
		rc = nz_err_set(err, NZ_INVAL, "%s: read 1..10000 rows at a time", t->name);
	return rc ? rc
		  : nz__store_transfer_read(s, arena, t, cols, ncols, after, max, rows, n, err);
}

nz_rc nz_store_transfer_write(nz_store *s, const nz_transfer_table *t, const char *const *cols,
			      size_t ncols, const nz_value *rows, size_t n, nz_err *err)
{
	nz_rc rc = listed(t, err);
	if (!rc)
		rc = plain_columns(t, cols, ncols, err);
	if (rc || n == 0)
		return rc;
	return nz__store_transfer_write(s, t, cols, ncols, rows, n, err);
}

nz_rc nz_store_transfer_clear(nz_store *s, const nz_transfer_table *t, nz_err *err)
{
	nz_rc rc = listed(t, err);
	if (!rc && !t->seeded)
		rc = nz_err_set(err, NZ_INVAL, "%s: only seeded tables are cleared", t->name);
	return rc ? rc : nz__store_transfer_clear(s, t, err);
}

nz_rc nz_store_transfer_load(nz_store *s, nz_err *err)
{
	nz_rc rc = nz__store_transfer_load(s, err);
	for (size_t i = 0; !rc && i < N_TABLES; i++) {
		int64_t n = 0;
		if (tables[i].seeded)
			continue;
		if ((rc = nz__store_transfer_count(s, &tables[i], &n, err)) == NZ_OK && n > 0)
			rc = nz_err_set(err, NZ_EXISTS,
					"the target database is not empty (table %s has %lld "
					"row%s); give a new, empty one",
					tables[i].name, (long long)n, n == 1 ? "" : "s");
		if (rc) {
			nz_err ignored = {0};
			nz_store_transfer_end(s, false, &ignored);
		}
	}
	return rc;
}
