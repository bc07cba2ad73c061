# SPDX-License-Identifier: GPL-2.0
#
# Objects that are pure functions over buffers: no sockets, no VFS, no
# global state. kunit/Kbuild links these very objects into the KUnit test
# module, so the suites test the code the client runs, not copies.
smb3mc-pure-y :=
smb3mc-pure-y += pdu_hdr.o nterr.o
smb3mc-pure-y += pdu_negotiate.o pdu_sess_setup.o pdu_tree.o pdu_echo.o ntlmssp.o
smb3mc-pure-y += crypto_shash.o crypto_sg.o crypto_kdf.o crypto_preauth.o crypto_sign.o crypto_cipher.o crypto_md4.o crypto_arc4.o crypto_ntlm.o
smb3mc-pure-y += options.o
smb3mc-pure-y += pdu_create.o pdu_create_ctx.o pdu_info.o pdu_dir.o pdu_io.o pdu_ioctl.o pdu_lock.o pdu_lease.o unicode.o
smb3mc-pure-y += chan_pick.o chan_orphan.o replay.o
smb3mc-pure-y += iface_addr.o
