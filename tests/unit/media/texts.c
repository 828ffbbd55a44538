/*
 * Tests for media/texts.c: the caption, credit and copyright read from IPTC IIM datasets (as
 * JPEG's APP13 wraps them) and from XMP, laid out here byte by byte; what IPTC gives wins, XMP
 * fills the rest, Latin-1 is made UTF-8, and a dataset whose length runs past the block is
 * not read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "media/media.h"

/* Appends dataset 2:ds with text to b at *n. */
static void dataset(unsigned char *b, size_t *n, int ds, const char *text)
{
	size_t len = strlen(text);
	b[(*n)++] = 0x1c;
	b[(*n)++] = 2;
	b[(*n)++] = (unsigned char)ds;
	b[(*n)++] = (unsigned char)(len >> 8);
	b[(*n)++] = (unsigned char)len;
	memcpy(b + *n, text, len);
	*n += len;
}

static void test_iptc_then_xmp(void **state)
{
	(void)state;
	nz_arena *arena = nz_arena_new();
	unsigned char b[256];
	size_t n = 0;
	static const char wrapper[] = "Photoshop 3.0\0008BIM\004\004\0\0\0\0\0\100";
	memcpy(b, wrapper, sizeof wrapper - 1);
	n = sizeof wrapper - 1;
	dataset(b, &n, 80, "Kim Ara");
	dataset(b, &n, 120, "Caf\xe9 by the port\n"); /* Latin-1, a trailing newline */
	nz_media_blobs blobs = {
	    .iptc = b,
	    .iptc_len = n,
	    .xmp = "<x:xmpmeta><rdf:Description photoshop:Credit=\"Yonhap\">"
		   "<dc:rights><rdf:Alt><rdf:li xml:lang=\"x-default\">&#169; A &amp; B"
		   "</rdf:li></rdf:Alt></dc:rights>"
		   "<dc:description><rdf:Alt><rdf:li>Ignored</rdf:li></rdf:Alt>"
		   "</dc:description></rdf:Description></x:xmpmeta>"};
	blobs.xmp_len = strlen(blobs.xmp);
	nz_media_texts t;
	nz_media_texts_parse(arena, &blobs, &t);
	assert_string_equal(t.caption, "Caf\xc3\xa9 by the port");
	assert_string_equal(t.credit, "Yonhap"); /* the credit line before the by-line */
	assert_string_equal(t.copyright, "&#169; A & B");

	/* a length past the end: nothing read from it */
	n = 0;
	dataset(b, &n, 120, "Short");
	b[4] = 200;
	nz_media_blobs cut = {.iptc = b, .iptc_len = n};
	nz_media_texts_parse(arena, &cut, &t);
	assert_null(t.caption);
	assert_null(t.credit);
	nz_arena_free(arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_iptc_then_xmp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
