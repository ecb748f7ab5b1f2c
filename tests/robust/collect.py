"""Run every example of a robustness test, collect the failures, and fail once at the end.

Hypothesis stops at the first failure; a robustness figure wants the whole count ("10,000
payloads, 14 refused without naming a field"). ``Failures`` groups failures by their first
line and keeps the first example of each, so one run reports every distinct problem.

    failures = Failures("malformed case files")
    @robust_settings(...)
    @given(payload=malformed_payloads())
    def run(payload):
        with failures.collect(payload):
            ...assertions...
    run()
    failures.check()
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from robust.scale import TALLY


def _signature(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [""])[0]
    first = re.sub(r"\d+", "N", first)[:160]
    return f"{type(exc).__name__}: {first}"


class Failures:
    def __init__(self, name: str) -> None:
        self.name = name
        self.runs = 0
        self.counts: Counter[str] = Counter()
        self.examples: dict[str, tuple[str, Any]] = {}

    @contextmanager
    def collect(self, example: Any) -> Iterator[None]:
        self.runs += 1
        TALLY[self.name] += 1
        try:
            yield
        except pytest.skip.Exception:
            raise
        except (Exception, pytest.fail.Exception) as exc:  # assertion, "did not raise", uncaught
            sig = _signature(exc)
            self.counts[sig] += 1
            TALLY[f"{self.name}: FAILED"] += 1
            self.examples.setdefault(sig, (str(exc)[:3000], example))

    def check(self) -> None:
        if not self.counts:
            return
        lines = [f"{sum(self.counts.values())} of {self.runs} {self.name} failed:"]
        for sig, n in self.counts.most_common():
            detail, example = self.examples[sig]
            lines.append(f"\n[{n}x] {sig}\n  first example: {example!r}"[:2000])
            lines.append(f"  detail: {detail[:1500]}")
        pytest.fail("\n".join(lines), pytrace=False)
