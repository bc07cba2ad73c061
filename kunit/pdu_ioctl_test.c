// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of IOCTL and its FSCTLs (src/pdu_ioctl.c): request bytes,
 * the network interface list (valid, malformed, capped, sorted) and
 * VALIDATE_NEGOTIATE_INFO.
 */

#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/limits.h>
#include <linux/string.h>

#include "pdu_file.h"
#include "smb2.h"
#include "wire_test.h"

#define BUFSZ 16384
#define NII 152		/* sizeof NETWORK_INTERFACE_INFO */
#define OUT 112		/* where the tests put the IOCTL output */

static u8 *tbuf(struct kunit *test)
{
	u8 *b = kunit_kzalloc(test, BUFSZ, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	return b;
}

/* An IOCTL response for @ctl whose output of @olen bytes is at OUT */
static void ioctl_rsp(u8 *b, u32 ctl, u32 olen)
{
	memset(b, 0, OUT);
	w_rsp_hdr(b, SMB2_IOCTL);
	w16(b, 64, 49);
	w32(b, 68, ctl);
	w32(b, 96, OUT);
	w32(b, 100, olen);
}

static void ioctl_build(struct kunit *test)
{
	static const struct smb3mc_fid fid = { 1, 2 };
	u8 *b = tbuf(test);

	KUNIT_ASSERT_EQ(test, smb3mc_build_ioctl(b, BUFSZ, 0x00090000, &fid,
						 "abcd", 4, 1024,
						 SMB2_0_IOCTL_IS_FSCTL), 124);
	KUNIT_EXPECT_EQ(test, r16(b, 12), SMB2_IOCTL);
	KUNIT_EXPECT_EQ(test, r16(b, 64), 57);
	KUNIT_EXPECT_EQ(test, r32(b, 68), 0x00090000U);
	KUNIT_EXPECT_EQ(test, r64(b, 72), 1ULL);
	KUNIT_EXPECT_EQ(test, r64(b, 80), 2ULL);
	KUNIT_EXPECT_EQ(test, r32(b, 88), 0x78U);
	KUNIT_EXPECT_EQ(test, r32(b, 92), 4U);
	KUNIT_EXPECT_EQ(test, r32(b, 96), 0U);
	KUNIT_EXPECT_EQ(test, r32(b, 100), 0U);
	KUNIT_EXPECT_EQ(test, r32(b, 104), 0U);
	KUNIT_EXPECT_EQ(test, r32(b, 108), 1024U);
	KUNIT_EXPECT_EQ(test, r32(b, 112), 1U);
	EXPECT_BYTES(test, b + 120, "abcd", 4);

	/* Interface query: all-ones FileId, no input, 1-byte Buffer */
	KUNIT_ASSERT_EQ(test, smb3mc_build_query_ifaces(b, BUFSZ, 65536), 121);
	KUNIT_EXPECT_EQ(test, r32(b, 68), FSCTL_QUERY_NETWORK_INTERFACE_INFO);
	KUNIT_EXPECT_EQ(test, r64(b, 72), U64_MAX);
	KUNIT_EXPECT_EQ(test, r64(b, 80), U64_MAX);
	KUNIT_EXPECT_EQ(test, r32(b, 88), 0U);
	KUNIT_EXPECT_EQ(test, r32(b, 92), 0U);
	KUNIT_EXPECT_EQ(test, r32(b, 108), 65536U);
	KUNIT_EXPECT_EQ(test, r32(b, 112), SMB2_0_IOCTL_IS_FSCTL);
	KUNIT_EXPECT_EQ(test, b[120], 0);

	KUNIT_EXPECT_EQ(test, smb3mc_build_query_ifaces(b, 120, 65536),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, smb3mc_build_ioctl(b, BUFSZ, 1, NULL, NULL, 4,
						 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_build_ioctl(b, BUFSZ, 1, NULL, NULL, 0,
						 0, 2), -EINVAL);
}

static void ioctl_parse(struct kunit *test)
{
	const u8 *out;
	u32 olen;
	u8 *b = tbuf(test);

	ioctl_rsp(b, 0x1234, 8);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_ioctl(b, OUT + 8, 0x1234, &out,
						 &olen), 0);
	KUNIT_EXPECT_PTR_EQ(test, out, (const u8 *)b + OUT);
	KUNIT_EXPECT_EQ(test, olen, 8U);
	/* Wrong CtlCode, output past the end, output inside the body */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_ioctl(b, OUT + 8, 0x1235, &out,
						 &olen), -EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_ioctl(b, OUT + 7, 0x1234, &out,
						 &olen), -EIO);
	w32(b, 96, 104);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_ioctl(b, OUT + 8, 0x1234, &out,
						 &olen), -EIO);
	w32(b, 96, 0xfffffffc);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_ioctl(b, OUT + 8, 0x1234, &out,
						 &olen), -EIO);
	/* No output */
	ioctl_rsp(b, 0x1234, 0);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_ioctl(b, OUT, 0x1234, &out, &olen),
			0);
	KUNIT_EXPECT_NULL(test, out);
	/* Short body, bad StructureSize */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_ioctl(b, OUT - 1, 0x1234, &out,
						 &olen), -EIO);
	w16(b, 64, 48);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_ioctl(b, OUT, 0x1234, &out, &olen),
			-EIO);
}

/* NETWORK_INTERFACE_INFO #i of the output, with IPv4 10.0.0.@i */
static void nii_v4(u8 *b, unsigned int i, u32 next, u32 cap, u64 speed)
{
	u8 *e = b + OUT + i * NII;

	memset(e, 0, NII);
	w32(e, 0, next);
	w32(e, 4, 100 + i);
	w32(e, 8, cap);
	w64(e, 16, speed);
	w16(e, 24, 0x0002);
	e[26] = 0x01;		/* port 445, big-endian */
	e[27] = 0xbd;
	e[28] = 10;
	e[29] = 0;
	e[30] = 0;
	e[31] = i;
}

static void nii_v6(u8 *b, unsigned int i, u32 next, u32 cap, u64 speed)
{
	u8 *e = b + OUT + i * NII;

	memset(e, 0, NII);
	w32(e, 0, next);
	w32(e, 4, 100 + i);
	w32(e, 8, cap);
	w64(e, 16, speed);
	w16(e, 24, 0x0017);
	e[32] = 0xfd;		/* fd00::i */
	e[47] = i;
	w32(e, 48, 7);		/* ScopeId, not copied */
}

static void ifaces_parse(struct kunit *test)
{
	struct smb3mc_iface *ifs;
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;
	u8 *b = tbuf(test);

	ifs = kunit_kcalloc(test, SMB3MC_MAX_IFACES, sizeof(*ifs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ifs);

	/* IPv4 (RSS, 1 Gb/s), an unknown family (skipped), IPv6 (RDMA) */
	ioctl_rsp(b, FSCTL_QUERY_NETWORK_INTERFACE_INFO, 3 * NII);
	nii_v4(b, 0, NII, RSS_CAPABLE, 1000000000ULL);
	nii_v4(b, 1, NII, 0, 1);
	w16(b, OUT + NII + 24, 0x0001);
	nii_v6(b, 2, 0, RDMA_CAPABLE, 10000000000ULL);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_query_ifaces(b, OUT + 3 * NII, ifs,
							SMB3MC_MAX_IFACES), 2);
	KUNIT_EXPECT_EQ(test, ifs[0].family, AF_INET);
	sin = (struct sockaddr_in *)&ifs[0].addr;
	KUNIT_EXPECT_EQ(test, sin->sin_family, AF_INET);
	KUNIT_EXPECT_EQ(test, ntohs(sin->sin_port), 445);
	KUNIT_EXPECT_EQ(test, ntohl(sin->sin_addr.s_addr), 0x0a000000U);
	KUNIT_EXPECT_EQ(test, ifs[0].speed_bps, 1000000000ULL);
	KUNIT_EXPECT_TRUE(test, ifs[0].rss);
	KUNIT_EXPECT_FALSE(test, ifs[0].rdma);
	KUNIT_EXPECT_EQ(test, ifs[0].if_index, 100U);
	KUNIT_EXPECT_EQ(test, ifs[1].family, AF_INET6);
	sin6 = (struct sockaddr_in6 *)&ifs[1].addr;
	KUNIT_EXPECT_EQ(test, sin6->sin6_family, AF_INET6);
	KUNIT_EXPECT_EQ(test, sin6->sin6_addr.s6_addr[0], 0xfd);
	KUNIT_EXPECT_EQ(test, sin6->sin6_addr.s6_addr[15], 2);
	KUNIT_EXPECT_EQ(test, sin6->sin6_scope_id, 0U);
	KUNIT_EXPECT_TRUE(test, ifs[1].rdma);
	KUNIT_EXPECT_FALSE(test, ifs[1].rss);
	KUNIT_EXPECT_EQ(test, ifs[1].speed_bps, 10000000000ULL);

	/* The caller's max */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_ifaces(b, OUT + 3 * NII, ifs,
							1), 1);
	/* A LinkSpeed past any link is taken as 1 Pb/s. */
	nii_v4(b, 0, NII, 0, U64_MAX);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_ifaces(b, OUT + 3 * NII, ifs,
							1), 1);
	KUNIT_EXPECT_EQ(test, ifs[0].speed_bps, SMB3MC_LINK_SPEED_MAX);
	/* Last entry cut short, Next past the end */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_ifaces(b, OUT + 3 * NII - 1,
							ifs, 16), -EIO);
	w32(b, 100, 3 * NII - 1);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_ifaces(b, OUT + 3 * NII, ifs,
							16), -EIO);
	w32(b, 100, 3 * NII);
	w32(b, OUT + NII, 2 * NII);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_ifaces(b, OUT + 3 * NII, ifs,
							16), -EIO);
	/* Next not stepping over a whole entry: overlap or a loop */
	w32(b, OUT + NII, NII - 8);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_ifaces(b, OUT + 3 * NII, ifs,
							16), -EIO);
	w32(b, OUT, 0xffffffff);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_ifaces(b, OUT + 3 * NII, ifs,
							16), -EIO);
	/* Output shorter than one entry; empty output: no interfaces */
	ioctl_rsp(b, FSCTL_QUERY_NETWORK_INTERFACE_INFO, NII - 1);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_ifaces(b, OUT + NII, ifs,
							16), -EIO);
	ioctl_rsp(b, FSCTL_QUERY_NETWORK_INTERFACE_INFO, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_ifaces(b, OUT, ifs, 16), 0);
	/* Another FSCTL's reply */
	ioctl_rsp(b, FSCTL_VALIDATE_NEGOTIATE_INFO, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_ifaces(b, OUT, ifs, 16),
			-EIO);
}

static void ifaces_cap(struct kunit *test)
{
	struct smb3mc_iface *ifs;
	unsigned int i, n = SMB3MC_MAX_IFACES_LISTED + 4;
	u8 *b = tbuf(test);

	ifs = kunit_kcalloc(test, n, sizeof(*ifs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ifs);
	ioctl_rsp(b, FSCTL_QUERY_NETWORK_INTERFACE_INFO, n * NII);
	for (i = 0; i < n; i++)
		nii_v4(b, i, i + 1 < n ? NII : 0, 0, i);
	/* A larger caller max is clamped to SMB3MC_MAX_IFACES_LISTED */
	KUNIT_ASSERT_EQ(test, smb3mc_parse_query_ifaces(b, OUT + n * NII, ifs,
							n),
			SMB3MC_MAX_IFACES_LISTED);
	KUNIT_EXPECT_EQ(test, ifs[SMB3MC_MAX_IFACES_LISTED - 1].if_index,
			100U + SMB3MC_MAX_IFACES_LISTED - 1);
	/* Entries past the cap are still checked */
	w32(b, OUT + (n - 1) * NII, 8);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_ifaces(b, OUT + n * NII, ifs,
							n), -EIO);
}

static void ifaces_sort(struct kunit *test)
{
	static const struct {
		u64 speed;
		bool rss;
	} in[] = {
		{ 1000, false }, { 10000, false }, { 1000, true },
		{ 10000, true }, { 1000, false }, { 100, true },
	};
	/* Fastest first, RSS first among equals, else server order */
	static const u32 want[] = { 3, 1, 2, 0, 4, 5 };
	struct smb3mc_iface ifs[ARRAY_SIZE(in)];
	unsigned int i;

	memset(ifs, 0, sizeof(ifs));
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		ifs[i].speed_bps = in[i].speed;
		ifs[i].rss = in[i].rss;
		ifs[i].if_index = i;
	}
	smb3mc_sort_ifaces(ifs, ARRAY_SIZE(in));
	for (i = 0; i < ARRAY_SIZE(in); i++)
		KUNIT_EXPECT_EQ(test, ifs[i].if_index, want[i]);
	/* Trivial sizes */
	smb3mc_sort_ifaces(ifs, 0);
	smb3mc_sort_ifaces(ifs, 1);
	KUNIT_EXPECT_EQ(test, ifs[0].if_index, 3U);
}

static void validate_negotiate(struct kunit *test)
{
	static const u16 dialects[] = { 0x0300, 0x0302, 0x0311 };
	struct smb3mc_vneg_info vi;
	u8 guid[16];
	unsigned int i;
	u8 *b = tbuf(test);

	for (i = 0; i < 16; i++)
		guid[i] = i + 1;
	KUNIT_ASSERT_EQ(test,
			smb3mc_build_validate_negotiate(b, BUFSZ, 0x4f, guid,
							SMB2_NEGOTIATE_SIGNING_ENABLED,
							dialects, 3),
			120 + 24 + 6);
	KUNIT_EXPECT_EQ(test, r32(b, 68), FSCTL_VALIDATE_NEGOTIATE_INFO);
	KUNIT_EXPECT_EQ(test, r64(b, 72), U64_MAX);
	KUNIT_EXPECT_EQ(test, r32(b, 88), 0x78U);
	KUNIT_EXPECT_EQ(test, r32(b, 92), 30U);
	KUNIT_EXPECT_EQ(test, r32(b, 108), 24U);
	KUNIT_EXPECT_EQ(test, r32(b, 112), SMB2_0_IOCTL_IS_FSCTL);
	KUNIT_EXPECT_EQ(test, r32(b, 120), 0x4fU);
	EXPECT_BYTES(test, b + 124, guid, 16);
	KUNIT_EXPECT_EQ(test, r16(b, 140), 1);
	KUNIT_EXPECT_EQ(test, r16(b, 142), 3);
	KUNIT_EXPECT_EQ(test, r16(b, 144), 0x0300);
	KUNIT_EXPECT_EQ(test, r16(b, 146), 0x0302);
	KUNIT_EXPECT_EQ(test, r16(b, 148), 0x0311);
	KUNIT_EXPECT_EQ(test, smb3mc_build_validate_negotiate(b, 149, 0, guid,
							      0, dialects, 3),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, smb3mc_build_validate_negotiate(b, BUFSZ, 0,
							      guid, 0,
							      dialects, 0),
			-EINVAL);

	ioctl_rsp(b, FSCTL_VALIDATE_NEGOTIATE_INFO, 24);
	w32(b, OUT, 0x4f);
	memcpy(b + OUT + 4, guid, 16);
	w16(b, OUT + 20, 3);
	w16(b, OUT + 22, 0x0302);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_validate_negotiate(b, OUT + 24,
							      &vi), 0);
	KUNIT_EXPECT_EQ(test, vi.capabilities, 0x4fU);
	EXPECT_BYTES(test, vi.guid, guid, 16);
	KUNIT_EXPECT_EQ(test, vi.security_mode, 3);
	KUNIT_EXPECT_EQ(test, vi.dialect, 0x0302);
	/* Output too short for the structure, or cut off */
	w32(b, 100, 20);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_validate_negotiate(b, OUT + 24,
							      &vi), -EIO);
	w32(b, 100, 24);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_validate_negotiate(b, OUT + 23,
							      &vi), -EIO);
}

static struct kunit_case smb3mc_pdu_ioctl_cases[] = {
	KUNIT_CASE(ioctl_build),
	KUNIT_CASE(ioctl_parse),
	KUNIT_CASE(ifaces_parse),
	KUNIT_CASE(ifaces_cap),
	KUNIT_CASE(ifaces_sort),
	KUNIT_CASE(validate_negotiate),
	{}
};

static struct kunit_suite smb3mc_pdu_ioctl_suite = {
	.name = "smb3mc_pdu_ioctl",
	.test_cases = smb3mc_pdu_ioctl_cases,
};

kunit_test_suite(smb3mc_pdu_ioctl_suite);
