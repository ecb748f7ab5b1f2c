"""``docs/case-format.md`` against the pydantic model: every field path of the model is in the
document's table with the same type, required flag and allowed values/bounds, no row names a
field the model lacks, every cross-field rule and every vocabulary drug is documented, every
v1 field has its place in the upgrade table, and the example is a valid case."""

from __future__ import annotations

import json
import re

import pytest
from case_format_rows import Row, model_rows
from conftest import REPO_ROOT
from strategies import V1_CROSS_FIELD, V2_CROSS_FIELD

from lms_board.case import Case, parse_case
from lms_board.case_v1 import CaseV1
from lms_board.drugs import drug_vocabulary

DOC = (REPO_ROOT / "docs" / "case-format.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = DOC.index(f"\n{title}\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start : end if end != -1 else len(DOC)]


def _table(text: str) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for line in text.splitlines():
        match = re.match(r"^\| `([^`]+)` \| ([^|]*) \| ([^|]*) \| ([^|]*) \| ([^|]*) \|$", line)
        if match:
            path, kind, required, allowed, _meaning = (g.strip() for g in match.groups())
            assert path not in rows, f"{path} is in the table twice"
            rows[path] = Row(path, kind, required, allowed)
    return rows


FIELDS = _table(_section("## Fields"))
V1_FIELDS = _table(_section("### The format v1 history fields"))
MODEL = {r.path: r for r in model_rows(Case)}
V1_MODEL = {r.path: r for r in model_rows(CaseV1)}


def test_the_table_has_every_field_of_the_model_and_no_other() -> None:
    assert len(FIELDS) > 90
    assert sorted(set(MODEL) - set(FIELDS)) == [], "model fields missing from the document"
    assert sorted(set(FIELDS) - set(MODEL)) == [], "document rows for fields the model lacks"


@pytest.mark.parametrize("path", sorted(MODEL))
def test_each_row_says_what_the_model_says(path: str) -> None:
    assert FIELDS[path] == MODEL[path]


def test_the_table_is_in_the_model_order() -> None:
    assert list(FIELDS) == list(MODEL)


def test_the_v1_history_fields_are_documented_as_v1_has_them() -> None:
    only_v1 = {p: r for p, r in V1_MODEL.items() if p not in MODEL}
    assert V1_FIELDS == only_v1
    shared = {p for p in V1_MODEL if p in MODEL and p != "schema_version"}
    for path in shared:  # the same path means the same in both versions
        assert V1_MODEL[path] == MODEL[path], path


def test_every_v1_only_field_has_a_row_in_the_upgrade_table() -> None:
    upgrade = _section("## Upgrade from format v1")
    left = re.findall(r"^\| `([a-z_.]+)`", upgrade, flags=re.MULTILINE)
    for path in V1_FIELDS:
        if not path.endswith("[]"):
            assert path in left, f"{path} has no row in the upgrade table"


def _generic(path: str) -> str:
    """``history.treatment_lines[1].line`` -> ``history.treatment_lines[].line``."""
    return re.sub(r"\[\d+\]", "[]", path)


@pytest.mark.parametrize(
    ("changes", "fields"),
    V1_CROSS_FIELD + V2_CROSS_FIELD,
    ids=[f[0] for _, f in V1_CROSS_FIELD + V2_CROSS_FIELD],
)
def test_every_cross_field_rule_is_documented_with_its_fields(
    changes: dict[str, object], fields: tuple[str, ...]
) -> None:
    rules = _section("## Cross-field rules")
    for field in fields:
        generic = re.sub(r"\.(doxorubicin|ifosfamide)$", ".<key>", _generic(field))
        assert f"`{generic}`" in rules, generic


def test_every_drug_of_the_vocabulary_is_listed() -> None:
    section = _section("## Drug vocabulary")
    listed = re.findall(r"`([a-z0-9-]+)`", section.split("The ids today:")[1])
    assert listed == list(drug_vocabulary())


def test_the_example_is_a_valid_v2_case() -> None:
    block = _section("## Example").split("```json")[1].split("```")[0]
    case = parse_case(json.loads(block))
    assert case.schema_version == 2 and case.source_version == 2
    assert case.history.numbered_lines()[0].label == "line 1"


def test_the_readme_points_to_the_format() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "format v2" in readme and "docs/case-format.md" in readme
