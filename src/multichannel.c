// SPDX-License-Identifier: GPL-2.0
/*
 * Multichannel (MS-SMB2 3.2.4.2.3, 3.2.5.3.3): learn the server's
 * interfaces over IPC$, then open and bind further channels to them, at
 * mount and again whenever the maintenance work refreshes the list.
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

static int query_ifaces(struct smb3mc_ses *ses, struct smb3mc_iface *ifaces)
{
	struct smb3mc_call *call;
	int rc;

	call = smb3mc_call_alloc(256);
	if (!call)
		return -ENOMEM;
	rc = smb3mc_call_send(ses, ses->ipc->tid, call,
			      smb3mc_build_query_ifaces(call->buf, call->size,
							SMB3MC_IFACE_BUF),
			      SMB3MC_IFACE_BUF);
	if (!rc)
		rc = smb3mc_parse_query_ifaces(call->req.rsp, call->req.rsp_len,
					       ifaces, SMB3MC_MAX_IFACES);
	if (rc < 0 && call->req.status != STATUS_SUCCESS)
		pr_warn("smb3mc: %s: cannot list the server's interfaces: %s (%d)\n",
			ses->server, smb3mc_status_name(call->req.status), rc);
	else if (rc < 0)
		pr_warn_ratelimited("smb3mc: %s: cannot list the server's interfaces (%d)\n",
				    ses->server, rc);
	else
		smb3mc_sort_ifaces(ifaces, rc);
	smb3mc_call_free(call);
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
	chan->speed_bps = iface->speed_bps;
	rc = smb3mc_ses_connect_chan(ses, chan, &dst, id);
	if (rc) {
		pr_warn("smb3mc: %s: channel %u to %pISpc failed (%d)\n",
			ses->server, id, &dst, rc);
		kfree(chan);
		return rc;
	}
	mutex_lock(&ses->chan_lock);
	ses->slots[id].dst = dst;
	ses->slots[id].speed_bps = iface->speed_bps;
	rcu_assign_pointer(ses->slots[id].chan, chan);
	/* Dispatch reads the count without the lock: publish the slot first. */
	smp_store_release(&ses->nr_chans, id + 1);
	mutex_unlock(&ses->chan_lock);
	return 0;
}

/*
 * Open channels until the session has ses->max_chans, each to the
 * interface the plan prefers given those the slots already go to (a slot
 * being reconnected counts). A channel that cannot be opened is reported
 * and skipped; the next refresh tries again.
 */
static int fill_channels(struct smb3mc_ses *ses,
			 const struct smb3mc_iface *ifaces, int n)
{
	struct smb3mc_iface_load loads[SMB3MC_MAX_IFACES] = {};
	struct smb3mc_chan *chan;
	unsigned int tries, s;
	int i, pick, rc;

	for (i = 0; i < n; i++) {
		loads[i].speed_bps = ifaces[i].speed_bps;
		loads[i].rss = ifaces[i].rss;
		for (s = 0; s < ses->nr_chans; s++) {
			if (!same_address(&ifaces[i].addr, &ses->slots[s].dst))
				continue;
			loads[i].channels++;
			ses->slots[s].speed_bps = ifaces[i].speed_bps;
			/* Only this work and mount change slots: no lock. */
			chan = rcu_dereference_protected(ses->slots[s].chan,
							 true);
			if (chan)
				WRITE_ONCE(chan->speed_bps, ifaces[i].speed_bps);
		}
	}
	for (tries = ses->nr_chans; tries < ses->max_chans; tries++) {
		if (READ_ONCE(ses->closing))
			break;
		pick = smb3mc_plan_channel(loads, n);
		/* Count it even if it fails, so that the next goes elsewhere. */
		loads[pick].channels++;
		rc = open_channel(ses, &ifaces[pick]);
		if (rc == -ENOMEM)
			return rc;
	}
	return 0;
}

/**
 * smb3mc_ses_refresh_channels - read the interface list again
 * @ses: a session whose mount kept IPC$ open for this
 *
 * Called by the maintenance work, every ten minutes and after a channel
 * was lost: a server may have gained interfaces, or the mount may have
 * failed to open some of its channels.
 */
void smb3mc_ses_refresh_channels(struct smb3mc_ses *ses)
{
	struct smb3mc_iface *ifaces;
	int n;

	if (!ses->ipc)
		return;
	ifaces = kcalloc(SMB3MC_MAX_IFACES, sizeof(*ifaces), GFP_KERNEL);
	if (!ifaces)
		return;
	n = query_ifaces(ses, ifaces);
	if (n > 0)
		fill_channels(ses, ifaces, n);
	kfree(ifaces);
}

/**
 * smb3mc_ses_add_channels - open channels until the session has @max
 * @ses: an established session with its first channel
 * @max: max_channels from the mount, 0 for the default
 * @fc: for messages to the user
 *
 * A channel that cannot be opened is reported and skipped: the mount
 * works with the channels it got, and the maintenance work, started here
 * in any case, adds the missing ones later.
 *
 * Return: 0, or -ENOMEM.
 */
int smb3mc_ses_add_channels(struct smb3mc_ses *ses, unsigned int max,
			    struct fs_context *fc)
{
	struct smb3mc_iface *ifaces = NULL;
	int n, rc = 0;

	if (!(ses->server_caps & SMB2_GLOBAL_CAP_MULTI_CHANNEL)) {
		if (max > 1)
			pr_info("smb3mc: %s: server does not offer multichannel\n",
				ses->server);
		goto out;
	}
	ses->max_chans = max ? max : SMB3MC_DEFAULT_CHANNELS;
	if (ses->max_chans <= 1)
		goto out;

	ifaces = kcalloc(SMB3MC_MAX_IFACES, sizeof(*ifaces), GFP_KERNEL);
	if (!ifaces)
		return -ENOMEM;
	/* Kept for the session's life: the list is read again later. */
	if (smb3mc_tcon_open(ses, "IPC$", SMB2_SHARE_TYPE_PIPE, &ses->ipc,
			     fc)) {
		ses->ipc = NULL;
		goto out;
	}
	n = query_ifaces(ses, ifaces);
	if (n > 0)
		rc = fill_channels(ses, ifaces, n);
out:
	kfree(ifaces);
	if (!rc)
		smb3mc_ses_start_maint(ses);
	return rc;
}
