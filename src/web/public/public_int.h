/*
 * web/public/public_int.h: the reader's side of the server: the pages (pages.c), feeds,
 * sitemaps and robots.txt (feeds.c) and the search page (search.c). Their route tables, which
 * app.c assembles; they share nothing else beyond web_int.h.
 */
#ifndef NZ_WEB_PUBLIC_INT_H
#define NZ_WEB_PUBLIC_INT_H

#include "web/web_int.h"

/* front, section, tag, author and article pages, media, static assets, /healthz (pages.c) */
extern const nz__route_entry nz__public_routes[];
/* /{slug}: the static pages, the last table of all (public/pages.c) */
extern const nz__route_entry nz__static_page_routes[];
/* feeds, sitemaps, robots.txt (feeds.c) */
extern const nz__route_entry nz__feed_routes[];
/* the other editions' pages under "/<code>/" (editions.c): just before the static pages */
extern const nz__route_entry nz__edition_routes[];
/* the search page (search.c) */
extern const nz__route_entry nz__search_routes[];

/* /live/{id}/events, a live story's Server-Sent Events (live.c) */
extern const nz__route_entry nz__live_routes[];
/* Publishes to the event streams what the change feed's keys say changed (live.c); called with
 * every batch of keys this process reads from the feed. h NULL: nothing. */
void nz__live_notify(nz_http_streams *h, nz_store *s, nz_arena *arena, const char *const *keys,
		     size_t n);

#endif
