// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the NT status table (src/nterr.c).
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "nterr.h"

/* Binary search needs strictly ascending keys: sorted and unique. */
static void nterr_table_sorted_unique(struct kunit *test)
{
	unsigned int i;

	KUNIT_EXPECT_GE(test, smb3mc_status_table_len, 60U);
	for (i = 1; i < smb3mc_status_table_len; i++)
		KUNIT_EXPECT_LT_MSG(test,
				    le32_to_cpu(smb3mc_status_table[i - 1].status),
				    le32_to_cpu(smb3mc_status_table[i].status),
				    "entry %u (%s) out of order", i,
				    smb3mc_status_table[i].name);
}

/* Every row is found by both lookups and is well formed. */
static void nterr_table_rows(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < smb3mc_status_table_len; i++) {
		const struct smb3mc_status_map *m = &smb3mc_status_table[i];

		KUNIT_EXPECT_EQ(test, smb3mc_status_to_errno(m->status), m->err);
		KUNIT_EXPECT_PTR_EQ(test, smb3mc_status_name(m->status),
				    m->name);
		KUNIT_EXPECT_EQ(test, strncmp(m->name, "STATUS_", 7), 0);
		/* Only success maps to 0; everything else is an error. */
		if (m->status == STATUS_SUCCESS)
			KUNIT_EXPECT_EQ(test, m->err, 0);
		else
			KUNIT_EXPECT_LT(test, m->err, 0);
		/* A final answer is never a call still in progress. */
		KUNIT_EXPECT_NE_MSG(test, m->err, -EINPROGRESS, "%s", m->name);
	}
}

/*
 * Statuses that only mean something before the final answer (an interim
 * response, another SESSION_SETUP leg): as a final answer, the server's
 * fault, EIO, never an errno that tells the caller to wait or try again.
 */
static void nterr_not_final(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, smb3mc_status_to_errno(STATUS_PENDING), -EIO);
	KUNIT_EXPECT_EQ(test,
			smb3mc_status_to_errno(STATUS_MORE_PROCESSING_REQUIRED),
			-EIO);
	KUNIT_EXPECT_STREQ(test, smb3mc_status_name(STATUS_PENDING),
			   "STATUS_PENDING");
}

static void nterr_known(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, smb3mc_status_to_errno(STATUS_SUCCESS), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_status_to_errno(STATUS_ACCESS_DENIED),
			-EACCES);
	KUNIT_EXPECT_EQ(test,
			smb3mc_status_to_errno(STATUS_OBJECT_NAME_NOT_FOUND),
			-ENOENT);
	KUNIT_EXPECT_EQ(test,
			smb3mc_status_to_errno(STATUS_OBJECT_NAME_COLLISION),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, smb3mc_status_to_errno(STATUS_LOGON_FAILURE),
			-EACCES);
	KUNIT_EXPECT_EQ(test, smb3mc_status_to_errno(STATUS_DISK_FULL),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, smb3mc_status_to_errno(STATUS_NOT_A_DIRECTORY),
			-ENOTDIR);
	KUNIT_EXPECT_EQ(test,
			smb3mc_status_to_errno(STATUS_DIRECTORY_NOT_EMPTY),
			-ENOTEMPTY);
	KUNIT_EXPECT_EQ(test, smb3mc_status_to_errno(STATUS_NOT_SAME_DEVICE),
			-EXDEV);
	KUNIT_EXPECT_EQ(test, smb3mc_status_to_errno(STATUS_IO_TIMEOUT),
			-ETIMEDOUT);
	/* The last row, at the upper bound of the search. */
	KUNIT_EXPECT_EQ(test,
			smb3mc_status_to_errno(STATUS_SMB_NO_PREAUTH_INTEGRITY_HASH_OVERLAP),
			-EOPNOTSUPP);
	KUNIT_EXPECT_STREQ(test, smb3mc_status_name(STATUS_ACCESS_DENIED),
			   "STATUS_ACCESS_DENIED");
	KUNIT_EXPECT_STREQ(test, smb3mc_status_name(STATUS_SUCCESS),
			   "STATUS_SUCCESS");
}

static void nterr_unknown(struct kunit *test)
{
	/* Below, between and above the table's values. */
	KUNIT_EXPECT_EQ(test, smb3mc_status_to_errno(cpu_to_le32(0x00000001)),
			-EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_status_to_errno(cpu_to_le32(0xC0000009)),
			-EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_status_to_errno(cpu_to_le32(0xFFFFFFFF)),
			-EIO);
	KUNIT_EXPECT_STREQ(test, smb3mc_status_name(cpu_to_le32(0xC0DEDEAD)),
			   "STATUS_UNKNOWN");
}

static struct kunit_case nterr_cases[] = {
	KUNIT_CASE(nterr_table_sorted_unique),
	KUNIT_CASE(nterr_table_rows),
	KUNIT_CASE(nterr_known),
	KUNIT_CASE(nterr_not_final),
	KUNIT_CASE(nterr_unknown),
	{}
};

static struct kunit_suite nterr_suite = {
	.name = "smb3mc_nterr",
	.test_cases = nterr_cases,
};
kunit_test_suite(nterr_suite);
