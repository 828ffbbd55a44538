/*
 * bench/compress/bench.c: size and time of compressing an export's text files (HTML, XML,
 * JSON, ...) with zlib, libdeflate and Brotli at several levels, to choose the precompression
 * settings (bench/RESULTS.md). Not a test: it prints figures and asserts nothing.
 *
 * Usage: bench/compress/run.sh EXPORT_DIR   (builds this file and runs it)
 *        compress-bench EXPORT_DIR [ROUNDS [EVERY]]  (best of ROUNDS, default 3; every
 *        EVERYth text file, default 1)
 */
#define _GNU_SOURCE
#include <brotli/encode.h>
#include <ftw.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

typedef struct {
	unsigned char *p;
	size_t len;
} file;

static file *files;
static size_t n_files, cap_files, total_in, seen, every = 1;

static int add(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	static const char *const exts[] = {".html", ".xml", ".json", ".rss", ".atom",
					   ".txt",  ".css", ".js",   ".svg"};
	(void)ftw;
	const char *dot = strrchr(path, '.');
	if (type != FTW_F || !dot || st->st_size < 256)
		return 0;
	int ok = 0;
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
		ok |= strcmp(dot, exts[i]) == 0;
	if (!ok || seen++ % every != 0) /* a sample: every Nth text file */
		return 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	if (n_files == cap_files) {
		cap_files = cap_files ? 2 * cap_files : 1024;
		files = realloc(files, cap_files * sizeof *files);
	}
	file *x = &files[n_files];
	x->len = (size_t)st->st_size;
	x->p = malloc(x->len);
	if (fread(x->p, 1, x->len, f) == x->len)
		n_files++, total_in += x->len;
	fclose(f);
	return 0;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static unsigned char *scratch;
static size_t scratch_len;

static size_t do_zlib(int level, const file *f)
{
	z_stream z = {0};
	deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
	z.next_in = f->p;
	z.avail_in = (uInt)f->len;
	z.next_out = scratch;
	z.avail_out = (uInt)scratch_len;
	deflate(&z, Z_FINISH);
	size_t out = z.total_out;
	deflateEnd(&z);
	return out;
}

static struct libdeflate_compressor *ld[13];

static size_t do_libdeflate(int level, const file *f)
{
	if (!ld[level])
		ld[level] = libdeflate_alloc_compressor(level);
	return libdeflate_gzip_compress(ld[level], f->p, f->len, scratch, scratch_len);
}

static size_t do_brotli(int q, const file *f)
{
	size_t out = scratch_len;
	BrotliEncoderCompress(q, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, f->len, f->p, &out,
			      scratch);
	return out;
}

static void run(const char *name, int level, size_t (*fn)(int, const file *), int rounds)
{
	double best = 1e30;
	size_t out = 0;
	for (int r = 0; r < rounds; r++) {
		double t0 = now_s();
		out = 0;
		for (size_t i = 0; i < n_files; i++)
			out += fn(level, &files[i]);
		double t = now_s() - t0;
		best = t < best ? t : best;
	}
	printf("| %-10s | %2d | %10zu | %5.1f %% | %7.0f | %6.1f |\n", name, level, out,
	       100.0 * (double)out / (double)total_in, best * 1000, (double)total_in / best / 1e6);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s EXPORT_DIR [ROUNDS]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* each row as it comes */
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	every = argc > 3 && atoi(argv[3]) > 0 ? (size_t)atoi(argv[3]) : 1;
	nftw(argv[1], add, 32, FTW_PHYS);
	size_t biggest = 0;
	for (size_t i = 0; i < n_files; i++)
		biggest = files[i].len > biggest ? files[i].len : biggest;
	scratch_len = BrotliEncoderMaxCompressedSize(biggest) + compressBound(biggest) + 4096;
	scratch = malloc(scratch_len);
	printf("%zu text files (every %zu of %zu), %zu bytes, best of %d rounds (Brotli 9+: 1)\n\n",
	       n_files, every, seen, total_in, rounds);
	printf("| coder      | lv | bytes out  | ratio   | ms      | MB/s   |\n");
	printf("| ---------- | -- | ---------- | ------- | ------- | ------ |\n");
	run("zlib", 6, do_zlib, rounds);
	run("zlib", 9, do_zlib, rounds);
	int ld_levels[] = {1, 4, 5, 6, 9, 12};
	for (size_t i = 0; i < 6; i++)
		run("libdeflate", ld_levels[i], do_libdeflate, rounds);
	/* Brotli 11 is left out: about 100x slower than 6 for 12 % smaller (bench/RESULTS.md). */
	int br_levels[] = {3, 4, 5, 6, 7, 9};
	for (size_t i = 0; i < 6; i++)
		run("brotli", br_levels[i], do_brotli, br_levels[i] >= 9 ? 1 : rounds);
	return 0;
}
