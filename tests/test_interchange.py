"""Import and export: case JSON, the flat CSV sheet, the mCODE-shaped FHIR R4 Bundle, the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any, get_args

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import assume, given, settings
from strategies import DELETE, changed, valid_case_models

from lms_board.case import Case, load_case, parse_case
from lms_board.cli import main as cli_main
from lms_board.demo import demo_cases
from lms_board.interchange import (
    COLUMN_NAMES,
    FHIR_DROPPED,
    FHIR_FIELDS,
    cases_to_csv,
    cases_to_fhir_bundle,
    cases_to_fhir_json,
    read_csv_cases,
    read_fhir_bundle,
    read_json_cases,
    read_paths,
    read_upload,
)
from lms_board.interchange.csv_cases import (
    CELL_READERS,
    COLUMNS,
    V1_COLUMNS,
    ColumnKind,
    case_row,
)
from lms_board.store import open_store
from lms_board.store.engine import dispose_engine

REPO = Path(__file__).resolve().parent.parent


def _all_cases(shared_cases: dict[str, dict[str, Any]]) -> list[Case]:
    cases: list[Case] = demo_cases()
    return cases + [parse_case(d) for d in shared_cases.values()]


# -- CSV ----------------------------------------------------------------------------------------


def test_every_kind_of_column_has_a_cell_reader() -> None:
    assert set(CELL_READERS) == set(get_args(ColumnKind))
    assert {c.kind for c in (*COLUMNS, *V1_COLUMNS)} <= set(CELL_READERS)


def _csv_normalised(case: Case) -> dict[str, Any]:
    """What the CSV promises to keep: "" means not known; list items are trimmed, empty
    items dropped (docs/csv-format.md)."""
    data = case.model_dump(mode="json")

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            if all(isinstance(v, str) for v in node):
                return [v.strip() for v in node if v.strip()]
            return [walk(v) for v in node]
        return None if node == "" else node

    out: dict[str, Any] = walk(data)
    out["extent.metastases_known"] = case.extent.metastases_known  # "none" vs empty cell
    out["history.known"] = (case.history.systemic_history_known, case.history.radiotherapy_known)
    out["patient.declines_known"] = case.patient.given("declines")
    return out


def test_csv_round_trips_every_demo_and_shared_case(
    shared_cases: dict[str, dict[str, Any]],
) -> None:
    cases = _all_cases(shared_cases)
    result = read_csv_cases(cases_to_csv(cases).encode("utf-8"), "cases.csv")
    assert result.ok, result.messages
    assert [c.model_dump(mode="json") for c in result.cases] == [
        c.model_dump(mode="json") for c in cases
    ]
    assert [c.extent.metastases_known for c in result.cases] == [
        c.extent.metastases_known for c in cases
    ]
    assert result.origins[0] == "cases.csv row 2"


@settings(max_examples=150, deadline=None)
@given(case=valid_case_models())
def test_csv_round_trips_generated_cases(case: Case) -> None:
    keys = case.pathology.ihc.keys()
    assume(all(k == k.strip() for k in keys))  # marker names are trimmed on import
    result = read_csv_cases(cases_to_csv([case]))
    assert result.ok, result.messages
    assert [_csv_normalised(c) for c in result.cases] == [_csv_normalised(case)]


#: The kind words of docs/csv-format.md's column tables -> the kinds of csv_cases.
_DOC_KINDS = {
    "text": {"text"},
    "number": {"int", "float"},
    "date": {"value"},
    "choice": {"value"},
    "yes/no": {"bool"},
    "list": {"list"},
    "choices": {"choices"},
    "IHC": {"ihc"},
    "metastases": {"metastases"},
    "JSON list": {"json"},
}


def _documented_columns() -> dict[str, str]:
    doc = (REPO / "docs" / "csv-format.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z0-9_.]+)` \| ([^|]+?) \|", doc, flags=re.MULTILINE)
    return dict(rows)


def test_csv_columns_are_the_documented_dotted_names() -> None:
    documented = _documented_columns()
    for column in COLUMNS + V1_COLUMNS:
        assert column.name in documented, f"column {column.name} not in docs/csv-format.md"
        kind = documented[column.name]
        assert column.kind in _DOC_KINDS[kind], (column.name, kind, column.kind)
    assert set(documented) == {c.name for c in COLUMNS + V1_COLUMNS}
    assert COLUMN_NAMES[:2] == ("schema_version", "case_id")
    assert "patient.age" in COLUMN_NAMES and "extent.metastases" in COLUMN_NAMES


def test_csv_cells_use_the_documented_list_formats() -> None:
    case = parse_case(
        changed(
            demo_cases()[0].to_json_dict(),
            {
                "extent.metastases": [
                    {"site": "lung", "count": 2, "resectable": True},
                    {"site": "liver", "count": 1, "resectable": False},
                    {"site": "bone"},
                ],
                "pathology.ihc": {"desmin": "positive", "sma": "positive"},
                "patient.comorbidities": ["hypertension", "a;b", "back\\slash"],
            },
        )
    )
    row = next(csv.DictReader(io.StringIO(cases_to_csv([case]))))
    assert row["extent.metastases"] == "lung:2:true; liver:1:false; bone"
    clear = parse_case(changed(case.to_json_dict(), {"extent.metastases": []}))
    unknown = parse_case(changed(case.to_json_dict(), {"extent.metastases": DELETE}))
    assert case_row(clear)["extent.metastases"] == "none"
    assert case_row(unknown)["extent.metastases"] == ""
    assert read_csv_cases(cases_to_csv([clear])).cases[0].extent.metastases_known
    assert not read_csv_cases(cases_to_csv([unknown])).cases[0].extent.metastases_known
    assert row["pathology.ihc"] == "desmin=positive; sma=positive"
    assert row["patient.comorbidities"] == "hypertension; a\\;b; back\\\\slash"
    assert row["patient.age"] == str(case.patient.age)
    again = read_csv_cases(cases_to_csv([case])).cases[0]
    assert again.patient.comorbidities == ["hypertension", "a;b", "back\\slash"]


def _sheet(rows: list[dict[str, str]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


GOOD_ROW = {
    "case_id": "CSV-1",
    "patient.age": "58",
    "patient.sex": "female",
    "tumor.site": "uterus",
    "tumor.size_cm": "9",
    "tumor.morcellated": "false",
    "extent.metastases": "lung:3:false",
    "pathology.ihc": "desmin=positive; sma=positive",
    "patient.declines": "pelvic_exenteration; trial",
    "history.treatment_lines": json.dumps(
        [
            {"setting": "advanced", "line": 1, "drugs": ["doxorubicin"]},
            {
                "setting": "advanced",
                "drugs": ["gemcitabine", "docetaxel"],
                "stop_reason": "ongoing",
            },
        ]
    ),
}
#: The same row as a format v1 sheet writes it.
GOOD_V1_ROW = {
    **{
        k: v
        for k, v in GOOD_ROW.items()
        if k not in ("patient.declines", "history.treatment_lines")
    },
    "history.systemic_lines_advanced": "2",
    "history.prior_regimens": "doxorubicin; gemcitabine + docetaxel",
    "history.progressed_on_last_line": "true",
}


def test_csv_bad_rows_are_reported_by_row_and_field_and_good_rows_kept() -> None:
    rows = [
        GOOD_ROW,
        {**GOOD_ROW, "case_id": "CSV-2", "patient.age": "sixty"},
        {**GOOD_ROW, "case_id": "CSV-3", "tumor.size_cm": "0"},
        {**GOOD_ROW, "case_id": "CSV-4", "tumor.morcellated": "maybe"},
        {**GOOD_ROW, "case_id": "CSV-5", "extent.metastases": "lung:2:true:x"},
        {**GOOD_ROW, "case_id": "CSV-6", "pathology.ihc": "desmin positive"},
        {**GOOD_ROW, "case_id": "CSV-1"},
        {**GOOD_ROW, "case_id": "CSV-8", "tumor.site": "extremity"},  # morcellated: uterus only
        {**GOOD_ROW, "case_id": "CSV-9"},
    ]
    result = read_csv_cases(_sheet(rows), "board.csv")
    assert [c.case_id for c in result.cases] == ["CSV-1", "CSV-9"]
    messages = result.messages
    assert messages[0].startswith("row 3: patient.age: ")
    assert messages[1] == "row 4: tumor.size_cm: must be more than 0"
    assert messages[2] == "row 5: tumor.morcellated: expected true or false, got 'maybe'"
    assert messages[3].startswith("row 6: extent.metastases: expected site:count:resectable")
    assert messages[4].startswith("row 7: pathology.ihc: expected marker=result")
    assert messages[5] == "row 8: case_id: 'CSV-1' already in row 2"
    assert messages[6].startswith("row 9: tumor.morcellated: only allowed when tumor.site")
    assert len(messages) == 7
    assert result.errors[0].with_source().startswith("board.csv: row 3: patient.age")
    good = result.cases[0]
    assert good.extent.metastases[0].count == 3 and good.extent.metastases[0].resectable is False
    assert [tl.drugs for tl in good.history.treatment_lines] == [
        ["doxorubicin"],
        ["gemcitabine", "docetaxel"],
    ]
    assert [d.value for d in good.patient.declines] == ["pelvic_exenteration", "trial"]


def test_csv_json_cells_name_the_nested_field() -> None:
    rows = [
        {**GOOD_ROW, "history.treatment_lines": '[{"setting": "advanced", "drugs": ["adria"]}]'},
        {**GOOD_ROW, "case_id": "CSV-2", "history.treatment_lines": "doxorubicin"},
        {**GOOD_ROW, "case_id": "CSV-3", "history.treatment_lines": '{"setting": "advanced"}'},
        {**GOOD_ROW, "case_id": "CSV-4", "patient.declines": "amputate"},
        {**GOOD_ROW, "case_id": "CSV-5", "history.radiotherapy_courses": '[{"timing": 1}]'},
    ]
    result = read_csv_cases(_sheet(rows))
    messages = result.messages
    assert messages[0].startswith(
        "row 2: history.treatment_lines[0].drugs[0]: unknown drug 'adria'"
    )
    assert messages[1].startswith("row 3: history.treatment_lines: expected a JSON list")
    assert messages[2].startswith("row 4: history.treatment_lines: expected a JSON list")
    assert messages[3].startswith("row 5: patient.declines[0]: must be one of 'surgery'")
    assert messages[4].startswith("row 6: history.radiotherapy_courses[0].timing: ")
    assert len(messages) == 5 and result.cases == []


def test_csv_empty_lists_are_none_and_empty_cells_not_known() -> None:
    case = parse_case(
        changed(
            demo_cases()[0].to_json_dict(),
            {
                "patient.declines": [],
                "history.treatment_lines": [],
                "history.radiotherapy_courses": DELETE,
            },
        )
    )
    row = case_row(case)
    assert row["patient.declines"] == "none"
    assert row["history.treatment_lines"] == "[]"
    assert row["history.radiotherapy_courses"] == ""
    again = read_csv_cases(cases_to_csv([case])).cases[0]
    assert again.patient.declines == [] and again.patient.given("declines")
    assert again.history.systemic_history_known and not again.history.radiotherapy_known


def test_csv_reads_a_format_v1_sheet_and_upgrades_it() -> None:
    rows = [
        GOOD_V1_ROW,
        {**GOOD_V1_ROW, "case_id": "CSV-2", "history.systemic_lines_advanced": "11"},
    ]
    result = read_csv_cases(_sheet(rows))
    assert result.messages == ["row 3: history.systemic_lines_advanced: must be 10 or less"]
    case = result.cases[0]
    assert case.source_version == 1
    lines = case.history.treatment_lines
    assert [(tl.line, tl.drugs, tl.stop_reason) for tl in lines] == [
        (1, ["doxorubicin"], None),
        (2, ["gemcitabine", "docetaxel"], "progression"),
    ]


def test_a_v1_sheet_written_before_format_v2_still_reads(repo_root: Path) -> None:
    """``tests/fixtures/v1_cases.csv``: the demo cases exported by the code of 0a5cbfc."""
    result = read_csv_cases((repo_root / "tests/fixtures/v1_cases.csv").read_bytes(), "v1.csv")
    assert result.ok, result.messages
    originals = {
        p.stem: load_case(p) for p in (repo_root / "tests/fixtures/v1_demo_cases").glob("*.json")
    }
    assert len(result.cases) == len(originals) >= 9
    for case in result.cases:
        assert case.source_version == 1
        assert case.model_dump(mode="json") == originals[case.case_id].model_dump(mode="json")


def test_a_sheet_mixing_v1_and_v2_columns_is_refused() -> None:
    result = read_csv_cases(_sheet([{**GOOD_ROW, "history.prior_regimens": "doxorubicin"}]))
    assert result.cases == []
    assert result.messages[0].startswith(
        "row 1: mixes case format v1 columns (history.prior_regimens) with format v2 columns"
    )


def test_csv_metastasis_errors_name_the_nested_field() -> None:
    result = read_csv_cases(_sheet([{**GOOD_ROW, "extent.metastases": "lung:0; moon:1"}]))
    assert result.messages == [
        "row 2: extent.metastases[0].count: must be 1 or more",
        "row 2: extent.metastases[1].site: must be one of 'lung', 'liver', 'bone', "
        "'peritoneum', 'soft_tissue', 'brain', 'nodes_distant' or 'other'",
    ]


def test_csv_missing_required_fields_are_named() -> None:
    result = read_csv_cases(_sheet([{"case_id": "X", "tumor.site": "trunk"}]))
    assert result.messages == [
        "row 2: patient.age: required",
        "row 2: patient.sex: required",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "row 1: no header row"),
        (b"case_id,patient.agee\nX,5\n", "row 1: unknown column(s) 'patient.agee'"),
        (b"case_id,case_id\nX,Y\n", "row 1: column(s) given twice: case_id"),
        (b"case_id\n\xff\xfe\n", "not UTF-8 text"),
        (b"case_id,patient.age\nX,5,extra\n", "row 2: 3 cells but the header names 2 columns"),
    ],
)
def test_csv_file_level_problems(data: bytes, message: str) -> None:
    result = read_csv_cases(data, "x.csv")
    assert result.cases == []
    assert any(m.startswith(message) for m in result.messages), result.messages


def test_csv_accepts_a_bom_blank_rows_and_no_schema_version_column() -> None:
    text = "\ufeff" + _sheet([GOOD_ROW]) + ",,,\n\n"
    result = read_csv_cases(text.encode("utf-8"))
    assert result.ok, result.messages
    assert result.cases[0].schema_version == 2 and result.cases[0].source_version == 2


# -- JSON ---------------------------------------------------------------------------------------


def test_json_reads_one_case_a_list_and_a_folder(tmp_path: Path) -> None:
    a, b, c = demo_cases()[:3]
    assert [x.case_id for x in read_json_cases(a.to_json()).cases] == [a.case_id]
    listed = json.dumps([a.to_json_dict(), b.to_json_dict()])
    assert [x.case_id for x in read_json_cases(listed).cases] == [a.case_id, b.case_id]
    (tmp_path / "one.json").write_text(a.to_json(), encoding="utf-8")
    (tmp_path / "two.json").write_text(json.dumps([b.to_json_dict()]), encoding="utf-8")
    (tmp_path / "three.csv").write_text(cases_to_csv([c]), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    result = read_paths([tmp_path])
    assert result.ok, result.messages
    assert sorted(x.case_id for x in result.cases) == sorted([a.case_id, b.case_id, c.case_id])


def test_json_bad_items_are_reported_by_item_and_field() -> None:
    good = demo_cases()[0].to_json_dict()
    bad = changed(good, {"case_id": "BAD-1", "tumor.size_cm": -1})
    dup = dict(good)
    result = read_json_cases(json.dumps([good, bad, dup, 7]), "cases.json")
    assert [c.case_id for c in result.cases] == [good["case_id"]]
    assert result.messages == [
        "item 2: tumor.size_cm: must be more than 0",
        f"item 3: case_id: {good['case_id']!r} already in item 1",
        "item 4: (root): a case must be a JSON object, not int",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"{", "not valid JSON"),
        (b'{"x": NaN}', "not valid JSON"),
        (b'"text"', "expected a case object or a list of cases, not str"),
        (b"\xff", "not UTF-8 text"),
    ],
)
def test_json_file_level_problems(data: bytes, message: str) -> None:
    result = read_json_cases(data, "x.json")
    assert result.cases == [] and result.messages[0].startswith(message)


def test_duplicate_ids_across_files_are_refused_after_the_first(tmp_path: Path) -> None:
    case = demo_cases()[0]
    (tmp_path / "a.json").write_text(case.to_json(), encoding="utf-8")
    (tmp_path / "b.csv").write_text(cases_to_csv([case]), encoding="utf-8")
    result = read_paths([tmp_path / "a.json", tmp_path / "b.csv"])
    assert len(result.cases) == 1
    assert result.messages == [
        f"case_id: {case.case_id!r} appears twice in this import (first in {tmp_path / 'a.json'})"
    ]


# -- FHIR ---------------------------------------------------------------------------------------


def _fhir_fields(case: Case) -> dict[str, Any]:
    """The fields FHIR_FIELDS names, as the export carries them ("" location = not known)."""
    return {
        "case_id": case.case_id,
        "patient.age": case.patient.age,
        "patient.sex": case.patient.sex.value,
        "patient.ecog": case.patient.ecog,
        "tumor.site": case.tumor.site.value,
        "tumor.location": _fhir_text(case.tumor.location),
        "tumor.size_cm": case.tumor.size_cm,
        "extent.metastases": [
            (m.site.value, m.count, m.resectable) for m in case.extent.metastases
        ],
        "extent.metastases_known": case.extent.metastases_known,
        "patient.coded_comorbidities": [
            {**c.model_dump(mode="json"), "note": _fhir_text(c.note)}
            for c in case.patient.coded_comorbidities
        ],
        "patient.coded_comorbidities_known": case.patient.given("coded_comorbidities"),
        "history.treatment_lines": [
            {
                **tl.model_dump(mode="json"),
                "other_drugs": [t for t in tl.other_drugs if _fhir_text(t) is not None],
                "regimen": _fhir_text(tl.regimen),
                "note": _fhir_text(tl.note),
                "for_other_cancer": _fhir_text(tl.for_other_cancer),
            }
            for tl in case.history.treatment_lines
        ],
        "history.treatment_lines_known": case.history.systemic_history_known,
        "history.radiotherapy_courses": [
            {**rt.model_dump(mode="json"), "region": _fhir_text(rt.region)}
            for rt in case.history.radiotherapy_courses
        ],
        "history.radiotherapy_courses_known": case.history.radiotherapy_known,
    }


def _fhir_text(text: str | None) -> str | None:
    """A FHIR string holds at least one character other than white space, bar spaces and
    line breaks; other text is exported as not known."""
    return text if text and re.search(r"[ \r\n\t\S]", text) else None


_KNOWN_FLAGS = {
    "extent.metastases_known",
    "patient.coded_comorbidities_known",
    "history.treatment_lines_known",
    "history.radiotherapy_courses_known",
}


def test_fhir_fields_list_matches_what_the_round_trip_checks() -> None:
    checked = {f.split("[]")[0] for f in FHIR_FIELDS} | _KNOWN_FLAGS
    assert checked == set(_fhir_fields(demo_cases()[0]))


def test_fhir_export_says_what_it_leaves_out() -> None:
    """Every field of the case format is either carried (FHIR_FIELDS) or listed as dropped."""
    carried = {f.split("[]")[0] for f in FHIR_FIELDS}
    covered = carried | set(FHIR_DROPPED)

    def paths(model: type[Any], prefix: str = "") -> list[str]:
        out = []
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            inner = info.annotation
            if isinstance(inner, type) and hasattr(inner, "model_fields") and path not in covered:
                out += paths(inner, f"{path}.")
            else:
                out.append(path)
        return out

    missing = [p for p in paths(Case) if p not in covered and p != "schema_version"]
    assert missing == []
    assert not carried & set(FHIR_DROPPED)


def test_fhir_round_trips_every_demo_and_shared_case(
    shared_cases: dict[str, dict[str, Any]],
) -> None:
    cases = _all_cases(shared_cases)
    text = cases_to_fhir_json(cases)
    result = read_upload("bundle.json", text.encode("utf-8"))
    assert result.ok, result.messages
    assert [_fhir_fields(c) for c in result.cases] == [_fhir_fields(c) for c in cases]


@settings(max_examples=40, deadline=None)
@given(case=valid_case_models())
def test_fhir_round_trips_generated_cases(case: Case) -> None:
    result = read_fhir_bundle(cases_to_fhir_bundle([case]))
    assert result.ok, result.messages
    assert [_fhir_fields(c) for c in result.cases] == [_fhir_fields(case)]


def test_fhir_bundle_is_valid_r4_with_mcode_codes_and_no_identifiers() -> None:
    case = parse_case(
        changed(
            demo_cases()[0].to_json_dict(),
            {
                "patient.ecog": 1,
                "tumor.size_cm": 8.5,
                "extent.metastases": [{"site": "lung", "count": 2, "resectable": True}],
            },
        )
    )
    data = cases_to_fhir_bundle([case])
    Bundle.model_validate(data)  # fhir.resources R4B: strict FHIR R4 validation
    assert data["type"] == "collection"
    resources = [e["resource"] for e in data["entry"]]
    assert all(e["fullUrl"].startswith("urn:uuid:") for e in data["entry"])
    by_type: dict[str, list[dict[str, Any]]] = {}
    for r in resources:
        by_type.setdefault(r["resourceType"], []).append(r)
    (patient,) = by_type["Patient"]
    assert set(patient) == {"resourceType", "id", "gender"}  # no name, identifier, birthDate
    assert patient["gender"] == case.patient.sex.value

    def codes(r: dict[str, Any]) -> set[str]:
        return {c["code"] for c in r["code"].get("coding", [])}

    observation_codes = set().union(*(codes(o) for o in by_type["Observation"]))
    assert {"30525-0", "21889-1", "89247-1"} <= observation_codes
    assert observation_codes & {"21908-9", "21914-7"}  # a stage group
    size = next(o for o in by_type["Observation"] if "21889-1" in codes(o))
    assert size["component"][0]["valueQuantity"] == {
        "value": 8.5,
        "unit": "cm",
        "system": "http://unitsofmeasure.org",
        "code": "cm",
    }
    primary, secondary = by_type["Condition"]
    assert primary["identifier"] == [{"system": "urn:lms-board:case-id", "value": case.case_id}]
    assert "8890/3" in codes(primary)
    assert codes(secondary) == {"128462008"}
    assert {"39607008", "lung"} <= {c["code"] for c in secondary["bodySite"][0]["coding"]}
    ids = [e["fullUrl"] for e in data["entry"]]
    assert len(ids) == len(set(ids))


def test_fhir_import_problems_are_named() -> None:
    assert (
        read_json_cases(b'{"resourceType": "Bundle"}')
        .messages[0]
        .startswith("not a valid FHIR R4 Bundle")
    )
    empty = {"resourceType": "Bundle", "type": "collection", "entry": []}
    assert read_fhir_bundle(empty).messages == [
        "no case in the bundle (no Condition with an identifier of urn:lms-board:case-id)"
    ]
    data = cases_to_fhir_bundle([demo_cases()[0]])
    data["entry"] = [e for e in data["entry"] if e["resource"]["resourceType"] != "Patient"]
    result = read_fhir_bundle(data)
    assert result.cases == []
    assert any("patient: the case's Condition has no Patient" in m for m in result.messages)
    assert any("patient.sex: required" in m for m in result.messages)


# -- CLI ----------------------------------------------------------------------------------------


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("LMS_BOARD_USER", "cli-tester")
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    yield url
    dispose_engine(url)


def test_cli_import_takes_good_rows_reports_bad_ones_and_audits(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "board.csv"
    sheet.write_text(
        _sheet([GOOD_ROW, {**GOOD_ROW, "case_id": "CSV-2", "patient.age": "200"}]),
        encoding="utf-8",
    )
    code = cli_main(["import", str(sheet), "--database", db_url])
    out, err = capsys.readouterr()
    assert code == 2
    assert f"{sheet}: row 3: patient.age: must be 120 or less" in err
    assert "imported CSV-1" in out and "1 case(s) imported" in out
    store = open_store(db_url)
    assert [s.case_id for s in store.list_cases()] == ["CSV-1"]
    log = store.audit_log("CSV-1")
    assert [(e.action, e.user) for e in log] == [
        ("create", "local:cli-tester"),
        ("import", "local:cli-tester"),
    ]
    assert str(sheet) in log[1].detail

    assert cli_main(["import", str(sheet), "--database", db_url]) == 2
    assert "already exists" in capsys.readouterr().err
    good = tmp_path / "good.json"
    stored = store.get("CSV-1")
    assert stored is not None
    good.write_text(stored.case.to_json(), encoding="utf-8")
    assert cli_main(["import", str(good), "--database", db_url]) == 1  # only a duplicate


def test_cli_import_dry_run_changes_nothing(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "cases.json"
    file.write_text(json.dumps([c.to_json_dict() for c in demo_cases()]), encoding="utf-8")
    assert cli_main(["import", "--dry-run", str(file), "--database", db_url]) == 0
    out = capsys.readouterr().out
    assert f"dry run: {len(demo_cases())} case(s) valid, 0 problem(s)" in out
    assert not (tmp_path / "cli.sqlite3").exists()


def test_cli_export_store_writes_files_that_import_back_and_audits(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(db_url)
    clean = [c for c in demo_cases() if not _has_identifier(c)]
    for case in clean:
        store.create(case, "setup")
    store.set_status(clean[0].case_id, "ready", "setup")
    csv_file, fhir_file = tmp_path / "out" / "cases.csv", tmp_path / "out" / "bundle.json"
    assert (
        cli_main(["export-store", "--format", "csv", "-o", str(csv_file), "--database", db_url])
        == 0
    )
    assert (
        cli_main(
            [
                "export-store",
                "--format",
                "fhir",
                "-o",
                str(fhir_file),
                "--database",
                db_url,
                "--status",
                "ready",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert f"wrote {len(clean)} case(s)" in out and "not medical advice" in out
    back = read_paths([csv_file])
    assert back.ok and [c.model_dump() for c in back.cases] == [
        s.case.model_dump() for s in store.list_cases()
    ]
    bundle = read_paths([fhir_file])
    assert [c.case_id for c in bundle.cases] == [clean[0].case_id]
    exports = [e for e in store.audit_log() if e.action == "export"]
    assert len(exports) == len(clean) + 1
    assert {e.user for e in exports} == {"local:cli-tester"}
    assert all(e.case_id for e in exports)


def _has_identifier(case: Case) -> bool:
    from lms_board.identifiers import case_identifiers

    return bool(case_identifiers(case))


def test_cli_export_store_refuses_identifier_like_text_unless_confirmed(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(db_url)
    store.create(
        parse_case(changed(demo_cases()[0].to_json_dict(), {"notes": "MRN 00123456"})), "x"
    )
    target = tmp_path / "cases.csv"
    args = ["export-store", "--format", "csv", "-o", str(target), "--database", db_url]
    assert cli_main(args) == 2
    assert (
        "Clinical summary: looks like it holds a record-number-like number"
        in capsys.readouterr().err
    )
    assert not target.exists()
    assert cli_main([*args, "--allow-identifiers"]) == 0
    assert target.exists()
    assert "identifier warning confirmed" in store.audit_log()[-1].detail
    # The FHIR Bundle does not carry notes, so it needs no confirmation.
    assert (
        cli_main(
            [
                "export-store",
                "--format",
                "fhir",
                "-o",
                str(tmp_path / "b.json"),
                "--database",
                db_url,
            ]
        )
        == 0
    )


def test_generated_case_dicts_survive_a_full_csv_store_fhir_trip(
    tmp_path: Path, db_url: str
) -> None:
    """JSON -> CSV -> store -> FHIR -> case: the FHIR fields survive every hop."""
    case = demo_cases()[1]
    via_csv = read_csv_cases(cases_to_csv([case])).cases[0]
    store = open_store(db_url)
    store.create(via_csv, "x")
    stored = store.get(case.case_id)
    assert stored is not None
    back = read_fhir_bundle(cases_to_fhir_bundle([stored.case])).cases[0]
    assert _fhir_fields(back) == _fhir_fields(case)


def test_fhir_carries_treatment_lines_radiotherapy_and_comorbidities() -> None:
    by_id = {c.case_id: c for c in demo_cases()}
    data = cases_to_fhir_bundle([by_id["DEMO-10"], by_id["DEMO-08"], by_id["DEMO-07"]])
    Bundle.model_validate(data)
    resources = [e["resource"] for e in data["entry"]]
    statements = [r for r in resources if r["resourceType"] == "MedicationStatement"]
    assert len(statements) == 5 + 1
    eribulin = statements[4]
    assert eribulin["status"] == "stopped"
    assert eribulin["statusReason"][0]["coding"][0]["code"] == "progression"
    (medication,) = eribulin["contained"]
    assert medication["ingredient"][0]["itemCodeableConcept"]["coding"] == [
        {"system": "urn:lms-board:drug", "code": "eribulin"}
    ]
    assert eribulin["effectivePeriod"] == {"start": "2025-08-18", "end": "2026-10-26"}
    (course,) = [r for r in resources if r["resourceType"] == "Procedure"]
    assert {"system": "http://snomed.info/sct", "code": "108290001"} in [
        {k: c[k] for k in ("system", "code")} for c in course["code"]["coding"]
    ]
    assert course["bodySite"][0]["text"] == "right calf"
    renal = next(
        r
        for r in resources
        if r["resourceType"] == "Condition"
        and r["code"]["coding"][0]["system"] == "urn:lms-board:comorbidity"
        and r["code"]["coding"][0]["code"] == "renal_impairment"
    )
    egfr = next(e for e in renal["extension"] if e["url"].endswith(":egfr"))
    assert egfr["valueQuantity"]["value"] == 41


def test_json_import_reads_v1_and_v2_cases_in_one_list(repo_root: Path) -> None:
    v1 = json.loads((repo_root / "tests/fixtures/v1_demo_cases/DEMO-08.json").read_text())
    v2 = next(c for c in demo_cases() if c.case_id == "DEMO-10").to_json_dict()
    result = read_json_cases(json.dumps([v1, v2]), "mixed.json")
    assert result.ok, result.messages
    assert [(c.case_id, c.source_version, c.schema_version) for c in result.cases] == [
        ("DEMO-08", 1, 2),
        ("DEMO-10", 2, 2),
    ]
    bad_v1 = changed(v1, {"history.systemic_lines_advanced": 11})
    messages = read_json_cases(json.dumps(bad_v1)).messages
    assert messages == ["history.systemic_lines_advanced: must be 10 or less"]
