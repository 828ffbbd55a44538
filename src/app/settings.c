/*
 * app/settings: the site's settings as one use case for every front end (the back office's
 * form, `newszone settings`, PATCH /api/v1/admin/settings): which keys exist, what each
 * accepts, and setting several in one transaction with their audit row.
 *
 * Rules: every value is checked before anything is stored, so a refused one changes nothing;
 * the store checks again what it owns (time_zone, editions). Messages are sentences a person
 * can act on; the front end adds the key.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"

/* A value's kind, which decides its check. */
enum kind {
	K_TEXT,
	K_NAME,
	K_URL,
	K_LANG,
	K_ZONE,
	K_EDITIONS,
	K_OPT_URL,
	K_PROXIES,
	K_MS,
	K_FLAG,
	K_HASH,
	K_PIXELS
};

static const struct known {
	const char *key;
	enum kind kind;
	bool secret;
} known[] = {
    {"name", K_NAME, false},
    {"tagline", K_TEXT, false},
    {"base_url", K_URL, false},
    {"copyright", K_TEXT, false},
    {"language", K_LANG, false},
    {"time_zone", K_ZONE, false},
    {"editions", K_EDITIONS, false},
    {"purge_url", K_OPT_URL, false},
    {"purge_secret", K_TEXT, true},
    {"trusted_proxies", K_PROXIES, false},
    {"webhook_backoff_ms", K_MS, false},
    {"allow_private_webhooks", K_FLAG, false},
    /* the card image: a photo's hash and size, which the back office's form sets */
    {"card_image", K_HASH, false},
    {"card_image_width", K_PIXELS, false},
    {"card_image_height", K_PIXELS, false},
};
/* The first N_SITE keys are the site's (nz_site): list shows the value readers see. */
#define N_SITE 7
#define N_KNOWN (sizeof known / sizeof known[0])

/* The known entry of key; a per-edition key ("copyright.ko") is its field's text. */
static const struct known *find(const char *key)
{
	static const struct known local = {"", K_TEXT, false};
	for (size_t i = 0; i < N_KNOWN; i++)
		if (strcmp(known[i].key, key) == 0)
			return &known[i];
	static const char *const fields[] = {"name.", "tagline.", "copyright."};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (strncmp(key, fields[i], strlen(fields[i])) == 0 &&
		    nz_edition_code_valid(key + strlen(fields[i])))
			return &local;
	return NULL;
}

static bool http_url(const char *v)
{
	nz_str url = nz_str_c(v);
	return (nz_str_starts_with(url, "http://") || nz_str_starts_with(url, "https://")) &&
	       url.len >= 10 && nz_str_find(url, " ") < 0;
}

/* True when every entry of v (separated by spaces or commas) is an address or a CIDR block. */
static bool proxies_valid(const char *v)
{
	for (const char *p = v; *p;) {
		size_t skip = strspn(p, " \t\r\n,"), len = strcspn(p + skip, " \t\r\n,");
		char one[64], buf[sizeof(struct in6_addr)];
		p += skip;
		if (!len)
			break;
		if (len >= sizeof one)
			return false;
		snprintf(one, sizeof one, "%.*s", (int)len, p);
		p += len;
		char *slash = strchr(one, '/');
		long bits = -1;
		if (slash) {
			char *end = NULL;
			*slash = '\0';
			errno = 0;
			bits = strtol(slash + 1, &end, 10);
			if (errno || !slash[1] || *end || bits < 0)
				return false;
		}
		bool v6 = strchr(one, ':') != NULL;
		if (inet_pton(v6 ? AF_INET6 : AF_INET, one, buf) != 1 || bits > (v6 ? 128 : 32))
			return false;
	}
	return true;
}

static bool whole_number(const char *v, long lo, long hi)
{
	char *end = NULL;
	errno = 0;
	long n = strtol(v, &end, 10);
	return *v && !errno && !*end && n >= lo && n <= hi;
}

/* True when v is a word nz_app_private_webhooks_allowed reads as on, or one for off. */
static bool flag(const char *v)
{
	static const char *const words[] = {"1", "true", "yes", "on", "0", "false", "no", "off"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(v, words[i]) == 0)
			return true;
	return false;
}

const char *nz_app_setting_problem(const char *key, const char *value)
{
	const struct known *k = key ? find(key) : NULL;
	if (!k)
		return "There is no such setting (`newszone settings list` shows them).";
	bool empty = !value || !*value;
	switch (k->kind) {
	case K_NAME:
		return empty ? "The site needs a name." : NULL;
	case K_URL:
		return !empty && http_url(value) ? NULL
						 : "The base URL starts with http:// or https://, "
						   "such as https://news.example.com.";
	case K_LANG:
		return !empty && nz_language_valid(value)
			   ? NULL
			   : "Choose English or Korean as the default language.";
	case K_ZONE:
		return !empty && strlen(value) < sizeof((nz_site *)0)->time_zone &&
			       nz_tz_check(value, NULL) == NZ_OK
			   ? NULL
			   : "Choose the time zone from the list (a name of the tz database such "
			     "as Asia/Seoul or America/New_York).";
	case K_EDITIONS:
		return empty ? "The editions are language codes separated by spaces, such as "
			       "\"en ko\"."
			     : NULL; /* the codes: the store's check */
	case K_OPT_URL:
		return empty || http_url(value) ? NULL
						: "The purge URL starts with http:// or https://, "
						  "or is empty.";
	case K_PROXIES:
		return empty || proxies_valid(value)
			   ? NULL
			   : "Trusted proxies are addresses or CIDR blocks (such as 10.0.0.0/8 or "
			     "::1) separated by spaces or commas.";
	case K_MS:
		return empty || whole_number(value, 1, 3600000)
			   ? NULL
			   : "The webhook backoff is a number of milliseconds from 1 to 3600000 "
			     "(an "
			     "hour).";
	case K_FLAG:
		return empty || flag(value)
			   ? NULL
			   : "This setting is 1, true, yes or on, or 0, false, no or "
			     "off.";
	case K_HASH:
		return empty || (strlen(value) == 64 && strspn(value, "0123456789abcdef") == 64)
			   ? NULL
			   : "The card image is a photo's SHA-256 (64 hexadecimal digits).";
	case K_PIXELS:
		return empty || whole_number(value, 1, 100000)
			   ? NULL
			   : "The card image's size is a number of pixels from 1 to 100000.";
	case K_TEXT:
		break;
	}
	return NULL;
}

/* value trimmed (base_url also without its trailing slashes), in arena. Empty: "" for a text
 * (an empty tagline or copyright line is one), else NULL (the setting is removed). */
static const char *normal(nz_arena *arena, const char *key, const char *value)
{
	const struct known *k = find(key);
	nz_str v = nz_str_trim(nz_str_c(value));
	if (strcmp(key, "base_url") == 0)
		while (v.len && v.p[v.len - 1] == '/')
			v.len--;
	return v.len || (k && k->kind == K_TEXT) ? nz_arena_str(arena, v) : NULL;
}

nz_rc nz_app_settings_set(nz_store *s, nz_arena *arena, int64_t actor, const char *const *keys,
			  const char *const *values, size_t n, size_t *bad, nz_err *err)
{
	const char **vals = nz_arena_zalloc(arena, (n + 1) * sizeof *vals);
	nz_buf detail;
	nz_rc rc = vals ? NZ_OK : nz_err_set(err, NZ_NOMEM, "out of memory");
	size_t i = 0;
	nz_buf_init(&detail, 256);
	for (; rc == NZ_OK && i < n; i++) {
		vals[i] = values[i] ? normal(arena, keys[i], values[i]) : NULL;
		const char *problem = nz_app_setting_problem(keys[i], vals[i]);
		if (problem)
			rc = nz_err_set(err, NZ_INVAL, "%s: %s", keys[i], problem);
		else if (nz_buf_printf(&detail, "%s%s", i ? " " : "", keys[i]) != NZ_OK)
			rc = nz_err_set(err, NZ_NOMEM, "out of memory");
	}
	if (rc == NZ_OK && (rc = nz_store_begin(s, err)) == NZ_OK) {
		/* the store checks again what it owns (editions' codes): its refusal names the key
		 */
		for (i = 0; rc == NZ_OK && i < n; i++)
			rc = nz_store_setting_set(s, keys[i], vals[i], err);
		if (rc == NZ_OK)
			rc = nz_store_audit_add(s, actor, "settings.changed", NULL, 0,
						nz_buf_cstr(&detail), err);
		if (rc == NZ_OK)
			rc = nz_store_commit(s, err);
		else
			nz_store_rollback(s);
	}
	if (bad && rc != NZ_OK && i > 0)
		*bad = i - 1; /* each loop stops one past the key that failed */
	nz_buf_free(&detail);
	return rc;
}

/* Appends key's value now (stored, else def) to out. */
static nz_rc add(nz_store *s, nz_arena *arena, const char *key, const char *def, bool secret,
		 nz_app_setting *out, size_t *n, nz_err *err)
{
	const char *v = NULL;
	nz_rc rc = nz_store_setting_get(s, arena, key, &v, err);
	if (rc == NZ_NOTFOUND) {
		*err = (nz_err){0};
		rc = NZ_OK;
		v = NULL;
	}
	out[(*n)++] = (nz_app_setting){
	    .key = key, .value = v ? v : def, .stored = v != NULL, .secret = secret};
	return rc;
}

nz_rc nz_app_settings_list(nz_store *s, nz_arena *arena, nz_app_setting **out, size_t *n,
			   nz_err *err)
{
	nz_site site;
	char codes[NZ_EDITIONS_MAX][16];
	*n = 0;
	nz_rc rc = nz_store_site_load(s, arena, &site, err);
	size_t n_ed = rc == NZ_OK ? nz_site_editions(&site, codes, NZ_EDITIONS_MAX) : 0;
	*out = nz_arena_zalloc(arena, (N_KNOWN + 3 * NZ_EDITIONS_MAX) * sizeof **out);
	if (rc == NZ_OK && !*out)
		rc = nz_err_set(err, NZ_NOMEM, "out of memory");
	const char *defs[N_KNOWN] = {site.name,     site.tagline,
				     site.base_url, site.copyright,
				     site.language, nz_arena_strdup(arena, site.time_zone),
				     site.editions, [10] = "10000"};
	for (size_t i = 0; rc == NZ_OK && i < N_KNOWN; i++)
		rc = add(s, arena, known[i].key, defs[i], known[i].secret, *out, n, err);
	/* the site's values win over the stored ones: they are what readers see */
	for (size_t i = 0; rc == NZ_OK && i < N_SITE; i++)
		(*out)[i].value = defs[i];
	static const char *const fields[] = {"name", "tagline", "copyright"};
	for (size_t e = 1; rc == NZ_OK && e < n_ed; e++)
		for (size_t f = 0; rc == NZ_OK && f < 3; f++)
			rc = add(s, arena, nz_arena_printf(arena, "%s.%s", fields[f], codes[e]),
				 NULL, false, *out, n, err);
	return rc;
}
