// SPDX-License-Identifier: GPL-2.0
/*
 * Multichannel (MS-SMB2 3.2.4.2.3, 3.2.5.3.3): learn the server's
 * interfaces over IPC$, then open and bind further channels to them.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "chan_pick.h"
#include "nterr.h"
#include "pdu_file.h"
#include "session.h"

/* Room for the interface list of a server with many addresses. */
#define SMB3MC_IFACE_BUF	(16 * 1024)

static int query_ifaces(struct smb3mc_ses *ses, struct smb3mc_iface *ifaces,
			struct fs_context *fc)
{
	struct smb3mc_tcon *ipc;
	struct smb3mc_call *call;
	int rc;

	rc = smb3mc_tcon_open(ses, "IPC$", SMB2_SHARE_TYPE_PIPE, &ipc, fc);
	if (rc)
		return rc;
	call = smb3mc_call_alloc(256);
	if (!call) {
		rc = -ENOMEM;
		goto out;
	}
	rc = smb3mc_call_send(ses, ipc->tid, call,
			      smb3mc_build_query_ifaces(call->buf, call->size,
							SMB3MC_IFACE_BUF),
			      SMB3MC_IFACE_BUF);
	if (!rc)
		rc = smb3mc_parse_query_ifaces(call->req.rsp, call->req.rsp_len,
					       ifaces, SMB3MC_MAX_IFACES);
	if (rc < 0)
		pr_warn("smb3mc: %s: cannot list the server's interfaces: %s (%d)\n",
			ses->server, smb3mc_status_name(call->req.status), rc);
	else
		smb3mc_sort_ifaces(ifaces, rc);
	smb3mc_call_free(call);
out:
	smb3mc_tcon_close(ipc);
	return rc;
}

static bool same_address(const struct sockaddr_storage *a,
			 const struct sockaddr_storage *b)
{
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)b;
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return ipv6_addr_equal(&a6->sin6_addr, &b6->sin6_addr);
}

/* The interface's address with the port the session uses. */
static void iface_dst(const struct smb3mc_ses *ses,
		      const struct smb3mc_iface *iface,
		      struct sockaddr_storage *dst)
{
	*dst = iface->addr;
	if (dst->ss_family == AF_INET)
		((struct sockaddr_in *)dst)->sin_port =
			((const struct sockaddr_in *)&ses->addr)->sin_port;
	else
		((struct sockaddr_in6 *)dst)->sin6_port =
			((const struct sockaddr_in6 *)&ses->addr)->sin6_port;
}

static int open_channel(struct smb3mc_ses *ses,
			const struct smb3mc_iface *iface)
{
	unsigned int id = ses->nr_chans;
	struct sockaddr_storage dst;
	struct smb3mc_chan *chan;
	int rc;

	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan)
		return -ENOMEM;
	iface_dst(ses, iface, &dst);
	rc = smb3mc_chan_connect(chan, ses->net, &dst, id);
	if (!rc)
		rc = smb3mc_ses_bind(ses, chan);
	if (rc) {
		pr_warn("smb3mc: %s: channel %u to %pISpc failed (%d)\n",
			ses->server, id, &dst, rc);
		smb3mc_chan_shutdown(chan);
		kfree(chan);
		return rc;
	}
	chan->speed_bps = iface->speed_bps;
	WRITE_ONCE(chan->state, SMB3MC_CHAN_GOOD);
	mutex_lock(&ses->chan_lock);
	ses->chans[id] = chan;
	/* Dispatch reads the count without the lock: publish the slot first. */
	smp_store_release(&ses->nr_chans, id + 1);
	mutex_unlock(&ses->chan_lock);
	return 0;
}

/**
 * smb3mc_ses_add_channels - open channels until the session has @max
 * @ses: an established session with its first channel
 * @max: max_channels from the mount, 0 for the default
 * @fc: for messages to the user
 *
 * A channel that cannot be opened is reported and skipped: the mount
 * works with the channels it got.
 *
 * Return: 0, or -ENOMEM.
 */
int smb3mc_ses_add_channels(struct smb3mc_ses *ses, unsigned int max,
			    struct fs_context *fc)
{
	struct smb3mc_iface_load loads[SMB3MC_MAX_IFACES] = {};
	struct smb3mc_iface *ifaces;
	unsigned int tries;
	int n, i, pick, rc = 0;

	if (!(ses->server_caps & SMB2_GLOBAL_CAP_MULTI_CHANNEL)) {
		if (max > 1)
			pr_info("smb3mc: %s: server does not offer multichannel\n",
				ses->server);
		return 0;
	}
	if (!max)
		max = SMB3MC_DEFAULT_CHANNELS;
	if (max <= 1)
		return 0;

	ifaces = kcalloc(SMB3MC_MAX_IFACES, sizeof(*ifaces), GFP_KERNEL);
	if (!ifaces)
		return -ENOMEM;
	n = query_ifaces(ses, ifaces, fc);
	if (n <= 0)
		goto out;
	for (i = 0; i < n; i++) {
		loads[i].speed_bps = ifaces[i].speed_bps;
		loads[i].rss = ifaces[i].rss;
		loads[i].channels = same_address(&ifaces[i].addr, &ses->addr);
		if (loads[i].channels)
			ses->chans[0]->speed_bps = ifaces[i].speed_bps;
	}
	for (tries = ses->nr_chans; tries < max; tries++) {
		pick = smb3mc_plan_channel(loads, n);
		/* Count it even if it fails, so that the next goes elsewhere. */
		loads[pick].channels++;
		rc = open_channel(ses, &ifaces[pick]);
		if (rc == -ENOMEM)
			break;
		rc = 0;
	}
out:
	kfree(ifaces);
	return rc;
}
