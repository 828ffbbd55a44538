/*
 * core/hash.c: SHA-256 digests (media addressed by content, import de-duplication, token
 * hashes) and random version 4 UUIDs, both from libsodium; and the one fast hash every
 * in-memory table uses (nz_hash_bytes).
 *
 * Rules: libsodium is initialised once, on first use, through pthread_once, so these functions
 * are safe to call from any thread without a set-up step. If libsodium cannot initialise there
 * is no safe source of randomness, and the process aborts rather than hand out guessable ids.
 */
#include "core/core.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void sodium_start(void)
{
	if (sodium_init() < 0)
		abort();
}

static void hex_encode(const unsigned char *bytes, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 0xF];
	}
	out[2 * n] = '\0';
}

void nz_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	pthread_once(&sodium_once, sodium_start);
	crypto_hash_sha256(digest, (const unsigned char *)(data ? data : ""),
			   (unsigned long long)len);
	hex_encode(digest, sizeof digest, out);
}

void nz_uuid_v4(char out[37])
{
	unsigned char b[16];
	char hex[33];
	size_t o = 0;

	pthread_once(&sodium_once, sodium_start);
	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
	hex_encode(b, sizeof b, hex);
	for (size_t i = 0; i < 32; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[o++] = '-';
		out[o++] = hex[i];
	}
	out[o] = '\0';
}

uint64_t nz_hash_bytes(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a offset basis */

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3u; /* FNV prime */
	/* FNV leaves the low bits weak; fold the high bits in (a MurmurHash3-style finish). */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	return h ^ (h >> 33);
}

uint64_t nz_hash_str(const char *s)
{
	return s ? nz_hash_bytes(s, strlen(s)) : nz_hash_bytes("", 0);
}
