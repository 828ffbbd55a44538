/*
 * json_catalog.c: an author and a tag in the admin API's shape (docs/people-and-tags.md), and
 * the address of an author's photo, shared by the API, the back office's forms, the author
 * page and the article's JSON-LD.
 *
 * Rules: as json.c's: every field present, a missing value null, [] or {}; fields only added.
 */
#include "render/render_int.h"

const char *nz_author_photo_url(nz_arena *arena, const nz_author *au)
{
	nz_media m = {.hash = au ? au->photo_hash : NULL};
	nz_rendition r = {.width = NZ_AUTHOR_PHOTO_WIDTH,
			  .crop = NZ_CROP_1X1,
			  .format = NZ_FORMAT_JPEG,
			  .focal_x = 50,
			  .focal_y = 50};
	return m.hash && m.hash[0] ? nz_url_rendition(arena, &m, &r) : NULL;
}

/* {"en": {"job_title", "bio"}, ...} */
static json_t *texts_json(const nz_author *au)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < au->n_texts; i++) {
		const nz_author_text *t = &au->texts[i];
		if (!nz__json_put(o, t->language,
				  json_pack("{s:o, s:o}", "job_title", nz__json_str(t->job_title),
					    "bio", nz__json_str(t->bio)))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

json_t *nz_json_author(nz_arena *arena, const nz_site *site, const nz_author *au)
{
	json_t *links = json_array(), *photo = json_null();
	for (size_t i = 0; links && i < au->n_same_as; i++)
		if (json_array_append_new(links, nz__json_str(au->same_as[i])) != 0) {
			json_decref(links);
			links = NULL;
		}
	const char *url = nz_author_photo_url(arena, au);
	if (au->photo_id)
		photo = json_pack("{s:I, s:o}", "id", (json_int_t)au->photo_id, "url",
				  nz__json_str(url ? nz__abs_url(arena, site, url) : NULL));
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "id",
			 (json_int_t)au->id, "slug", au->slug, "url",
			 nz__json_str(nz__abs_url(arena, site, nz_url_author(arena, au->slug))),
			 "name", nz__json_str(nz_author_name(arena, au)), "display_name",
			 nz__json_str(au->display_name), "family_name",
			 nz__json_str(au->family_name), "given_name", nz__json_str(au->given_name),
			 "name_order", nz_name_order_name(au->order), "email",
			 nz__json_str(au->email), "bio", nz__json_str(au->bio), "texts",
			 texts_json(au), "photo", photo, "same_as", links);
}

json_t *nz_json_tag(nz_arena *arena, const nz_site *site, const nz_tag *tag)
{
	json_t *texts = json_object();
	for (size_t i = 0; texts && i < tag->n_texts; i++) {
		const nz_tag_text *t = &tag->texts[i];
		if (!nz__json_put(texts, t->language,
				  json_pack("{s:o, s:o}", "name", nz__json_str(t->name),
					    "description", nz__json_str(t->description)))) {
			json_decref(texts);
			texts = NULL;
		}
	}
	return json_pack("{s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)tag->id, "slug", tag->slug,
			 "url",
			 nz__json_str(nz__abs_url(arena, site, nz_url_tag(arena, tag->slug))),
			 "name", nz__json_str(tag->name), "texts", texts);
}
