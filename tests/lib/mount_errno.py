#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Call mount(2) directly and print the errno name ("OK" on success).

mount(8) turns errnos into prose that differs between versions; the tests
assert the errno itself. Usage: mount_errno.py SOURCE TARGET FSTYPE DATA
"""
import ctypes
import errno
import os
import sys

libc = ctypes.CDLL(None, use_errno=True)
src, target, fstype, data = (a.encode() for a in sys.argv[1:5])
if libc.mount(src, target, fstype, 0, data) == 0:
    print("OK")
else:
    print(errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno())))
    sys.exit(1)
