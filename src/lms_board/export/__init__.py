"""Board-ready exports of a case: one-page PDF, full report PDF, HTML, Markdown, JSON and a
PowerPoint slide; and of a whole meeting: the board packet. Pure functions, bytes out.

``export_bytes(case, assessment, "pdf")`` is the one switch the CLI and the Export page use;
the per-format functions are importable for callers that want the text forms as ``str``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol, get_args

from lms_board.assessment import Assessment
from lms_board.case import Case
from lms_board.decision import BoardDecision
from lms_board.export.fonts import PAPERS, Paper
from lms_board.export.html_doc import render_html
from lms_board.export.json_doc import render_json
from lms_board.export.markdown_doc import render_markdown
from lms_board.export.onepager import render_onepager
from lms_board.export.packet import render_packet
from lms_board.export.report import render_report
from lms_board.export.slides import render_slides

Format = Literal["pdf", "report", "html", "md", "json", "pptx"]
FORMATS: tuple[Format, ...] = get_args(Format)


@dataclass(frozen=True)
class FormatInfo:
    label: str
    suffix: str
    mime: str


FORMAT_INFO: dict[Format, FormatInfo] = {
    "pdf": FormatInfo("One-page PDF", ".pdf", "application/pdf"),
    "report": FormatInfo("Full report PDF", "-report.pdf", "application/pdf"),
    "html": FormatInfo("HTML", ".html", "text/html"),
    "md": FormatInfo("Markdown", ".md", "text/markdown"),
    "json": FormatInfo("JSON", ".json", "application/json"),
    "pptx": FormatInfo(
        "PowerPoint slide",
        ".pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}


def file_name(case_id: str, fmt: Format) -> str:
    """``LMS-EX-01.pdf``, ``LMS-EX-01-report.pdf`` … (case ids are file-name safe)."""
    return f"{case_id}{FORMAT_INFO[fmt].suffix}"


def export_bytes(
    case: Case,
    assessment: Assessment,
    fmt: Format,
    *,
    paper: Paper = "a4",
    decision: BoardDecision | None = None,
    generated: date | datetime | None = None,
) -> bytes:
    """The case exported as ``fmt`` (text formats as UTF-8)."""
    if fmt == "pdf":
        return render_onepager(
            case, assessment, paper=paper, decision=decision, generated=generated
        )
    if fmt == "report":
        return render_report(case, assessment, paper=paper, decision=decision, generated=generated)
    if fmt == "html":
        return render_html(case, assessment, decision=decision, generated=generated).encode()
    if fmt == "md":
        return render_markdown(case, assessment, decision=decision, generated=generated).encode()
    if fmt == "json":
        return render_json(case, assessment, decision=decision, generated=generated).encode()
    if fmt == "pptx":
        return render_slides([(case, assessment)], generated=generated)
    raise ValueError(f"format: must be one of {', '.join(FORMATS)} (got {fmt!r})")


class EventLog(Protocol):
    """Where an export is recorded (``lms_board.store.CaseStore`` is one)."""

    def log_event(
        self, user: str, action: str, case_id: str | None = None, detail: str = ""
    ) -> None: ...


def export_logged(
    log: EventLog,
    user: str,
    case: Case,
    assessment: Assessment,
    fmt: Format,
    *,
    paper: Paper = "a4",
    decision: BoardDecision | None = None,
) -> bytes:
    """``export_bytes`` and an ``export`` line in the audit log (what the Export page serves)."""
    data = export_bytes(case, assessment, fmt, paper=paper, decision=decision)
    detail = f"format={fmt} paper={paper}" + (" with decision" if decision else "")
    log.log_event(user, "export", case_id=case.case_id, detail=detail)
    return data


__all__ = [
    "FORMATS",
    "FORMAT_INFO",
    "PAPERS",
    "EventLog",
    "Format",
    "FormatInfo",
    "Paper",
    "export_bytes",
    "export_logged",
    "file_name",
    "render_html",
    "render_json",
    "render_markdown",
    "render_onepager",
    "render_packet",
    "render_report",
    "render_slides",
]
