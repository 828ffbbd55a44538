/*
 * core/compress: gzip through libdeflate (a whole-buffer DEFLATE that is faster than zlib at
 * the same size) and Brotli through libbrotlienc's one-shot encoder. core/compress.h.
 *
 * Rules: a libdeflate compressor holds its level's tables (up to ~1 MB at level 12), so each
 * thread keeps one per level it used, made on first use and freed by a thread-exit destructor.
 */
#include <brotli/encode.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>

#include "core/compress.h"

#define GZIP_LEVELS 13 /* libdeflate's 0-12 */

static pthread_key_t compressors_key;
static pthread_once_t compressors_once = PTHREAD_ONCE_INIT;

static void compressors_free(void *p)
{
	struct libdeflate_compressor **c = p;
	for (int i = 0; i < GZIP_LEVELS; i++)
		if (c[i])
			libdeflate_free_compressor(c[i]);
	free(c);
}

static void compressors_start(void)
{
	/* Without the key every call makes its own compressor (slower, still correct). */
	if (pthread_key_create(&compressors_key, compressors_free) != 0)
		compressors_key = (pthread_key_t)-1;
}

/* This thread's compressor for level, or NULL (no memory). *own: the caller frees it. */
static struct libdeflate_compressor *compressor(int level, int *own)
{
	pthread_once(&compressors_once, compressors_start);
	*own = 0;
	struct libdeflate_compressor **c = NULL;
	if (compressors_key != (pthread_key_t)-1) {
		c = pthread_getspecific(compressors_key);
		if (!c && (c = calloc(GZIP_LEVELS, sizeof *c)) &&
		    pthread_setspecific(compressors_key, c) != 0) {
			free(c);
			c = NULL;
		}
	}
	if (c && c[level])
		return c[level];
	struct libdeflate_compressor *made = libdeflate_alloc_compressor(level);
	if (c)
		c[level] = made;
	else
		*own = made != NULL;
	return made;
}

static unsigned char *gzip_bytes(int level, const void *data, size_t len, size_t *out_len)
{
	int own = 0;
	level = level < 1 ? 1 : level > 12 ? 12 : level;
	struct libdeflate_compressor *c = compressor(level, &own);
	if (!c)
		return NULL;
	size_t bound = libdeflate_gzip_compress_bound(c, len);
	unsigned char *out = malloc(bound);
	*out_len = out ? libdeflate_gzip_compress(c, data, len, out, bound) : 0;
	if (own)
		libdeflate_free_compressor(c);
	if (*out_len == 0) {
		free(out);
		return NULL;
	}
	return out;
}

static unsigned char *br_bytes(int quality, const void *data, size_t len, size_t *out_len)
{
	quality = quality < BROTLI_MIN_QUALITY   ? BROTLI_MIN_QUALITY
		  : quality > BROTLI_MAX_QUALITY ? BROTLI_MAX_QUALITY
						 : quality;
	size_t bound = BrotliEncoderMaxCompressedSize(len);
	unsigned char *out = bound ? malloc(bound) : NULL;
	*out_len = bound;
	if (!out || !BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, len,
					   data, out_len, out)) {
		free(out);
		return NULL;
	}
	return out;
}

unsigned char *nz_compress(nz_coding coding, int level, const void *data, size_t len,
			   size_t *out_len, bool smaller_only)
{
	unsigned char *out = NULL;
	*out_len = 0;
	if (coding == NZ_CODING_GZIP)
		out = gzip_bytes(level, data, len, out_len);
	else if (coding == NZ_CODING_BR)
		out = br_bytes(level, data, len, out_len);
	if (out && smaller_only && *out_len >= len) {
		free(out);
		out = NULL;
	}
	return out;
}

const char *nz_coding_token(nz_coding coding)
{
	return coding == NZ_CODING_GZIP ? "gzip" : coding == NZ_CODING_BR ? "br" : "";
}

const char *nz_coding_suffix(nz_coding coding)
{
	return coding == NZ_CODING_GZIP ? ".gz" : coding == NZ_CODING_BR ? ".br" : "";
}
