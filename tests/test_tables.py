"""The dashboard's tables (lms_board.tables): board rows, the evidence library and its filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from lms_board.assess import assess
from lms_board.case import Case
from lms_board.demo import demo_cases
from lms_board.knowledge import knowledge
from lms_board.tables import (
    BOARD_COLUMNS,
    board_table,
    filter_table,
    library_table,
    settings_of,
)


@dataclass(frozen=True)
class Stored:
    case_id: str
    case: Case
    version: int
    status: str
    updated_at: datetime


def test_board_table_has_one_row_per_case_with_its_classification() -> None:
    cases = demo_cases()
    rows = [(Stored(c.case_id, c, 1, "ready", datetime.now(UTC)), assess(c)) for c in cases]
    frame = board_table(rows)
    assert tuple(frame.columns) == BOARD_COLUMNS
    assert list(frame["Case"]) == [c.case_id for c in cases]
    for (_, assessment), text in zip(rows, frame["Classification"], strict=True):
        assert text.startswith(assessment.classification.label)
        assert text.endswith("(provisional)") == assessment.classification.provisional
    assert set(frame["Status"]) == {"ready"}
    assert not frame["Site"].str.contains("_").any()


def test_library_lists_every_evidence_entry_and_trial_with_a_link() -> None:
    kb = knowledge()
    frame = library_table(kb)
    assert set(frame["Id"]) == set(kb.evidence) | {t.nct for t in kb.trials}
    assert frame["Link"].str.match(r"^https?://").all()
    trials = frame[frame["Kind"] == "trial"]
    assert trials["Take-away"].str.contains("verify on ClinicalTrials.gov").all()
    pubmed = frame[frame["Id"] == "lms04-2022"]["Link"].item()
    assert pubmed == "https://pubmed.ncbi.nlm.nih.gov/35835135/"


def test_filters_combine() -> None:
    frame = library_table(knowledge())
    assert filter_table(frame).equals(frame)
    found = filter_table(frame, text="TRABECTEDIN")
    assert 0 < len(found) < len(frame)
    assert found.apply(lambda r: "trabectedin" in " ".join(map(str, r)).lower(), axis=1).all()
    assert "metastatic" in settings_of(frame)
    metastatic = filter_table(frame, settings=["metastatic"])
    assert metastatic["Settings"].str.contains("metastatic").all()
    recent = filter_table(frame, years=(2020, 2030))
    dated = recent["Year"].dropna()
    assert (dated >= 2020).all()
    assert recent["Year"].isna().sum() == frame["Year"].isna().sum()  # undated rows stay
    only_trials = filter_table(frame, kinds=["trial"], years=(2020, 2030))
    assert set(only_trials["Kind"]) == {"trial"}
    assert len(filter_table(frame, text="no such words anywhere")) == 0


def test_board_table_shows_grade_and_stage_from_the_assessment() -> None:
    cases = demo_cases()
    rows = [(Stored(c.case_id, c, 1, "draft", datetime.now(UTC)), assess(c)) for c in cases]
    frame = board_table(rows).set_index("Case")
    for stored, a in rows:
        grade = frame.loc[stored.case_id, "Grade"]
        stage = frame.loc[stored.case_id, "Stage"]
        if a.grade is not None and a.grade.grade is not None:
            assert grade == f"G{a.grade.grade}"
        else:
            assert grade == "—"
        if a.stage.group is not None:
            assert stage == a.stage.group
        else:
            assert stage == "—"
    assert "—" in set(frame["Grade"]), "a demo case without a grade shows the dash"
    assert frame.loc["DEMO-01", "Stage"] == "IIIB"


def test_board_table_never_recomputes_grade_or_stage() -> None:
    case = demo_cases()[0]
    a = assess(case)
    assert a.grade is not None and a.grade.grade == 3
    other = a.model_copy(
        update={
            "grade": a.grade.model_copy(update={"grade": 1}),
            "stage": a.stage.model_copy(update={"group": None}),
        }
    )
    row = board_table([(Stored(case.case_id, case, 1, "draft", datetime.now(UTC)), other)])
    assert row.loc[0, "Grade"] == "G1"
    assert row.loc[0, "Stage"] == "—"
    unknown = a.model_copy(update={"grade": None})
    row = board_table([(Stored(case.case_id, case, 1, "draft", datetime.now(UTC)), unknown)])
    assert row.loc[0, "Grade"] == "—"
