/*
 * settings.c: the SQLite backend's settings table: the site's settings over their defaults,
 * a page's chrome (the settings with the sections and static pages, in one snapshot), and single
 * values set, read, or stored once (secrets made on first use).
 */
#include "store/sqlite/sqlite_int.h"

nz_rc nz__sq_site_load(nz_store *s, nz_arena *arena, nz_site *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row;
	nz_rc rc;

	nz_site_defaults(out);
	if ((rc = nz__sq_stmt(h, SQ_SETTINGS_ALL, &st, err)))
		return rc;
	while (!(rc = nz__sq_step(h, st, &row, "settings", err)) && row) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		const char *value;
		if (!key || nz__sq_col_text(arena, st, 1, &value) || !value) {
			rc = nz_err_set(err, NZ_NOMEM, "settings: out of memory");
			break;
		}
		nz__store_site_apply(out, key, value);
	}
	sqlite3_reset(st);
	return rc;
}

/* The three reads in one read transaction (unless one is open): one snapshot, so a page never
 * shows a section list from before a change beside settings from after it. */
nz_rc nz__sq_site_chrome(nz_store *s, nz_arena *arena, nz_site_chrome *out, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	bool snap = nz__sq_read_begin(h);

	*out = (nz_site_chrome){0};
	nz_rc rc = nz__sq_site_load(s, arena, &out->site, err);
	if (!rc)
		rc = nz__sq_section_list(s, arena, &out->sections, &out->n_sections, err);
	if (!rc)
		rc = nz__sq_static_page_list(s, arena, &out->pages, &out->n_pages, err);
	nz__sq_read_end(h, snap);
	return rc;
}

nz_rc nz__sq_setting_set(nz_store *s, const char *key, const char *value, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc;

	if ((rc = nz__sq_stmt(h, value ? SQ_SETTING_SET : SQ_SETTING_DEL, &st, err)))
		return rc;
	if (nz__sq_bind_text(st, 1, key) || (value && nz__sq_bind_text(st, 2, value)))
		return nz__sq_bind_error(h, "setting", err);
	if ((rc = nz__sq_begin(h, err)))
		return rc;
	rc = nz__sq_exec(h, st, "setting", err);
	return nz__sq_end(h, rc, err);
}

nz_rc nz__sq_setting_get(nz_store *s, nz_arena *arena, const char *key, const char **value,
			 nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	bool row = false;
	nz_rc rc = nz__sq_stmt(h, SQ_SETTING_GET, &st, err);
	if (rc)
		return rc;
	if (nz__sq_bind_text(st, 1, key))
		return nz__sq_bind_error(h, "setting", err);
	if ((rc = nz__sq_step(h, st, &row, "setting", err)))
		return rc;
	if (!row)
		rc = NZ_NOTFOUND;
	else if (nz__sq_col_text(arena, st, 0, value) || !*value)
		rc = nz_err_set(err, NZ_NOMEM, "setting: out of memory");
	sqlite3_reset(st);
	return rc;
}

nz_rc nz__sq_setting_ensure(nz_store *s, nz_arena *arena, const char *key, const char *value,
			    const char **stored, nz_err *err)
{
	nz__sqlite *h = nz__sq(s);
	sqlite3_stmt *st;
	nz_rc rc = nz__sq_begin(h, err);
	if (rc)
		return rc;
	if (!(rc = nz__sq_stmt(h, SQ_SETTING_INSERT, &st, err))) {
		if (nz__sq_bind_text(st, 1, key) || nz__sq_bind_text(st, 2, value))
			rc = nz__sq_bind_error(h, "setting", err);
		else
			rc = nz__sq_exec(h, st, "setting", err);
	}
	if (!rc)
		rc = nz__sq_setting_get(s, arena, key, stored, err);
	return nz__sq_end(h, rc, err);
}
