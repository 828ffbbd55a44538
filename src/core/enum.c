/*
 * core/enum: names of enum values, for the enums declared as X-macro lists (NZ_ENUM_NAME_FN,
 * NZ_ENUM_PARSE_FN in core.h). One table per enum, so a value and its name cannot drift apart.
 */
#include "core/core.h"

const char *nz_enum_name(const char *const *names, size_t n, int value)
{
	if (value < 0 || (size_t)value >= n || !names[value])
		return "unknown";
	return names[value];
}

nz_rc nz_enum_parse(const char *const *names, size_t n, nz_str s, int *out)
{
	s = nz_str_trim(s);
	for (size_t i = 0; i < n; i++) {
		if (names[i] && nz_str_eq_c(s, names[i])) {
			*out = (int)i;
			return NZ_OK;
		}
	}
	return NZ_INVAL;
}
