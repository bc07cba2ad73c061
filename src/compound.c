// SPDX-License-Identifier: GPL-2.0
/*
 * Compounds (MS-SMB2 3.2.4.1.4): a CREATE and the requests that act on the
 * open it makes, built one after another in one buffer and sent in one
 * message, so that opening a name, using it and closing it again costs one
 * round trip instead of three.
 */

#include <linux/slab.h>

#include "nterr.h"
#include "session.h"

struct smb3mc_compound *smb3mc_compound_alloc(size_t size)
{
	struct smb3mc_compound *cpd;

	cpd = kzalloc(struct_size(cpd, buf, size), GFP_NOFS);
	if (cpd)
		cpd->size = size;
	return cpd;
}

void smb3mc_compound_free(struct smb3mc_compound *cpd)
{
	unsigned int i;

	if (!cpd)
		return;
	for (i = 0; i < cpd->n; i++)
		kvfree(cpd->req[i].rsp);
	kfree(cpd);
}

/**
 * smb3mc_compound_room - where the next request of @cpd is to be built
 * @cpd: the compound
 * @room: set to the bytes left there
 */
void *smb3mc_compound_room(struct smb3mc_compound *cpd, size_t *room)
{
	*room = cpd->used < cpd->size ? cpd->size - cpd->used : 0;
	return cpd->buf + cpd->used;
}

/**
 * smb3mc_compound_add - take the request built at smb3mc_compound_room()
 * @cpd: the compound
 * @len: its length, or a negative errno from its builder
 * @payload: bytes its credits must cover
 *
 * A request after the first is related to the one before it
 * (smb3mc_hdr_chain()): built with smb3mc_fid_related where it names an
 * open.
 *
 * Return: 0, or the builder's errno; -ENOSPC past SMB3MC_COMPOUND_MAX.
 */
int smb3mc_compound_add(struct smb3mc_compound *cpd, int len, size_t payload)
{
	struct smb3mc_req *req;
	size_t padded;

	if (len < 0)
		return len;
	if (cpd->n == SMB3MC_COMPOUND_MAX)
		return -ENOSPC;
	if (cpd->n) {
		req = &cpd->req[cpd->n - 1];
		padded = smb3mc_hdr_chain(req->iov[0].iov_base,
					  req->iov[0].iov_len, true);
		req->iov[0].iov_len = padded;
	}
	req = &cpd->req[cpd->n++];
	req->iov[0].iov_base = cpd->buf + cpd->used;
	req->iov[0].iov_len = len;
	req->nr_iov = 1;
	req->payload = payload;
	cpd->used += ALIGN(len, 8);
	return 0;
}

/**
 * smb3mc_part_errno - how one request of a sent compound ended
 * @req: the request
 *
 * Return: its transport error, else the errno of its status.
 */
int smb3mc_part_errno(const struct smb3mc_req *req)
{
	return req->rc ?: smb3mc_req_errno(req);
}

/**
 * smb3mc_compound_send - send the requests of @cpd and wait for them all
 * @tcon: the tree they act in
 * @cpd: the compound, of at least one request
 *
 * Waits for a lost server as smb3mc_call_send() does.
 *
 * Return: 0 when every request succeeded, else the errno of the first that
 * did not: the server fails those after it with its status (MS-SMB2
 * 3.3.5.2.7.2). Each request's end is left for smb3mc_part_errno(), its
 * response, if it has one, in @cpd->req[i].rsp: a CREATE answered keeps
 * its FileId even when a request after it was lost.
 */
int smb3mc_compound_send(struct smb3mc_tcon *tcon,
			 struct smb3mc_compound *cpd)
{
	unsigned int i;
	int rc;

	rc = smb3mc_ses_call_compound(tcon->ses, tcon, cpd->req, cpd->n);
	for (i = 0; !rc && i < cpd->n; i++)
		rc = smb3mc_part_errno(&cpd->req[i]);
	return rc;
}
