"""Run one ``main.py`` in this process, as ``python main.py`` would, and report time and peak memory.

Usage: ``python bench/_measure.py REPORT.json`` in the project folder to synthesize.

The report holds the peak resident set size of this (Python) process and of the largest
child it waited for: jsii's Node kernel (jsii waits for it at exit). Both come from
``getrusage``, read by an exit handler registered before jsii registers its own, so it
runs after jsii has stopped (and waited for) Node.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import runpy
import sys
import time

START = time.perf_counter()


def report(path: str) -> None:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"python_kb": own, "node_kb": children, "in_process_s": time.perf_counter() - START}, out)


if __name__ == "__main__":
    report_path = sys.argv[1]
    atexit.register(report, report_path)
    sys.argv = ["main.py"]
    sys.path[0] = os.getcwd()  # as for `python main.py` run in the project folder
    try:
        runpy.run_path("main.py", run_name="__main__")
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            raise
