// SPDX-License-Identifier: GPL-2.0
/*
 * Create contexts (MS-SMB2 2.2.13.2): finding one by its name in the
 * chain a CREATE response carries, for the lease (pdu_lease.c) and the
 * durable handle (pdu_create.c) parsers.
 */
#include <asm/byteorder.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "pdu_file.h"

int smb3mc_create_ctx_find(const u8 *ctx, u32 len, const char *name,
			   u16 name_len, const u8 **data, u32 *data_len)
{
	const struct smb2_create_ctx *c;
	u32 off = 0, size, next, dlen;
	u16 noff, nlen, doff;
	bool found = false;

	if (!ctx)
		return -ENOENT;
	/* MS-SMB2 2.2.13.2: a chain of 8-byte aligned contexts */
	for (;;) {
		if (!smb3mc_range_ok(len, off, sizeof(*c)))
			return -EIO;
		c = (const void *)(ctx + off);
		next = le32_to_cpu(c->next);
		if (next && (next < sizeof(*c) || (next & 7) ||
			     !smb3mc_range_ok(len, off, next)))
			return -EIO;
		size = next ?: len - off;
		noff = le16_to_cpu(c->name_offset);
		nlen = le16_to_cpu(c->name_length);
		doff = le16_to_cpu(c->data_offset);
		dlen = le32_to_cpu(c->data_length);
		/* Name, then Data (if any) after it, both inside the context */
		if (noff < sizeof(*c) || !smb3mc_range_ok(size, noff, nlen) ||
		    (dlen && (doff < noff + nlen ||
			      !smb3mc_range_ok(size, doff, dlen))))
			return -EIO;
		if (nlen == name_len && !memcmp(ctx + off + noff, name, nlen)) {
			if (found)
				return -EIO;
			found = true;
			*data = dlen ? ctx + off + doff : NULL;
			*data_len = dlen;
		}
		if (!next)
			return found ? 0 : -ENOENT;
		off += next;
	}
}
