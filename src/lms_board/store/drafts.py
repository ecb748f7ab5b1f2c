"""Draft payloads: the raw form state of an unfinished case, kept as JSON.

A form holds more than JSON can: ``st.date_input`` gives ``datetime.date``. Dates, datetimes,
tuples and non-finite floats are tagged on the way in and restored on the way out, so a
reconnecting user gets back exactly what they typed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

_TAG = "__lms_board__"


def encode_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """``payload`` as plain JSON values (``TypeError`` naming the key of anything else)."""
    if not isinstance(payload, Mapping):
        raise TypeError(f"a draft payload must be a dict, not {type(payload).__name__}")
    return {str(k): _encode(v, str(k)) for k, v in _checked_items(payload, "")}


def decode_payload(data: Mapping[str, Any]) -> dict[str, Any]:
    """The payload :func:`encode_payload` was given, with dates and tuples restored."""
    return {k: _decode(v) for k, v in data.items()}


def _checked_items(mapping: Mapping[Any, Any], where: str) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise TypeError(f"draft key {where}{key!r} is not a string")
        items.append((key, value))
    return items


def _encode(value: Any, where: str) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {_TAG: "float", "value": repr(value)}
    if isinstance(value, datetime):
        return {_TAG: "datetime", "value": value.isoformat()}
    if isinstance(value, date):
        return {_TAG: "date", "value": value.isoformat()}
    if isinstance(value, tuple):
        return {_TAG: "tuple", "value": [_encode(v, f"{where}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [_encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        if _TAG in value:
            raise TypeError(f"draft value {where} uses the reserved key {_TAG!r}")
        return {k: _encode(v, f"{where}.{k}") for k, v in _checked_items(value, f"{where}.")}
    raise TypeError(f"draft value {where} of type {type(value).__name__} cannot be stored")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        tag = value.get(_TAG)
        if tag == "date":
            return date.fromisoformat(value["value"])
        if tag == "datetime":
            return datetime.fromisoformat(value["value"])
        if tag == "tuple":
            return tuple(_decode(v) for v in value["value"])
        if tag == "float":
            return float(value["value"])
        return {k: _decode(v) for k, v in value.items()}
    return value
