#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Usage: tests/lib/callgraph.py BUILD_DIR

Reads the objects of one module build (build/<kver>/*.o, one per src/*.c)
with nm, draws an arrow from each file to every file that defines a
function it calls, and prints the arrows, then every circle of files that
call each other (strongly connected components of more than one file).
Exits 1 if there is a circle: calls between src/ files go one way.

References to another file's data (the VFS's operation tables, which
inode.c hands to every new inode) are printed too, but do not count: a
table names functions for the VFS to call, not calls of its own.
"""
import os
import subprocess
import sys


def symbols(obj):
    """The global symbols OBJ defines and the ones it uses."""
    out = subprocess.run(["nm", obj], check=True, capture_output=True,
                         text=True).stdout
    defined, used = {}, set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRV":
            defined[parts[2]] = "call" if parts[1] == "T" else "data"
    return defined, used


def circles(graph):
    """Tarjan's strongly connected components with more than one node."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build = sys.argv[1]
    sources = {f[:-2] for f in os.listdir(build)
               if f.endswith(".c") and not f.endswith(".mod.c")}
    objs = sorted(s for s in sources
                  if os.path.exists(os.path.join(build, s + ".o")))
    if not objs:
        sys.exit(f"callgraph: no objects in {build}: build the module first")
    owner, kind, uses = {}, {}, {}
    for o in objs:
        defined, used = symbols(os.path.join(build, o + ".o"))
        uses[o] = used
        for s, k in defined.items():
            owner[s], kind[s] = o, k
    graph, data = {}, {}
    for o in objs:
        theirs = [s for s in uses[o] if owner.get(s, o) != o]
        graph[o] = {owner[s] for s in theirs if kind[s] == "call"}
        data[o] = {owner[s] for s in theirs if kind[s] == "data"} - graph[o]
    for o in objs:
        if graph[o] or data[o]:
            line = f"{o}.c -> " + ", ".join(f"{t}.c" for t in sorted(graph[o]))
            if data[o]:
                line += " (data: " + ", ".join(f"{t}.c" for t in sorted(data[o])) + ")"
            print(line)
    found = circles(graph)
    for comp in found:
        ties = [f"{a}.c -> {b}.c" for a in comp for b in sorted(graph[a])
                if b in comp]
        print("circle: " + "; ".join(ties))
    print(f"{len(objs)} files, {len(found)} circles")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
