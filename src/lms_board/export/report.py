"""The full report PDF: everything the assessment holds, over as many pages as it takes.

All options with caveats and key numbers, what to discuss, everything not suitable, every
trial with what to check, the whole imaging plan and surveillance schedule, every reference
with its link, and the case notes in full. Each page carries the disclaimer and "page i of
n", drawn by fpdf2's own ``footer()`` with its total-pages alias.
"""

from __future__ import annotations

from datetime import date, datetime

from fpdf import FPDF

from lms_board import DISCLAIMER
from lms_board.assessment import Assessment
from lms_board.case import Case
from lms_board.decision import BoardDecision
from lms_board.export.fonts import NB_ALIAS, Paper, new_pdf
from lms_board.export.painter import AMBER, MUTED, NAVY, RED, RULE, Painter, Style
from lms_board.export.text import (
    DECISION_BLANKS,
    NO_NOT_SUITABLE,
    NO_OPTIONS,
    NO_PROMPTS,
    NO_QUESTION,
    TRIALS_CAUTION,
    RefIndex,
    board_text,
    case_facts,
    clean,
    decision_facts,
    generated_on,
    grade_text,
    imaging_groups,
    iso,
    knowledge_reviewed,
    one_line,
    presenter_text,
    provenance,
    ref_id_text,
    surveillance_evidence,
)
from lms_board.export.timeline import draw_timeline, timeline_height
from lms_board.wording import (
    PROMPTS_TITLE,
    classification_status,
    option_meta,
    prompt_label,
    registry_link,
    web_link,
)

MARGIN_X = 18.0
TOP = 16.0
BOTTOM = 16.0

TITLE = Style(16.0, bold=True, leading=1.2)
SUB = Style(9.0, color=MUTED)
H1 = Style(10.5, bold=True, color=NAVY, leading=1.5)
H2 = Style(8.8, bold=True, leading=1.4)
BODY = Style(8.6, leading=1.42)
BODY_B = Style(8.6, bold=True, leading=1.42)
BODY_I = Style(8.6, italic=True, leading=1.42)
SMALL = Style(7.6, color=MUTED, leading=1.4)
LABEL = Style(7.8, bold=True, color=MUTED, leading=1.42)
WARN = Style(8.6, bold=True, color=AMBER, leading=1.42)
BAD = Style(8.6, bold=True, color=RED, leading=1.42)
LINK = Style(7.6, color=NAVY, leading=1.4)
FOOT = Style(6.6, color=MUTED, leading=1.3)


class Flow:
    """A top-to-bottom writer that starts a new page whenever the next line would not fit."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.p = Painter(pdf)
        self.p.dry = False
        self.x = MARGIN_X
        self.w = pdf.w - 2 * MARGIN_X
        self.bottom = pdf.h - BOTTOM
        self.y = TOP

    def new_page(self) -> None:
        self.pdf.add_page()
        self.y = TOP

    def ensure(self, h: float) -> None:
        if self.y + h > self.bottom:
            self.new_page()

    def gap(self, h: float) -> None:
        self.y += h

    def para(
        self,
        text: str,
        style: Style = BODY,
        indent: float = 0.0,
        right: float = 0.0,
        link: str = "",
    ) -> None:
        """Every line of ``text``, breaking pages between lines."""
        width = self.w - indent - right
        for line in self.p.wrap(text, style, width):
            self.ensure(style.line_h)
            self.p.lines(self.x + indent, self.y, width, [line], style)
            if link:
                self.pdf.link(
                    self.x + indent, self.y, self.p.width(line, style), style.line_h, link
                )
            self.y += style.line_h

    def heading(self, title: str) -> None:
        self.ensure(H1.line_h + 3 * BODY.line_h)
        self.gap(2.0)
        self.p.lines(self.x, self.y, self.w, [title], H1)
        self.y += H1.line_h
        self.p.hline(self.x, self.x + self.w, self.y - 0.6, color=RULE, w=0.3)
        self.gap(1.2)

    def sub(self, title: str, style: Style = H2) -> None:
        self.ensure(style.line_h + 2 * BODY.line_h)
        self.gap(1.0)
        self.para(title, style)

    def kv(self, label: str, value: str, label_w: float = 26.0, style: Style = BODY) -> None:
        self.ensure(style.line_h)
        self.p.lines(self.x, self.y + (style.line_h - LABEL.line_h), label_w, [label], LABEL)
        self.para(value, style, indent=label_w)
        self.gap(0.6)

    def bullet(self, text: str, style: Style = BODY, cite: str = "", mark: str = "•") -> None:
        self.ensure(style.line_h)
        self.p.lines(self.x + 1.0, self.y, 4.0, [mark], style)
        self.para(text + (f"  {cite}" if cite else ""), style, indent=5.0)
        self.gap(0.5)


class Report:
    def __init__(
        self,
        pdf: FPDF,
        case: Case,
        assessment: Assessment,
        decision: BoardDecision | None,
        generated: date,
    ) -> None:
        self.f = Flow(pdf)
        self.case = case
        self.a = assessment
        self.decision = decision
        self.generated = generated
        self.refs = RefIndex(assessment.evidence)

    def cite(self, ids: list[str]) -> str:
        return self.refs.cite(ids)

    def write(self) -> None:
        f = self.f
        f.new_page()
        self.title()
        self.question()
        self.case_summary()
        self.classification()
        self.options()
        self.prompts()
        self.not_suitable()
        self.trials()
        self.imaging()
        self.board_decision()
        self.references()

    def title(self) -> None:
        f, c, a = self.f, self.case, self.a
        f.p.lines(f.x, f.y, f.w, ["LMS BOARD · FULL REPORT FOR THE SARCOMA TUMOUR BOARD"], LABEL)
        f.y += LABEL.line_h + 0.5
        f.para(c.case_id, TITLE)
        label = a.classification.label + (" (provisional)" if a.classification.provisional else "")
        f.para(label, Style(11.0, bold=True, color=NAVY, leading=1.4))
        f.para(f"{board_text(c)} · {presenter_text(c)} · generated {iso(self.generated)}", SUB)
        f.gap(2.0)

    def question(self) -> None:
        f = self.f
        f.heading("Question for the board")
        text = clean(self.case.question).strip()
        f.para(text or NO_QUESTION, BODY if text else BODY_I)

    def case_summary(self) -> None:
        f, c = self.f, self.case
        f.heading("Case")
        for fact in case_facts(c, self.a):
            for i, item in enumerate(fact.items or (fact.value,)):
                f.kv(fact.label if i == 0 else "", item)
        if c.notes:
            f.sub("Case notes")
            for paragraph in clean(c.notes).split("\n"):
                if paragraph.strip():
                    f.para(paragraph.strip(), BODY)
                    f.gap(1.0)

    def classification(self) -> None:
        f, a = self.f, self.a
        c = a.classification
        f.heading("Classification")
        f.para(f"{c.label}: {classification_status(a)}", BODY_B)
        f.gap(0.8)
        for r in c.rationale:
            f.bullet(r.text, cite=self.cite(r.evidence))
        f.sub("Grade and stage")
        f.kv("FNCLCC", grade_text(a.grade))
        s = a.stage
        f.kv("Stage system", s.system or "none applies")
        if s.system:
            f.kv("TNM", " ".join(x for x in (s.t, s.n, s.m) if x) or "not assessable")
            f.kv("Group", s.group or "no stage group")
        if s.note:
            f.kv("Note", s.note)
        f.sub(f"Open workup gaps ({len(a.workup_gaps)})", WARN if a.workup_gaps else H2)
        if not a.workup_gaps:
            f.para("None.", BODY_I)
        for g in a.workup_gaps:
            f.bullet(g.message, cite=self.cite(g.evidence), mark="!")
        f.sub(f"Flags ({len(a.flags)})", WARN if a.flags else H2)
        if not a.flags:
            f.para("None.", BODY_I)
        for fl in a.flags:
            f.bullet(fl.message, mark="▲")

    def section(self, title: str, count: int, empty: str, note: str = "") -> None:
        """A section's heading with its ``count``, ``note`` in small print, and ``empty``
        when the count is 0."""
        f = self.f
        f.heading(f"{title} ({count})")
        if note:
            f.para(note, SMALL)
        if not count:
            f.para(empty, BODY_I)

    def entries(self, entries: list[tuple[str, Style, str]]) -> None:
        """Entries of a title line (in its style) over an indented line of text."""
        f = self.f
        for title, style, text in entries:
            f.ensure(BODY.line_h * 2)
            f.para(title, style)
            f.para(one_line(text), BODY, indent=5.0)
            f.gap(0.8)

    def options(self) -> None:
        f, a = self.f, self.a
        self.section("Options for discussion", len(a.options), NO_OPTIONS)
        for i, o in enumerate(a.options, start=1):
            f.ensure(BODY_B.line_h * 4)
            f.gap(1.0)
            f.para(f"{i}. {o.name}  {self.cite(o.evidence)}", BODY_B)
            f.para(option_meta(o), Style(8.0, color=NAVY, leading=1.4), indent=5.0)
            if o.key_numbers:
                f.kv("Key numbers", one_line(o.key_numbers), label_w=24.0)
            for cav in o.caveats:
                f.bullet(f"Caveat: {one_line(cav)}", SMALL)

    def prompts(self) -> None:
        """What the board should consider or do for this patient beside the options."""
        a = self.a
        self.section(PROMPTS_TITLE, len(a.prompts), NO_PROMPTS)
        self.entries(
            [
                (f"{prompt_label(pr.code)}  {self.cite(pr.evidence)}", BODY_B, pr.message)
                for pr in a.prompts
            ]
        )

    def not_suitable(self) -> None:
        a = self.a
        self.section("Not suitable", len(a.not_suitable), NO_NOT_SUITABLE)
        self.entries(
            [(f"✗ {n.name}  {self.cite(n.evidence)}", BAD, n.reason) for n in a.not_suitable]
        )

    def trials(self) -> None:
        f, a = self.f, self.a
        count = len(a.trials)
        self.section("Trial examples", count, "No trial example for this case.", TRIALS_CAUTION)
        for t in a.trials:
            f.ensure(BODY.line_h * 4)
            f.gap(1.0)
            phase = f" · phase {t.phase}" if t.phase else ""
            f.para(f"{t.nct}: {one_line(t.title)}  {self.cite(t.evidence)}", BODY_B)
            f.para(
                f"Registry status: {one_line(t.status)} (as of {iso(t.status_as_of)}){phase}",
                Style(8.0, color=NAVY, leading=1.4),
                indent=5.0,
            )
            if t.why:
                f.kv("Why", one_line(t.why), label_w=24.0)
            for item in t.to_check:
                f.bullet(f"Check: {one_line(item)}", SMALL)
            url = registry_link(t.nct, t.url)
            f.para(url, LINK, indent=5.0, link=url)

    def imaging(self) -> None:
        f, plan = self.f, self.a.imaging
        f.heading("Imaging plan")
        for title, items in imaging_groups(plan):
            if not items:
                continue
            f.sub(title)
            for item in items:
                f.bullet(one_line(item.text), cite=self.cite(item.evidence))
        f.sub("Surveillance")
        if not plan.surveillance:
            f.para("No surveillance schedule.", BODY_I)
            return
        if plan.surveillance_basis:
            f.para(one_line(plan.surveillance_basis), BODY)
        rows = len({(v.modality, v.region) for v in plan.surveillance})
        h = timeline_height(plan.surveillance, max_rows=rows)
        f.ensure(h + 4)
        f.gap(1.5)
        draw_timeline(f.p, f.x, f.y, f.w, plan.surveillance, max_rows=rows)
        f.y += h + 2.0
        cited = self.cite(surveillance_evidence(plan))
        f.sub(f"Schedule ({len(plan.surveillance)} examinations)  {cited}")
        cols = (("Month", 16.0), ("Date", 26.0), ("Modality", 24.0), ("Region", 60.0))
        self._table_row([c for c, _ in cols], [w for _, w in cols], LABEL)
        for v in plan.surveillance:
            self._table_row(
                [str(v.month), iso(v.date) or "not dated", v.modality, v.region],
                [w for _, w in cols],
                BODY,
            )

    def _table_row(self, cells: list[str], widths: list[float], style: Style) -> None:
        f = self.f
        f.ensure(style.line_h)
        x = f.x
        for text, w in zip(cells, widths, strict=True):
            f.p.lines(x, f.y, w, [f.p.one_line(text, style, w - 1)], style)
            x += w
        f.y += style.line_h

    def board_decision(self) -> None:
        f = self.f
        f.ensure(H1.line_h + 45.0)  # keep the box on one page
        f.heading("Board recommendation")
        if self.decision is None:
            f.para("Not recorded yet: to be completed at the meeting.", BODY_I)
            for label in DECISION_BLANKS:
                f.ensure(8.0)
                f.p.lines(f.x, f.y + 3.0, 30.0, [label], SMALL)
                f.p.hline(f.x + 30.0, f.x + f.w, f.y + 7.0, color=RULE)
                f.y += 8.0
            return
        for fact in decision_facts(self.decision):
            f.kv(fact.label, fact.value, label_w=32.0)

    def references(self) -> None:
        f = self.f
        self.refs.include_all()
        f.heading(f"References ({len(self.refs.order)})")
        for n, _id, ref in self.refs.items():
            f.ensure(BODY.line_h * 2)
            f.p.lines(f.x, f.y, 7.0, [f"{n}."], Style(8.0, bold=True, color=NAVY, leading=1.42))
            f.para(one_line(ref.citation), Style(8.0, leading=1.42), indent=8.0)
            link = web_link(ref.link)
            handle = ref_id_text(ref)
            if link:
                f.para(
                    f"{handle} · {link}" if handle != link else link, LINK, indent=8.0, link=link
                )
            elif handle:
                f.para(handle, SMALL, indent=8.0)
            if ref.take_away:
                f.para(one_line(ref.take_away), SMALL, indent=8.0)
            f.gap(1.0)


class ReportPDF(FPDF):
    """The report's document: every page gets its footer from fpdf2 as it is finished."""

    info = ""

    def footer(self) -> None:
        p = Painter(self)
        p.dry = False
        x, w = MARGIN_X, self.w - 2 * MARGIN_X
        y = self.h - BOTTOM + 4.0
        p.hline(x, x + w, y - 1.0, color=RULE, w=0.3)
        p.lines(x, y, w, [p.one_line(DISCLAIMER, FOOT, w)], FOOT)
        page = self.page_no()
        # Room for the widest the label can be once the alias holds the page count.
        lw = p.width(f"Page {page} of {max(page, 99)}", FOOT) + 2
        p.lines(x, y + FOOT.line_h, w - lw, [p.one_line(self.info, FOOT, w - lw - 2)], FOOT)
        p.lines(x + w - lw, y + FOOT.line_h, lw, [f"Page {page} of {NB_ALIAS}"], FOOT, "R")


def footed_pdf(paper: Paper, *, title: str, info: str) -> ReportPDF:
    """A document whose every page gets the disclaimer, ``info`` and "page i of n"."""
    pdf = new_pdf(paper, title=title, document=ReportPDF, nb_alias=NB_ALIAS)
    assert isinstance(pdf, ReportPDF)
    pdf.info = info
    return pdf


def footer_info(what: str, generated: date) -> str:
    """``DEMO-01 · full report · generated 2026-12-03 · knowledge base reviewed … · LMS Board …``"""
    return f"{what} · {provenance(generated, knowledge_reviewed())}"


def render_report(
    case: Case,
    assessment: Assessment,
    *,
    paper: Paper = "a4",
    decision: BoardDecision | None = None,
    generated: date | datetime | None = None,
) -> bytes:
    """The full report PDF (several pages) for a case."""
    day = generated_on(generated)
    pdf = footed_pdf(
        paper,
        title=f"{case.case_id}: full tumour board report",
        info=footer_info(f"{case.case_id} · full report", day),
    )
    Report(pdf, case, assessment, decision, day).write()
    return bytes(pdf.output())
