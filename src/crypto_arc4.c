// SPDX-License-Identifier: GPL-2.0
/*
 * RC4, for the NTLM key exchange only (MS-NLMP 3.4.1: RC4K). The kernel's
 * arc4 library is not selectable on its own, so this small version keeps
 * the module free of that dependency.
 */

#include <linux/minmax.h>
#include <linux/string.h>

#include "crypto.h"

void smb3mc_arc4(const u8 *key, size_t key_len, const u8 *in, u8 *out,
		 size_t len)
{
	u8 s[256];
	unsigned int i, j;
	size_t k;

	/* Key-scheduling algorithm */
	for (i = 0; i < 256; i++)
		s[i] = i;
	for (i = 0, j = 0; i < 256; i++) {
		j = (j + s[i] + key[i % key_len]) & 0xff;
		swap(s[i], s[j]);
	}

	/* Pseudo-random generation, XORed into the data */
	for (k = 0, i = 0, j = 0; k < len; k++) {
		i = (i + 1) & 0xff;
		j = (j + s[i]) & 0xff;
		swap(s[i], s[j]);
		out[k] = in[k] ^ s[(s[i] + s[j]) & 0xff];
	}
	memzero_explicit(s, sizeof(s));
}
