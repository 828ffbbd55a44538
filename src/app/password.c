/*
 * app/password: passwords and random secrets. Passwords are stored as libsodium's argon2id
 * string (crypto_pwhash_str_alg, OPSLIMIT/MEMLIMIT_INTERACTIVE); a session cookie or an API
 * token is 32 random bytes of which the store keeps only the SHA-256 hex, so secrets never
 * reach the database.
 *
 * Threading: libsodium is initialised on first use (sodium_init is safe to call from several
 * threads); nothing here keeps state.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"

static void sodium_ready(void)
{
	if (sodium_init() < 0)
		abort(); /* no safe randomness: refuse to hand out guessable secrets */
}

nz_rc nz_app_password_hash(const char *password, char out[NZ_PASSWORD_HASH_MAX], nz_err *err)
{
	_Static_assert(crypto_pwhash_STRBYTES <= NZ_PASSWORD_HASH_MAX, "hash buffer too small");
	sodium_ready();
	if (crypto_pwhash_str_alg(
		out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
		crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return nz_err_set(err, NZ_NOMEM, "password: not enough memory to hash it");
	return NZ_OK;
}

bool nz_app_password_verify(const char *hash, const char *password)
{
	sodium_ready();
	if (!hash || !password)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void nz_app_password_generate(char out[NZ_PASSWORD_GENERATED])
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	sodium_ready();
	for (int i = 0; i < NZ_PASSWORD_GENERATED - 1; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[NZ_PASSWORD_GENERATED - 1] = '\0';
}

void nz_app_token_new(const char *prefix, char token[NZ_TOKEN_MAX], char hash[65])
{
	unsigned char raw[32];
	size_t plen = strlen(prefix);
	sodium_ready();
	randombytes_buf(raw, sizeof raw);
	memcpy(token, prefix, plen);
	sodium_bin2base64(token + plen, NZ_TOKEN_MAX - plen, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	nz_app_token_hash(token, hash);
}

void nz_app_token_hash(const char *token, char hash[65])
{
	nz_sha256_hex(token, strlen(token), hash);
}
