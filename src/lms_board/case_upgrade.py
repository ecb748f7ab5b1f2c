"""Upgrade a format v1 case to format v2 (the table is in ``docs/case-format.md``).

Only ``history`` changes shape; every other v1 field means the same in v2.
- ``prior_regimens`` become treatment lines, oldest first, each with the drugs its text
  names (the drug vocabulary of ``lms_board.drugs``) and the text kept as ``regimen``.
- ``systemic_lines_advanced = n``: the last *n* regimens are advanced lines 1..n; earlier
  ones keep ``setting: unknown`` (v1 does not say whether they were perioperative). When v1
  counts more lines than it describes, the missing ones are added first as advanced lines
  without drugs, so the line of therapy stays the same.
- ``progressed_on_last_line: true`` sets ``stop_reason: progression`` on the last line (a
  line of unknown setting when v1 names none); ``false`` is kept as a note on it (v2 records
  why a line stopped, not "no progression").
- ``radiotherapy``: ``none`` becomes no course; any other value one course with that
  timing, aimed at the primary site unless it was palliative.
Example: ``["doxorubicin", "gemcitabine + docetaxel"]`` with 2 advanced lines and
progression → line 1 doxorubicin, line 2 gemcitabine + docetaxel stopped for progression.
"""

from __future__ import annotations

from typing import Any

from lms_board.case_fields import LineSetting, Radiotherapy, RadiotherapyTarget, StopReason
from lms_board.case_v1 import CaseV1
from lms_board.drugs import drug_vocabulary, drugs_in_text

_V1_LINE_KEYS = ("prior_regimens", "systemic_lines_advanced", "progressed_on_last_line")
PLACEHOLDER_NOTE = (
    "Counted in case format v1 (history.systemic_lines_advanced) without its regimen."
)
UNNAMED_LINE_NOTE = (
    "Case format v1 recorded progression on the last line (history.progressed_on_last_line) "
    "without naming a regimen."
)
NO_PROGRESSION_NOTE = (
    "Case format v1 recorded no progression on this line (history.progressed_on_last_line: false)."
)


def upgrade_v1(case: CaseV1) -> dict[str, Any]:
    """The v2 case dict for a validated v1 case, keeping exactly what v1 recorded."""
    data = case.to_json_dict()
    data["schema_version"] = 2
    history = data.get("history")
    if isinstance(history, dict):
        data["history"] = _history(case, history)
    return data


def _history(case: CaseV1, given: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: given[k] for k in ("surgery_date", "patient_preference") if k in given
    }
    lines = _treatment_lines(case, given)
    if lines is not None:
        out["treatment_lines"] = lines
    if "radiotherapy" in given and given["radiotherapy"] is not None:
        out["radiotherapy_courses"] = _radiotherapy_courses(Radiotherapy(given["radiotherapy"]))
    return out


def _drug_ids(text: str) -> list[str]:
    found = drugs_in_text(text)
    return [name for name in drug_vocabulary() if name in found]


def _treatment_lines(case: CaseV1, given: dict[str, Any]) -> list[dict[str, Any]] | None:
    h = case.history
    if not any(given.get(k) is not None for k in _V1_LINE_KEYS):
        return None
    regimens = list(h.prior_regimens)
    count = h.systemic_lines_advanced
    advanced = len(regimens) if count is None else count
    described = min(advanced, len(regimens)) if count is not None else 0
    placeholders = max(0, advanced - len(regimens)) if count is not None else 0
    lines: list[dict[str, Any]] = []
    for text in regimens[: len(regimens) - described]:
        lines.append(
            {"setting": LineSetting.unknown.value, "drugs": _drug_ids(text), "regimen": text}
        )
    number = 0
    for _ in range(placeholders):
        number += 1
        lines.append(
            {"setting": LineSetting.advanced.value, "line": number, "note": PLACEHOLDER_NOTE}
        )
    for text in regimens[len(regimens) - described :]:
        number += 1
        lines.append(
            {
                "setting": LineSetting.advanced.value,
                "line": number,
                "drugs": _drug_ids(text),
                "regimen": text,
            }
        )
    if not lines and h.progressed_on_last_line is True:
        # Progression on a "last line" v1 names nowhere: a line of unknown setting, so the
        # history does not read as "no systemic treatment".
        lines.append({"setting": LineSetting.unknown.value, "note": UNNAMED_LINE_NOTE})
    if lines and h.progressed_on_last_line is True:
        lines[-1]["stop_reason"] = StopReason.progression.value
    elif lines and h.progressed_on_last_line is False:
        note = lines[-1].get("note")
        lines[-1]["note"] = f"{note} {NO_PROGRESSION_NOTE}" if note else NO_PROGRESSION_NOTE
    return lines


def _radiotherapy_courses(value: Radiotherapy) -> list[dict[str, Any]]:
    if value == Radiotherapy.none:
        return []
    course: dict[str, Any] = {"timing": value.value}
    if value != Radiotherapy.palliative:
        course["target"] = RadiotherapyTarget.primary_site.value
    return [course]
