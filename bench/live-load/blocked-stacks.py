#!/usr/bin/env python3
"""Where a server's threads wait for the disk: samples the kernel stack of every thread of a
process that is in uninterruptible sleep (state D) every 20 ms, and prints the most frequent
stacks, innermost call first.

    blocked-stacks.py PID SECONDS

Reading /proc/PID/task/TID/stack needs root (CAP_SYS_ADMIN); without it this says so and exits 1.
A count is thread-samples: one thread blocked through one sampling period counts once.
"""
import collections
import os
import sys
import time

FRAMES = 8        # enough to see which system call and which file-system path waits
INTERVAL = 0.02
SHOWN = 12


def blocked_stack(pid, tid):
    """The thread's kernel stack as one line when it is in state D, else None."""
    with open(f"/proc/{pid}/task/{tid}/stat") as stat:
        state = stat.read().rsplit(")", 1)[1].split()[0]
    if state != "D":
        return None
    with open(f"/proc/{pid}/task/{tid}/stack") as stack:
        functions = [line.split()[1].split("+")[0] for line in stack if line.strip()]
    return " <- ".join(functions[:FRAMES])


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: blocked-stacks.py PID SECONDS")
    pid, seconds = sys.argv[1], float(sys.argv[2])
    try:
        with open(f"/proc/{pid}/task/{pid}/stack"):
            pass
    except PermissionError:
        print("blocked stacks: /proc/PID/task/TID/stack needs root; run the benchmark as root", file=sys.stderr)
        sys.exit(1)
    counts = collections.Counter()
    samples = 0
    start = time.monotonic()
    end = start + seconds
    while time.monotonic() < end:
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except FileNotFoundError:
            break  # the server has exited
        samples += 1
        for tid in threads:
            try:
                stack = blocked_stack(pid, tid)
            except (FileNotFoundError, ProcessLookupError):
                continue  # the thread ended between listing and reading
            if stack is not None:
                counts[stack] += 1
        time.sleep(INTERVAL)
    total = sum(counts.values())
    period = (time.monotonic() - start) / max(samples, 1)  # the interval plus the reading
    print(f"blocked stacks: {samples} samples of every thread, one per {period * 1000:.0f} ms; "
          f"{total} thread-samples in state D (about {total * period:.1f} thread-seconds)")
    for stack, count in counts.most_common(SHOWN):
        print(f"blocked stacks: {count:6d}  {stack}")


if __name__ == "__main__":
    main()
