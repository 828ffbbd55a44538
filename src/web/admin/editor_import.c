/*
 * web/admin/editor_import: what the editor shows of an imported article's origin: the import
 * notes (the lines of the file that no field took, docs/import-format.md) and a link to the
 * original file (GET /admin/articles/{id}/original, history.c).
 *
 * Rules: read-only; nothing here changes the article. Kept apart from editor.c so the editor's
 * other panels can grow without touching it.
 */
#include "web/admin/admin_int.h"

bool nz__editor_import(nz__ctx *c, const nz_article *a, json_t *view)
{
	const void *bytes = NULL;
	const char *filename = NULL;
	size_t len = 0;
	if (!a || !a->id)
		return true;
	bool original = nz_store_import_get(c->store, c->req->arena, a->id, &bytes, &len, &filename,
					    NULL) == NZ_OK;
	if (!original && a->n_import_notes == 0)
		return true;
	json_t *notes = json_array();
	for (size_t i = 0; notes && i < a->n_import_notes; i++)
		if (json_array_append_new(notes, json_string(a->import_notes[i])) != 0) {
			json_decref(notes);
			notes = NULL;
		}
	const char *url = original ? nz_arena_printf(c->req->arena, "/admin/articles/%lld/original",
						     (long long)a->id)
				   : NULL;
	json_t *o =
	    notes ? json_pack("{s:o, s:b, s:s?, s:s?}", "notes", notes, "has_notes",
			      a->n_import_notes > 0, "original_url", url, "filename", filename)
		  : NULL;
	return o && json_object_set_new(view, "import", o) == 0;
}
