"""How the benchmarks time a call: alone, or in turns with its baseline so load elsewhere on the machine weighs on
both alike."""

import statistics
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def timed_ms(fn: Callable[[], T]) -> tuple[float, T]:
    """How long ``fn`` took (ms), and what it returned."""
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def interleaved_ms(
    fn: Callable[[], object],
    baseline: Callable[[], object],
    runs: int,
    before: Callable[[int], object] | None = None,
) -> tuple[float, float]:
    """Medians (ms) of ``fn`` and ``baseline``, one run of each in turn, ``runs`` times after an untimed warm-up
    of each (plans, caches); ``before(0)`` or ``before(1)``, untimed, prepares each run of ``fn`` or ``baseline``."""
    samples: tuple[list[float], list[float]] = ([], [])
    for run in range(runs + 1):
        for which, call in enumerate((fn, baseline)):
            if before is not None:
                before(which)
            ms, _ = timed_ms(call)
            if run:
                samples[which].append(ms)
    return statistics.median(samples[0]), statistics.median(samples[1])
