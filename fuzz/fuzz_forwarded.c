/*
 * fuzz_forwarded: libFuzzer over the forwarded-for lists http/client.c reads from a trusted
 * proxy's request (X-Forwarded-For "a, b, c", or Forwarded "for=a;proto=x, for=\"[v6]:port\"").
 * The input's first byte picks the header form; the rest is the header value. Checks that an
 * address it returns is a valid IP address in canonical text, and never a trusted proxy.
 *
 *   make build-fuzz/fuzz_forwarded && build-fuzz/fuzz_forwarded fuzz/corpus/fuzz_forwarded
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static nz__http_cidr proxies[2];
	static bool ready;
	if (!ready) {
		nz_err err = {0};
		if (nz__http_cidr_parse("10.0.0.0/8", &proxies[0], &err) != NZ_OK ||
		    nz__http_cidr_parse("fd00::/8", &proxies[1], &err) != NZ_OK)
			__builtin_trap();
		ready = true;
	}
	if (size < 1)
		return 0;
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	char out[INET6_ADDRSTRLEN];
	unsigned char bytes[16];
	if (nz__http_forwarded_client(text, data[0] & 1, proxies, 2, out, sizeof out)) {
		if (inet_pton(AF_INET, out, bytes) != 1 && inet_pton(AF_INET6, out, bytes) != 1)
			__builtin_trap();
		if (nz__http_trusted(out, proxies, 2))
			__builtin_trap();
	}
	nz__http_cidr c;
	nz_err err = {0};
	if (nz__http_cidr_parse(text, &c, &err) == NZ_OK && c.bits > 128)
		__builtin_trap();
	free(text);
	return 0;
}
