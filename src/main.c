// SPDX-License-Identifier: GPL-2.0
/*
 * smb3mc: a multichannel SMB3 client file system.
 *
 * Module entry points: register the file system type and the /proc files.
 */

#include <linux/module.h>
#include <linux/fs.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static struct proc_dir_entry *smb3mc_proc_dir;

static int smb3mc_debugdata_show(struct seq_file *m, void *v)
{
	seq_printf(m, "smb3mc version %s\n", SMB3MC_VERSION);
	return 0;
}

static struct file_system_type smb3mc_fs_type = {
	.owner		= THIS_MODULE,
	.name		= "smb3mc",
	.kill_sb	= kill_anon_super,
	.fs_flags	= FS_RENAME_DOES_D_MOVE,
};
MODULE_ALIAS_FS("smb3mc");

static int __init smb3mc_init(void)
{
	int rc;

	smb3mc_proc_dir = proc_mkdir("fs/smb3mc", NULL);
	if (!smb3mc_proc_dir)
		return -ENOMEM;
	proc_create_single("DebugData", 0444, smb3mc_proc_dir,
			   smb3mc_debugdata_show);

	rc = register_filesystem(&smb3mc_fs_type);
	if (rc) {
		remove_proc_subtree("fs/smb3mc", NULL);
		return rc;
	}
	pr_info("smb3mc: version %s loaded\n", SMB3MC_VERSION);
	return 0;
}

static void __exit smb3mc_exit(void)
{
	unregister_filesystem(&smb3mc_fs_type);
	remove_proc_subtree("fs/smb3mc", NULL);
}

module_init(smb3mc_init);
module_exit(smb3mc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SMB3 multichannel client file system");
MODULE_VERSION(SMB3MC_VERSION);
