/*
 * core/err: the result codes' messages and the detailed error record callers pass down.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"

const char *nz_strerror(nz_rc rc)
{
	switch (rc) {
#define NZ__ERR_CASE(code, value, msg)                                                             \
	case code:                                                                                 \
		return msg;
		NZ_ERRORS(NZ__ERR_CASE)
#undef NZ__ERR_CASE
	}
	return "unknown error";
}

nz_rc(nz_err_set)(nz_err *err, nz_rc rc, const char *fmt, ...) /* (): not the analyzer's macro */
{
	if (!err)
		return rc;
	err->rc = rc;
	if (!fmt) {
		snprintf(err->msg, sizeof err->msg, "%s", nz_strerror(rc));
		return rc;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return rc;
}

void nz_err_clear(nz_err *err)
{
	if (!err)
		return;
	err->rc = NZ_OK;
	err->msg[0] = '\0';
}
