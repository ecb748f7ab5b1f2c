"""The case and its assessment as one JSON document: ``{"case": ..., "assessment": ...}``.

``case`` is case-format JSON (``Case.to_json_dict``: it loads back with ``parse_case``);
``assessment`` is the assessment object of ``lms-board assess``. The board decision, when
given, the disclaimer and the dates ride along under ``decision`` and ``export``.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from lms_board import DISCLAIMER, __version__
from lms_board.assessment import Assessment
from lms_board.bidi import escape_bidi_in_json
from lms_board.case import Case
from lms_board.decision import BoardDecision
from lms_board.export.text import generated_on, iso, knowledge_reviewed


def export_dict(
    case: Case,
    assessment: Assessment,
    *,
    decision: BoardDecision | None = None,
    generated: date | datetime | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "case": case.to_json_dict(),
        "assessment": assessment.to_json_dict(),
    }
    if decision is not None:
        out["decision"] = decision.model_dump(mode="json")
    out["export"] = {
        "disclaimer": DISCLAIMER,
        "generated": iso(generated_on(generated)),
        "knowledge_reviewed": iso(knowledge_reviewed()),
        "lms_board_version": __version__,
    }
    return out


def render_json(
    case: Case,
    assessment: Assessment,
    *,
    decision: BoardDecision | None = None,
    generated: date | datetime | None = None,
) -> str:
    """Pretty-printed UTF-8 JSON of the case and its assessment."""
    data = export_dict(case, assessment, decision=decision, generated=generated)
    return escape_bidi_in_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
