/*
 * Tests for content/image.c: JPEG, PNG and WebP (VP8, VP8L, VP8X) told apart by their bytes with
 * their pixel sizes; other types, cut-short and damaged headers, and limits refused with a reason.
 * The images are built here byte by byte, the way their specifications lay them out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "content/content.h"

static size_t put16be(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
	return 2;
}

static size_t put32be(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return 4;
}

/* A JPEG: SOI, an APP0 segment, a DQT-like segment, then SOF2 (progressive) with the size. */
static size_t jpeg(unsigned char *b, unsigned w, unsigned h)
{
	size_t n = 0;
	b[n++] = 0xFF, b[n++] = 0xD8;
	b[n++] = 0xFF, b[n++] = 0xE0;
	n += put16be(b + n, 16);
	memcpy(b + n, "JFIF\0\1\1\0\0\1\0\1\0\0", 14);
	n += 14;
	b[n++] = 0xFF, b[n++] = 0xFF; /* a fill byte before the next marker */
	b[n++] = 0xDB;
	n += put16be(b + n, 4);
	b[n++] = 0, b[n++] = 0;
	b[n++] = 0xFF, b[n++] = 0xC2;
	n += put16be(b + n, 11);
	b[n++] = 8;
	n += put16be(b + n, h);
	n += put16be(b + n, w);
	b[n++] = 1, b[n++] = 1, b[n++] = 0x11, b[n++] = 0;
	b[n++] = 0xFF, b[n++] = 0xD9;
	return n;
}

static size_t png(unsigned char *b, unsigned long w, unsigned long h)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	size_t n = 0;
	memcpy(b, sig, 8);
	n = 8;
	n += put32be(b + n, 13);
	memcpy(b + n, "IHDR", 4);
	n += 4;
	n += put32be(b + n, w);
	n += put32be(b + n, h);
	memcpy(b + n, "\x08\x02\0\0\0", 5);
	n += 5;
	n += put32be(b + n, 0); /* CRC: not checked by a probe */
	return n;
}

static size_t riff(unsigned char *b, const char *chunk)
{
	memcpy(b, "RIFF", 4);
	memset(b + 4, 0, 4);
	memcpy(b + 8, "WEBP", 4);
	memcpy(b + 12, chunk, 4);
	memset(b + 16, 0, 4);
	return 20;
}

static void probe_ok(const unsigned char *b, size_t n, const char *mime, const char *ext, int w,
		     int h)
{
	nz_image_info info;
	nz_err err = {0};
	assert_int_equal(nz_image_probe(b, n, &info, &err), NZ_OK);
	assert_string_equal(info.mime, mime);
	assert_string_equal(info.ext, ext);
	assert_int_equal(info.width, w);
	assert_int_equal(info.height, h);
}

static void test_jpeg(void **state)
{
	(void)state;
	unsigned char b[128];
	probe_ok(b, jpeg(b, 1024, 768), "image/jpeg", "jpg", 1024, 768);
}

static void test_png(void **state)
{
	(void)state;
	unsigned char b[64];
	probe_ok(b, png(b, 640, 427), "image/png", "png", 640, 427);
}

static void test_webp_lossy_lossless_extended(void **state)
{
	(void)state;
	unsigned char b[64] = {0};
	size_t n = riff(b, "VP8 ");
	b[n + 3] = 0x9D, b[n + 4] = 0x01, b[n + 5] = 0x2A; /* after the 3-byte frame tag */
	b[n + 6] = 300 & 0xFF, b[n + 7] = 300 >> 8;
	b[n + 8] = 200 & 0xFF, b[n + 9] = 200 >> 8;
	probe_ok(b, n + 10, "image/webp", "webp", 300, 200);

	memset(b, 0, sizeof b);
	n = riff(b, "VP8L");
	unsigned long bits = (unsigned long)(500 - 1) | (unsigned long)(250 - 1) << 14;
	b[n] = 0x2F;
	b[n + 1] = (unsigned char)bits, b[n + 2] = (unsigned char)(bits >> 8);
	b[n + 3] = (unsigned char)(bits >> 16), b[n + 4] = (unsigned char)(bits >> 24);
	probe_ok(b, n + 5, "image/webp", "webp", 500, 250);

	memset(b, 0, sizeof b);
	n = riff(b, "VP8X");
	unsigned long w = 4000 - 1, h = 3000 - 1;
	b[n + 4] = (unsigned char)w, b[n + 5] = (unsigned char)(w >> 8),
	      b[n + 6] = (unsigned char)(w >> 16);
	b[n + 7] = (unsigned char)h, b[n + 8] = (unsigned char)(h >> 8),
	      b[n + 9] = (unsigned char)(h >> 16);
	probe_ok(b, n + 10, "image/webp", "webp", 4000, 3000);
}

static void test_other_types_are_refused(void **state)
{
	(void)state;
	nz_image_info info;
	nz_err err = {0};
	const char *others[] = {"GIF89a\x01\0\x01\0", "<svg xmlns='http://www.w3.org/2000/svg'/>",
				"%PDF-1.7", ""};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		assert_int_equal(nz_image_probe(others[i], strlen(others[i]), &info, &err),
				 NZ_UNSUPPORTED);
		assert_null(info.mime);
	}
	assert_int_equal(nz_image_probe(NULL, 0, &info, &err), NZ_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "JPEG, PNG or WebP"));
}

static void test_truncated_and_damaged_headers(void **state)
{
	(void)state;
	unsigned char b[128];
	nz_image_info info;
	nz_err err = {0};
	size_t n = jpeg(b, 10, 10);
	/* Every cut of a JPEG before its frame header's size is a parse error, never a read past
	 * the end (ASan watches). */
	for (size_t cut = 3; cut < n - 6; cut++)
		assert_int_equal(nz_image_probe(b, cut, &info, &err), NZ_PARSE);
	n = png(b, 10, 10);
	for (size_t cut = 8; cut < 24; cut++)
		assert_int_equal(nz_image_probe(b, cut, &info, &err), NZ_PARSE);
	n = png(b, 0, 10);
	assert_int_equal(nz_image_probe(b, n, &info, &err), NZ_PARSE);
	n = jpeg(b, 10, 10);
	b[24] = 0x00; /* the byte where the next marker's 0xFF belongs */
	assert_int_equal(nz_image_probe(b, n, &info, &err), NZ_PARSE);
	n = riff(b, "VP8 ");
	memset(b + n, 0, 10);
	assert_int_equal(nz_image_probe(b, n + 10, &info, &err), NZ_PARSE); /* no start code */
}

static void test_limits(void **state)
{
	(void)state;
	unsigned char b[64];
	nz_image_info info;
	nz_err err = {0};
	size_t n = png(b, NZ_IMAGE_DIM_MAX + 1, 10);
	assert_int_equal(nz_image_probe(b, n, &info, &err), NZ_TOOBIG);
	n = png(b, 10, 10);
	assert_int_equal(nz_image_probe(b, (size_t)NZ_MEDIA_MAX + 1, &info, &err), NZ_TOOBIG);
	assert_non_null(strstr(err.msg, "limit"));
	/* 30000x30000 is within the per-side limit but 900 megapixels: refused from the header. */
	n = png(b, 30000, 30000);
	assert_int_equal(nz_image_probe(b, n, &info, &err), NZ_TOOBIG);
	assert_non_null(strstr(err.msg, "megapixels"));
	n = png(b, 7071, 7071); /* 49.99 MP: accepted */
	assert_int_equal(nz_image_probe(b, n, &info, &err), NZ_OK);
}

/* The focal point defaults to the centre; a photo lacks alt text unless it has its own or the
 * body gives it one where it places it. */
static void test_focal_point_and_alt_text(void **state)
{
	(void)state;
	int x = 0, y = 0;
	nz_media m = {.id = 7, .hash = "ab"};
	nz_media_focal(&m, &x, &y);
	assert_true(x == 50 && y == 50);
	m.has_focal = true;
	m.focal_x = 0;
	m.focal_y = 100;
	nz_media_focal(&m, &x, &y);
	assert_true(x == 0 && y == 100);
	m.focal_x = 101; /* out of range: the centre */
	nz_media_focal(&m, &x, &y);
	assert_int_equal(x, 50);

	assert_true(nz_media_lacks_alt(&m, NULL));
	m.alt = "  \n";
	assert_true(nz_media_lacks_alt(&m, "Text."));
	assert_true(nz_media_lacks_alt(&m, "![](media:7)"));
	assert_true(nz_media_lacks_alt(&m, "![A boat](media:17)"));
	assert_true(nz_media_lacks_alt(&m, "[A boat](media:7)"));
	assert_false(nz_media_lacks_alt(&m, "![A boat](media:7)"));
	assert_false(nz_media_lacks_alt(&m, "Text.\n\n![ ](media:7) and ![A boat](media:7)"));
	m.alt = "A boat";
	assert_false(nz_media_lacks_alt(&m, NULL));
	assert_false(nz_media_lacks_alt(&(nz_media){.caption = "a caption alone"}, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jpeg),
	    cmocka_unit_test(test_png),
	    cmocka_unit_test(test_webp_lossy_lossless_extended),
	    cmocka_unit_test(test_other_types_are_refused),
	    cmocka_unit_test(test_truncated_and_damaged_headers),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_focal_point_and_alt_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
