"""Two versions of a case side by side (the conflict panel of a stale save), and a copy of a
case under another id."""

from __future__ import annotations

from typing import Any

from lms_board.case import Case, parse_case


def _flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for k, v in node.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(node, list) and any(isinstance(v, dict) for v in node):
        out = {}
        for i, v in enumerate(node):
            out.update(_flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: node}


def changed_fields(mine: Case, theirs: Case) -> list[tuple[str, Any, Any]]:
    """``(field path, my value, their value)`` for every field that differs."""
    a = _flatten(mine.model_dump(mode="json"))
    b = _flatten(theirs.model_dump(mode="json"))
    return [(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def duplicate_case(case: Case, new_id: str) -> Case:
    """A copy of a case under another pseudonymous id (validated like any case)."""
    data = case.to_json_dict()
    data["case_id"] = new_id
    return parse_case(data)
