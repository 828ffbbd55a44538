/*
 * Tests for core/log.c: the line format operators read ("2026-11-29T06:40:00Z INFO web: ..."),
 * level gating that skips even the arguments, and one message always being one line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

static FILE *capture;
static int saved_stderr = -1;

/* Sends stderr into a temporary file until end_capture(). */
static void begin_capture(void)
{
	fflush(stderr);
	capture = tmpfile();
	assert_non_null(capture);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fileno(capture), STDERR_FILENO) >= 0);
}

/* Restores stderr and returns what was written (malloc'd). */
static char *end_capture(void)
{
	long n;
	char *text;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	n = ftell(capture);
	text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	rewind(capture);
	assert_int_equal(fread(text, 1, (size_t)n, capture), (size_t)n);
	fclose(capture);
	return text;
}

static void assert_matches(const char *text, const char *pattern)
{
	regex_t re;

	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&re, text, 0, NULL, 0) != 0)
		fail_msg("\"%s\" does not match /%s/", text, pattern);
	regfree(&re);
}

static void test_default_level_is_info(void **state)
{
	(void)state;
	assert_int_equal(nz__log_level, NZ_LOG_INFO);
}

static void test_line_format(void **state)
{
	(void)state;
	char *text;

	nz_log_set_level(NZ_LOG_INFO);
	begin_capture();
	NZ_LOG(NZ_LOG_INFO, "web", "listening on %s", "127.0.0.1:8080");
	NZ_LOG(NZ_LOG_ERROR, "cli", "cannot open %s: %d", "기사.txt", 2);
	text = end_capture();
	assert_matches(text, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z "
			     "INFO web: listening on 127\\.0\\.0\\.1:8080\n"
			     "[0-9-]{10}T[0-9:]{8}Z ERROR cli: cannot open 기사\\.txt: 2\n$");
	free(text);
}

static int evaluated;

static int count(void)
{
	return ++evaluated;
}

static void test_level_gating(void **state)
{
	(void)state;
	char *text;

	evaluated = 0;
	nz_log_set_level(NZ_LOG_WARN);
	begin_capture();
	NZ_LOG(NZ_LOG_INFO, "web", "hidden %d", count());
	NZ_LOG(NZ_LOG_DEBUG, "web", "hidden %d", count());
	NZ_LOG(NZ_LOG_WARN, "web", "shown %d", count());
	text = end_capture();
	assert_int_equal(evaluated, 1); /* arguments of a silenced level are never evaluated */
	assert_matches(text, "^[^\n]*Z WARN web: shown 1\n$");
	free(text);
	nz_log_set_level(NZ_LOG_DEBUG);
	begin_capture();
	NZ_LOG(NZ_LOG_DEBUG, "store", "query took %d ms", 3);
	text = end_capture();
	assert_matches(text, "^[^\n]*Z DEBUG store: query took 3 ms\n$");
	free(text);
	nz_log_set_level(NZ_LOG_INFO);
}

static void test_one_message_one_line(void **state)
{
	(void)state;
	char *text, *long_msg;

	nz_log_set_level(NZ_LOG_INFO);
	begin_capture();
	NZ_LOG(NZ_LOG_INFO, "web", "forged\nINFO web: admin logged in\r\n");
	text = end_capture();
	assert_matches(text, "^[^\n]*Z INFO web: forged INFO web: admin logged in  \n$");
	free(text);

	/* A long message is written whole, still on one line. */
	long_msg = malloc(5001);
	assert_non_null(long_msg);
	memset(long_msg, 'x', 5000);
	long_msg[5000] = '\0';
	begin_capture();
	NZ_LOG(NZ_LOG_INFO, "ingest", "%s|end", long_msg);
	text = end_capture();
	assert_non_null(strstr(text, "INFO ingest: xxxx"));
	assert_non_null(strstr(text, "x|end\n"));
	assert_int_equal(strchr(text, '\n') - text + 1, (long)strlen(text));
	assert_true(strlen(text) > 5000);
	free(text);
	free(long_msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_level_is_info),
	    cmocka_unit_test(test_line_format),
	    cmocka_unit_test(test_level_gating),
	    cmocka_unit_test(test_one_message_one_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
