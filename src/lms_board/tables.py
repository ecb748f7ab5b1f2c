"""Tables the dashboard shows: the meeting's cases, and the evidence and trial library.

Pure pandas: each function takes models and returns a DataFrame whose cells are plain
values (a dataframe cell is never rendered as Markdown, so free text is safe there).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import pandas as pd

from lms_board.assessment import Assessment, EvidenceRef
from lms_board.bidi import show_bidi
from lms_board.case import Case
from lms_board.knowledge import Knowledge
from lms_board.knowledge.schema import Conditions, OptionRecord, TrialRecord
from lms_board.wording import (
    cap,
    classification_label,
    label,
    registry_link,
    status_label,
)

BOARD_COLUMNS = (
    "Case",
    "Site",
    "Classification",
    "Grade",
    "Stage",
    "Status",
    "Question",
)
UNKNOWN = "—"


class _StoredLike(Protocol):
    @property
    def case_id(self) -> str: ...
    @property
    def case(self) -> Case: ...
    @property
    def version(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def updated_at(self) -> datetime: ...


def classification_text(assessment: Assessment) -> str:
    """``Resectable · localized``, with ``(provisional)`` while a gap could change it."""
    text = classification_label(assessment.classification)
    return f"{text} (provisional)" if assessment.classification.provisional else text


def grade_cell(assessment: Assessment) -> str:
    """The FNCLCC grade as the assessment gives it (``G3``), ``—`` when unknown."""
    grade = assessment.grade
    return f"G{grade.grade}" if grade is not None and grade.grade is not None else UNKNOWN


def stage_cell(assessment: Assessment) -> str:
    """The stage group (``IIIB``), ``—`` when the assessment has none; the site says which
    system (AJCC 8 for trunk, extremity and retroperitoneum, FIGO 2009 for the uterus), and
    the open case's card names it."""
    stage = assessment.stage
    return stage.group if stage.group is not None else UNKNOWN


def board_table(rows: Sequence[tuple[_StoredLike, Assessment]]) -> pd.DataFrame:
    """One row per case on the board: id, site, classification, grade, stage group, status,
    question (grade and stage as the assessment gives them, never recomputed here). The board
    date, the staging system and the version are on the open case's card: the table fits a
    1280 px screen with the sidebar open."""
    records = [
        {
            "Case": stored.case_id,
            "Site": cap(label(stored.case.tumor.site)),
            "Classification": classification_text(assessment),
            "Grade": grade_cell(assessment),
            "Stage": stage_cell(assessment),
            "Status": status_label(stored.status),
            "Question": show_bidi(stored.case.question or ""),
        }
        for stored, assessment in rows
    ]
    return pd.DataFrame.from_records(records, columns=list(BOARD_COLUMNS))


LIBRARY_COLUMNS = ("Id", "Link", "Kind", "Year", "Settings", "Citation", "Take-away")


def setting_words(conditions: Conditions) -> list[str]:
    """Where a record applies, in words: ``advanced``, ``metastatic``… (``any`` if open)."""
    found = [label(c) for c in conditions.categories] + [label(s) for s in conditions.subtypes]
    return found or ["any"]


def library_table(kb: Knowledge) -> pd.DataFrame:
    """Every evidence entry and every curated trial, one row each.

    An evidence entry's settings are those of the options and trials that cite it; a
    trial's are where it applies. Trials carry their status and its as-of date.
    """
    cited_by: dict[str, list[str]] = {}
    records_citing: list[OptionRecord | TrialRecord] = [*kb.options, *kb.trials]
    for record in records_citing:
        for ev_id in record.evidence:
            known = cited_by.setdefault(ev_id, [])
            known += [w for w in setting_words(record.applies) if w not in known]
    records: list[dict[str, object]] = [
        {
            "Id": ev.id,
            "Kind": ev.kind,
            "Year": ev.year,
            "Settings": ", ".join(cited_by.get(ev.id, [])),
            "Citation": ev.citation,
            "Take-away": " ".join(x for x in (ev.key_numbers, ev.take_away) if x),
            "Link": EvidenceRef(citation=ev.citation, pmid=ev.pmid, doi=ev.doi, url=ev.url).link,
        }
        for ev in sorted(kb.evidence.values(), key=lambda e: e.id)
    ]
    records += [
        {
            "Id": trial.nct,
            "Kind": "trial",
            "Year": None,
            "Settings": ", ".join(setting_words(trial.applies)),
            "Citation": f"{trial.name}: {trial.title} ({trial.phase})",
            "Take-away": (
                f"{trial.status_text} (as of {trial.status_as_of.isoformat()}; verify on "
                f"ClinicalTrials.gov before referring). {trial.why}"
            ),
            "Link": registry_link(trial.nct),
        }
        for trial in kb.trials
    ]
    frame = pd.DataFrame.from_records(records, columns=list(LIBRARY_COLUMNS))
    frame["Year"] = frame["Year"].astype("Int64")
    return frame


def settings_of(frame: pd.DataFrame) -> list[str]:
    """Every distinct setting named in a library table's ``Settings`` column."""
    found: set[str] = set()
    for cell in frame["Settings"]:
        found.update(part.strip() for part in str(cell).split(",") if part.strip())
    return sorted(found)


def filter_table(
    frame: pd.DataFrame,
    text: str = "",
    kinds: Sequence[str] = (),
    settings: Sequence[str] = (),
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Rows containing ``text`` (any column, case-insensitive), of one of ``kinds``, naming
    one of ``settings``, and dated inside ``years`` (undated rows, e.g. trials, stay)."""
    keep = pd.Series(True, index=frame.index)
    needle = text.strip().lower()
    if needle:
        as_text = frame.astype(str).apply(lambda col: col.str.lower())
        keep &= as_text.apply(lambda col: col.str.contains(needle, regex=False)).any(axis=1)
    if kinds:
        keep &= frame["Kind"].isin(list(kinds))
    if settings:
        wanted = set(settings)
        keep &= frame["Settings"].map(
            lambda cell: bool(wanted & {p.strip() for p in str(cell).split(",")})
        )
    if years is not None:
        lo, hi = years
        year = frame["Year"]
        keep &= (year.isna() | ((year >= lo) & (year <= hi))).fillna(True).astype(bool)
    return frame[keep].reset_index(drop=True)
