"""Cases as a flat CSV sheet, one case per row (``docs/csv-format.md``).

Columns are the case format's dotted field names (``patient.age``), derived from the model;
an empty cell means "not known". Lists are joined with ``; ``, IHC as
``desmin=positive; sma=positive``, metastases as ``lung:2:true; liver:1:false``
(site:count:resectable; ``none`` = checked, none found) and what the patient declines as
``amputation; radiotherapy`` (``none`` = declines nothing). A backslash escapes ``;``, ``=``
and itself inside a list item. The lists of objects of format v2 (treatment lines,
radiotherapy courses, coded comorbidities) are one JSON array per cell, exactly as in a case
file (``[]`` = none). The export writes format v2; a sheet with format v1 columns
(``history.prior_regimens``...) is read as format v1 and upgraded. Row numbers count the
header as row 1, as a spreadsheet does.
A cell a spreadsheet would run as a formula (``= + - @``, TAB, CR first) is written with a
``'`` in front, and read back without it.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import math
import types
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from lms_board.case import Case
from lms_board.case_v1 import CaseV1
from lms_board.interchange.result import ImportResult, upload_text

ColumnKind = Literal[
    "text", "int", "float", "value", "bool", "list", "choices", "ihc", "metastases", "json"
]

LIST_SEPARATOR = "; "
#: The cell of a recorded empty list (metastases: checked, none found; declines: nothing);
#: an empty cell means not recorded.
NO_ITEMS = "none"
NO_METASTASES = NO_ITEMS
MAX_CSV_BYTES = 20 * 1024 * 1024
#: Every column name once is about 1 500 characters; a first row far longer is no header.
MAX_HEADER_CHARS = 64 * 1024


@dataclass(frozen=True, slots=True)
class CsvColumn:
    """One column: its dotted name and how its cell is written and read."""

    name: str
    kind: ColumnKind


def _base_type(annotation: Any) -> Any:
    """``int`` for ``int | None``, ``str`` for ``Annotated[str, ...]``, and so on."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _base_type(args[0])
        return annotation
    if origin is Annotated:
        return _base_type(get_args(annotation)[0])
    return annotation


def _kind(path: str, annotation: Any) -> ColumnKind:
    base = _base_type(annotation)
    if path == "extent.metastases":
        return "metastases"
    if path == "pathology.ihc":
        return "ihc"
    if get_origin(base) is list:
        item = _base_type(get_args(base)[0])
        if isinstance(item, type) and issubclass(item, BaseModel):
            return "json"
        if isinstance(item, type) and issubclass(item, enum.Enum):
            return "choices"
        return "list"
    if base is str:
        return "text"
    if base is bool:
        return "bool"
    if base is int or path == "schema_version":
        return "int"
    if base is float:
        return "float"
    return "value"


def _columns(model: type[BaseModel]) -> tuple[CsvColumn, ...]:
    out: list[CsvColumn] = []
    for name, info in model.model_fields.items():
        base = _base_type(info.annotation)
        if isinstance(base, type) and issubclass(base, BaseModel):
            for sub, sub_info in base.model_fields.items():
                path = f"{name}.{sub}"
                out.append(CsvColumn(path, _kind(path, sub_info.annotation)))
        else:
            out.append(CsvColumn(name, _kind(name, info.annotation)))
    return tuple(out)


#: Every column of format v2, in the order the export writes them (the model's field order).
COLUMNS: tuple[CsvColumn, ...] = _columns(Case)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
_BY_NAME = {c.name: c for c in COLUMNS}
#: The columns of a format v1 sheet (read, never written).
V1_COLUMNS: tuple[CsvColumn, ...] = _columns(CaseV1)
_V1_BY_NAME = {c.name: c for c in V1_COLUMNS}
#: Columns only format v1 has (its history fields), and only format v2 has.
V1_ONLY: frozenset[str] = frozenset(n for n in _V1_BY_NAME if n not in _BY_NAME)
V2_ONLY: frozenset[str] = frozenset(n for n in _BY_NAME if n not in _V1_BY_NAME)


# -- list cells ---------------------------------------------------------------------------


def _escape(text: str, specials: str = ";") -> str:
    out = text.replace("\\", "\\\\")
    for ch in specials:
        out = out.replace(ch, "\\" + ch)
    return out


def _split(cell: str, sep: str) -> list[str]:
    """Split on ``sep`` not preceded by a backslash; keep escapes for the next level."""
    parts: list[str] = []
    buf: list[str] = []
    i = 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell):
            buf.append(cell[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return parts


def _unescape(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in "\\;=":
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _items(cell: str) -> list[str]:
    """The non-empty, trimmed items of a ``; `` list cell, still escaped."""
    return [p.strip() for p in _split(cell, ";") if p.strip()]


# -- formulas (OWASP "CSV injection") ------------------------------------------------------

#: A spreadsheet reads a cell that starts with one of these as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """``cell`` with a ``'`` in front when a spreadsheet would run it as a formula
    (``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``). A cell that already starts with quotes
    before such a character gets one more, so that :func:`restore` gives back exactly the text."""
    return "'" + cell if cell.lstrip("'").startswith(FORMULA_START) else cell


def restore(cell: str) -> str:
    """The text :func:`neutralise` was given: one ``'`` taken off a neutralised cell."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_START):
        return cell[1:]
    return cell


# -- writing ------------------------------------------------------------------------------


def _cell(column: CsvColumn, value: Any) -> str:
    if value is None:
        return ""
    if column.kind == "bool":
        return "true" if value else "false"
    if column.kind == "list":
        return LIST_SEPARATOR.join(_escape(str(v)) for v in value)
    if column.kind == "choices":
        return LIST_SEPARATOR.join(str(v) for v in value) if value else NO_ITEMS
    if column.kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if column.kind == "ihc":
        return LIST_SEPARATOR.join(f"{_escape(k, ';=')}={v}" for k, v in value.items())
    if column.kind == "metastases":
        if not value:
            return NO_METASTASES
        return LIST_SEPARATOR.join(
            ":".join(
                (
                    m["site"],
                    "" if m.get("count") is None else str(m["count"]),
                    "" if m.get("resectable") is None else ("true" if m["resectable"] else "false"),
                )
            ).rstrip(":")
            for m in value
        )
    return str(value)


def case_row(case: Case) -> dict[str, str]:
    """One case as ``{column: cell}`` (format v2; a field not given is an empty cell)."""
    data = case.to_json_dict()
    row: dict[str, str] = {}
    for column in COLUMNS:
        node: Any = data
        for part in column.name.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        row[column.name] = neutralise(_cell(column, node))
    return row


def cases_to_csv(cases: Iterable[Case]) -> str:
    """The cases as CSV text (UTF-8 when encoded; every column, header first)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMN_NAMES, lineterminator="\r\n")
    writer.writeheader()
    for case in cases:
        writer.writerow(case_row(case))
    return buffer.getvalue()


# -- reading ------------------------------------------------------------------------------


class _CellError(ValueError):
    pass


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise _CellError(f"expected true or false, got {text.strip()!r}")


def _ihc(cell: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in _items(cell):
        pair = _split(item, "=")
        if len(pair) != 2 or not pair[0].strip():
            raise _CellError(f"expected marker=result (e.g. desmin=positive), got {item!r}")
        key = _unescape(pair[0].strip())
        if key in out:
            raise _CellError(f"marker {key!r} given twice")
        out[key] = pair[1].strip()
    return out


def _int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise _CellError(f"expected a whole number, got {text.strip()!r}") from None


def _float(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise _CellError(f"expected a number, got {text.strip()!r}") from None
    if not math.isfinite(value):
        raise _CellError(f"expected a finite number, got {text.strip()!r}")
    return value


def _metastases(cell: str) -> list[dict[str, Any]]:
    if cell.strip().lower() == NO_METASTASES:
        return []
    out: list[dict[str, Any]] = []
    for item in _items(cell):
        parts = [p.strip() for p in item.split(":")]
        if len(parts) > 3:
            raise _CellError(f"expected site:count:resectable (e.g. lung:2:true), got {item!r}")
        met: dict[str, Any] = {"site": parts[0]}
        if len(parts) > 1 and parts[1]:
            met["count"] = _int(parts[1])
        if len(parts) > 2 and parts[2]:
            met["resectable"] = _bool(parts[2])
        out.append(met)
    return out


def _choices(cell: str) -> list[str]:
    if cell.strip().lower() == NO_ITEMS:
        return []
    return [item for item in _items(cell)]


def _json_list(cell: str) -> list[Any]:
    try:
        value = json.loads(cell, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise _CellError(f"expected a JSON list such as [{{...}}] ({exc})") from None
    if not isinstance(value, list):
        raise _CellError(f"expected a JSON list such as [{{...}}], not {type(value).__name__}")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _list(cell: str) -> list[str]:
    return [_unescape(item) for item in _items(cell)]


#: How a cell of each kind of column is read ("text" as typed, "value" trimmed).
CELL_READERS: dict[ColumnKind, Callable[[str], Any]] = {
    "text": str,
    "value": str.strip,
    "bool": _bool,
    "list": _list,
    "choices": _choices,
    "json": _json_list,
    "ihc": _ihc,
    "metastases": _metastases,
    "int": _int,
    "float": _float,
}


def _convert(column: CsvColumn, cell: str) -> Any:
    return CELL_READERS[column.kind](cell)


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def row_to_case_dict(
    header: list[str], cells: list[str], version: int = 2
) -> tuple[dict[str, Any], list[str]]:
    """A case dict from one row of a format ``version`` sheet (its ``schema_version`` cell
    decides when given), and the ``field: problem`` messages of cells that did not read."""
    given = dict(zip(header, cells, strict=False)).get("schema_version", "").strip()
    if given in ("1", "2"):
        version = int(given)
    by_name = _V1_BY_NAME if version == 1 else _BY_NAME
    data: dict[str, Any] = {"schema_version": version}
    problems: list[str] = []
    for name, raw in zip(header, cells, strict=False):
        column = by_name.get(name) or _BY_NAME.get(name) or _V1_BY_NAME[name]
        cell = restore(raw)
        if cell == "" or (column.kind != "text" and not cell.strip()):
            continue
        try:
            _put(data, name, _convert(column, cell))
        except _CellError as exc:
            problems.append(f"{name}: {exc}")
    for required in ("patient", "tumor", "pathology", "extent"):
        data.setdefault(required, {})
    return data, problems


def read_csv_cases(data: str | bytes, source: str = "upload.csv") -> ImportResult:
    """Every row of a CSV sheet as a case, or as errors naming the row and the field."""
    result = ImportResult()
    text = upload_text(data, source, result, MAX_CSV_BYTES)
    if text is None:
        return result
    if len(text) > MAX_HEADER_CHARS and "\n" not in text[:MAX_HEADER_CHARS]:
        result.add_error(
            source,
            "row 1",
            f"the first row is longer than {MAX_HEADER_CHARS} characters: not a header of "
            "this format (see docs/csv-format.md)",
        )
        return result
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        result.add_error(source, "", f"not a readable CSV file ({exc})")
        return result
    if not rows or not any(cell.strip() for cell in rows[0]):
        result.add_error(source, "row 1", "no header row (the first row must name the columns)")
        return result
    if len(rows[0]) > 2 * len(COLUMNS):  # more than every column, twice: never a good header
        result.add_error(
            source,
            "row 1",
            f"{len(rows[0])} columns, but the format has {len(COLUMNS)} (see docs/csv-format.md)",
        )
        return result
    header = [name.strip() for name in rows[0]]
    unknown = [n for n in header if n not in _BY_NAME and n not in _V1_BY_NAME]
    duplicates = sorted(n for n, times in Counter(header).items() if times > 1)
    v1_only = [n for n in header if n in V1_ONLY]
    v2_only = [n for n in header if n in V2_ONLY]
    if v1_only and v2_only:
        result.add_error(
            source,
            "row 1",
            "mixes case format v1 columns ("
            + ", ".join(v1_only)
            + ") with format v2 columns ("
            + ", ".join(v2_only)
            + "): use one format per sheet (see docs/csv-format.md)",
        )
        return result
    version = 1 if v1_only else 2
    if unknown or duplicates:
        if unknown:
            result.add_error(
                source,
                "row 1",
                "unknown column(s) "
                + ", ".join(repr(n) for n in unknown[:10])
                + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
                + " (see docs/csv-format.md)",
            )
        if duplicates:
            result.add_error(source, "row 1", "column(s) given twice: " + ", ".join(duplicates))
        return result
    seen: dict[str, str] = {}
    for number, cells in enumerate(rows[1:], start=2):
        where = f"row {number}"
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            result.add_error(
                source, where, f"{len(cells)} cells but the header names {len(header)} columns"
            )
            continue
        case_data, problems = row_to_case_dict(header, cells, version)
        result.add_parsed(case_data, problems, source=source, where=where, seen=seen)
    return result
