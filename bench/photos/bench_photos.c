/*
 * bench_photos: the image pipeline on a 24-megapixel JPEG (6000x4000, made here with libvips:
 * a gradient with grain, quality 90). Each rendition runs in a fresh process of its own (this
 * program again, `bench_photos FILE NAME`: forking a process that runs libvips's threads would
 * deadlock), so its peak memory (the child's maximum resident set, from wait4) is its alone;
 * the time is the child's wall clock, start-up included. `make bench-photos`; prints a Markdown
 * table. Not a test: no assertion on the figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vips/vips.h>

#include "media/media.h"

static void *make_source(size_t *len)
{
	VipsImage *noise = NULL, *grad = NULL, *sum = NULL, *rgb = NULL, *u8 = NULL;
	void *buf = NULL;
	if (vips_gaussnoise(&noise, 6000, 4000, "mean", 0.0, "sigma", 6.0, NULL) ||
	    vips_xyz(&grad, 6000, 4000, NULL) || vips_extract_band(grad, &sum, 0, NULL))
		return NULL;
	VipsImage *scaled = NULL, *mixed = NULL;
	if (vips_linear1(sum, &scaled, 255.0 / 6000, 0, NULL) ||
	    vips_add(scaled, noise, &mixed, NULL) || vips_bandjoin_const1(mixed, &rgb, 128, NULL) ||
	    vips_cast_uchar(rgb, &u8, NULL))
		return NULL;
	VipsImage *three = NULL;
	if (vips_bandjoin_const1(u8, &three, 200, NULL) ||
	    vips_jpegsave_buffer(three, &buf, len, "Q", 90, NULL))
		return NULL;
	return buf;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* The child: one rendition of the file, its byte count on stdout. */
static int one(const char *file, const char *name)
{
	gchar *src = NULL;
	gsize len = 0;
	nz_rendition r;
	nz_buf out;
	nz_err err = {0};
	nz_buf_init(&out, 64u << 20);
	if (!g_file_get_contents(file, &src, &len, NULL) ||
	    !nz_media_rendition_parse(nz_str_c(name), &r) ||
	    nz_media_render(src, len, &r, NULL, &out, NULL, NULL, &err) != NZ_OK) {
		fprintf(stderr, "%s: %s\n", name, err.msg);
		return 1;
	}
	printf("%zu\n", out.len);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3)
		return one(argv[1], argv[2]);
	if (VIPS_INIT("bench_photos"))
		return 1;
	size_t len = 0;
	void *src = make_source(&len);
	char file[] = "/tmp/nz-bench-photo-XXXXXX";
	int fd = mkstemp(file);
	if (!src || fd < 0 || write(fd, src, len) != (ssize_t)len) {
		fprintf(stderr, "bench_photos: could not make the source\n");
		return 1;
	}
	close(fd);
	printf("source: 6000x4000 JPEG, %.1f MB\n\n", len / 1e6);
	printf("| rendition | time (s) | peak memory (MB) | output (KB) |\n| --- | --- | --- | --- "
	       "|\n");
	fflush(stdout);
	const char *names[] = {"w320.jpg",  "w640.webp",  "w640.avif",  "w1280.jpg",
			       "w2048.jpg", "w2048.webp", "w2048.avif", "191x100.f50-50.w1200.jpg",
			       "jpg"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		int pipefd[2];
		if (pipe(pipefd))
			return 1;
		double t0 = now();
		pid_t pid = fork();
		if (pid == 0) { /* exec at once: nothing of libvips runs in the forked copy */
			dup2(pipefd[1], 1);
			execl("/proc/self/exe", "bench_photos", file, names[i], (char *)NULL);
			_exit(127);
		}
		close(pipefd[1]);
		char got[32] = "0";
		ssize_t k = read(pipefd[0], got, sizeof got - 1);
		got[k > 0 ? k : 0] = '\0';
		struct rusage ru;
		int status;
		wait4(pid, &status, 0, &ru);
		double t = now() - t0;
		close(pipefd[0]);
		printf("| %s | %.2f | %.0f | %.0f |\n", names[i], t, ru.ru_maxrss / 1024.0,
		       atof(got) / 1024.0);
		fflush(stdout);
	}
	unlink(file);
	g_free(src);
	return 0;
}
