#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read the first 64 KiB of a file with O_DIRECT into a buffer of 0xaa.

Prints "OK <bytes>" or the errno's name, then "untouched" when every byte
of the buffer past those read still holds 0xaa, else "overwritten": a
failed read must leave nothing it did not vouch for in the caller's pages.
Usage: direct_read.py FILE
"""
import errno
import mmap
import os
import sys

SIZE = 64 * 1024
FILL = b"\xaa" * SIZE

buf = mmap.mmap(-1, SIZE)  # page-aligned, as O_DIRECT wants
buf.write(FILL)
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECT)
try:
    n = os.preadv(fd, [buf], 0)
    result = f"OK {n}"
except OSError as e:
    n = 0
    result = errno.errorcode.get(e.errno, str(e.errno))
finally:
    os.close(fd)
print(result, "untouched" if buf[n:] == FILL[n:] else "overwritten")
