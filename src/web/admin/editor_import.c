/*
 * web/admin/editor_import: what the editor shows of an imported article's origin: the import
 * notes (the lines of the file that no field took, docs/import-format.md) and a link to the
 * original file (GET /admin/articles/{id}/original, history.c); and, when a wire sent a newer
 * version of a story after it was scheduled or published (app/wire.c leaves the article alone
 * and writes article.wire_updated in the audit log), a notice until the article is saved again.
 *
 * Rules: read-only; nothing here changes the article. Kept apart from editor.c so the editor's
 * other panels can grow without touching it.
 */
#include <string.h>

#include "web/admin/admin_int.h"

/* When the newest of a's audit lines that matter here is a wire update not yet dealt with (no
 * save or publication since): its time for the notice; else null. */
static json_t *wire_update(nz__ctx *c, const nz_article *a)
{
	nz_audit_query q = {.article_id = a->id, .limit = 50};
	nz_audit_entry *e = NULL;
	size_t n = 0;
	if (nz_store_audit_list(c->store, c->req->arena, &q, &e, &n, NULL) != NZ_OK)
		return json_null();
	for (size_t i = 0; i < n; i++) {
		if (strcmp(e[i].action, "article.wire_updated") == 0) {
			char iso[48], human[64];
			nz_tz_info zone;
			nz_tz_at(c->site.time_zone, e[i].at, &zone);
			nz_time_human(e[i].at, zone.offset / 60, "en", true, human);
			return json_pack(
			    "{s:s, s:s}", "iso",
			    nz_time_rfc3339_local(e[i].at, zone.offset / 60, iso), "human",
			    nz_arena_printf(c->req->arena, "%s %s", human, zone.label));
		}
		if (strcmp(e[i].action, "article.updated") == 0 ||
		    strcmp(e[i].action, "article.published") == 0 ||
		    strcmp(e[i].action, "article.corrected") == 0)
			break;
	}
	return json_null();
}

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
	json_t *o = notes ? json_pack("{s:o, s:b, s:s?, s:s?, s:o}", "notes", notes, "has_notes",
				      a->n_import_notes > 0, "original_url", url, "filename",
				      filename, "wire_update", wire_update(c, a))
			  : NULL;
	return o && json_object_set_new(view, "import", o) == 0;
}
