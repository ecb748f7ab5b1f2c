"""Values read from documents into the intake form (lms_board.intake.prefill): the form
gives back exactly the partial case, blank parts are filled, what the user entered is kept
and named, a value the case model refuses is left out and named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lms_board.extract import extract_documents, read_document
from lms_board.intake import (
    EDITOR_BY_KEY,
    METASTASES,
    add_row,
    check_form,
    empty_form,
    form_to_case_dict,
    metastasis_key,
    row_key,
    rows,
)
from lms_board.intake.prefill import apply_prefill, prefill_values

CORPUS = Path(__file__).resolve().parent / "extract" / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())
LINES = EDITOR_BY_KEY["history.treatment_lines"]


def partial(case: Path) -> dict[str, Any]:
    return extract_documents([read_document(p) for p in sorted(case.glob("*.txt"))]).case_dict()


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_a_blank_form_filled_from_the_documents_gives_back_the_partial_case(case: Path) -> None:
    data = partial(case)
    prefill = prefill_values(data)
    form = empty_form()
    applied = apply_prefill(form, prefill)
    assert applied.kept == []
    back, errors = form_to_case_dict(form)
    assert errors == {}
    not_held = {note.split(":")[0] for note in prefill.left_out}
    for section, fields in data.items():
        for name, value in fields.items():
            if back.get(section, {}).get(name) != value:
                assert not_held, (case.name, section, name)  # only what is said left out
    assert not_held <= {"Comorbidities"}  # the form has no "none" for free-text comorbidities


def test_the_case_saves_once_the_user_gives_its_id() -> None:
    form = empty_form()
    apply_prefill(form, prefill_values(partial(CORPUS / "C01")))
    assert check_form(form).case is None  # no case id yet
    form["case_id"] = "DOC-01"
    checked = check_form(form)
    assert checked.case is not None, checked.errors
    assert checked.case.tumor.size_cm == 9.2 and checked.case.pathology.needle_gauge == 14


def test_what_the_user_entered_is_kept_and_named() -> None:
    form = empty_form()
    form["tumor.size_cm"] = "8.5"  # typed
    form["workup.ct_chest"] = True  # answered "yes" (the letter says not yet done)
    form["patient.ecog"] = "1"  # the same as the documents
    applied = apply_prefill(form, prefill_values(partial(CORPUS / "C01")))
    assert form["tumor.size_cm"] == "8.5" and form["workup.ct_chest"] is True
    assert applied.kept == ["Size (cm, greatest dimension)", "CT chest"]
    assert "ECOG" not in applied.filled and "ECOG" not in applied.kept
    assert form["patient.age"] == "63" and "Age (years)" in applied.filled
    assert "tumor.size_cm" not in applied.changed and "patient.age" in applied.changed


def test_a_no_answer_is_an_answer_and_a_ticked_none_is_kept() -> None:
    data = {"pathology": {"image_guided": True}, "extent": {"metastases": [{"site": "lung"}]}}
    form = empty_form()
    form["pathology.image_guided"] = False
    form["extent.metastases.none"] = True
    applied = apply_prefill(form, prefill_values(data))
    assert form["pathology.image_guided"] is False and form[METASTASES] == []
    assert set(applied.kept) == {"Image-guided", "Distant metastases"}


def test_lists_fill_only_when_the_user_has_none() -> None:
    data = partial(CORPUS / "C05")
    form = empty_form()
    apply_prefill(form, prefill_values(data))
    drugs = [form[row_key(LINES, r, "drugs")] for r in rows(form, LINES)]
    assert drugs == [line["drugs"] for line in data["history"]["treatment_lines"]]
    sites = [m["site"] for m in data["extent"]["metastases"]]
    assert form[METASTASES] == sites
    for m in data["extent"]["metastases"]:
        if "count" in m:
            assert form[metastasis_key(m["site"], "count")] == str(m["count"])

    mine = empty_form()
    row = add_row(mine, LINES)
    mine[row_key(LINES, row, "drugs")] = ["trabectedin"]
    mine[row_key(LINES, row, "setting")] = "advanced"
    applied = apply_prefill(mine, prefill_values(data))
    assert [mine[row_key(LINES, r, "drugs")] for r in rows(mine, LINES)] == [["trabectedin"]]
    assert "Systemic treatment lines" in applied.kept


def test_rows_added_after_rows_the_user_removed_get_new_ids() -> None:
    form = empty_form()
    row = add_row(form, LINES)
    form[LINES.key] = []  # added, then removed: the id is never used again
    applied = apply_prefill(form, prefill_values(partial(CORPUS / "C05")))
    assert row not in rows(form, LINES) and rows(form, LINES)
    assert all(k in form for k in applied.changed)


def test_a_value_the_case_model_refuses_is_left_out_and_named() -> None:
    data = {"patient": {"age": 230, "ecog": 1}, "tumor": {"size_cm": 9.2}}
    prefill = prefill_values(data)
    assert prefill.left_out and prefill.left_out[0].startswith("Age (years): ")
    form = empty_form()
    apply_prefill(form, prefill)
    assert form["patient.age"] == "" and form["patient.ecog"] == "1"
    assert form["tumor.size_cm"] == "9.2"
