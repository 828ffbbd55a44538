/*
 * ingest/wxr.h: the WordPress eXtended RSS (WXR) export reader, streamed with libxml2's
 * xmlTextReader so an export of several GB is read in bounded memory: one entry (an author,
 * a category or tag, an item) at a time, each in the caller's arena.
 *
 * Rules: the network is never used and entities are never expanded; a document with a DOCTYPE
 * is refused (WordPress never writes one, and a DTD is where entity bombs live). Elements are
 * told apart by local name and namespace family, so WXR 1.0, 1.1 and 1.2 and both the
 * http:// and https:// forms of the namespace URIs read the same. Included by ingest.h.
 */
#ifndef NZ_INGEST_WXR_H
#define NZ_INGEST_WXR_H

typedef struct nz_wxr nz_wxr; /* an open export, read forward once */

typedef enum {
	NZ_WXR_AUTHOR = 0, /* <wp:author> in the channel */
	NZ_WXR_TERM,       /* <wp:category>, <wp:tag>, <wp:term> in the channel */
	NZ_WXR_ITEM,       /* <item>: a post, page, attachment or anything else */
} nz_wxr_kind;

typedef struct nz_wxr_author {
	const char *login, *email, *display_name, *first_name, *last_name;
} nz_wxr_author;

/* A term: in the channel (domain "category" or "post_tag"), or one of an item's <category>. */
typedef struct nz_wxr_term {
	const char *domain; /* "category", "post_tag", or another taxonomy */
	const char *slug;   /* nicename; may be NULL */
	const char *name;
} nz_wxr_term;

typedef struct nz_wxr_meta {
	const char *key, *value;
} nz_wxr_meta;

/* One <item>. Strings are NULL when the element is absent. */
typedef struct nz_wxr_item {
	int64_t post_id, parent;
	const char *title, *link, *guid, *creator, *content, *excerpt, *description;
	const char *post_name, *status, *post_type, *post_date, *post_date_gmt, *pub_date;
	const char *password, *attachment_url;
	bool sticky;
	nz_wxr_term *terms;
	size_t n_terms;
	nz_wxr_meta *meta;
	size_t n_meta;
	size_t n_comments;
	/* "name: value" of every child no field above took (comment_status, menu_order, ...) */
	const char **unmapped;
	size_t n_unmapped;
	const char *xml; /* the item's original XML, as the file has it */
	size_t xml_len;
	long line; /* where the item starts */
} nz_wxr_item;

typedef struct nz_wxr_entry {
	nz_wxr_kind kind;
	nz_wxr_author author;
	nz_wxr_term term;
	nz_wxr_item item;
} nz_wxr_entry;

/* Opens the export at path. NZ_IO when it cannot be opened. */
nz_rc nz_ingest_wxr_open(const char *path, nz_wxr **out, nz_err *err);
/* The next entry, its strings in arena. NZ_NOTFOUND at the end of the file; NZ_PARSE with
 * "line N: reason" for malformed XML, a DOCTYPE, or a file that is not a WXR export. */
nz_rc nz_ingest_wxr_next(nz_wxr *r, nz_arena *arena, nz_wxr_entry *out, nz_err *err);
/* The channel's wp:wxr_version and wp:base_site_url (NULL until read; they come before the
 * items in every export WordPress writes). Owned by r. */
const char *nz_ingest_wxr_version(const nz_wxr *r);
const char *nz_ingest_wxr_base_url(const nz_wxr *r);
/* Bytes of the file read so far, and its size: for a progress bar. */
void nz_ingest_wxr_progress(const nz_wxr *r, long long *done, long long *total);
void nz_ingest_wxr_close(nz_wxr *r); /* NULL-safe */

#endif
