"""Reading a one-hour FIT file stays well under half a second (issue 15)."""

from __future__ import annotations

import datetime as dt
import statistics
import time

from tests.watch_files.facts import FOLDERS
from tests.watch_files.reading import read

# Forerunner 935 treadmill run: 57 min, 3,443 records, one a second.
ONE_HOUR = FOLDERS[1] / "fr935-treadmill.fit"
# The target is 0.5 s on these machines; the bound leaves room for a busy CI runner.
BOUND_S = 2.0


def test_a_one_hour_fit_file_reads_quickly() -> None:
    data = ONE_HOUR.read_bytes()
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        result = read(data, today=dt.date(2030, 1, 1))
        timings.append(time.perf_counter() - started)

    assert result.summary["samples"] >= 3400
    median = statistics.median(timings)
    print(f"\n1-hour FIT ({result.summary['samples']} records): median {median * 1000:.0f} ms")
    assert median < BOUND_S
