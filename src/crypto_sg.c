// SPDX-License-Identifier: GPL-2.0
/*
 * Scatterlists over virtual buffers for the AEAD transforms. Buffers in the
 * linear map are physically contiguous and need one entry; vmalloc()ed
 * ones (large READ and WRITE payloads, vmapped stacks) need one per page.
 * And the pages of an iterator's data, for signing READ and WRITE data
 * where it lies.
 */

#include <linux/bvec.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/uio.h>
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

static struct page *sg_virt_page(const void *p)
{
	return is_vmalloc_addr(p) ? vmalloc_to_page(p) : virt_to_page(p);
}

static int iter_kvec_pages(const struct iov_iter *it, smb3mc_page_fn fn,
			   void *priv)
{
	const struct kvec *kv = it->kvec;
	size_t left = iov_iter_count(it), skip = it->iov_offset, len, n;
	const u8 *p;
	int rc;

	for (; left; kv++, skip = 0) {
		p = (const u8 *)kv->iov_base + skip;
		len = min(left, kv->iov_len - skip);
		left -= len;
		for (; len; p += n, len -= n) {
			n = min_t(size_t, len, PAGE_SIZE - offset_in_page(p));
			rc = fn(priv, sg_virt_page(p), offset_in_page(p), n);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int iter_bvec_pages(const struct iov_iter *it, smb3mc_page_fn fn,
			   void *priv)
{
	const struct bio_vec *bv = it->bvec;
	size_t left = iov_iter_count(it), skip = it->iov_offset, len, off, n;
	int rc;

	for (; left; bv++, skip = 0) {
		/* A bvec may span several pages of a large folio. */
		off = bv->bv_offset + skip;
		len = min(left, bv->bv_len - skip);
		left -= len;
		for (; len; off += n, len -= n) {
			n = min_t(size_t, len, PAGE_SIZE - offset_in_page(off));
			rc = fn(priv, bv->bv_page + (off >> PAGE_SHIFT),
				offset_in_page(off), n);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int smb3mc_iter_pages(const struct iov_iter *it, smb3mc_page_fn fn,
		      void *priv)
{
	if (iov_iter_is_kvec(it))
		return iter_kvec_pages(it, fn, priv);
	if (iov_iter_is_bvec(it))
		return iter_bvec_pages(it, fn, priv);
	return -EINVAL;
}
