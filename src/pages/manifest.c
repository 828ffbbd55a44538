/*
 * pages/manifest: /manifest.webmanifest (the W3C Web App Manifest), so a reader who adds the
 * site to a phone's home screen gets its name and icons: the theme's touch-icon.png (180 px),
 * icon-512.png and favicon.svg, whichever the theme has. Every page links it (base.mustache).
 *
 * Rules: as pages.h says; the name is the site's setting, so a settings change remakes it.
 */
#include <stdlib.h>
#include <string.h>

#include "pages/pages_int.h"

/* Appends {src, sizes, type} for the theme's asset path when the theme has it. */
static bool add_icon(json_t *icons, const nz_theme *theme, const char *path, const char *sizes,
		     const char *type)
{
	const char *url = nz_theme_asset_url(theme, path);
	if (!url)
		return true;
	json_t *o = json_pack("{s:s, s:s, s:s}", "src", url, "sizes", sizes, "type", type);
	return nz_json_append(icons, o, o != NULL);
}

nz_rc nz_page_manifest(const nz_page_env *env, nz_page_out *out, nz_err *err)
{
	const nz_site *site = env->pc->site;
	const char *name = site && site->name ? site->name : "Newszone";
	const char *lang = site && site->language ? site->language : "en";
	json_t *icons = json_array();
	bool ok = icons &&
		  add_icon(icons, env->pc->theme, "touch-icon.png", "180x180", "image/png") &&
		  add_icon(icons, env->pc->theme, "icon-512.png", "512x512", "image/png") &&
		  add_icon(icons, env->pc->theme, "favicon.svg", "any", "image/svg+xml");
	json_t *doc = ok ? json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "name", name,
				     "short_name", name, "lang", lang, "start_url", "/", "scope",
				     "/", "display", "minimal-ui", "background_color", "#ffffff",
				     "theme_color", "#9c1c1c", "icons", icons)
			 : NULL;
	json_decref(icons);
	char *text = doc ? json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	out->kind = NZ_PAGE_FEED;
	nz_rc rc = text ? nz_buf_puts(out->body, text) : NZ_NOMEM;
	free(text);
	if (rc == NZ_OK)
		rc = nz_buf_putc(out->body, '\n');
	if (rc != NZ_OK)
		return nz_err_set(err, rc, "manifest: out of memory");
	out->status = 200;
	out->content_type = "application/manifest+json";
	return nz_page_key(env, out, "front") == NZ_OK ? NZ_OK
						       : nz_err_set(err, NZ_NOMEM, "out of memory");
}
