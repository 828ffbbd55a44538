/*
 * articles_import.c: importing many files at once (nz_store_import_batch), backend-neutral:
 * the public front that checks the items, and the loop both backends run inside their slot.
 *
 * Rules: one transaction for the batch (so the change feed's lock and the commit are paid once),
 * one savepoint per item (so a refused file leaves nothing and the others go on), items in
 * their order (a slug made unique sees the batch's earlier articles). What is the file's fault
 * stays in its item; a failure of the database or of memory ends the batch, rolled back whole,
 * and marks every item with it, so no caller believes in an article that is not there.
 */
#include <string.h>

#include "store/store_int.h"

/* Whether rc means the database or memory failed rather than the item being refused. */
static bool fatal(nz_rc rc)
{
	return rc == NZ_DB || rc == NZ_NOMEM || rc == NZ_IO;
}

/* One item in its own savepoint: the article, then its original bytes. */
static void import_one(nz_store *s, nz_arena *arena, nz_store_import_item *it)
{
	nz_article *a = it->article;
	it->err = (nz_err){0};
	if ((it->rc = s->ops->begin(s, &it->err)))
		return;
	it->rc = nz_store_article_create(s, arena, a, it->note, &it->err);
	/* The caller's hash of the bytes, when it has one: a file is hashed once. */
	if (!it->rc && it->sha256)
		it->rc = nz__store_import_add(s, a->id, it->filename, it->sha256,
					      it->bytes ? it->bytes : "", it->len, &it->err);
	else if (!it->rc)
		it->rc = nz_store_import_add(s, a->id, it->filename, it->bytes, it->len, &it->err);
	if (!it->rc)
		it->rc = s->ops->commit(s, &it->err);
	else
		s->ops->rollback(s);
	if (it->rc) {
		a->id = 0; /* rolled back: the article claims no row */
		a->revision = 0;
	}
}

nz_rc nz__store_import_batch_each(nz_store *s, nz_arena *arena, nz_store_import_item *items,
				  size_t n, nz_err *err)
{
	return nz__store_import_batch_then(s, arena, items, n, NULL, NULL, err);
}

nz_rc nz__store_import_batch_then(nz_store *s, nz_arena *arena, nz_store_import_item *items,
				  size_t n, nz__store_import_finish_fn start,
				  nz__store_import_finish_fn finish, nz_err *err)
{
	nz_rc rc = s->ops->begin(s, err);
	if (!rc && start)
		rc = start(s, items, n, err);
	for (size_t i = 0; !rc && i < n; i++) {
		import_one(s, arena, &items[i]);
		if (fatal(items[i].rc)) {
			rc = items[i].rc;
			*err = items[i].err;
		}
	}
	if (!rc && finish)
		rc = finish(s, items, n, err);
	if (!rc)
		rc = s->ops->commit(s, err);
	else
		s->ops->rollback(s);
	for (size_t i = 0; rc && i < n; i++) {
		items[i].rc = rc;
		items[i].err = *err;
		items[i].article->id = 0;
		items[i].article->revision = 0;
	}
	return rc;
}

nz_rc nz_store_import_batch(nz_store *s, nz_arena *arena, nz_store_import_item *items, size_t n,
			    nz_err *err)
{
	if (n && !items)
		return nz_err_set(err, NZ_INVAL, "import: no items");
	for (size_t i = 0; i < n; i++)
		items[i].rc = NZ_OK;
	for (size_t i = 0; i < n; i++)
		if (!items[i].article || !items[i].filename || (!items[i].bytes && items[i].len))
			return nz_err_set(err, NZ_INVAL,
					  "import: item %zu has no article, file name or bytes", i);
	if (n == 0)
		return NZ_OK;
	return nz__store_import_batch(s, arena, items, n, err);
}
