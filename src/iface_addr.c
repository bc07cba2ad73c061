// SPDX-License-Identifier: GPL-2.0
/*
 * Which addresses of a server's interface list a channel may go to
 * (issue 17 finding 9).
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <net/ipv6.h>

#include "iface_addr.h"

enum iface_addr_kind {
	IFACE_ORDINARY,
	IFACE_LOOPBACK,
	IFACE_UNSPECIFIED,
	IFACE_LINK_LOCAL,
	IFACE_MULTICAST,
	IFACE_BROADCAST,
};

static const char *const iface_kind_names[] = {
	[IFACE_LOOPBACK] = "loopback",
	[IFACE_UNSPECIFIED] = "unspecified",
	[IFACE_LINK_LOCAL] = "link-local",
	[IFACE_MULTICAST] = "multicast",
	[IFACE_BROADCAST] = "broadcast",
};

static enum iface_addr_kind iface_v4_kind(__be32 a)
{
	if (ipv4_is_zeronet(a))
		return IFACE_UNSPECIFIED;
	if (ipv4_is_loopback(a))
		return IFACE_LOOPBACK;
	if (ipv4_is_linklocal_169(a))
		return IFACE_LINK_LOCAL;
	if (ipv4_is_multicast(a))
		return IFACE_MULTICAST;
	if (ipv4_is_lbcast(a))
		return IFACE_BROADCAST;
	return IFACE_ORDINARY;
}

static enum iface_addr_kind iface_kind(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct in6_addr *a6;

	if (ss->ss_family == AF_INET)
		return iface_v4_kind(sin->sin_addr.s_addr);
	if (ss->ss_family != AF_INET6)
		return IFACE_UNSPECIFIED;
	a6 = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	/* ::ffff:a.b.c.d reaches a.b.c.d. */
	if (ipv6_addr_v4mapped(a6))
		return iface_v4_kind(a6->s6_addr32[3]);
	if (ipv6_addr_any(a6))
		return IFACE_UNSPECIFIED;
	if (ipv6_addr_loopback(a6))
		return IFACE_LOOPBACK;
	if ((a6->s6_addr32[0] & htonl(0xffc00000)) == htonl(0xfe800000))
		return IFACE_LINK_LOCAL;
	if (ipv6_addr_is_multicast(a6))
		return IFACE_MULTICAST;
	return IFACE_ORDINARY;
}

const char *smb3mc_iface_addr_refused(const struct sockaddr_storage *addr,
				      const struct sockaddr_storage *mounted)
{
	enum iface_addr_kind kind = iface_kind(addr);

	if (kind == IFACE_ORDINARY || kind == iface_kind(mounted))
		return NULL;
	return iface_kind_names[kind];
}
