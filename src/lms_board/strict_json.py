"""JSON decoding that refuses what ``json.loads`` lets through silently.

A key given twice in one object (``{"age": 54, "age": 45}``) would keep the last value without
a word: :func:`unique_keys` refuses it, naming the key. NaN and Infinity are refused as well.
"""

from __future__ import annotations

from typing import Any


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice."""


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for ``json.loads``: the object, or :class:`DuplicateKeyError`."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(
                f"the key {key!r} is given twice in one object (the file is ambiguous: which "
                "value is meant?)"
            )
        out[key] = value
    return out


def reject_constant(name: str) -> Any:
    """``parse_constant`` for ``json.loads``: NaN, Infinity and -Infinity are not numbers."""
    raise ValueError(f"{name} is not allowed")
