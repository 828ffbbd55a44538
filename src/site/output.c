/*
 * site/output: the export's files on disk. Maps a URL path to the file a static server answers
 * it with (a page "/article/x" is "article/x/index.html", so the server's directory rule finds
 * it; percent-encoded slugs become UTF-8 file names), writes files crash-safely (a temporary
 * name in the same folder, then rename), puts a gzip copy (.gz) and a Brotli copy (.br) beside
 * each text file when each is smaller (levels in core/compress.h; a feed gets no .br), and
 * removes files that left the site.
 *
 * Rules: thread-safe (no shared state; temporary names carry the thread's id); a path never
 * leaves the export folder (".." and empty segments are refused).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/compress.h"
#include "site/site_int.h"

#define COMPRESS_MIN 256 /* smaller files are not worth a .gz or .br */

void nz__site_hash(const void *data, size_t len, char out[NZ__SITE_HASH_HEX])
{
	unsigned char d[16];
	static const char digits[] = "0123456789abcdef";
	crypto_generichash(d, sizeof d, data, len, NULL, 0);
	for (size_t i = 0; i < sizeof d; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[32] = '\0';
}

/* True when rel is a safe relative path: no "..", ".", empty segments or a leading '/'. */
static bool safe_path(const char *rel)
{
	const char *p = rel;
	if (!*p || *p == '/')
		return false;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n + (end ? 1 : 0);
		if (end && !*p)
			return false;
	}
	return true;
}

const char *nz__site_file_for(nz_arena *arena, const char *url, bool html)
{
	nz_buf b;
	nz_buf_init(&b, 4096);
	if (url[0] != '/' || nz_url_decode(&b, url + 1, strlen(url + 1), false) != NZ_OK ||
	    memchr(b.p ? b.p : "", '\0', b.len) != NULL) {
		nz_buf_free(&b);
		return NULL;
	}
	const char *dec = nz_buf_cstr(&b);
	/* "/ko/" (an edition's front page) is a folder already */
	bool folder = b.len == 0 || dec[b.len - 1] == '/';
	const char *rel = html ? nz_arena_printf(arena, "%s%sindex.html", dec, folder ? "" : "/")
			       : nz_arena_strdup(arena, dec);
	nz_buf_free(&b);
	return rel && safe_path(rel) ? rel : NULL;
}

/* Makes every folder above rel inside dir. */
static nz_rc make_parents(const char *dir, const char *rel, nz_err *err)
{
	char path[4096];
	int n = snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (n < 0 || (size_t)n >= sizeof path)
		return nz_err_set(err, NZ_TOOBIG, "%s: path too long", rel);
	size_t base = strlen(dir) + 1;
	char *last = strrchr(path, '/');
	if (!last || (size_t)(last - path) < base)
		return NZ_OK;
	*last = '\0';
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return NZ_OK; /* the usual case: one stat */
	for (char *p = path + base; p; p = strchr(p + 1, '/')) {
		char keep = *p;
		if (keep != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return nz_err_set(err, NZ_IO, "%s: %s", path, strerror(errno));
		*p = keep;
	}
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		return nz_err_set(err, NZ_IO, "%s: %s", path, strerror(errno));
	return NZ_OK;
}

/* Writes data to dir/rel through a temporary name and rename(2). */
static nz_rc write_atomic(const char *dir, const char *rel, const void *data, size_t len,
			  nz_err *err)
{
	char path[4096], tmp[4200];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	snprintf(tmp, sizeof tmp, "%s.nz-tmp-%ld-%lx", path, (long)getpid(),
		 (unsigned long)pthread_self());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return nz_err_set(err, NZ_IO, "%s: %s", tmp, strerror(errno));
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno;
			close(fd);
			unlink(tmp);
			return nz_err_set(err, NZ_IO, "%s: %s", tmp, strerror(e));
		}
		p += w;
		left -= (size_t)w;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return nz_err_set(err, NZ_IO, "%s: %s", path, strerror(e));
	}
	return NZ_OK;
}

/* Writes dir/rel plus the coding's suffix when want and the coding makes data smaller, and
 * removes a stale one otherwise (no old .gz beside new bytes); *written says which. */
static nz_rc write_coded(const char *dir, const char *rel, nz_coding coding, bool want,
			 const void *data, size_t len, bool *written, nz_err *err)
{
	char crel[4096];
	nz_rc rc = NZ_OK;
	snprintf(crel, sizeof crel, "%s%s", rel, nz_coding_suffix(coding));
	size_t zlen = 0;
	int level = coding == NZ_CODING_BR ? NZ_BR_QUALITY_EXPORT : NZ_GZIP_LEVEL_EXPORT;
	unsigned char *z = want ? nz_compress(coding, level, data, len, &zlen, true) : NULL;
	*written = false;
	if (z) {
		rc = write_atomic(dir, crel, z, zlen, err);
		*written = rc == NZ_OK;
		free(z);
		if (rc != NZ_OK)
			return rc;
	}
	if (!*written) {
		char path[4200];
		snprintf(path, sizeof path, "%s/%s", dir, crel);
		if (unlink(path) != 0 && errno != ENOENT)
			return nz_err_set(err, NZ_IO, "%s: %s", path, strerror(errno));
	}
	return NZ_OK;
}

bool nz__site_compressible(const char *rel)
{
	static const char *const exts[] = {".html", ".css", ".js",  ".xml",         ".rss", ".atom",
					   ".json", ".txt", ".svg", ".webmanifest", ".map"};
	const char *dot = strrchr(rel, '.');
	const char *slash = strrchr(rel, '/');
	if (!dot || (slash && dot < slash))
		return false;
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
		if (strcmp(dot, exts[i]) == 0)
			return true;
	return false;
}

/* A feed's .br is ~7 % smaller than its .gz (feeds repeat their markup) and Brotli is most of
 * the cost of writing one: a client that takes br is sent the .gz (docs/static-export.md). */
bool nz__site_wants_br(const char *rel)
{
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	return strcmp(base, "feed.rss") != 0 && strcmp(base, "feed.atom") != 0 &&
	       strcmp(base, "feed.json") != 0;
}

nz_rc nz__site_write(const char *dir, const char *rel, const void *data, size_t len, bool *gz,
		     nz_err *err)
{
	nz_rc rc = make_parents(dir, rel, err);
	if (rc == NZ_OK)
		rc = write_atomic(dir, rel, data, len, err);
	if (rc != NZ_OK)
		return rc;
	*gz = false;
	bool want = len >= COMPRESS_MIN && nz__site_compressible(rel);
	for (nz_coding c = NZ_CODING_GZIP; c <= NZ_CODING_BR; c++) {
		bool written = false;
		bool br = c != NZ_CODING_BR || nz__site_wants_br(rel);
		rc = write_coded(dir, rel, c, want && br, data, len, &written, err);
		if (rc != NZ_OK)
			return rc;
		if (c == NZ_CODING_GZIP)
			*gz = written;
	}
	return NZ_OK;
}

nz_rc nz__site_remove(const char *dir, const char *rel, nz_err *err)
{
	char path[4200];
	const char *suffix[] = {"", ".gz", ".br"};
	if (!safe_path(rel))
		return nz_err_set(err, NZ_INVAL, "%s: not a path inside the export", rel);
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(path, sizeof path, "%s/%s%s", dir, rel, suffix[i]);
		if (unlink(path) != 0 && errno != ENOENT)
			return nz_err_set(err, NZ_IO, "%s: %s", path, strerror(errno));
	}
	/* Folders left empty go too ("article/old-slug/"), up to the export's root. */
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	size_t base = strlen(dir);
	for (char *slash = strrchr(path, '/'); slash && (size_t)(slash - path) > base;
	     slash = strrchr(path, '/')) {
		*slash = '\0';
		if (rmdir(path) != 0)
			break; /* not empty (or not ours): stop */
	}
	return NZ_OK;
}

bool nz__site_file_matches(const char *dir, const char *rel, size_t size)
{
	char path[4200];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == size;
}
