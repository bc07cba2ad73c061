// SPDX-License-Identifier: GPL-2.0
/*
 * smb3mc: a multichannel SMB3 client file system.
 *
 * Module entry points: the file system type, the inode cache, the
 * channels' and the I/O's workqueues and /proc/fs/smb3mc/DebugData.
 */

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "chan.h"
#include "fs.h"
#include "ops_io.h"
#include "session.h"

/* Each layer prints its own part: see smb3mc_ses_show(). */
static int smb3mc_debugdata_show(struct seq_file *m, void *v)
{
	seq_printf(m, "smb3mc version %s\n", SMB3MC_VERSION);
	smb3mc_ses_show(m);
	return 0;
}

static int __init smb3mc_init(void)
{
	int rc;

	rc = smb3mc_inode_cache_init();
	if (rc)
		return rc;
	rc = smb3mc_chan_init();
	if (rc)
		goto out_cache;
	rc = smb3mc_io_init();
	if (rc)
		goto out_chan;
	if (!proc_mkdir("fs/smb3mc", NULL)) {
		rc = -ENOMEM;
		goto out_io;
	}
	if (!proc_create_single("fs/smb3mc/DebugData", 0400, NULL,
				smb3mc_debugdata_show)) {
		rc = -ENOMEM;
		goto out_proc;
	}
	rc = register_filesystem(&smb3mc_fs_type);
	if (rc)
		goto out_proc;
	pr_info("smb3mc: version %s loaded\n", SMB3MC_VERSION);
	return 0;

out_proc:
	remove_proc_subtree("fs/smb3mc", NULL);
out_io:
	smb3mc_io_exit();
out_chan:
	smb3mc_chan_exit();
out_cache:
	smb3mc_inode_cache_exit();
	return rc;
}

static void __exit smb3mc_exit(void)
{
	unregister_filesystem(&smb3mc_fs_type);
	remove_proc_subtree("fs/smb3mc", NULL);
	smb3mc_io_exit();
	smb3mc_chan_exit();
	smb3mc_inode_cache_exit();
}

module_init(smb3mc_init);
module_exit(smb3mc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SMB3 multichannel client file system");
MODULE_VERSION(SMB3MC_VERSION);
