/*
 * core/log.c: level-gated logging to stderr, one line per message:
 *   2026-11-29T06:40:00Z INFO web: listening on 127.0.0.1:8080
 *
 * Rules: only cli/ and web/ log; libraries return errors instead. The level is a plain global,
 * set once at start-up before threads exist (NZ_LOG reads it without a lock). Each message is
 * written with a single fwrite so lines from different threads never interleave, and line
 * breaks inside a message become spaces so one message is always one line.
 */
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nz_log_level nz__log_level = NZ_LOG_INFO;

static NZ_ENUM_NAME_FN(nz_log_level, level_name, NZ_LOG_LEVELS)

    void nz_log_set_level(nz_log_level level)
{
	if (level < NZ_LOG_ERROR)
		level = NZ_LOG_ERROR;
	if (level > NZ_LOG_DEBUG)
		level = NZ_LOG_DEBUG;
	nz__log_level = level;
}

/* Formats "time LEVEL module: " into line (>= 64 bytes); returns its length. */
static int log_prefix(char *line, size_t size, nz_log_level level, const char *module)
{
	char when[40];
	int lv = level < NZ_LOG_ERROR || level > NZ_LOG_DEBUG ? NZ_LOG_DEBUG : (int)level;

	nz_time_rfc3339(nz_time_now(), when);
	return snprintf(line, size, "%s %s %s: ", when, level_name((nz_log_level)lv),
			module ? module : "nz");
}

void nz__log(nz_log_level level, const char *module, const char *fmt, ...)
{
	char stack[1024];
	char *line = stack, *big = NULL;
	int prefix, n;
	va_list ap;

	prefix = log_prefix(stack, sizeof stack, level, module);
	if (prefix < 0 || (size_t)prefix >= sizeof stack)
		return;
	va_start(ap, fmt);
	n = vsnprintf(stack + prefix, sizeof stack - (size_t)prefix, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)prefix + (size_t)n + 2 > sizeof stack) {
		/* A long message: format again into the heap; on failure keep the cut-off line. */
		big = malloc((size_t)prefix + (size_t)n + 2);
		if (big != NULL) {
			memcpy(big, stack, (size_t)prefix);
			va_start(ap, fmt);
			vsnprintf(big + prefix, (size_t)n + 1, fmt, ap);
			va_end(ap);
			line = big;
		} else {
			n = (int)(sizeof stack - (size_t)prefix - 2);
		}
	}
	for (int i = prefix; i < prefix + n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[prefix + n] = '\n';
	fwrite(line, 1, (size_t)prefix + (size_t)n + 1, stderr);
	free(big);
}
