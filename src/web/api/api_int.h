/*
 * web/api/api_int.h: the JSON API's read side: articles (articles.c), their full-text search
 * (search.c), ninjs (ninjs.c) and the static pages (static_pages.c). The admin API lives with the
 * back office (admin/).
 */
#ifndef NZ_WEB_API_INT_H
#define NZ_WEB_API_INT_H

#include "web/web_int.h"

/* /api/v1/articles and /api/v1/articles/{slug} (articles.c) */
extern const nz__route_entry nz__api_routes[];

/* /api/v1/pages and /api/v1/pages/{slug}: the static pages (static_pages.c) */
extern const nz__route_entry nz__page_api_routes[];

/* /api/v1/most-read (most_read.c) */
extern const nz__route_entry nz__most_read_api_routes[];

/* /api/v1/sections: the sections with their name per language (sections.c) */
extern const nz__route_entry nz__section_api_routes[];

/* Answers /api/v1/articles?q=... (ranked, in the list's shape, each with a "snippet"). */
void nz__search_api(nz__ctx *c);

/* True when the request asks for ninjs: the slug ends in ".ninjs" (which is then cut off *slug)
 * or the Accept header names application/ninjs+json. */
bool nz__ninjs_wanted(nz__ctx *c, nz_str *slug);
/* Answers with the article as IPTC ninjs 2.2 (the caller checked it is public). */
void nz__send_ninjs(nz__ctx *c, const nz_article *a);

#endif
