"""The server's process on one CPU (`FOLIO_CPU`), every thread of it, those started later too.

A server on SQLite does its work on two threads, the event loop and the group-commit writer,
and they take turns: one runs Python while the other waits for the interpreter lock or for
SQLite. A server saturated with single postings used 0.92 of a CPU in all (the loop 0.33, the
writer 0.58). Left to the scheduler, the two threads sit on two CPUs, and each hand-over of
the lock wakes the other CPU: the writer's thread time for one pass of one posting was 716 us
in the server against 396 us in a process of its own. On one CPU the hand-over is a switch of
threads, and the same server posted 3,250-3,370 entries a second instead of 2,740-2,810
(BENCHMARKS.md, sixteenth pass). What a pinned process gives up is overlap: SQLite's own
work (a batch's writes, a long report's query) no longer runs on a second CPU beside the loop's
Python.
"""

from __future__ import annotations

import os

AUTO = "auto"


def supported() -> bool:
    return hasattr(os, "sched_setaffinity") and os.path.isdir("/proc/self/task")


def allowed() -> set[int]:
    """The CPUs this process may run on (its cgroup's and its parent's restrictions)."""
    return set(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else set()


def current() -> int:
    """The CPU the calling thread ran on last (/proc/thread-self/stat, field 39)."""
    with open("/proc/thread-self/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return int(fields[36])  # the 39th field, counted after the command's closing parenthesis


def pin(cpu: int | str) -> int:
    """Every thread of this process, and every thread started from now on, on `cpu` (AUTO:
    the one the calling thread runs on). The CPU pinned."""
    chosen = current() if cpu == AUTO else int(cpu)
    for task in os.listdir("/proc/self/task"):
        try:
            os.sched_setaffinity(int(task), {chosen})
        except ProcessLookupError:  # a thread that ended meanwhile
            continue
    return chosen
