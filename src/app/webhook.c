/*
 * app/webhook: where webhooks may point. A webhook (or the purge hook) is a request the server
 * makes on an admin's word, so it must not reach what only the server can reach: loopback,
 * private and shared networks, link-local addresses (a cloud's metadata service at
 * 169.254.169.254), multicast and reserved ranges, unless the allow_private_webhooks setting
 * is on. Checked when a hook is made (every address its host resolves to; a host that does not
 * resolve yet is let through) and again by the delivery worker on the address it is about to
 * connect to (jobs/webhooks.c, libcurl's open-socket callback), so a name that resolves
 * elsewhere later (DNS rebinding) is caught too.
 *
 * Threading: no state; getaddrinfo is thread-safe.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "app/app.h"

/* IPv4 ranges that are not the public internet (RFC 6890 and friends), as (network, bits). */
static const struct {
	uint32_t net;
	int bits;
} private_v4[] = {
    {0x00000000, 8},  /* "this network" */
    {0x0A000000, 8},  /* private */
    {0x64400000, 10}, /* shared address space (carrier-grade NAT) */
    {0x7F000000, 8},  /* loopback */
    {0xA9FE0000, 16}, /* link-local, cloud metadata */
    {0xAC100000, 12}, /* private */
    {0xC0000000, 24}, /* IETF protocol assignments */
    {0xC0000200, 24}, /* documentation */
    {0xC0A80000, 16}, /* private */
    {0xC6120000, 15}, /* benchmarking */
    {0xC6336400, 24}, /* documentation */
    {0xCB007100, 24}, /* documentation */
    {0xE0000000, 4},  /* multicast */
    {0xF0000000, 4},  /* reserved, broadcast */
};

static bool public_v4(uint32_t a)
{
	for (size_t i = 0; i < sizeof private_v4 / sizeof private_v4[0]; i++)
		if ((a & (0xFFFFFFFFu << (32 - private_v4[i].bits))) == private_v4[i].net)
			return false;
	return true;
}

static uint32_t v4_at(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool public_v6(const unsigned char *b)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
	static const unsigned char nat64[12] = {0, 0x64, 0xFF, 0x9B};
	static const unsigned char zero[12] = {0};
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return public_v4(v4_at(b + 12)); /* an IPv4 address in IPv6 clothes */
	if (memcmp(b, zero, 12) == 0)
		return false; /* unspecified, loopback, IPv4-compatible (deprecated) */
	if ((b[0] & 0xFE) == 0xFC)
		return false; /* unique local fc00::/7 */
	if (b[0] == 0xFE && ((b[1] & 0xC0) == 0x80 || (b[1] & 0xC0) == 0xC0))
		return false; /* link-local fe80::/10, site-local fec0::/10 */
	if (b[0] == 0xFF)
		return false; /* multicast */
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8)
		return false; /* documentation 2001:db8::/32 */
	if (b[0] == 0x01 && b[1] == 0x00 && !b[2] && !b[3] && !b[4] && !b[5] && !b[6] && !b[7])
		return false; /* discard 100::/64 */
	return true;
}

bool nz_app_addr_public(const struct sockaddr *sa)
{
	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		return public_v4(ntohl(in->sin_addr.s_addr));
	}
	if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		return public_v6(in6->sin6_addr.s6_addr);
	}
	return false;
}

void nz_app_addr_text(const struct sockaddr *sa, char out[NZ_APP_ADDR_TEXT])
{
	const void *a = NULL;
	if (sa && sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa && sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (!a || !inet_ntop(sa->sa_family, a, out, NZ_APP_ADDR_TEXT))
		snprintf(out, NZ_APP_ADDR_TEXT, "an unknown address");
}

bool nz_app_private_webhooks_allowed(nz_store *s)
{
	nz_arena *arena = nz_arena_new();
	const char *v = NULL;
	bool on = arena &&
		  nz_store_setting_get(s, arena, "allow_private_webhooks", &v, NULL) == NZ_OK &&
		  v &&
		  (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
		   strcmp(v, "on") == 0);
	nz_arena_free(arena);
	return on;
}

/* The host of url into host (its brackets off for IPv6); false when it has none. */
static bool url_host(const char *url, char *host, size_t size)
{
	CURLU *u = curl_url();
	char *h = NULL;
	bool ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK && h && *h;
	if (ok) {
		size_t len = strlen(h);
		const char *p = h;
		if (len >= 2 && h[0] == '[' && h[len - 1] == ']')
			p++, len -= 2;
		ok = len < size;
		if (ok) {
			memcpy(host, p, len);
			host[len] = '\0';
		}
	}
	curl_free(h);
	curl_url_cleanup(u);
	return ok;
}

nz_rc nz_app_webhook_target_check(nz_store *s, const char *url, nz_err *err)
{
	char host[256], addr[NZ_APP_ADDR_TEXT];
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	if (!url_host(url ? url : "", host, sizeof host))
		return NZ_OK; /* not a URL with a host: the store says what is wrong with it */
	if (nz_app_private_webhooks_allowed(s))
		return NZ_OK;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return NZ_OK; /* not resolvable now: the delivery checks where it connects */
	nz_rc rc = NZ_OK;
	for (const struct addrinfo *ai = res; ai && !rc; ai = ai->ai_next)
		if (!nz_app_addr_public(ai->ai_addr)) {
			nz_app_addr_text(ai->ai_addr, addr);
			rc = nz_err_set(err, NZ_INVAL,
					"url: %.100s is %s, a loopback, private or link-local "
					"address; webhooks go to the public internet unless the "
					"allow_private_webhooks setting is on",
					host, addr);
		}
	freeaddrinfo(res);
	return rc;
}

nz_rc nz_app_webhook_create(nz_store *s, nz_arena *arena, nz_webhook *hook, nz_err *err)
{
	nz_rc rc = nz_app_webhook_target_check(s, hook ? hook->url : NULL, err);
	return rc ? rc : nz_store_webhook_create(s, arena, hook, err);
}
