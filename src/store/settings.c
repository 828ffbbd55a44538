/*
 * settings.c: the backend-neutral front of the settings (store.h, "settings"): key and value
 * checks before the backend's SQL, and how a stored setting applies over the defaults (for
 * every backend's site_load). The site's settings as a whole load through the generated
 * nz_store_site_load.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

/* True when value is a whole number in lo..hi, stored in *v. */
static bool number(const char *value, long lo, long hi, long *v)
{
	char *end;
	errno = 0;
	*v = strtol(value, &end, 10);
	return !errno && end != value && !*end && *v >= lo && *v <= hi;
}

/* Applies one stored setting over the defaults; unknown keys and bad numbers are ignored (the
 * table may hold keys of a newer version). value lives in the arena. */
/* The field of a per-edition key ("copyright.ko" → "copyright"), or NULL for any other key. */
static const char *local_field(const char *key)
{
	static const char *const fields[] = {"name", "tagline", "copyright"};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		size_t n = strlen(fields[i]);
		if (strncmp(key, fields[i], n) == 0 && key[n] == '.' &&
		    nz_edition_code_valid(key + n + 1))
			return fields[i];
	}
	return NULL;
}

void nz__store_site_apply(nz_site *site, const char *key, const char *value)
{
	const char *field;
	if (strcmp(key, "name") == 0) {
		site->name = value;
	} else if (strcmp(key, "base_url") == 0) {
		site->base_url = value;
	} else if (strcmp(key, "language") == 0) {
		site->language = value;
	} else if (strcmp(key, "copyright") == 0) {
		site->copyright = value;
	} else if (strcmp(key, "tagline") == 0) {
		site->tagline = value;
	} else if (strcmp(key, "time_zone") == 0) {
		if (nz_tz_name_valid(value) && strlen(value) < sizeof site->time_zone)
			snprintf(site->time_zone, sizeof site->time_zone, "%s", value);
	} else if (strcmp(key, "tz_offset_min") == 0) {
		/* A fixed offset of an older version becomes the zone that keeps it exactly
		 * (+540: Etc/GMT-9, never a guess such as Asia/Seoul). Setting time_zone removes
		 * it, so the two meet only in a database edited by hand: time_zone then wins
		 * unless it is the default. */
		long v;
		nz_site def;
		nz_site_defaults(&def);
		if (number(value, -1440, 1440, &v) && strcmp(site->time_zone, def.time_zone) == 0)
			nz_tz_from_offset((int)v, site->time_zone);
	} else if (strcmp(key, "editions") == 0) {
		site->editions = value;
	} else if ((field = local_field(key)) != NULL && site->n_locals < NZ_SITE_LOCALS_MAX) {
		struct nz_site_local *l = &site->locals[site->n_locals++];
		l->field = field;
		snprintf(l->lang, sizeof l->lang, "%s", key + strlen(field) + 1);
		l->value = value;
	} else if (strcmp(key, "card_image") == 0) {
		site->card_image.hash = strlen(value) == 64 ? value : NULL;
	} else if (strcmp(key, "card_image_width") == 0 || strcmp(key, "card_image_height") == 0) {
		long v;
		if (number(value, 1, 100000, &v))
			*(key[11] == 'w' ? &site->card_image.width : &site->card_image.height) =
			    (int)v;
	}
}

nz_rc nz_store_setting_set(nz_store *s, const char *key, const char *value, nz_err *err)
{
	if (!key || !*key)
		return nz_err_set(err, NZ_INVAL, "setting: empty key");
	if (strcmp(key, "tz_offset_min") == 0)
		return nz_err_set(err, NZ_INVAL,
				  "tz_offset_min: replaced by time_zone, a zone name such as "
				  "Asia/Seoul or Etc/GMT-9");
	if (value && strcmp(key, "time_zone") == 0) {
		nz_rc rc = nz_tz_check(value, err);
		/* the old fixed offset goes with it, so it can never come back over the zone */
		if (rc == NZ_OK)
			rc = nz__store_setting_set(s, key, value, err);
		return rc == NZ_OK ? nz__store_setting_set(s, "tz_offset_min", NULL, err) : rc;
	}
	if (value && strcmp(key, "editions") == 0) {
		nz_site probe;
		char codes[NZ_EDITIONS_MAX][16];
		nz_site_defaults(&probe);
		probe.editions = value;
		size_t n = nz_site_editions(&probe, codes, NZ_EDITIONS_MAX);
		for (const char *p = value; *p; p += strspn(p, " ,")) {
			size_t len = strcspn(p, " ,");
			char code[16];
			snprintf(code, sizeof code, "%.*s", (int)len, p);
			if (len >= sizeof code || !nz_edition_code_valid(code))
				return nz_err_set(
				    err, NZ_INVAL,
				    "editions: \"%.16s\" is not a language code (two or "
				    "three lowercase letters)",
				    code);
			p += len;
		}
		if (n >= NZ_EDITIONS_MAX)
			return nz_err_set(err, NZ_INVAL, "editions: at most %d",
					  NZ_EDITIONS_MAX - 1);
	}
	/* A NULL value removes the setting, so the default applies again. */
	return nz__store_setting_set(s, key, value, err);
}

nz_rc nz_store_setting_get(nz_store *s, nz_arena *arena, const char *key, const char **value,
			   nz_err *err)
{
	*value = NULL;
	if (!key || !*key)
		return nz_err_set(err, NZ_INVAL, "setting: empty key");
	return nz__store_setting_get(s, arena, key, value, err);
}

nz_rc nz_store_setting_ensure(nz_store *s, nz_arena *arena, const char *key, const char *value,
			      const char **stored, nz_err *err)
{
	*stored = NULL;
	if (!key || !*key || !value)
		return nz_err_set(err, NZ_INVAL, "setting: empty key or value");
	nz_rc rc = nz_store_setting_get(s, arena, key, stored, err);
	if (rc != NZ_NOTFOUND)
		return rc;
	return nz__store_setting_ensure(s, arena, key, value, stored, err);
}
