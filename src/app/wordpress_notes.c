/*
 * wordpress_notes.c: the import notes of a WordPress item, the lines that say what no Newszone
 * field took (docs/wordpress.md, "Nothing lost"), shared by posts (wordpress_item.c, the
 * article's import_notes) and pages (wordpress_page.c, the page's import record).
 *
 * Rules: lines live in the caller's arena; a failed allocation makes n->rc NZ_NOMEM and the
 * later lines are dropped (the caller refuses the item then).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app/wordpress_int.h"

void nz__wp_note(nz__wp_notes *n, const char *fmt, ...)
{
	va_list ap;
	char line[1024];
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n->rc || NZ_ARENA_GROW(n->ar, n->lines, n->n + 1, n->cap) ||
	    !(n->lines[n->n++] = nz_arena_strdup(n->ar, line)))
		n->rc = NZ_NOMEM;
}

void nz__wp_leftovers(nz__wp_notes *n, const nz_wxr_item *it, nz_wp_type type)
{
	nz__wp_note(n, "wordpress %s %lld: %s", type == NZ_WP_PAGE ? "page" : "post",
		    (long long)it->post_id, it->link ? it->link : "");
	if (it->guid && *it->guid)
		nz__wp_note(n, "guid: %s", it->guid);
	if (it->n_comments)
		nz__wp_note(n, "comments: %zu (kept in the import record)", it->n_comments);
	if (it->sticky)
		nz__wp_note(n, "sticky on the old site's front page");
	if (it->parent)
		nz__wp_note(n, "parent: %lld", (long long)it->parent);
	if (it->description && *it->description)
		nz__wp_note(n, "description: %s", it->description);
	for (size_t i = 0; i < it->n_unmapped; i++)
		nz__wp_note(n, "%s", it->unmapped[i]);
	for (size_t i = 0; i < it->n_meta; i++)
		if (strcmp(it->meta[i].key, "_thumbnail_id") != 0)
			nz__wp_note(n, "meta %s: %s", it->meta[i].key,
				    it->meta[i].value ? it->meta[i].value : "");
}
