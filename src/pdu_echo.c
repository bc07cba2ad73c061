// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 ECHO, MS-SMB2 2.2.28 and 2.2.29: a bare StructureSize 4 body in
 * each direction, which the session sends to see that a channel is alive.
 */

#include "pdu_session.h"

int smb3mc_build_echo(void *buf, size_t size)
{
	return smb3mc_build_simple_req(buf, size, SMB2_ECHO);
}

int smb3mc_check_echo_rsp(const void *buf, size_t len)
{
	return smb3mc_check_simple_rsp(buf, len, SMB2_ECHO);
}
