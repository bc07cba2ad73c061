// SPDX-License-Identifier: GPL-2.0
/*
 * IOCTL (MS-SMB2 2.2.31 / 2.2.32) and the two FSCTLs multichannel needs:
 * FSCTL_QUERY_NETWORK_INTERFACE_INFO, to learn the server's interfaces,
 * and FSCTL_VALIDATE_NEGOTIATE_INFO, to detect a downgraded NEGOTIATE on
 * 3.0 / 3.0.2 dialects.
 */
#include <asm/byteorder.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "pdu_file.h"

/* SMB2 IOCTL Request, MS-SMB2 2.2.31 */
struct smb2_ioctl_req {
	__le16 structure_size;		/* 57 */
	__le16 reserved;
	__le32 ctl_code;
	__le64 persistent_file_id;
	__le64 volatile_file_id;
	__le32 input_offset;
	__le32 input_count;
	__le32 max_input_response;
	__le32 output_offset;
	__le32 output_count;
	__le32 max_output_response;
	__le32 flags;
	__le32 reserved2;
	/* Buffer: the input */
} __packed;
static_assert(sizeof(struct smb2_ioctl_req) == 56);
static_assert(SMB2_HDR_SIZE + sizeof(struct smb2_ioctl_req) ==
	      SMB3MC_IOCTL_INPUT_OFFSET);

/* SMB2 IOCTL Response, MS-SMB2 2.2.32 */
struct smb2_ioctl_rsp {
	__le16 structure_size;		/* 49 */
	__le16 reserved;
	__le32 ctl_code;
	__le64 persistent_file_id;
	__le64 volatile_file_id;
	__le32 input_offset;
	__le32 input_count;
	__le32 output_offset;
	__le32 output_count;
	__le32 flags;
	__le32 reserved2;
	/* Buffer */
} __packed;
static_assert(sizeof(struct smb2_ioctl_rsp) == 48);

/* NETWORK_INTERFACE_INFO Response, MS-SMB2 2.2.32.5 */
struct network_interface_info {
	__le32 next;
	__le32 if_index;
	__le32 capability;
	__le32 reserved;
	__le64 link_speed;
	__le16 family;			/* SockAddr_Storage */
	__u8 buffer[126];
} __packed;
static_assert(sizeof(struct network_interface_info) == 152);

/* SockAddr_Storage families, MS-SMB2 2.2.32.5 (Windows AF_* values) */
#define INTERNETWORK	0x0002
#define INTERNETWORKV6	0x0017

/* SOCKADDR_IN, MS-SMB2 2.2.32.5.1.1; Port and address big-endian */
struct smb2_sockaddr_in {
	__be16 port;
	__be32 ipv4_address;
	__u8 reserved[8];
} __packed;
static_assert(sizeof(struct smb2_sockaddr_in) == 14);

/* SOCKADDR_IN6, MS-SMB2 2.2.32.5.1.2 */
struct smb2_sockaddr_in6 {
	__be16 port;
	__be32 flow_info;
	__u8 ipv6_address[16];
	__le32 scope_id;
} __packed;
static_assert(sizeof(struct smb2_sockaddr_in6) == 26);

/* VALIDATE_NEGOTIATE_INFO Request, MS-SMB2 2.2.31.4 */
struct validate_negotiate_info_req {
	__le32 capabilities;
	__u8 guid[16];
	__le16 security_mode;
	__le16 dialect_count;
	/* Dialects */
} __packed;
static_assert(sizeof(struct validate_negotiate_info_req) == 24);

/* VALIDATE_NEGOTIATE_INFO Response, MS-SMB2 2.2.32.6 */
struct validate_negotiate_info_rsp {
	__le32 capabilities;
	__u8 guid[16];
	__le16 security_mode;
	__le16 dialect;
} __packed;
static_assert(sizeof(struct validate_negotiate_info_rsp) == 24);

/*
 * The client offers a handful of dialects; more than this is a caller
 * bug, not something to put on the wire.
 */
#define SMB3MC_VNEG_MAX_DIALECTS	16

/*
 * Starts an IOCTL request with room for @in_len input bytes at
 * SMB3MC_IOCTL_INPUT_OFFSET and returns that input area (or the 1-byte
 * Buffer when @in_len is 0), NULL if it does not fit.
 */
static void *ioctl_start(void *buf, size_t size, u32 ctl_code,
			 const struct smb3mc_fid *fid, u32 in_len, u32 max_out,
			 u32 flags, size_t *total)
{
	struct smb2_ioctl_req *req;

	/*
	 * StructureSize 57 counts one byte of Buffer, sent as a zero when
	 * there is no input; InputOffset is then 0 (MS-SMB2 2.2.31).
	 */
	*total = SMB3MC_IOCTL_INPUT_OFFSET + max_t(u32, in_len, 1);
	req = smb3mc_req_start(buf, size, *total, SMB2_IOCTL);
	if (!req)
		return NULL;
	req->structure_size = cpu_to_le16(57);
	req->ctl_code = cpu_to_le32(ctl_code);
	/* FSCTLs not aimed at an open file use the all-ones FileId */
	req->persistent_file_id = cpu_to_le64(fid ? fid->persistent : U64_MAX);
	req->volatile_file_id = cpu_to_le64(fid ? fid->volatile_id : U64_MAX);
	if (in_len) {
		req->input_offset = cpu_to_le32(SMB3MC_IOCTL_INPUT_OFFSET);
		req->input_count = cpu_to_le32(in_len);
	}
	req->max_output_response = cpu_to_le32(max_out);
	req->flags = cpu_to_le32(flags);
	return req + 1;
}

int smb3mc_build_ioctl(void *buf, size_t size, u32 ctl_code,
		       const struct smb3mc_fid *fid, const void *in,
		       u32 in_len, u32 max_out, u32 flags)
{
	size_t total;
	void *p;

	if ((in_len && !in) || (flags & ~SMB2_0_IOCTL_IS_FSCTL))
		return -EINVAL;
	p = ioctl_start(buf, size, ctl_code, fid, in_len, max_out, flags,
			&total);
	if (!p)
		return -ENOSPC;
	if (in_len)
		memcpy(p, in, in_len);
	return total;
}

int smb3mc_parse_ioctl(const void *msg, size_t len, u32 ctl_code,
		       const u8 **out, u32 *out_len)
{
	const struct smb2_ioctl_rsp *r;
	u32 off, olen;

	if (smb3mc_rsp_check(msg, len, SMB2_IOCTL, 49))
		return -EIO;
	r = msg + SMB2_HDR_SIZE;
	if (le32_to_cpu(r->ctl_code) != ctl_code)
		return -EIO;
	off = le32_to_cpu(r->output_offset);
	olen = le32_to_cpu(r->output_count);
	if (!olen) {
		*out = NULL;
		*out_len = 0;
		return 0;
	}
	if (off < SMB2_HDR_SIZE + sizeof(*r) || !smb3mc_range_ok(len, off, olen))
		return -EIO;
	*out = (const u8 *)msg + off;
	*out_len = olen;
	return 0;
}

int smb3mc_build_query_ifaces(void *buf, size_t size, u32 max_out)
{
	return smb3mc_build_ioctl(buf, size, FSCTL_QUERY_NETWORK_INTERFACE_INFO,
				  NULL, NULL, 0, max_out,
				  SMB2_0_IOCTL_IS_FSCTL);
}

/*
 * Fills @ifc from one entry; false for an address family the client
 * cannot connect to.
 */
static bool iface_from_wire(const struct network_interface_info *e,
			    struct smb3mc_iface *ifc)
{
	u32 cap = le32_to_cpu(e->capability);

	memset(ifc, 0, sizeof(*ifc));
	switch (le16_to_cpu(e->family)) {
	case INTERNETWORK: {
		const struct smb2_sockaddr_in *w = (const void *)e->buffer;
		struct sockaddr_in *sin = (struct sockaddr_in *)&ifc->addr;

		sin->sin_family = AF_INET;
		sin->sin_port = w->port;
		sin->sin_addr.s_addr = w->ipv4_address;
		ifc->family = AF_INET;
		break;
	}
	case INTERNETWORKV6: {
		const struct smb2_sockaddr_in6 *w = (const void *)e->buffer;
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ifc->addr;

		/*
		 * ScopeId is the server's own interface index and means
		 * nothing on this host, so it is not copied.
		 */
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = w->port;
		sin6->sin6_flowinfo = w->flow_info;
		memcpy(&sin6->sin6_addr, w->ipv6_address, 16);
		ifc->family = AF_INET6;
		break;
	}
	default:
		return false;
	}
	ifc->if_index = le32_to_cpu(e->if_index);
	/* Above any link: the planner's speed * channels must not wrap. */
	ifc->speed_bps = min_t(u64, le64_to_cpu(e->link_speed),
			       SMB3MC_LINK_SPEED_MAX);
	ifc->rss = cap & RSS_CAPABLE;
	ifc->rdma = cap & RDMA_CAPABLE;
	return true;
}

int smb3mc_parse_query_ifaces(const void *msg, size_t len,
			      struct smb3mc_iface *ifaces, unsigned int max)
{
	const struct network_interface_info *e;
	const u8 *out;
	u32 olen, pos = 0, next;
	unsigned int n = 0;

	if (smb3mc_parse_ioctl(msg, len, FSCTL_QUERY_NETWORK_INTERFACE_INFO,
			       &out, &olen))
		return -EIO;
	max = min_t(unsigned int, max, SMB3MC_MAX_IFACES_LISTED);
	if (!olen)
		return 0;

	/*
	 * A broken Next chain (MS-SMB2 2.2.32.5: 0 on the last entry, else
	 * the offset of the next one) means the positions of all later
	 * entries are unknown, so the whole reply is rejected. Requiring
	 * Next to step over a whole entry keeps entries from overlapping
	 * and the walk finite. An entry of a family other than IPv4/IPv6
	 * is well-formed but unusable: it is skipped, so a server that
	 * adds new address types still gets its IP interfaces used.
	 */
	for (;;) {
		if (olen - pos < sizeof(*e))
			return -EIO;
		e = (const void *)(out + pos);
		if (n < max && iface_from_wire(e, &ifaces[n]))
			n++;
		next = le32_to_cpu(e->next);
		if (!next)
			break;
		if (next < sizeof(*e) || next >= olen - pos)
			return -EIO;
		pos += next;
	}
	return n;
}

/* Is @a to be tried before @b? */
static bool iface_before(const struct smb3mc_iface *a,
			 const struct smb3mc_iface *b)
{
	if (a->speed_bps != b->speed_bps)
		return a->speed_bps > b->speed_bps;
	return a->rss && !b->rss;
}

void smb3mc_sort_ifaces(struct smb3mc_iface *ifaces, unsigned int n)
{
	struct smb3mc_iface tmp;
	unsigned int i, j;

	/*
	 * Insertion sort: stable, so the server's order is kept among
	 * equals, and n is at most SMB3MC_MAX_IFACES_LISTED. sort()
	 * is not stable.
	 */
	for (i = 1; i < n; i++) {
		tmp = ifaces[i];
		for (j = i; j > 0 && iface_before(&tmp, &ifaces[j - 1]); j--)
			ifaces[j] = ifaces[j - 1];
		ifaces[j] = tmp;
	}
}

int smb3mc_build_validate_negotiate(void *buf, size_t size, u32 capabilities,
				    const u8 *guid, u16 security_mode,
				    const u16 *dialects,
				    unsigned int dialect_count)
{
	struct validate_negotiate_info_req *v;
	__le16 dialect;
	size_t total;
	unsigned int i;
	u32 in_len;

	if (!guid || !dialects || !dialect_count ||
	    dialect_count > SMB3MC_VNEG_MAX_DIALECTS)
		return -EINVAL;
	in_len = sizeof(*v) + dialect_count * sizeof(__le16);
	v = ioctl_start(buf, size, FSCTL_VALIDATE_NEGOTIATE_INFO, NULL, in_len,
			sizeof(struct validate_negotiate_info_rsp),
			SMB2_0_IOCTL_IS_FSCTL, &total);
	if (!v)
		return -ENOSPC;
	v->capabilities = cpu_to_le32(capabilities);
	memcpy(v->guid, guid, sizeof(v->guid));
	v->security_mode = cpu_to_le16(security_mode);
	v->dialect_count = cpu_to_le16(dialect_count);
	/* Dialects may be unaligned in the caller's buffer: copy bytes */
	for (i = 0; i < dialect_count; i++) {
		dialect = cpu_to_le16(dialects[i]);
		memcpy((u8 *)(v + 1) + i * sizeof(dialect), &dialect,
		       sizeof(dialect));
	}
	return total;
}

int smb3mc_parse_validate_negotiate(const void *msg, size_t len,
				    struct smb3mc_vneg_info *info)
{
	const struct validate_negotiate_info_rsp *v;
	const u8 *out;
	u32 olen;

	if (smb3mc_parse_ioctl(msg, len, FSCTL_VALIDATE_NEGOTIATE_INFO, &out,
			       &olen) || olen < sizeof(*v))
		return -EIO;
	v = (const void *)out;
	info->capabilities = le32_to_cpu(v->capabilities);
	memcpy(info->guid, v->guid, sizeof(info->guid));
	info->security_mode = le16_to_cpu(v->security_mode);
	info->dialect = le16_to_cpu(v->dialect);
	return 0;
}
