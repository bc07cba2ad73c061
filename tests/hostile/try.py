#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Run file system calls and print one line per call: its result or the
errno name, so that a test asserts errnos rather than tools' wording.

    try.py stat:PATH read:PATH list:DIR
prints e.g. "stat OK size=37 nlink=1", "read EIO", "list OK a,b".
"""
import errno
import os
import sys

for arg in sys.argv[1:]:
    op, _, path = arg.partition(":")
    try:
        if op == "stat":
            st = os.stat(path)
            res = f"size={st.st_size} nlink={st.st_nlink}"
        elif op == "read":
            with open(path, "rb") as f:
                res = f.read().decode("latin-1").strip().replace(" ", "_")
        elif op == "list":
            res = ",".join(sorted(os.listdir(path)))
        else:
            sys.exit(f"try.py: unknown call {op}")
        print(f"{op} OK {res}", flush=True)
    except OSError as e:
        print(f"{op} {errno.errorcode.get(e.errno, str(e.errno))}", flush=True)
