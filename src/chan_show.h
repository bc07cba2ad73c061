/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A channel's state and counters as DebugData shows them, for the session
 * to print among its own.
 */
#ifndef SMB3MC_CHAN_SHOW_H
#define SMB3MC_CHAN_SHOW_H

struct seq_file;
struct smb3mc_chan;

void smb3mc_chan_show(struct seq_file *m, const struct smb3mc_chan *chan);
void smb3mc_chan_show_stats(struct seq_file *m,
			    const struct smb3mc_chan *chan);

#endif /* SMB3MC_CHAN_SHOW_H */
