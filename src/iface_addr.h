/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which addresses of a server's interface list a channel may go to: a
 * pure function, so that KUnit can feed it any address.
 */
#ifndef SMB3MC_IFACE_ADDR_H
#define SMB3MC_IFACE_ADDR_H

#include <linux/socket.h>

/*
 * Why a channel must not go to @addr, an address from the server's
 * interface list: NULL when it may, else the kind of the address
 * ("loopback", "unspecified", "link-local", "multicast" or "broadcast").
 * A server could otherwise make the client dial, and authenticate to,
 * services of its own host or network. An address of the same kind as
 * @mounted, the address mounted, is allowed: a mount of 127.0.0.1 may
 * have its further channels there.
 */
const char *smb3mc_iface_addr_refused(const struct sockaddr_storage *addr,
				      const struct sockaddr_storage *mounted);

#endif /* SMB3MC_IFACE_ADDR_H */
