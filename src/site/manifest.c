/*
 * site/manifest: the export's memory of itself, DIR/.newszone-manifest. A text file of
 * tab-separated lines, written last by every build (under a temporary name, then renamed), so
 * a build that dies half-way leaves the previous manifest and the next build redoes its work:
 *
 *   newszone-manifest	3
 *   seq	<the change feed's seq the build saw>
 *   fingerprint	<SHA-256 of theme, settings, sections and generator>
 *   F	<url>	<file>	<hash>	<size>	<gz 0|1>	<owner>	<key,key,...>
 *   A	<article id>	<slug>	<signature>	<link signature>	<key,key,... of its lists>
 *   S	<key>	<kind>	<slug>	<head hash>
 *
 * F: one exported file: the URL it answers, its path under DIR, a 16-byte BLAKE2b of its bytes
 * in hex, its size, whether compressed copies (.gz and .br) sit beside it, its owner (what makes
 * it: "article-<id>", "section-<id>", "tag-<id>", "author-<id>", "front", "sitemaps", "sitemap-<k>"
 * (the article sitemap child k), "static", "media"), and the change-feed keys it depends on. A:
 * each exported article and the signature of what decides the lists it is on and its place in them
 * (status, publication time, listed_at, language, translation group, section, tags, authors), and
 * of what a link to it shows (slug, headline, language, status, publication time). S: each list
 * subject (section, tag, author) and a hash of its name and description.
 *
 * Rules: URLs, slugs and keys never hold tabs or line breaks (slugs are validated). An
 * unreadable manifest is treated as none (a full build).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site/site_int.h"

#define MAGIC "newszone-manifest\t3" /* 3: gz 1 means a .gz and a .br */

nz__manifest *nz__manifest_new(void)
{
	nz__manifest *m = calloc(1, sizeof *m);
	if (m && !(m->arena = nz_arena_new())) {
		free(m);
		return NULL;
	}
	return m;
}

void nz__manifest_free(nz__manifest *m)
{
	if (!m)
		return;
	free(m->files);
	free(m->articles);
	free(m->subjects);
	free(m->index);
	free(m->text);
	nz_arena_free(m->arena);
	free(m);
}

/* Rebuilds the URL index when it would be more than half full with n files. */
static bool index_fit(nz__manifest *m, size_t n)
{
	if (m->index_cap && n * 2 <= m->index_cap)
		return true;
	size_t cap = m->index_cap ? m->index_cap * 2 : 1024;
	while (cap < n * 2)
		cap *= 2;
	size_t *idx = malloc(cap * sizeof *idx);
	if (!idx)
		return false;
	for (size_t i = 0; i < cap; i++)
		idx[i] = SIZE_MAX;
	for (size_t f = 0; f < m->n_files; f++) {
		size_t h = m->files[f].url_hash & (cap - 1);
		while (idx[h] != SIZE_MAX)
			h = (h + 1) & (cap - 1);
		idx[h] = f;
	}
	free(m->index);
	m->index = idx;
	m->index_cap = cap;
	return true;
}

static nz__mf_file *find_hashed(const nz__manifest *m, const char *url, uint64_t hash)
{
	if (!m || !m->index_cap)
		return NULL;
	for (size_t h = hash & (m->index_cap - 1); m->index[h] != SIZE_MAX;
	     h = (h + 1) & (m->index_cap - 1)) {
		nz__mf_file *f = &m->files[m->index[h]];
		if (f->url_hash == hash && strcmp(f->url, url) == 0)
			return f;
	}
	return NULL;
}

nz__mf_file *nz__manifest_find(const nz__manifest *m, const char *url)
{
	return m && m->index_cap ? find_hashed(m, url, nz_hash_str(url)) : NULL;
}

nz__mf_file *nz__manifest_find_as(const nz__manifest *m, const nz__mf_file *f)
{
	return find_hashed(m, f->url, f->url_hash ? f->url_hash : nz_hash_str(f->url));
}

/* Adds (or replaces) a file whose strings are m's to keep: copied into its arena, or borrowed
 * (the manifest's own text, or another manifest that outlives m). */
static nz_rc add_file(nz__manifest *m, const nz__mf_file *f, bool borrow)
{
	uint64_t hash = borrow && f->url_hash ? f->url_hash : nz_hash_str(f->url);
	nz__mf_file *old = find_hashed(m, f->url, hash);
	nz__mf_file copy = *f;
	copy.url_hash = hash;
	copy.owner = f->owner ? f->owner : "";
	copy.keys = f->keys ? f->keys : "";
	if (!borrow) {
		copy.url = nz_arena_strdup(m->arena, f->url);
		copy.path = nz_arena_strdup(m->arena, f->path);
		copy.owner = nz_arena_strdup(m->arena, copy.owner);
		copy.keys = nz_arena_strdup(m->arena, copy.keys);
	}
	if (!copy.url || !copy.path || !copy.owner || !copy.keys)
		return NZ_NOMEM;
	if (old) { /* the same URL made twice: the newer wins */
		*old = copy;
		return NZ_OK;
	}
	if (!index_fit(m, m->n_files + 1) ||
	    NZ_GROW(m->files, m->n_files + 1, m->cap_files) != NZ_OK)
		return NZ_NOMEM;
	m->files[m->n_files] = copy;
	size_t h = hash & (m->index_cap - 1);
	while (m->index[h] != SIZE_MAX)
		h = (h + 1) & (m->index_cap - 1);
	m->index[h] = m->n_files++;
	return NZ_OK;
}

nz_rc nz__manifest_reserve(nz__manifest *m, size_t n_files)
{
	if (!index_fit(m, n_files) || NZ_GROW(m->files, n_files, m->cap_files) != NZ_OK)
		return NZ_NOMEM;
	return NZ_OK;
}

nz_rc nz__manifest_add_file(nz__manifest *m, const nz__mf_file *f)
{
	return add_file(m, f, false);
}

nz_rc nz__manifest_keep_file(nz__manifest *m, const nz__mf_file *f)
{
	return add_file(m, f, true);
}

/* Copies a hash in hex (NZ__SITE_HASH_HEX - 1 digits, or fewer) with its NUL. */
static void copy_hash(char out[NZ__SITE_HASH_HEX], const char *hex)
{
	size_t len = strnlen(hex, NZ__SITE_HASH_HEX - 1);
	memcpy(out, hex, len);
	out[len] = '\0';
}

static nz_rc add_article(nz__manifest *m, int64_t id, const char *slug, const char *subjects,
			 const char *sig, const char *link, bool borrow)
{
	if (NZ_GROW(m->articles, m->n_articles + 1, m->cap_articles) != NZ_OK)
		return NZ_NOMEM;
	nz__mf_article *a = &m->articles[m->n_articles];
	a->id = id;
	a->slug = borrow ? slug : nz_arena_strdup(m->arena, slug);
	a->subjects = subjects ? subjects : "";
	if (!borrow)
		a->subjects = nz_arena_strdup(m->arena, a->subjects);
	copy_hash(a->sig, sig);
	copy_hash(a->link, link);
	if (!a->slug || !a->subjects)
		return NZ_NOMEM;
	/* still in order when read from a file written in order (no sort on the next lookup) */
	m->articles_sorted = m->n_articles == 0 || (m->articles_sorted && a[-1].id < id);
	m->n_articles++;
	return NZ_OK;
}

nz_rc nz__manifest_add_article(nz__manifest *m, int64_t id, const char *slug, const char *subjects,
			       const char *sig, const char *link)
{
	return add_article(m, id, slug, subjects, sig, link, false);
}

nz_rc nz__manifest_keep_article(nz__manifest *m, const nz__mf_article *a)
{
	return add_article(m, a->id, a->slug, a->subjects, a->sig, a->link, true);
}

static int by_id(const void *x, const void *y)
{
	const nz__mf_article *a = x, *b = y;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Merges the ascending runs a[0..mid) and a[mid..n); false when there is no room to. */
static bool merge_runs(nz__mf_article *a, size_t mid, size_t n)
{
	nz__mf_article *merged = malloc(n * sizeof *merged);
	if (!merged)
		return false;
	for (size_t i = 0, j = mid, k = 0; k < n; k++)
		merged[k] = j == n || (i < mid && a[i].id < a[j].id) ? a[i++] : a[j++];
	memcpy(a, merged, n * sizeof *merged);
	free(merged);
	return true;
}

void nz__manifest_sort(nz__manifest *m)
{
	if (!m || m->articles_sorted || m->n_articles < 2)
		return;
	nz__mf_article *a = m->articles;
	size_t n = m->n_articles, head = 1, tail = n - 1; /* a[0..head), a[tail..n) in order */
	while (head < n && a[head - 1].id < a[head].id)
		head++;
	if (head == n) {
		m->articles_sorted = true;
		return;
	}
	while (tail > 0 && a[tail - 1].id < a[tail].id)
		tail--;
	/* the few records out of order (made by an incremental build) sorted, then merged with
	 * the long run in order (the kept ones) */
	bool merged;
	if (n - head < tail) { /* kept first, made after */
		qsort(a + head, n - head, sizeof *a, by_id);
		merged = merge_runs(a, head, n);
	} else {
		qsort(a, tail, sizeof *a, by_id);
		merged = merge_runs(a, tail, n);
	}
	if (!merged) /* no room to merge: sort it all in place */
		qsort(a, n, sizeof *a, by_id);
	m->articles_sorted = true;
}

nz__mf_article *nz__manifest_article(nz__manifest *m, int64_t id)
{
	if (!m || !m->n_articles)
		return NULL;
	nz__manifest_sort(m);
	nz__mf_article key = {.id = id};
	return bsearch(&key, m->articles, m->n_articles, sizeof key, by_id);
}

nz_rc nz__manifest_add_subject(nz__manifest *m, const char *key, const char *kind, const char *slug,
			       const char *head)
{
	if (nz__manifest_subject(m, key))
		return NZ_OK;
	if (NZ_GROW(m->subjects, m->n_subjects + 1, m->cap_subjects) != NZ_OK)
		return NZ_NOMEM;
	nz__mf_subject *s = &m->subjects[m->n_subjects];
	s->key = nz_arena_strdup(m->arena, key);
	s->kind = nz_arena_strdup(m->arena, kind);
	s->slug = nz_arena_strdup(m->arena, slug);
	snprintf(s->head, sizeof s->head, "%s", head);
	if (!s->key || !s->kind || !s->slug)
		return NZ_NOMEM;
	m->n_subjects++;
	return NZ_OK;
}

nz__mf_subject *nz__manifest_subject(const nz__manifest *m, const char *key)
{
	for (size_t i = 0; m && i < m->n_subjects; i++)
		if (strcmp(m->subjects[i].key, key) == 0)
			return &m->subjects[i];
	return NULL;
}

/* Splits line at tabs into at most max fields (in place); returns how many. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
	size_t n = 0;
	for (char *p = line; p && n < max;) {
		fields[n++] = p;
		p = strchr(p, '\t');
		if (p)
			*p++ = '\0';
	}
	return n;
}

static bool parse_line(nz__manifest *m, char *line)
{
	char *f[8];
	size_t n = split_tabs(line, f, 8);
	if (n == 8 && strcmp(f[0], "F") == 0 && strlen(f[3]) == 32) {
		nz__mf_file file = {.url = f[1], .path = f[2], .owner = f[6], .keys = f[7]};
		memcpy(file.hash, f[3], 33);
		file.size = strtoull(f[4], NULL, 10);
		file.gz = f[5][0] == '1';
		return add_file(m, &file, true) == NZ_OK; /* the strings stay in m->text */
	}
	if (n == 6 && strcmp(f[0], "A") == 0)
		return add_article(m, strtoll(f[1], NULL, 10), f[2], f[5], f[3], f[4], true) ==
		       NZ_OK;
	if (n == 5 && strcmp(f[0], "S") == 0)
		return nz__manifest_add_subject(m, f[1], f[2], f[3], f[4]) == NZ_OK;
	if (n == 2 && strcmp(f[0], "seq") == 0) {
		m->seq = strtoll(f[1], NULL, 10);
		return true;
	}
	if (n == 2 && strcmp(f[0], "fingerprint") == 0) {
		snprintf(m->fingerprint, sizeof m->fingerprint, "%s", f[1]);
		return true;
	}
	return false;
}

/* The whole file at path into a NUL-terminated malloc'd buffer. */
static nz_rc read_text(const char *path, char **out, size_t *len, nz_err *err)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	char *text = NULL;
	*out = NULL;
	if (!fp)
		return errno == ENOENT ? NZ_NOTFOUND
				       : nz_err_set(err, NZ_IO, "%s: %s", path, strerror(errno));
	nz_rc rc = NZ_OK;
	if (fstat(fileno(fp), &st) != 0 || st.st_size < 0)
		rc = nz_err_set(err, NZ_IO, "%s: %s", path, strerror(errno));
	else if (!(text = malloc((size_t)st.st_size + 1)))
		rc = nz_err_set(err, NZ_NOMEM, "%s: out of memory", path);
	else if (fread(text, 1, (size_t)st.st_size, fp) != (size_t)st.st_size)
		rc = nz_err_set(err, NZ_IO, "%s: short read", path);
	fclose(fp);
	if (rc != NZ_OK) {
		free(text);
		return rc;
	}
	text[st.st_size] = '\0';
	*out = text;
	*len = (size_t)st.st_size;
	return NZ_OK;
}

nz_rc nz__manifest_read(const char *dir, nz__manifest *m, nz_err *err)
{
	char path[4096];
	size_t len = 0;
	snprintf(path, sizeof path, "%s/" NZ__SITE_MANIFEST, dir);
	/* One read; the records point into the text, which m keeps (no copy of 18,000 lines). */
	nz_rc rc = read_text(path, &m->text, &len, err);
	if (rc != NZ_OK)
		return rc;
	size_t lines = 0;
	for (const char *p = m->text; (p = memchr(p, '\n', len - (size_t)(p - m->text))); p++)
		lines++;
	if (nz__manifest_reserve(m, lines) != NZ_OK)
		return nz_err_set(err, NZ_NOMEM, "%s: out of memory", path);
	bool first = true;
	for (char *line = m->text, *end = m->text + len; line < end; first = false) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		char *next = nl ? nl + 1 : end;
		if (nl)
			*nl = '\0';
		if (first ? strcmp(line, MAGIC) != 0 : !parse_line(m, line))
			return nz_err_set(err, NZ_PARSE,
					  "%s: not a manifest this version understands", path);
		line = next;
	}
	if (first)
		return nz_err_set(err, NZ_PARSE, "%s: empty", path);
	return NZ_OK;
}

/* The manifest's writer: records are copied into a buffer written out in large pieces (stdio's
 * fputs and printf per field were most of a write's time). The first failure sticks. */
typedef struct writer {
	int fd;
	bool failed;
	size_t len;
	char buf[1 << 16];
} writer;

static void flush(writer *w)
{
	for (size_t done = 0; !w->failed && done < w->len;) {
		ssize_t n = write(w->fd, w->buf + done, w->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			w->failed = true;
		else
			done += (size_t)n;
	}
	w->len = 0;
}

static void put(writer *w, const char *s, size_t len)
{
	while (len > 0) {
		if (w->len == sizeof w->buf)
			flush(w);
		size_t n = sizeof w->buf - w->len < len ? sizeof w->buf - w->len : len;
		memcpy(w->buf + w->len, s, n);
		w->len += n;
		s += n;
		len -= n;
	}
}

/* Writes tag and the fields, each after a tab, and the line's end. */
static void put_fields(writer *w, const char *tag, const char *const *fields, size_t n)
{
	put(w, tag, strlen(tag));
	for (size_t i = 0; i < n; i++) {
		put(w, "\t", 1);
		put(w, fields[i], strlen(fields[i]));
	}
	put(w, "\n", 1);
}

/* n in decimal into out[24] (snprintf per record was a third of a write). */
static const char *decimal(char out[24], unsigned long long n)
{
	char *p = out + 23;
	*p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	return p;
}

static void put_records(writer *w, const nz__manifest *m)
{
	char head[160], size[24], id[24];
	int n = snprintf(head, sizeof head, MAGIC "\nseq\t%lld\nfingerprint\t%s\n",
			 (long long)m->seq, m->fingerprint);
	put(w, head, n > 0 ? (size_t)n : 0);
	for (size_t i = 0; i < m->n_files; i++) {
		const nz__mf_file *f = &m->files[i];
		if (f->removed)
			continue;
		put_fields(w, "F",
			   (const char *[]){f->url, f->path, f->hash, decimal(size, f->size),
					    f->gz ? "1" : "0", f->owner, f->keys},
			   7);
	}
	for (size_t i = 0; i < m->n_articles; i++) {
		const nz__mf_article *a = &m->articles[i];
		const char *digits = decimal(id, (unsigned long long)a->id); /* ids are > 0 */
		put_fields(w, "A", (const char *[]){digits, a->slug, a->sig, a->link, a->subjects},
			   5);
	}
	for (size_t i = 0; i < m->n_subjects; i++) {
		const nz__mf_subject *s = &m->subjects[i];
		put_fields(w, "S", (const char *[]){s->key, s->kind, s->slug, s->head}, 4);
	}
	flush(w);
}

nz_rc nz__manifest_write(const char *dir, const nz__manifest *m, nz_err *err)
{
	char path[4096], tmp[4200];
	snprintf(path, sizeof path, "%s/" NZ__SITE_MANIFEST, dir);
	snprintf(tmp, sizeof tmp, "%s.nz-tmp-%ld", path, (long)getpid());
	writer *w = malloc(sizeof *w);
	if (!w)
		return nz_err_set(err, NZ_NOMEM, "%s: out of memory", path);
	*w = (writer){.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)};
	if (w->fd >= 0)
		put_records(w, m);
	bool ok = w->fd >= 0 && !w->failed;
	int e = errno;
	if (w->fd >= 0 && close(w->fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		e = errno;
	}
	free(w);
	if (ok)
		return NZ_OK;
	unlink(tmp);
	return nz_err_set(err, NZ_IO, "%s: %s", path, strerror(e));
}
