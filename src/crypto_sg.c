// SPDX-License-Identifier: GPL-2.0
/*
 * Scatterlists over virtual buffers for the AEAD transforms. Buffers in the
 * linear map are physically contiguous and need one entry; vmalloc()ed
 * ones (large READ and WRITE payloads, vmapped stacks) need one per page.
 */

#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/vmalloc.h>

#include "crypto.h"

unsigned int smb3mc_sg_count(const void *buf, size_t len)
{
	unsigned long addr = (unsigned long)buf;

	if (!len)
		return 0;
	if (!is_vmalloc_addr(buf))
		return 1;
	return (offset_in_page(addr) + len + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

int smb3mc_sg_set(struct scatterlist *sg, int i, const void *buf, size_t len)
{
	const u8 *p = buf;
	struct page *page;
	size_t chunk;

	if (!len)
		return i;
	if (!is_vmalloc_addr(buf)) {
		if (!virt_addr_valid(buf))
			return -EINVAL;
		sg_set_buf(&sg[i], buf, len);
		return i + 1;
	}
	while (len) {
		chunk = min_t(size_t, len, PAGE_SIZE - offset_in_page(p));
		page = vmalloc_to_page(p);
		if (!page)
			return -EINVAL;
		sg_set_page(&sg[i++], page, chunk, offset_in_page(p));
		p += chunk;
		len -= chunk;
	}
	return i;
}
