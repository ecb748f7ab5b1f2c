"""The rows ``docs/case-format.md`` must have, derived from the pydantic model itself.

``model_rows(Case)`` -> ``[Row(path, type, required, allowed)]``: one row per field path
(``history.treatment_lines[].drugs[]``), its type in words, "yes" when required, and its
allowed values and bounds written the way the document writes them (``0–120``,
``> 0, ≤ 60``, ``≤ 200 characters``, ``` `female` `male` ```). ``test_case_format_doc.py``
compares the document's table with these rows, so the two cannot drift.
"""

from __future__ import annotations

import datetime
import enum
import types
from typing import Annotated, Any, Literal, NamedTuple, Union, get_args, get_origin

import annotated_types
from pydantic import AfterValidator, BaseModel, StringConstraints
from pydantic.fields import FieldInfo

DRUG_ID = "a drug id of the vocabulary"


class Row(NamedTuple):
    path: str
    type: str
    required: str
    allowed: str


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The base type of an annotation and the metadata around it (Optional removed)."""
    meta: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            annotation = args[0]
        elif origin is Annotated:
            annotation, *more = get_args(annotation)
            meta.extend(more)
        else:
            return annotation, meta


def _limits(meta: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in meta:
        if isinstance(item, FieldInfo):
            found.update({k: v for k, v in _limits(list(item.metadata)).items() if k not in found})
            continue
        if isinstance(item, annotated_types.GroupedMetadata) and not isinstance(
            item, StringConstraints
        ):
            found.update(_limits(list(item)))
        for name in ("ge", "gt", "le", "lt", "max_length", "min_length", "pattern"):
            value = getattr(item, name, None)
            if value is not None and name not in found:
                found[name] = value
        if isinstance(item, AfterValidator) and item.func.__name__ == "_known_drug":
            found["drug"] = True
    return found


def _num(value: float) -> str:
    return f"{value:g}"


def _bounds(found: dict[str, Any], unit: str = "") -> str:
    low_inclusive = "ge" in found
    low = found.get("ge", found.get("gt"))
    high = found.get("le", found.get("lt"))
    if low is not None and high is not None and low_inclusive:
        return f"{_num(low)}–{_num(high)}"
    parts = []
    if low is not None:
        parts.append(f"{'≥' if low_inclusive else '>'} {_num(low)}")
    if high is not None:
        parts.append(f"≤ {_num(high)}")
    return ", ".join(parts)


def _values(kind: type[enum.Enum]) -> str:
    return " ".join(f"`{m.value}`" for m in kind)


def _text(found: dict[str, Any]) -> str:
    if found.get("drug"):
        return DRUG_ID
    if "pattern" in found:
        return f"`{found['pattern'].strip('^$')}`"
    if "max_length" in found:
        return f"≤ {found['max_length']} characters"
    return ""


def _scalar(base: Any, found: dict[str, Any]) -> tuple[str, str]:
    """(type, allowed) of a scalar field."""
    if get_origin(base) is Literal:
        return "integer", " ".join(f"`{v}`" for v in get_args(base))
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return "choice", _values(base)
    if base is bool:
        return "yes/no", ""
    if base is int:
        return "integer", _bounds(found)
    if base is float:
        return "number", _bounds(found)
    if base is datetime.date:
        return "date", "`YYYY-MM-DD`"
    if base is str:
        return "text", _text(found)
    raise TypeError(f"no words for {base!r}")


def model_rows(model: type[BaseModel], prefix: str = "") -> list[Row]:
    rows: list[Row] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        required = "yes" if info.is_required() else ""
        base, meta = _unwrap(info.annotation)
        found = _limits([info, *meta])
        if isinstance(base, type) and issubclass(base, BaseModel):
            rows.append(Row(path, "object", required, ""))
            rows.extend(model_rows(base, f"{path}."))
        elif get_origin(base) is list:
            item, item_meta = _unwrap(get_args(base)[0])
            count = f"≤ {found['max_length']} items" if "max_length" in found else ""
            if isinstance(item, type) and issubclass(item, BaseModel):
                rows.append(Row(path, "list of objects", required, count))
                rows.extend(model_rows(item, f"{path}[]."))
            else:
                kind, allowed = _scalar(item, _limits(item_meta))
                rows.append(Row(path, "list", required, count))
                rows.append(Row(f"{path}[]", kind, "", allowed))
        elif get_origin(base) is dict:
            key, key_meta = _unwrap(get_args(base)[0])
            value, value_meta = _unwrap(get_args(base)[1])
            rows.append(Row(path, "map", required, ""))
            key_kind, key_allowed = _scalar(key, _limits(key_meta))
            value_kind, value_allowed = _scalar(value, _limits(value_meta))
            rows.append(Row(f"{path}.<key>", key_kind, "", key_allowed))
            rows.append(Row(f"{path}.<value>", value_kind, "", value_allowed))
        else:
            kind, allowed = _scalar(base, found)
            rows.append(Row(path, kind, required, allowed))
    return rows
