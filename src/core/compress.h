/*
 * core/compress.h: the content codings of precompressed text, gzip (RFC 1952, through
 * libdeflate) and Brotli (RFC 7932, through libbrotli), shared by the server's caching step
 * and the static export. Levels are chosen in bench/RESULTS.md ("Precompression").
 *
 * Rules: whole buffers in, whole buffers out (no streaming); thread-safe (each thread keeps its
 * own libdeflate compressors, freed when the thread ends); the output is deterministic for the
 * same input, coding and level.
 */
#ifndef NZ_CORE_COMPRESS_H
#define NZ_CORE_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum nz_coding {
	NZ_CODING_IDENTITY = 0,
	NZ_CODING_GZIP = 1,
	NZ_CODING_BR = 2,
} nz_coding;
#define NZ_CODINGS 3

/* gzip levels 1-12 (libdeflate's scale; 6 is zlib's default), Brotli qualities 0-11. Measured
 * on an export (bench/compress): libdeflate 6 is zlib 6's size (+0.2 %) in 0.4x the time (9:
 * 1.4 % smaller, twice 6's time); Brotli 6 is 8 % smaller than gzip and no slower than 5 (4 is
 * bigger than gzip; 7 is 2.5x slower for 2 %), so both copies together cost what zlib 6 alone
 * did. The server compresses a page once into its page cache: the same levels. */
#define NZ_GZIP_LEVEL_EXPORT 6 /* the export's .gz files */
#define NZ_GZIP_LEVEL_SERVER 6 /* the server's answers (and its page cache) */
#define NZ_BR_QUALITY_EXPORT 6 /* the export's .br files */
#define NZ_BR_QUALITY_SERVER 6 /* the server's answers (and its page cache) */

/* data compressed with coding at level, malloc'd (the caller frees it), its size in *out_len;
 * NULL when it fails (no memory) or, with smaller_only, when it is not smaller than len.
 * NZ_CODING_IDENTITY gives NULL. */
unsigned char *nz_compress(nz_coding coding, int level, const void *data, size_t len,
			   size_t *out_len, bool smaller_only);

/* The coding's Content-Encoding token ("gzip", "br") and file suffix (".gz", ".br"); "" for
 * identity. */
const char *nz_coding_token(nz_coding coding);
const char *nz_coding_suffix(nz_coding coding);

#endif
