"""How many examples each robustness test draws, and a tally of how many it really ran.

``LMS_BOARD_ROBUST_SCALE=full`` (``make robust``) gives the counts of ``docs/quality.md``;
anything else (the default ``make test`` run) the small ones that keep CI fast.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, Phase, settings

FULL = os.environ.get("LMS_BOARD_ROBUST_SCALE", "").strip().lower() == "full"

#: What the tests counted: ``{"malformed JSON payloads": 10000, ...}``; printed at the end.
TALLY: Counter[str] = Counter()


def count(small: int, full: int) -> int:
    return full if FULL else small


def robust_settings(small: int, full: int) -> settings:
    """Hypothesis settings for a robustness test: reproducible, no database, no deadline."""
    return settings(
        max_examples=count(small, full),
        deadline=None,
        database=None,
        derandomize=True,
        print_blob=True,
        # No shrinking: a failure is reported as first found (shrinking a big case file can
        # take minutes); the falsifying example is printed either way.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
            HealthCheck.function_scoped_fixture,
        ],
    )
