#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Usage: open_denied.py MOUNT FILE DATA

An open(O_RDWR | O_CREAT | O_EXCL) of FILE, on MOUNT, that fails once
the file system created the file: a fanotify listener on MOUNT denies
its open permission event. The descriptor of the file that fanotify
opens for the listener with the event (O_RDWR) is another open of the
new file meanwhile: the listener writes DATA at offset 0 through it,
then denies. Prints the errno name the creating open failed with (OK
if it did not) and "written", then keeps that descriptor open until a
line comes on stdin.
"""
import ctypes
import errno
import os
import struct
import sys

FAN_CLOEXEC = 0x1
FAN_CLASS_CONTENT = 0x4
FAN_MARK_ADD = 0x1
FAN_MARK_MOUNT = 0x10
FAN_OPEN_PERM = 0x10000
FAN_ALLOW = 0x1
FAN_DENY = 0x2
AT_FDCWD = -100
# struct fanotify_event_metadata, then struct fanotify_response
EVENT = struct.Struct("=IBBHQii")
RESPONSE = struct.Struct("=iI")

libc = ctypes.CDLL(None, use_errno=True)
libc.fanotify_init.argtypes = [ctypes.c_uint, ctypes.c_uint]
libc.fanotify_mark.argtypes = [ctypes.c_int, ctypes.c_uint, ctypes.c_uint64,
                               ctypes.c_int, ctypes.c_char_p]


def checked(rc):
    if rc < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return rc


def main():
    mount, path, data = sys.argv[1:4]
    fan = checked(libc.fanotify_init(FAN_CLOEXEC | FAN_CLASS_CONTENT,
                                     os.O_RDWR | os.O_LARGEFILE))
    checked(libc.fanotify_mark(fan, FAN_MARK_ADD | FAN_MARK_MOUNT,
                               FAN_OPEN_PERM, AT_FDCWD, mount.encode()))
    pid = os.fork()
    if pid == 0:
        try:
            os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL,
                             0o666))
            os._exit(0)
        except OSError as e:
            os._exit(e.errno)
    held = None
    while held is None:
        buf = os.read(fan, 4096)
        off = 0
        while off < len(buf):
            length, _, _, _, _, fd, who = EVENT.unpack_from(buf, off)
            off += length
            answer = FAN_ALLOW
            if who == pid and held is None:
                os.pwrite(fd, data.encode(), 0)
                answer = FAN_DENY
                held = fd
            os.write(fan, RESPONSE.pack(fd, answer))
            if fd != held:
                os.close(fd)
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    os.close(fan)
    print(errno.errorcode.get(code, str(code)) if code else "OK", "written",
          flush=True)
    sys.stdin.readline()
    os.close(held)


if __name__ == "__main__":
    main()
