/*
 * settings.c: the PostgreSQL backend's settings table: the site's settings over their defaults,
 * a page's chrome (the settings with the sections and static pages, in one round trip), and
 * single values set, read, or stored once (secrets made on first use).
 *
 * The worked example of an aggregate on PostgreSQL: its statements are fixed nz__pg_sql in this
 * file, values bound with nz__pg_text & co., every write between nz__pg_begin and nz__pg_end.
 */
#include "store/postgres/postgres_int.h"

static const nz__pg_sql q_all = {"SELECT key, value FROM settings"};
static const nz__pg_sql q_get = {"SELECT value FROM settings WHERE key = $1"};
static const nz__pg_sql q_set = {"INSERT INTO settings(key, value) VALUES ($1, $2) "
				 "ON CONFLICT(key) DO UPDATE SET value = excluded.value"};
static const nz__pg_sql q_del = {"DELETE FROM settings WHERE key = $1"};
static const nz__pg_sql q_insert = {"INSERT INTO settings(key, value) VALUES ($1, $2) "
				    "ON CONFLICT(key) DO NOTHING"};

/* Applies the rows of q_all over what out holds already (the defaults). */
static nz_rc apply_settings(nz_arena *arena, const PGresult *res, nz_site *out, nz_err *err)
{
	for (int r = 0; r < PQntuples(res); r++) {
		const char *value;
		if (nz__pg_col_text(arena, res, r, 1, &value) || !value)
			return nz_err_set(err, NZ_NOMEM, "settings: out of memory");
		nz__store_site_apply(out, PQgetvalue(res, r, 0), value);
	}
	return NZ_OK;
}

nz_rc nz__pg_site_load(nz_store *s, nz_arena *arena, nz_site *out, nz_err *err)
{
	PGresult *res;
	nz_rc rc;

	nz_site_defaults(out);
	if ((rc = nz__pg_query(nz__pg_h(s), &q_all, NULL, &res, "settings", err)))
		return rc;
	rc = apply_settings(arena, res, out, err);
	PQclear(res);
	return rc;
}

/* The settings, the sections and the static pages in one batch (nz__pg_reads): one round trip,
 * one snapshot, each part read by the statement its own operation runs. */
nz_rc nz__pg_site_chrome(nz_store *s, nz_arena *arena, nz_site_chrome *out, nz_err *err)
{
	nz__pg_read r[] = {{&q_all, NULL, "settings", NULL},
			   {&nz__pg_q_section_list, NULL, "sections", NULL},
			   {&nz__pg_q_page_list, NULL, "pages", NULL}};

	*out = (nz_site_chrome){0};
	nz_site_defaults(&out->site);
	nz_rc rc = nz__pg_reads(nz__pg_h(s), r, 3, err);
	if (!rc)
		rc = apply_settings(arena, r[0].res, &out->site, err);
	if (!rc)
		rc =
		    nz__pg_collect_res(r[1].res, "sections", sizeof(nz_section), nz__pg_section_row,
				       arena, (void **)&out->sections, &out->n_sections, err);
	if (!rc)
		rc = nz__pg_collect_res(r[2].res, "pages", sizeof(nz_static_page), nz__pg_page_row,
					arena, (void **)&out->pages, &out->n_pages, err);
	nz__pg_reads_clear(r, 3);
	return rc;
}

nz_rc nz__pg_setting_set(nz_store *s, const char *key, const char *value, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	nz_rc rc;

	nz__pg_text(&p, key);
	if (value)
		nz__pg_text(&p, value);
	if ((rc = nz__pg_begin(h, err)))
		return rc;
	rc = nz__pg_run(h, value ? &q_set : &q_del, &p, "setting", err);
	return nz__pg_end(h, rc, err);
}

nz_rc nz__pg_setting_get(nz_store *s, nz_arena *arena, const char *key, const char **value,
			 nz_err *err)
{
	nz__pg_params p = {0};
	PGresult *res;
	nz_rc rc;

	nz__pg_text(&p, key);
	if ((rc = nz__pg_query(nz__pg_h(s), &q_get, &p, &res, "setting", err)))
		return rc;
	if (PQntuples(res) < 1)
		rc = NZ_NOTFOUND;
	else if (nz__pg_col_text(arena, res, 0, 0, value) || !*value)
		rc = nz_err_set(err, NZ_NOMEM, "setting: out of memory");
	PQclear(res);
	return rc;
}

nz_rc nz__pg_setting_ensure(nz_store *s, nz_arena *arena, const char *key, const char *value,
			    const char **stored, nz_err *err)
{
	nz__pg *h = nz__pg_h(s);
	nz__pg_params p = {0};
	nz_rc rc;

	nz__pg_text(&p, key);
	nz__pg_text(&p, value);
	if ((rc = nz__pg_begin(h, err)))
		return rc;
	rc = nz__pg_run(h, &q_insert, &p, "setting", err);
	if (!rc)
		rc = nz__pg_setting_get(s, arena, key, stored, err);
	return nz__pg_end(h, rc, err);
}
