"""Malformed CSV sheets (``docs/csv-format.md``): a valid case's row with one thing broken.

``malformed_csv()`` -> ``BadSheet(data, field, level)``: the bytes of a one-row sheet that must
be refused, the column its error must name (``""`` for a file-level problem) and where the
error must be reported (``"row 2"`` for a cell, ``"row 1"`` for the header, ``""`` for the file).
"""

from __future__ import annotations

import csv
import io
from typing import NamedTuple

from hypothesis import strategies as st
from strategies import MAX_LENGTHS, OUT_OF_RANGE, valid_case_models

from lms_board.interchange.csv_cases import COLUMN_NAMES, COLUMNS, case_row


class BadSheet(NamedTuple):
    data: bytes
    field: str
    level: str


#: Cells that never read as a value of a column of this kind.
BAD_CELLS: dict[str, tuple[str, ...]] = {
    "int": ("fifty", "5.5", "1e3", "0x1F", "--1", "5 cm", "١٢.٥", "NaN"),
    "float": ("big", "nan", "NaN", "inf", "-inf", "1,5", "1e999", "5 cm", "Infinity"),
    "bool": ("maybe", "2", "oui", "y", "TRUE!", "on", "-"),
    "value": ("bogus", "<script>alert(1)</script>", "extremity\u200b", "N0 N1", "2026-13-01"),
    "ihc": ("desmin", "desmin=weak", "=positive", "desmin=positive; desmin=negative"),
    "metastases": ("moon", "lung:two", "lung:1:maybe", "lung:1:true:x", "lung:0", "lung; lung"),
    "choices": ("amputate", "Surgery", "surgery; surgery", "<script>"),
    "json": ("doxorubicin", "[", "{}", "[1]", "[{}]", '[{"setting": "second"}]', "NaN", "null"),
}

_BAD_CASE_IDS = ("DEMO 01", "x" * 41, "ДЕМО-01", "DEMO–01", "a/b", "<script>")
_REQUIRED = ("case_id", "patient.age", "patient.sex", "tumor.site")
_LIST_ITEM_MAX = {
    "patient.comorbidities": 200,
    "pathology.molecular": 200,
}
_TEXT_MAX = {k: v for k, v in MAX_LENGTHS.items() if k in COLUMN_NAMES}
_RANGED = {k: v for k, v in OUT_OF_RANGE.items() if k in COLUMN_NAMES}
_CROSS = (
    (
        {"tumor.site": "trunk", "extent.limb_salvage_feasible": "true"},
        "extent.limb_salvage_feasible",
    ),
    ({"pathology.biopsy": "incisional", "pathology.needle_gauge": "14"}, "pathology.needle_gauge"),
    ({"tumor.site": "extremity", "tumor.morcellated": "false"}, "tumor.morcellated"),
)


def sheet(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@st.composite
def malformed_csv(draw: st.DrawFn) -> BadSheet:
    """A one-row CSV sheet with exactly one kind of fault (see the module docstring)."""
    row = case_row(draw(valid_case_models(control_chars=False)))
    header = list(COLUMN_NAMES)
    kind = draw(
        st.sampled_from(
            (
                "bad_cell",
                "out_of_range",
                "too_long",
                "bad_case_id",
                "missing",
                "cross_field",
                "unknown_column",
                "duplicate_column",
                "extra_cells",
                "bad_utf8",
                "blank",
            )
        )
    )
    if kind == "bad_cell":
        column = draw(st.sampled_from([c for c in COLUMNS if c.kind in BAD_CELLS]))
        row[column.name] = draw(st.sampled_from(BAD_CELLS[column.kind]))
        field = column.name
    elif kind == "out_of_range":
        field = draw(st.sampled_from(sorted(_RANGED)))
        value = draw(st.sampled_from(_RANGED[field]))
        row[field] = repr(value) if isinstance(value, float) else str(value)
    elif kind == "too_long":
        field = draw(st.sampled_from(sorted({**_TEXT_MAX, **_LIST_ITEM_MAX})))
        limit = _TEXT_MAX.get(field) or _LIST_ITEM_MAX[field]
        char = draw(st.sampled_from(["x", "é", "🩻", "<"]))
        row[field] = char * draw(st.sampled_from([limit + 1, 50_000]))
    elif kind == "bad_case_id":
        field = "case_id"
        row[field] = draw(st.sampled_from(_BAD_CASE_IDS))
    elif kind == "missing":
        field = draw(st.sampled_from(_REQUIRED))
        row[field] = ""
    elif kind == "cross_field":
        changes, field = draw(st.sampled_from(_CROSS))
        row.update(changes)
    elif kind == "unknown_column":
        field = draw(
            st.sampled_from(
                [
                    "tumor.sise_cm",
                    "mrn",
                    "patient.name",
                    "Tumor.site",
                    "tumor.size_cm ",
                    "extent",
                    "__proto__",
                ]
            )
        )
        header.append(field)
        row[field] = "1"
        return BadSheet(sheet(header, [[row[h] for h in header]]), field.strip(), "row 1")
    elif kind == "duplicate_column":
        field = draw(st.sampled_from(header))
        header.append(field)
        return BadSheet(sheet(header, [[row[h] for h in header]]), field, "row 1")
    elif kind == "extra_cells":
        cells = [row[h] for h in header] + draw(st.lists(st.just("x"), min_size=1, max_size=3))
        return BadSheet(sheet(header, [cells]), "", "row 2")
    elif kind == "bad_utf8":
        data = sheet(header, [[row[h] for h in header]])
        cut = draw(st.integers(0, len(data)))
        junk = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xe2\x82", b"\x80"]))
        return BadSheet(data[:cut] + junk + data[cut:], "", "")
    else:  # blank
        return BadSheet(
            draw(st.sampled_from([b"", b"\r\n", b",,,\r\n", b"\xef\xbb\xbf"])), "", "row 1"
        )
    return BadSheet(sheet(header, [[row[h] for h in header]]), field, "row 2")
