/*
 * http/client: who the client is. The socket's peer, unless that peer is one of the trusted
 * proxies (addresses or CIDR blocks given to nz_http_start): then the address the proxy passed
 * on in X-Forwarded-For (or, when there is none, the RFC 7239 Forwarded header's for=).
 *
 * Rules: a forwarded header is never believed from a peer that is not trusted: anyone can write
 * one. From a trusted peer, the list is read right to left (each proxy appends the address it
 * saw) and the first address that is not itself a trusted proxy is the client; a malformed entry
 * there stops the walk and the peer's own address is used (fail closed: a client cannot pick
 * its address by sending garbage). Every X-Forwarded-For line counts, in order.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/http_int.h"

/* Parses "10.0.0.0/8", "::1", "2001:db8::/32" (a bare address is a full-length block). */
nz_rc nz__http_cidr_parse(const char *text, nz__http_cidr *out, nz_err *err)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	unsigned max;

	memset(out, 0, sizeof *out);
	if (len == 0 || len >= sizeof addr)
		goto bad;
	memcpy(addr, text, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1) {
		out->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
		out->family = AF_INET6;
		max = 128;
	} else {
		goto bad;
	}
	out->bits = max;
	if (slash) {
		char *end = NULL;
		if (!isdigit((unsigned char)slash[1]))
			goto bad;
		unsigned long bits = strtoul(slash + 1, &end, 10);
		if (*end || bits > max)
			goto bad;
		out->bits = (unsigned)bits;
	}
	return NZ_OK;
bad:
	return nz_err_set(err, NZ_INVAL,
			  "trusted proxy \"%.60s\" is not an IP address or CIDR block "
			  "(10.0.0.0/8, ::1)",
			  text);
}

/* True when addr (family and 4 or 16 bytes) lies in block. An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) is compared as the IPv4 address it is. */
static bool in_block(int family, const unsigned char *addr, const nz__http_cidr *block)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (family == AF_INET6 && block->family == AF_INET && memcmp(addr, mapped, 12) == 0) {
		family = AF_INET;
		addr += 12;
	}
	if (family != block->family)
		return false;
	unsigned full = block->bits / 8, rest = block->bits % 8;
	if (memcmp(addr, block->addr, full) != 0)
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (addr[full] & mask) == (block->addr[full] & mask);
}

/* Parses one address as text (no port, no brackets) and tells whether it is trusted. False
 * when it is not an address. */
static bool parse_addr(const char *text, int *family, unsigned char addr[16])
{
	if (inet_pton(AF_INET, text, addr) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, text, addr) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

bool nz__http_trusted(const char *addr_text, const nz__http_cidr *proxies, size_t n)
{
	int family;
	unsigned char addr[16];
	if (!parse_addr(addr_text, &family, addr))
		return false;
	for (size_t i = 0; i < n; i++)
		if (in_block(family, addr, &proxies[i]))
			return true;
	return false;
}

/* The address in one list entry, into out (size INET6_ADDRSTRLEN): X-Forwarded-For's bare
 * address, or Forwarded's for= value ("192.0.2.1", "\"[2001:db8::1]:4711\"", "1.2.3.4:80").
 * False when there is none or it is not an address (an obfuscated "_hidden", "unknown"). */
static bool entry_addr(const char *s, size_t len, bool forwarded, char *out, size_t size)
{
	char buf[128];
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (forwarded) { /* for=... among ';'-separated pairs */
		const char *p = s, *end = s + len, *val = NULL;
		while (p < end) {
			const char *semi = memchr(p, ';', (size_t)(end - p));
			const char *stop = semi ? semi : end;
			while (p < stop && isspace((unsigned char)*p))
				p++;
			if (stop - p > 4 && strncasecmp(p, "for=", 4) == 0) {
				val = p + 4;
				len = (size_t)(stop - val);
				break;
			}
			p = stop + (semi ? 1 : 0);
		}
		if (!val)
			return false;
		s = val;
		while (len && isspace((unsigned char)s[len - 1]))
			len--;
		if (len >= 2 && s[0] == '"' && s[len - 1] == '"')
			s++, len -= 2;
	}
	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *a = buf;
	if (a[0] == '[') { /* [v6] or [v6]:port */
		char *close = strchr(a, ']');
		if (!close)
			return false;
		*close = '\0';
		a++;
	} else if (strchr(a, '.') && strchr(a, ':')) { /* v4:port */
		*strchr(a, ':') = '\0';
	}
	int family;
	unsigned char bytes[16];
	if (!parse_addr(a, &family, bytes))
		return false;
	inet_ntop(family, bytes, out, (socklen_t)size);
	return true;
}

bool nz__http_forwarded_client(const char *list, bool forwarded, const nz__http_cidr *proxies,
			       size_t n, char *out, size_t size)
{
	size_t end = strlen(list);
	while (end > 0) {
		size_t start = end;
		while (start > 0 && list[start - 1] != ',')
			start--;
		if (!entry_addr(list + start, end - start, forwarded, out, size))
			return false;
		if (!nz__http_trusted(out, proxies, n))
			return true;
		end = start ? start - 1 : 0;
	}
	return false; /* every hop a trusted proxy: the peer stands for the client */
}

/* Every value of header name, joined with ", " (a list split over several lines). */
typedef struct joined {
	const char *name;
	nz_buf buf;
} joined;

static enum MHD_Result join_values(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	joined *j = cls;
	(void)kind;
	if (key && value && strcasecmp(key, j->name) == 0) {
		if (j->buf.len)
			nz_buf_puts(&j->buf, ", ");
		nz_buf_puts(&j->buf, value);
	}
	return MHD_YES;
}

static bool forwarded_from(struct MHD_Connection *conn, const char *name, bool forwarded,
			   const nz__http_cidr *proxies, size_t n, char *out, size_t size)
{
	joined j = {.name = name};
	bool ok = false;
	nz_buf_init(&j.buf, 8192);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, join_values, &j);
	if (j.buf.len && nz_buf_rc(&j.buf) == NZ_OK)
		ok = nz__http_forwarded_client(nz_buf_cstr(&j.buf), forwarded, proxies, n, out,
					       size);
	nz_buf_free(&j.buf);
	return ok;
}

static void peer_text(struct MHD_Connection *conn, char *text, size_t size)
{
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = info ? info->client_addr : NULL;
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text,
			  (socklen_t)size);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  text, (socklen_t)size);
}

const char *nz_http_client_addr(const nz_http_req *req)
{
	char text[INET6_ADDRSTRLEN] = "unknown", fwd[INET6_ADDRSTRLEN];
	const nz__http_cidr *proxies = NULL;
	size_t n = 0;

	if (!req || !req->conn)
		return "unknown";
	peer_text(req->conn, text, sizeof text);
	nz__http_server_proxies(req, &proxies, &n);
	if (n && nz__http_trusted(text, proxies, n)) {
		const char *xff = nz_http_header(req, "X-Forwarded-For");
		if (xff ? forwarded_from(req->conn, "X-Forwarded-For", false, proxies, n, fwd,
					 sizeof fwd)
			: forwarded_from(req->conn, "Forwarded", true, proxies, n, fwd, sizeof fwd))
			memcpy(text, fwd, sizeof fwd);
	}
	char *copy = nz_arena_strdup(req->arena, text);
	return copy ? copy : "unknown";
}
