"""How late a sleeping process is woken while other processes work: the machine, not kbridge.

On this project's 2-core virtual machine, a loop that sleeps 5 ms was woken 100-105 ms late
several times in 10 s while two other processes allocated and freed memory (at any niceness),
never with one such process, nor with two pure busy loops. That is what a window sees when two of
its jobs run apart at once (kbridge.ui.jobs.apart lets the window's own job give way).

    python bench/wakeups.py --children 2 --nice 5
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

WORK = {
    "allocate": "while True:\n    items = [str(i) for i in range(2_000_000)]\n    del items\n",
    "spin": "while True:\n    pass\n",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=2)
    parser.add_argument("--nice", type=int, default=5, help="added to each child's niceness")
    parser.add_argument("--work", choices=sorted(WORK), default="allocate")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    program = f"import os\nos.nice({args.nice})\n{WORK[args.work]}"
    children = [subprocess.Popen([sys.executable, "-c", program]) for _ in range(args.children)]
    try:
        time.sleep(1)
        late: list[float] = []
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            started = time.perf_counter()
            time.sleep(0.005)
            slept = (time.perf_counter() - started) * 1000
            if slept > 30:
                late.append(slept)
    finally:
        for child in children:
            child.kill()
    shown = ", ".join(f"{ms:.0f}" for ms in late[:12])
    print(f"{args.children} children ({args.work}, nice +{args.nice}), {args.seconds:.0f} s: "
          f"{len(late)} wake-ups over 30 ms late{': ' + shown + ' ms' if late else ''}")


if __name__ == "__main__":
    main()
