/*
 * app/password_policy: which passwords a person may choose (NIST SP 800-63B, 5.1.1.2). Length
 * from NZ_PASSWORD_MIN to NZ_PASSWORD_MAX bytes of UTF-8, no composition rules, and refused
 * when easy to guess: a password from the list of common and breached passwords shipped in
 * src/app/passwords/common.txt (Openwall's password.lst, public domain; docs/security.md
 * says where it comes from), or such a word with only digits or symbols after it
 * ("Password2024!"), one character or a short group repeated ("aaaaaaaaaa", "abcabcabcabc"),
 * a run of consecutive characters ("1234567890", "abcdefghij"), or anything holding the
 * account's login or the service's name. Comparisons ignore ASCII case.
 *
 * Threading: the list is loaded into a string set once (pthread_once) and only read after.
 */
#include <pthread.h>
#include <string.h>

#include "app/app.h"

extern const nz_file_entry nz__password_files[];

static nz_strset common = NZ_STRSET_INIT;
static nz_rc common_rc = NZ_OK;
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

/* One entry a line; "#!comment:" lines are the list's own header. */
static void load_common(void)
{
	for (const nz_file_entry *f = nz__password_files; f->path && !common_rc; f++) {
		const char *p = (const char *)f->data, *end = p + f->len;
		while (p < end && !common_rc) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = (size_t)((nl ? nl : end) - p);
			if (len > 0 && p[len - 1] == '\r')
				len--;
			if (len > 0 && strncmp(p, "#!comment", 9) != 0)
				common_rc = nz_strset_add(&common, p, len, NULL);
			p = nl ? nl + 1 : end;
		}
	}
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* True when needle (ASCII case ignored) occurs in hay. */
static bool contains(const char *hay, size_t hay_len, const char *needle, size_t len)
{
	for (size_t i = 0; len > 0 && i + len <= hay_len; i++) {
		size_t j = 0;
		while (j < len && lower(hay[i + j]) == lower(needle[j]))
			j++;
		if (j == len)
			return true;
	}
	return false;
}

/* True when s is its first 1..4 bytes over and over. */
static bool repeats(const char *s, size_t len)
{
	for (size_t period = 1; period <= 4 && period < len; period++) {
		size_t i = period;
		while (i < len && lower(s[i]) == lower(s[i - period]))
			i++;
		if (i == len)
			return true;
	}
	return false;
}

/* True when every byte is the one before plus (or minus) one: "0123456789", "zyxwvutsrq". */
static bool sequence(const char *s, size_t len)
{
	int step = len > 1 ? lower(s[1]) - lower(s[0]) : 0;
	if (step != 1 && step != -1)
		return false;
	for (size_t i = 2; i < len; i++)
		if (lower(s[i]) - lower(s[i - 1]) != step)
			return false;
	return true;
}

/* True when the lower-cased s[0..len), or it without trailing digits and symbols, is on the
 * list. */
static bool is_common(const char *s, size_t len)
{
	char low[NZ_PASSWORD_MAX + 1] = {0};
	for (size_t i = 0; i < len; i++)
		low[i] = lower(s[i]);
	if (nz_strset_has(&common, low, len))
		return true;
	size_t word = len;
	while (word > 0 && ((low[word - 1] >= '0' && low[word - 1] <= '9') ||
			    ((low[word - 1] >= '!' && low[word - 1] <= '/') ||
			     low[word - 1] == '@' || low[word - 1] == '_' || low[word - 1] == '?')))
		word--;
	return word >= 4 && word < len && nz_strset_has(&common, low, word);
}

nz_rc nz_app_password_check(const char *password, const char *login, nz_err *err)
{
	size_t len = password ? strlen(password) : 0, bad;
	if (len < NZ_PASSWORD_MIN)
		return nz_err_set(err, NZ_INVAL, "password: use at least %d characters",
				  NZ_PASSWORD_MIN);
	if (len > NZ_PASSWORD_MAX)
		return nz_err_set(err, NZ_INVAL, "password: longer than %d bytes", NZ_PASSWORD_MAX);
	if (!nz_utf8_valid(password, len, &bad))
		return nz_err_set(err, NZ_UTF8, "password: invalid UTF-8");
	if (login && *login && contains(password, len, login, strlen(login)))
		return nz_err_set(err, NZ_INVAL, "password: must not contain your login name");
	if (contains(password, len, "newszone", 8))
		return nz_err_set(err, NZ_INVAL, "password: must not contain the service's name");
	if (repeats(password, len) || sequence(password, len))
		return nz_err_set(err, NZ_INVAL,
				  "password: too easy to guess (repeated or consecutive "
				  "characters); a few unrelated words make a good one");
	pthread_once(&common_once, load_common);
	if (common_rc != NZ_OK)
		return nz_err_set(err, common_rc,
				  "password: cannot load the list of common "
				  "passwords");
	if (is_common(password, len))
		return nz_err_set(err, NZ_INVAL,
				  "password: too common (it is on a list of common and breached "
				  "passwords); a few unrelated words make a good one");
	return NZ_OK;
}
