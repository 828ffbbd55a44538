/*
 * Tests for media/render.c and media/name.c: the pipeline on small images made here with
 * libvips (and an EXIF block with GPS tags laid out byte by byte, as TIFF/EXIF specify it):
 * turned upright by the orientation tag, never upscaled, stripped of GPS, cropped around the
 * focal point, encoded in each format, and refused past the limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>
#include <vips/vips.h>

#include "media/media.h"

/* A w x h JPEG or PNG (ext ".jpg"/".png") of one colour, with a second colour over the box
 * [bx, bx+bw) x [by, by+bh); the orientation tag set when orientation > 0. Caller g_free()s. */
static void *make_image(int w, int h, const double *bg, const double *fg, int bx, int by, int bw,
			int bh, int orientation, const char *ext, size_t *len)
{
	VipsImage *black = NULL, *img = NULL, *box = NULL, *drawn = NULL;
	void *buf = NULL;
	assert_int_equal(vips_black(&black, w, h, "bands", 3, NULL), 0);
	assert_int_equal(vips_linear(black, &img, (double[]){1, 1, 1}, (double *)bg, 3, NULL), 0);
	assert_int_equal(vips_cast_uchar(img, &box, NULL), 0);
	g_object_unref(img);
	assert_int_equal(vips_copy(box, &drawn, NULL), 0);
	if (bw > 0)
		assert_int_equal(
		    vips_draw_rect(drawn, (double *)fg, 3, bx, by, bw, bh, "fill", TRUE, NULL), 0);
	if (orientation > 0)
		vips_image_set_int(drawn, VIPS_META_ORIENTATION, orientation);
	if (strcmp(ext, ".png") == 0)
		assert_int_equal(vips_pngsave_buffer(drawn, &buf, len, NULL), 0);
	else
		assert_int_equal(vips_jpegsave_buffer(drawn, &buf, len, "Q", 95, NULL), 0);
	g_object_unref(black);
	g_object_unref(box);
	g_object_unref(drawn);
	return buf;
}

/* The mean of each band of an encoded image over the box. */
static void mean_at(const nz_buf *b, int x, int y, int w, int h, double out[3])
{
	VipsImage *img = vips_image_new_from_buffer(b->p, b->len, "", NULL), *area = NULL;
	assert_non_null(img);
	assert_int_equal(vips_extract_area(img, &area, x, y, w, h, NULL), 0);
	for (int band = 0; band < 3; band++) {
		VipsImage *one = NULL;
		assert_int_equal(vips_extract_band(area, &one, band, NULL), 0);
		assert_int_equal(vips_avg(one, &out[band], NULL), 0);
		g_object_unref(one);
	}
	g_object_unref(area);
	g_object_unref(img);
}

static const double red[3] = {230, 20, 20}, blue[3] = {20, 20, 230}, black3[3] = {0, 0, 0},
		    white3[3] = {255, 255, 255};

static void test_setup(void **state)
{
	(void)state;
	nz_err err = {0};
	assert_int_equal(nz_media_init(&err), NZ_OK);
}

/* Orientation 6 says "turn 90 degrees clockwise to view": the stored left half (red) must
 * come out on top, and the 60x40 photo comes out 40x60, not upscaled to 320. */
static void test_orientation_and_no_upscale(void **state)
{
	(void)state;
	size_t len;
	void *src = make_image(60, 40, blue, red, 0, 0, 30, 40, 6, ".jpg", &len);
	nz_buf out;
	nz_buf_init(&out, 1 << 24);
	nz_err err = {0};
	int w = 0, h = 0;
	nz_rendition r = {.width = 320, .format = NZ_FORMAT_JPEG, .focal_x = 50, .focal_y = 50};
	assert_int_equal(nz_media_render(src, len, &r, NULL, &out, &w, &h, &err), NZ_OK);
	assert_int_equal(w, 40);
	assert_int_equal(h, 60);
	double top[3], bottom[3];
	mean_at(&out, 5, 5, 30, 20, top);
	mean_at(&out, 5, 35, 30, 20, bottom);
	assert_true(top[0] > 150 && top[2] < 100);       /* red */
	assert_true(bottom[2] > 150 && bottom[0] < 100); /* blue */
	/* the upright output has no orientation tag left to apply twice */
	VipsImage *img = vips_image_new_from_buffer(out.p, out.len, "", NULL);
	assert_false(vips_image_get_typeof(img, VIPS_META_ORIENTATION) &&
		     vips_image_get_orientation(img) != 1);
	g_object_unref(img);
	nz_buf_free(&out);
	g_free(src);
}

static size_t put16le(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	return 2;
}

static size_t put32le(unsigned char *p, unsigned long v)
{
	put16le(p, (unsigned)(v & 0xFFFF));
	put16le(p + 2, (unsigned)(v >> 16));
	return 4;
}

/* An APP1 EXIF segment: IFD0 with only a GPSInfo pointer, the GPS IFD with latitude 51;30;12.34 N.
 */
static size_t gps_app1(unsigned char *b)
{
	unsigned char t[80] = {'I', 'I', 0x2A, 0};
	size_t n = 4;
	n += put32le(t + n, 8);
	n += put16le(t + n, 1); /* IFD0: one entry */
	n += put16le(t + n, 0x8825);
	n += put16le(t + n, 4);
	n += put32le(t + n, 1);
	n += put32le(t + n, 26);
	n += put32le(t + n, 0);
	n += put16le(t + n, 2); /* GPS IFD at 26: two entries */
	n += put16le(t + n, 0x0001);
	n += put16le(t + n, 2);
	n += put32le(t + n, 2);
	t[n++] = 'N';
	t[n++] = 0;
	t[n++] = 0;
	t[n++] = 0;
	n += put16le(t + n, 0x0002);
	n += put16le(t + n, 5);
	n += put32le(t + n, 3);
	n += put32le(t + n, 56);
	n += put32le(t + n, 0);
	unsigned long rat[6] = {51, 1, 30, 1, 1234, 100};
	for (int i = 0; i < 6; i++)
		n += put32le(t + n, rat[i]);
	assert_int_equal(n, 80);
	b[0] = 0xFF;
	b[1] = 0xE1;
	b[2] = 0;
	b[3] = (unsigned char)(2 + 6 + n);
	memcpy(b + 4, "Exif\0\0", 6);
	memcpy(b + 10, t, n);
	return 10 + n;
}

static void test_gps_in_none_out(void **state)
{
	(void)state;
	size_t len;
	unsigned char *plain = make_image(64, 48, blue, red, 0, 0, 0, 0, 0, ".jpg", &len);
	unsigned char app1[128];
	size_t a = gps_app1(app1);
	unsigned char *src = malloc(len + a);
	assert_non_null(src);
	memcpy(src, plain, 2); /* SOI, then the EXIF segment, then the rest */
	memcpy(src + 2, app1, a);
	memcpy(src + 2 + a, plain + 2, len - 2);
	/* the input really carries the latitude, as libvips reads it */
	VipsImage *in = vips_image_new_from_buffer(src, len + a, "", NULL);
	assert_non_null(in);
	assert_true(vips_image_get_typeof(in, "exif-ifd3-GPSLatitude") != 0);
	g_object_unref(in);

	nz_media_format formats[] = {NZ_FORMAT_JPEG, NZ_FORMAT_WEBP, NZ_FORMAT_AVIF};
	for (size_t i = 0; i < 3; i++) {
		nz_buf out;
		nz_buf_init(&out, 1 << 24);
		nz_err err = {0};
		nz_rendition r = {.width = 0, .format = formats[i], .focal_x = 50, .focal_y = 50};
		assert_int_equal(nz_media_render(src, len + a, &r, NULL, &out, NULL, NULL, &err),
				 NZ_OK);
		assert_null(memmem(out.p, out.len, "Exif", 4));
		assert_null(memmem(out.p, out.len, "II*", 3));
		if (formats[i] == NZ_FORMAT_JPEG) {
			VipsImage *o = vips_image_new_from_buffer(out.p, out.len, "", NULL);
			assert_int_equal(vips_image_get_typeof(o, "exif-ifd3-GPSLatitude"), 0);
			assert_int_equal(vips_image_get_typeof(o, VIPS_META_EXIF_NAME), 0);
			g_object_unref(o);
		}
		if (formats[i] == NZ_FORMAT_AVIF)
			assert_memory_equal((char *)out.p + 4, "ftypavif", 8);
		if (formats[i] == NZ_FORMAT_WEBP)
			assert_memory_equal((char *)out.p + 8, "WEBP", 4);
		nz_buf_free(&out);
	}
	free(src);
	g_free(plain);
}

/* A white square at x 300..340 of a black 400x100 strip: a square crop around a focal point
 * at 80 % keeps it; around the default centre it does not. */
static void test_crop_around_focal_point(void **state)
{
	(void)state;
	size_t len;
	void *src = make_image(400, 100, black3, white3, 300, 30, 40, 40, 0, ".png", &len);
	nz_err err = {0};
	double m[3];
	int w, h;
	nz_rendition r = {.width = 320,
			  .crop = NZ_CROP_1X1,
			  .format = NZ_FORMAT_JPEG,
			  .focal_x = 80,
			  .focal_y = 50};
	nz_buf out;
	nz_buf_init(&out, 1 << 24);
	assert_int_equal(nz_media_render(src, len, &r, NULL, &out, &w, &h, &err), NZ_OK);
	assert_int_equal(w, 100); /* the crop box is 100x100 at the source's size: not upscaled */
	assert_int_equal(h, 100);
	mean_at(&out, 0, 0, w, h, m);
	assert_true(m[0] > 20); /* 1,600 white pixels of 10,000 */
	nz_buf_reset(&out);
	r.focal_x = r.focal_y = 50;
	assert_int_equal(nz_media_render(src, len, &r, NULL, &out, &w, &h, &err), NZ_OK);
	mean_at(&out, 0, 0, w, h, m);
	assert_true(m[0] < 5);
	/* 16:9 of the same strip at 1.91:1's card width: 177x100 box, never upscaled */
	nz_buf_reset(&out);
	r = (nz_rendition){.width = 1200,
			   .crop = NZ_CROP_16X9,
			   .format = NZ_FORMAT_WEBP,
			   .focal_x = 50,
			   .focal_y = 50};
	assert_int_equal(nz_media_render(src, len, &r, NULL, &out, &w, &h, &err), NZ_OK);
	assert_int_equal(w, 177);
	assert_int_equal(h, 100);
	nz_buf_free(&out);
	g_free(src);
}

static void test_sizes_and_resize(void **state)
{
	(void)state;
	int w, h;
	nz_rendition r = {.width = 640, .crop = NZ_CROP_191X100};
	nz_media_rendition_size(4000, 3000, &r, &w, &h);
	assert_int_equal(w, 640);
	assert_int_equal(h, 335);
	r = (nz_rendition){.width = 0};
	nz_media_rendition_size(4000, 3000, &r, &w, &h);
	assert_int_equal(w, 2048); /* the full-size copy stops at the top of the ladder */
	assert_int_equal(h, 1536);
	size_t len;
	void *src = make_image(1000, 500, blue, red, 0, 0, 0, 0, 0, ".jpg", &len);
	nz_buf out;
	nz_buf_init(&out, 1 << 24);
	nz_err err = {0};
	r = (nz_rendition){.width = 480, .format = NZ_FORMAT_JPEG};
	assert_int_equal(nz_media_render(src, len, &r, NULL, &out, &w, &h, &err), NZ_OK);
	assert_int_equal(w, 480);
	assert_int_equal(h, 240);
	nz_buf_free(&out);
	g_free(src);
}

static void test_limits_and_types(void **state)
{
	(void)state;
	nz_buf out;
	nz_buf_init(&out, 1 << 24);
	nz_err err = {0};
	nz_rendition r = {.width = 320, .format = NZ_FORMAT_JPEG};
	/* a PNG header declaring 30000x30000 (900 megapixels): refused before any decoding */
	unsigned char png[33] = {0x89, 'P',  'N', 'G', '\r', '\n', 0x1A, '\n', 0,
				 0,    0,    13,  'I', 'H',  'D',  'R',  0,    0,
				 0x75, 0x30, 0,   0,   0x75, 0x30, 8,    2};
	assert_int_equal(nz_media_render(png, sizeof png, &r, NULL, &out, NULL, NULL, &err),
			 NZ_TOOBIG);
	assert_non_null(strstr(err.msg, "megapixels"));
	const char svg[] = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>";
	assert_int_equal(nz_media_render(svg, sizeof svg - 1, &r, NULL, &out, NULL, NULL, &err),
			 NZ_UNSUPPORTED);
	/* a JPEG cut short in its pixels: the header passes, decoding fails with a reason */
	size_t len;
	unsigned char *src = make_image(300, 200, blue, red, 0, 0, 100, 100, 0, ".jpg", &len);
	assert_int_equal(nz_media_render(src, len / 2, &r, NULL, &out, NULL, NULL, &err), NZ_PARSE);
	assert_int_equal(out.len, 0);
	g_free(src);
	nz_buf_free(&out);
}

/* A caller's cancel that gives up from its `after`-th question on (0: never), counting them. */
typedef struct asker {
	int asked, after;
} asker;

static bool ask(void *arg)
{
	asker *a = arg;
	a->asked++;
	return a->after > 0 && a->asked >= a->after;
}

/* A rendition whose caller gives up ends with "cancelled" and no bytes, whether asked before
 * the work or while the pixels are computed; one that is never given up is asked along the way
 * and made. */
static void test_cancel(void **state)
{
	(void)state;
	size_t len;
	void *src = make_image(3000, 2000, blue, red, 0, 0, 1500, 2000, 0, ".png", &len);
	nz_rendition r = {.width = 2048, .format = NZ_FORMAT_WEBP};
	nz_buf out;
	nz_buf_init(&out, 1 << 26);
	nz_err err = {0};

	asker never = {0};
	nz_media_cancel cancel = {.asked = ask, .arg = &never};
	assert_int_equal(nz_media_render(src, len, &r, &cancel, &out, NULL, NULL, &err), NZ_OK);
	assert_true(never.asked > 2); /* before the work, then during it */
	assert_true(out.len > 0);

	asker at_once = {.after = 1};
	nz_buf_free(&out);
	nz_buf_init(&out, 1 << 26);
	cancel.arg = &at_once;
	assert_int_equal(nz_media_render(src, len, &r, &cancel, &out, NULL, NULL, &err), NZ_IO);
	assert_non_null(strstr(err.msg, "cancelled"));
	assert_int_equal(at_once.asked, 1);
	assert_int_equal(out.len, 0);

	asker midway = {.after = 2}; /* the question before the work says no */
	cancel.arg = &midway;
	err = (nz_err){0};
	assert_int_equal(nz_media_render(src, len, &r, &cancel, &out, NULL, NULL, &err), NZ_IO);
	assert_non_null(strstr(err.msg, "cancelled"));
	assert_true(midway.asked < never.asked);
	assert_int_equal(out.len, 0);
	g_free(src);
	nz_buf_free(&out);
}

static void test_names(void **state)
{
	(void)state;
	nz_arena *arena = nz_arena_new();
	nz_rendition r;
	const char *good[] = {"jpg",
			      "png",
			      "webp",
			      "w640.webp",
			      "w320.avif",
			      "w2048.jpg",
			      "16x9.f50-50.w1200.jpg",
			      "191x100.f20-80.w1200.webp",
			      "1x1.f0-100.w320.avif"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		assert_true(nz_media_rendition_parse(nz_str_c(good[i]), &r));
		assert_string_equal(nz_media_rendition_name(arena, &r), good[i]);
	}
	const char *bad[] = {"",
			     "gif",
			     "w641.jpg",
			     "w0640.jpg",
			     "w+640.jpg",
			     "w640.png",
			     "16x9.f50-101.w1200.jpg",
			     "3x2.f50-50.w1200.jpg",
			     "w640",
			     "16x9.f50-50.w1200.jpg.jpg",
			     "w99999999999.jpg",
			     "16x9.w1200.jpg"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(nz_media_rendition_parse(nz_str_c(bad[i]), &r));
	nz_arena_free(arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_setup),
	    cmocka_unit_test(test_orientation_and_no_upscale),
	    cmocka_unit_test(test_gps_in_none_out),
	    cmocka_unit_test(test_crop_around_focal_point),
	    cmocka_unit_test(test_sizes_and_resize),
	    cmocka_unit_test(test_limits_and_types),
	    cmocka_unit_test(test_cancel),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
