"""The one-page board summary, A4 or US Letter: always exactly one page.

Long content is shortened by rule, never pushed to a second page: the layout is measured
with a budget (how many options, lines per note, …); when it does not fit, the least
important budget is tightened one step at a time (notes first, the question and the top
options last) and cut text ends with "…see full report".
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

from fpdf import FPDF

from lms_board import DISCLAIMER
from lms_board.assessment import Assessment, ImagingItem
from lms_board.case import Case
from lms_board.decision import BoardDecision
from lms_board.export.fonts import Paper, new_pdf
from lms_board.export.painter import (
    AMBER,
    FAINT,
    MUTED,
    NAVY,
    RED,
    RULE,
    TINT,
    WHITE,
    Painter,
    Style,
)
from lms_board.export.text import (
    DECISION_BLANKS,
    MORE,
    NO_NOT_SUITABLE,
    NO_QUESTION,
    RefIndex,
    board_text,
    case_facts,
    decision_facts,
    generated_on,
    history_fitted,
    history_text,
    imaging_groups,
    iso,
    knowledge_reviewed,
    next_visits,
    one_line,
    provenance,
    short_handle,
    surveillance_evidence,
)
from lms_board.export.timeline import draw_timeline
from lms_board.wording import PROMPTS_TITLE, cap, classification_status, option_meta, prompt_label

MARGIN_X = 14.0
MARGIN_TOP = 11.0
MARGIN_BOTTOM = 9.0
GUTTER = 7.0
LABEL_W = 17.0
RELAX_TRIES = 8
WRAP_LINES = 8  # no text on the page gets more lines than this
HISTORY_LINES = 2  # the history keeps two lines when the other facts are down to one
SECTION_GAP = 3.2
FOOTER_H = 8.4

KICKER = Style(6.4, bold=True, color=MUTED)
CASE_ID = Style(17.0, bold=True, leading=1.1)
BOARD = Style(8.6, bold=True, color=NAVY)
PRESENTER = Style(7.8, color=MUTED)
PILL = Style(8.2, bold=True, color=WHITE)
PILL_AMBER = Style(7.0, bold=True, color=AMBER)
HEAD = Style(7.0, bold=True, color=NAVY)
Q_LABEL = Style(6.4, bold=True, color=NAVY)
Q_TEXT = Style(9.4, leading=1.32)
LABEL = Style(6.9, bold=True, color=MUTED, leading=1.38)
BODY = Style(7.6, leading=1.38)
BODY_B = Style(7.6, bold=True, leading=1.38)
BODY_MUTED = Style(7.6, color=MUTED, leading=1.38)
SMALL = Style(6.9, color=MUTED, leading=1.36)
# No oblique face on the one-pager: fpdf2 embeds every face it loads, and a third face costs
# about 30 ms of font subsetting per PDF. Notes and hints use colour instead.
NOTE = Style(7.2, color=(70, 76, 84), leading=1.36)
MORE_STYLE = Style(6.8, color=MUTED)
CLASS_LABEL = Style(10.0, bold=True, color=NAVY, leading=1.25)
SUBHEAD_AMBER = Style(6.9, bold=True, color=AMBER, leading=1.4)
SUBHEAD = Style(6.9, bold=True, color=MUTED, leading=1.4)
OPT_NO = Style(8.4, bold=True, color=NAVY, leading=1.32)
OPT_NAME = Style(8.4, bold=True, leading=1.32)
OPT_META = Style(6.9, color=NAVY, leading=1.36)
REFS = Style(6.6, color=MUTED, leading=1.32)
NS_NAME = Style(7.6, bold=True, color=RED, leading=1.38)
TRIAL_ID = Style(7.6, bold=True, leading=1.38)
REF_TEXT = Style(6.1, color=MUTED, leading=1.3)
REF_NO = Style(6.1, bold=True, color=NAVY, leading=1.3)
FOOT = Style(6.2, color=MUTED, leading=1.3)
SHORTENED = "Shortened to one page: the full report has every item."
FOOT_I = Style(6.2, color=AMBER, leading=1.3)
FOOT_B = Style(6.2, bold=True, color=MUTED, leading=1.3)
WRITE = Style(7.0, color=FAINT)


@dataclass(frozen=True)
class Budget:
    """How much of each section the page shows."""

    question: int = 5
    notes: int = 5
    fact_lines: int = 3
    reasons: int = 4
    reason_lines: int = 2
    gaps: int = 6
    gap_lines: int = 2
    flags: int = 4
    flag_lines: int = 2
    options: int = 6
    option_name_lines: int = 2
    option_detail: int = 3
    prompts: int = 4
    prompt_lines: int = 2
    not_suitable: int = 4
    ns_lines: int = 3
    trials: int = 3
    trial_lines: int = 3
    imaging_items: int = 4
    imaging_lines: int = 2
    next_visits: int = 3
    timeline_rows: int = 4
    write_lines: int = 4
    decision_lines: int = 3


#: Tightening steps, least important first; applied one at a time until the page fits.
TIGHTEN: tuple[tuple[str, int], ...] = (
    ("notes", 4),
    ("trial_lines", 2),
    ("ns_lines", 2),
    ("option_detail", 2),
    ("notes", 3),
    ("question", 4),
    ("write_lines", 3),
    ("notes", 2),
    ("fact_lines", 2),
    ("imaging_lines", 1),
    ("trial_lines", 1),
    ("ns_lines", 1),
    ("option_detail", 1),
    ("prompt_lines", 1),
    ("decision_lines", 2),
    ("notes", 1),
    ("write_lines", 2),
    ("imaging_items", 3),
    ("options", 5),
    ("prompts", 3),
    ("not_suitable", 3),
    ("trials", 2),
    ("question", 3),
    ("option_detail", 0),
    ("reason_lines", 1),
    ("gap_lines", 1),
    ("flag_lines", 1),
    ("reasons", 3),
    ("gaps", 5),
    ("options", 4),
    ("prompts", 2),
    ("imaging_items", 2),
    ("notes", 0),
    ("fact_lines", 1),
    ("timeline_rows", 3),
    ("not_suitable", 2),
    ("question", 2),
    ("reasons", 2),
    ("gaps", 4),
    ("flags", 3),
    ("next_visits", 2),
    ("decision_lines", 1),
    ("options", 3),
    ("prompts", 1),
    ("trials", 1),
    ("not_suitable", 1),
    ("imaging_items", 1),
    ("option_name_lines", 1),
    ("gaps", 3),
    ("flags", 2),
    ("timeline_rows", 2),
    ("reasons", 1),
    ("write_lines", 1),
)


def budgets() -> list[Budget]:
    """The budget ladder: generous first, each next one a single step tighter."""
    out = [Budget()]
    for name, value in TIGHTEN:
        out.append(dataclasses.replace(out[-1], **{name: value}))
    return out


@dataclass(frozen=True)
class Sheet:
    """Everything the page prints that does not come from the case or the assessment."""

    generated: date
    reviewed: date | None
    decision: BoardDecision | None = None
    page_label: str = "Page 1 of 1"


class OnePager:
    """Lays out one case on the current page of ``pdf`` within a :class:`Budget`."""

    def __init__(self, pdf: FPDF, case: Case, assessment: Assessment, sheet: Sheet) -> None:
        self.pdf = pdf
        self.p = Painter(pdf, wrap_lines=WRAP_LINES)
        self.case = case
        self.a = assessment
        self.sheet = sheet
        self.x = MARGIN_X
        self.w = pdf.w - 2 * MARGIN_X
        self.footer_top = pdf.h - MARGIN_BOTTOM - FOOTER_H
        self.b = Budget()
        self.refs = RefIndex(assessment.evidence)
        self.cut_refs = False
        self.facts = case_facts(case, assessment)
        self.notes = one_line(case.notes)
        self.question_text = one_line(case.question)
        self.imaging_list = self.imaging_items()

    # ---- driver -------------------------------------------------------------------------
    def measure(self, budget: Budget) -> float:
        """The bottom of the content (mm from the top) under ``budget``."""
        self.p.dry = True
        return self._run(budget)

    def fits(self, budget: Budget) -> bool:
        return self.measure(budget) <= self.footer_top - 1.5

    def choose(self) -> Budget | None:
        """The richest budget that fits, or ``None`` when even the tightest does not.

        Binary search on the ladder (heights only shrink along it), then give back, most
        important first, the earlier steps the remaining room allows.
        """
        ladder = budgets()
        if self.fits(ladder[0]):
            return ladder[0]
        if not self.fits(ladder[-1]):
            return None
        lo, hi = 0, len(ladder) - 1  # ladder[lo] does not fit, ladder[hi] does
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.fits(ladder[mid]):
                hi = mid
            else:
                lo = mid
        budget = ladder[hi]
        for j in range(hi - 1, max(-1, hi - 1 - RELAX_TRIES), -1):
            name = TIGHTEN[j][0]
            before, after = getattr(ladder[j], name), getattr(ladder[j + 1], name)
            if getattr(budget, name) != after:
                continue
            candidate = dataclasses.replace(budget, **{name: before})
            if self.fits(candidate):
                budget = candidate
        return budget

    def draw(self) -> Budget:
        """Paint the page with the richest budget that fits; return that budget."""
        chosen = self.choose()
        if chosen is None:  # Not reached for valid cases; references are then cut to fit.
            chosen = budgets()[-1]
            self.cut_refs = True
        self.p.dry = False
        self.p.cuts = 0
        self._run(chosen)
        return chosen

    def _run(self, budget: Budget) -> float:
        self.b = budget
        self.refs = RefIndex(self.a.evidence)
        y = MARGIN_TOP
        y = self.header(y)
        y = self.question(y) + SECTION_GAP
        y = self.case_and_classification(y) + SECTION_GAP
        y = self.options(y) + SECTION_GAP
        y = self.prompts(y)
        y = self.not_suitable_and_trials(y) + SECTION_GAP
        y = self.imaging(y) + SECTION_GAP
        y = self.recommendation(y) + SECTION_GAP
        y = self.references(y)
        self.footer()
        return y

    # ---- helpers ------------------------------------------------------------------------
    def heading(self, x: float, y: float, w: float, title: str, note: str = "") -> float:
        p = self.p
        h = HEAD.line_h + 1.4
        if not p.dry:
            p.spans(x, y, w, [(title.upper(), HEAD), (f"   {note}" if note else "", SMALL)])
            p.hline(x, x + w, y + HEAD.line_h + 0.5, color=RULE, w=0.3)
        return h

    def more(self, x: float, y: float, w: float, hidden: int, noun: str) -> float:
        """``+2 more options: see the full report`` when items were left out."""
        if hidden <= 0:
            return 0.0
        self.p.cuts += 1
        plural = noun if hidden > 1 else noun.removesuffix("s")
        return self.p.text(x, y, w, f"+{hidden} more {plural}: see the full report", MORE_STYLE, 1)

    def cited(
        self,
        x: float,
        y: float,
        w: float,
        text: str,
        style: Style,
        ids: list[str],
        max_lines: int,
        more: str = "…",
    ) -> float:
        """Text with its reference numbers in a narrow right-hand column."""
        cite = self.refs.cite(ids)
        cite_w = self.p.width(cite, REFS) + 1.5 if cite else 0.0
        h = self.p.text(x, y, w - cite_w, text, style, max_lines, more)
        if cite and not self.p.dry:
            self.p.lines(
                x + w - cite_w, y + (style.line_h - REFS.line_h), cite_w, [cite], REFS, "R"
            )
        return h

    def bullet(
        self,
        x: float,
        y: float,
        w: float,
        text: str,
        style: Style,
        ids: list[str],
        max_lines: int,
        mark: str = "•",
        mark_style: Style | None = None,
    ) -> float:
        if not self.p.dry:
            self.p.lines(x, y, 3.2, [mark], mark_style or style)
        return self.cited(x + 3.2, y, w - 3.2, text, style, ids, max_lines)

    # ---- sections -----------------------------------------------------------------------
    def header(self, y: float) -> float:
        p, x, w, c = self.p, self.x, self.w, self.case
        board = board_text(c)
        if not p.dry:
            p.lines(
                x, y, w * 0.7, ["SARCOMA MULTIDISCIPLINARY TUMOUR BOARD · LEIOMYOSARCOMA"], KICKER
            )
            p.lines(x + w * 0.5, y - 0.6, w * 0.5, [board], BOARD, "R")
        y += KICKER.line_h + 1.2
        label = self.a.classification.label
        pill_w = p.width(label, PILL) + 7.0
        pill_h = 6.4
        if not p.dry:
            room = w - pill_w - 6
            style = CASE_ID
            while p.width(c.case_id, style) > room and style.size > 10:
                style = dataclasses.replace(style, size=style.size - 1)
            offset = CASE_ID.line_h - style.line_h
            p.lines(x, y + offset * 0.7, room, [p.one_line(c.case_id, style, room)], style)
            px = x + w - pill_w
            py = y + (CASE_ID.line_h - pill_h) / 2
            p.rect(px, py, pill_w, pill_h, fill=NAVY, radius=3.2)
            p.lines(px, py + (pill_h - PILL.line_h) / 2, pill_w, [label], PILL, "C")
            if self.a.classification.provisional:
                tag = "PROVISIONAL: open workup gaps could change it"
                p.lines(x + w - 90, py + pill_h + 0.8, 90, [tag], PILL_AMBER, "R")
        y += CASE_ID.line_h + 0.4
        presenter = (
            f"Presented by {one_line(c.presenter)}" if c.presenter else "Presenter not recorded"
        )
        y += p.text(x, y, w - 92, presenter, PRESENTER, 1, more="…")
        return y + 2.2

    def question(self, y: float) -> float:
        p, x, w = self.p, self.x, self.w
        text = self.question_text or NO_QUESTION
        style = Q_TEXT if self.case.question else dataclasses.replace(Q_TEXT, color=MUTED)
        inner_x, inner_w = x + 5.0, w - 8.0
        lines = p.fit(text, style, inner_w, self.b.question)
        h = 2.2 + Q_LABEL.line_h + 0.3 + len(lines) * style.line_h + 2.0
        if not p.dry:
            p.rect(x, y, w, h, fill=TINT)
            p.rect(x, y, 1.2, h, fill=NAVY)
            p.lines(inner_x, y + 2.2, inner_w, ["QUESTION FOR THE BOARD"], Q_LABEL)
            p.lines(inner_x, y + 2.2 + Q_LABEL.line_h + 0.3, inner_w, lines, style)
        return y + h

    def case_and_classification(self, y: float) -> float:
        """Case facts left, classification right; the split that makes the shorter block."""
        dry = self.p.dry
        self.p.dry = True
        best: tuple[float, float] | None = None
        for share in (0.6, 0.55, 0.65, 0.5):
            left_w = (self.w - GUTTER) * share
            mark = len(self.refs.order)
            h = max(
                self.case_summary(self.x, y, left_w),
                self.classification(self.x + left_w + GUTTER, y, self.w - GUTTER - left_w),
            )
            del self.refs.order[mark:]
            if best is None or h < best[0] - 0.5:
                best = (h, left_w)
        self.p.dry = dry
        assert best is not None
        left_w = best[1]
        h_left = self.case_summary(self.x, y, left_w)
        h_right = self.classification(self.x + left_w + GUTTER, y, self.w - GUTTER - left_w)
        return y + max(h_left, h_right)

    def case_summary(self, x: float, y: float, w: float) -> float:
        p = self.p
        y0 = y
        y += self.heading(x, y, w, "Case")
        label_w = LABEL_W
        for fact in self.facts:
            if not p.dry:
                p.lines(x, y + (BODY.line_h - LABEL.line_h), label_w, [fact.label], LABEL)
            value, room = fact.value, self.b.fact_lines
            if fact.label == "History":
                room = max(room, HISTORY_LINES)
                value = self.history(w - label_w, room)
            y += p.text(x + label_w, y, w - label_w, value, BODY, room, "…")
            y += 0.5
        notes = self.notes
        if notes:
            if not p.dry:
                p.lines(x, y + (NOTE.line_h - LABEL.line_h), label_w, ["Notes"], LABEL)
            if self.b.notes > 0:
                y += p.text(x + label_w, y, w - label_w, notes, NOTE, self.b.notes)
            else:
                p.cuts += 1
                y += p.text(x + label_w, y, w - label_w, "see the full report", MORE_STYLE, 1)
            y += 0.5
        return y - y0

    def history(self, w: float, room: int) -> str:
        """The history in ``room`` lines; the oldest treatment lines give way first."""

        def fits(text: str) -> bool:
            return len(self.p.wrap(text, BODY, w)) <= room

        fitted = history_fitted(self.case, fits)
        if fitted != history_text(self.case):
            self.p.cuts += 1
        return fitted

    def classification(self, x: float, y: float, w: float) -> float:
        p, a, b = self.p, self.a, self.b
        y0 = y
        y += self.heading(x, y, w, "Classification")
        c = a.classification
        status = classification_status(a)
        if p.width(f"{c.label}   {status}", CLASS_LABEL) <= w:
            y += p.spans(x, y, w, [(c.label, CLASS_LABEL), (f"   {status}", SMALL)]) + 0.6
        else:
            y += p.text(x, y, w, c.label, CLASS_LABEL, 2, "…")
            y += p.text(x, y, w, status, SMALL, 1) + 0.6
        shown = c.rationale[: b.reasons]
        for r in shown:
            y += self.bullet(x, y, w, r.text, BODY, r.evidence, b.reason_lines) + 0.4
        y += self.more(x + 3.2, y, w - 3.2, len(c.rationale) - len(shown), "reasons")
        y += 1.2
        if a.workup_gaps:
            y += p.text(x, y, w, f"OPEN WORKUP GAPS ({len(a.workup_gaps)})", SUBHEAD_AMBER, 1)
            gaps = a.workup_gaps[: b.gaps]
            for g in gaps:
                y += (
                    self.bullet(
                        x, y, w, g.message, BODY, g.evidence, b.gap_lines, "!", SUBHEAD_AMBER
                    )
                    + 0.4
                )
            y += self.more(x + 3.2, y, w - 3.2, len(a.workup_gaps) - len(gaps), "gaps")
        else:
            y += p.text(x, y, w, "No open workup gaps.", BODY_MUTED, 1)
        if a.flags:
            y += 1.2
            y += p.text(x, y, w, "FLAGS FOR THE BOARD", SUBHEAD_AMBER, 1)
            flags = a.flags[: b.flags]
            for f in flags:
                y += (
                    self.bullet(x, y, w, f.message, BODY, [], b.flag_lines, "▲", SUBHEAD_AMBER)
                    + 0.4
                )
            y += self.more(x + 3.2, y, w - 3.2, len(a.flags) - len(flags), "flags")
        return y - y0

    def options(self, y: float) -> float:
        p, a, b, x, w = self.p, self.a, self.b, self.x, self.w
        total = len(a.options)
        y += self.heading(x, y, w, "Options for discussion", f"{total} listed" if total else "")
        if not a.options:
            y += p.text(x, y, w, "No options listed for this case.", BODY_MUTED, 1)
            return y
        num_w = 5.0
        shown = a.options[: b.options]
        for i, o in enumerate(shown, start=1):
            if not p.dry:
                p.lines(x, y, num_w, [f"{i}"], OPT_NO)
            y += self.option_title(x + num_w, y, w - num_w, o.name, option_meta(o), o.evidence)
            detail = " ".join(
                bit
                for bit in (one_line(o.key_numbers), *(f"Caveat: {one_line(c)}" for c in o.caveats))
                if bit
            )
            if detail and b.option_detail > 0:
                y += p.text(x + num_w, y, w - num_w, detail, SMALL, b.option_detail)
            y += 1.3
        y += self.more(x + num_w, y, w - num_w, total - len(shown), "options")
        return y

    def prompts(self, y: float) -> float:
        """What the board should consider or do beside the options ("To discuss")."""
        a, b, x, w = self.a, self.b, self.x, self.w
        if not a.prompts:
            return y
        y += self.heading(x, y, w, PROMPTS_TITLE, f"{len(a.prompts)} for this patient")
        shown = a.prompts[: b.prompts]
        for pr in shown:
            # The message names its topic ("Cardio-oncology: …", "Age 29, before …: discuss
            # fertility preservation"); the short label is for lists without room.
            text = one_line(pr.message)
            y += self.bullet(x, y, w, text, BODY, pr.evidence, b.prompt_lines, "▸", HEAD) + 0.4
        hidden = a.prompts[len(shown) :]
        if hidden:  # the rest by name, so none is lost from the page
            self.p.cuts += 1
            names = "; ".join(prompt_label(pr.code) for pr in hidden)
            y += self.p.text(
                x + 3.2, y, w - 3.2, f"Also: {names} (see the full report)", MORE_STYLE, 2, "…"
            )
        return y + SECTION_GAP

    def option_title(
        self, x: float, y: float, w: float, name: str, meta: str, ids: list[str]
    ) -> float:
        """The name, its line of modality · intent · strength · setting, and references."""
        p = self.p
        cite = self.refs.cite(ids)
        cite_w = p.width(cite, REFS) + 1.5 if cite else 0.0
        room = w - cite_w
        h = p.text(x, y, room, name, OPT_NAME, self.b.option_name_lines, "…")
        h += p.text(x, y + h, room, meta, OPT_META, 1, "…")
        if cite and not p.dry:
            p.lines(x + room, y + (OPT_NAME.line_h - REFS.line_h), cite_w, [cite], REFS, "R")
        return h

    def not_suitable_and_trials(self, y: float) -> float:
        half = (self.w - GUTTER) / 2
        h1 = self.not_suitable(self.x, y, half)
        h2 = self.trials(self.x + half + GUTTER, y, half)
        return y + max(h1, h2)

    def not_suitable(self, x: float, y: float, w: float) -> float:
        p, a, b = self.p, self.a, self.b
        y0 = y
        y += self.heading(x, y, w, "Not suitable")
        if not a.not_suitable:
            y += p.text(x, y, w, NO_NOT_SUITABLE, BODY_MUTED, 1)
            return y - y0
        shown = a.not_suitable[: b.not_suitable]
        for n in shown:
            y += self.cited(x, y, w, n.name, NS_NAME, n.evidence, 2)
            y += p.text(x, y, w, one_line(n.reason), SMALL, b.ns_lines) + 0.9
        y += self.more(x, y, w, len(a.not_suitable) - len(shown), "items")
        return y - y0

    def trials(self, x: float, y: float, w: float) -> float:
        p, a, b = self.p, self.a, self.b
        y0 = y
        y += self.heading(x, y, w, "Trial examples", "check eligibility and status")
        if not a.trials:
            y += p.text(x, y, w, "No trial example for this case.", BODY_MUTED, 1)
            return y - y0
        shown = a.trials[: b.trials]
        for t in shown:
            as_of = f"as of {iso(t.status_as_of)}"
            as_of_w = p.width(as_of, SMALL) + 1.0
            if not p.dry:
                p.lines(
                    x + w - as_of_w,
                    y + (TRIAL_ID.line_h - SMALL.line_h),
                    as_of_w,
                    [as_of],
                    SMALL,
                    "R",
                )
            y += p.spans(
                x,
                y,
                w - as_of_w - 1.0,
                [(t.nct, TRIAL_ID), (f"  {one_line(t.status)}", BODY_MUTED)],
            )
            text = one_line(t.title) + (f" {chr(0x2014)} {one_line(t.why)}" if t.why else "")
            y += p.text(x, y, w, text, SMALL, b.trial_lines) + 0.9
        y += self.more(x, y, w, len(a.trials) - len(shown), "trials")
        return y - y0

    def imaging_items(self) -> list[tuple[str, ImagingItem]]:
        groups = imaging_groups(self.a.imaging, short=True)
        out: list[tuple[str, ImagingItem]] = []
        depth = max((len(items) for _, items in groups), default=0)
        for i in range(depth):
            for label, items in groups:
                if i < len(items):
                    out.append((label, items[i]))
        return out

    def imaging(self, y: float) -> float:
        p, a, b, x, w = self.p, self.a, self.b, self.x, self.w
        plan = a.imaging
        basis = one_line(plan.surveillance_basis)
        y += self.heading(x, y, w, "Imaging plan")
        items = self.imaging_list
        order = [title for title, _ in imaging_groups(plan, short=True)]
        # The first item of every section gets in first; they print grouped by section.
        shown = sorted(items[: b.imaging_items], key=lambda li: order.index(li[0]))
        label_w = LABEL_W
        previous = ""
        for label, item in shown:
            if not p.dry and label != previous:
                p.lines(x, y + (BODY.line_h - LABEL.line_h), label_w, [label], LABEL)
            previous = label
            y += (
                self.cited(
                    x + label_w,
                    y,
                    w - label_w,
                    one_line(item.text),
                    BODY,
                    item.evidence,
                    b.imaging_lines,
                )
                + 0.4
            )
        y += self.more(x + label_w, y, w - label_w, len(items) - len(shown), "imaging items")
        if not items and not plan.surveillance:
            y += p.text(x, y, w, "No imaging plan.", BODY_MUTED, 1)
            return y
        if plan.surveillance:
            y += 1.2
            title = (
                basis
                if basis.lower().startswith("surveillance")
                else ("Surveillance" + (f": {basis}" if basis else ""))
            )
            ids = surveillance_evidence(plan)
            y += self.cited(x, y, w, title, SUBHEAD, ids, b.imaging_lines) + 0.6
            upcoming = next_visits(plan.surveillance, self.sheet.generated, b.next_visits)
            y += draw_timeline(
                p, x, y, w, plan.surveillance, [g.month for g in upcoming], b.timeline_rows
            )
            y += 0.8
            if upcoming:
                parts: list[tuple[str, Style]] = [("Next  ", SUBHEAD)]
                for i, g in enumerate(upcoming):
                    sep = "   ·   " if i else ""
                    parts.append((sep + g.when + " ", BODY_B))
                    parts.append((g.what, BODY))
                y += p.spans(x, y, w, parts)
            else:
                y += p.text(
                    x, y, w, "No surveillance visit after today in the plan.", BODY_MUTED, 1
                )
        return y

    def recommendation(self, y: float) -> float:
        p, x, w, b = self.p, self.x, self.w, self.b
        decision = self.sheet.decision
        pad = 2.6
        inner_x, inner_w = x + pad + 1.2, w - 2 * pad - 1.2
        yy = y + pad
        title = "BOARD RECOMMENDATION"
        note = (
            f"decided {iso(decision.decided_at)}" if decision else "to be completed at the meeting"
        )
        if not p.dry:
            p.spans(inner_x, yy, inner_w, [(title, HEAD), (f"   {note}", SMALL)])
        yy += HEAD.line_h + 1.0
        if decision is not None:
            label_w = 26.0
            for fact in decision_facts(decision):
                if fact.label == "Decided":
                    continue
                style = BODY_B if fact.label == "Recommendation" else BODY
                lines = b.decision_lines + 2 if fact.label == "Recommendation" else b.decision_lines
                if not p.dry:
                    p.lines(
                        inner_x, yy + (style.line_h - LABEL.line_h), label_w, [fact.label], LABEL
                    )
                yy += (
                    p.text(inner_x + label_w, yy, inner_w - label_w, fact.value, style, lines) + 0.4
                )
            present = ", ".join(one_line(s) for s in decision.specialties_present)
            if present:
                yy += p.text(inner_x, yy, inner_w, f"Present: {present}", SMALL, 1, more="…")
        else:
            row_h = 6.2
            for i in range(b.write_lines):
                label = DECISION_BLANKS[i] if i < len(DECISION_BLANKS) else ""
                if not p.dry:
                    p.lines(inner_x, yy + row_h - 3.4, 26, [label], WRITE)
                    p.hline(inner_x + 26, inner_x + inner_w, yy + row_h - 0.6, color=RULE, w=0.25)
                yy += row_h
        h = yy - y + pad
        if not p.dry:
            p.rect(x, y, w, h, stroke=NAVY, line_w=0.35, radius=1.5)
            p.rect(x, y, 1.2, h, fill=NAVY)
        return y + h

    def references(self, y: float) -> float:
        p, x, w = self.p, self.x, self.w
        items = self.refs.items()
        if not items:
            return y
        y += self.heading(x, y, w, "References")
        col_w = (w - GUTTER) / 2
        per_col = -(-len(items) // 2)
        limit = self.footer_top - 1.0
        drawn = 0
        for i, (n, _id, ref) in enumerate(items):
            col, row = divmod(i, per_col)
            cx = x + col * (col_w + GUTTER)
            cy = y + row * REF_TEXT.line_h
            if self.cut_refs and cy + 2 * REF_TEXT.line_h > limit:
                break
            drawn += 1
            if p.dry:
                continue
            num = f"{n}"
            p.lines(cx, cy, 4.0, [num], REF_NO, "R")
            handle = p.one_line(short_handle(ref), REF_TEXT, col_w * 0.4)
            handle_w = p.width(handle, REF_TEXT) + 1.0 if handle else 0.0
            room = col_w - 5.2 - handle_w
            p.lines(
                cx + 5.2, cy, room, [p.one_line(one_line(ref.citation), REF_TEXT, room)], REF_TEXT
            )
            if handle:
                p.lines(cx + col_w - handle_w, cy, handle_w, [handle], REF_TEXT, "R")
        rows = min(per_col, drawn)
        y += rows * REF_TEXT.line_h
        if drawn < len(items):
            y += p.text(x, y, w, f"+{len(items) - drawn} more references {MORE}", MORE_STYLE, 1)
        return y

    def footer(self) -> None:
        p, x, w = self.p, self.x, self.w
        if p.dry:
            return
        y = self.footer_top + 1.0
        p.hline(x, x + w, y, color=RULE, w=0.3)
        y += 1.4
        p.lines(x, y, w, [p.one_line(DISCLAIMER, FOOT_B, w)], FOOT_B)
        if p.cuts:
            p.lines(x + w / 2, y, w / 2, [SHORTENED], FOOT_I, "R")
        y += FOOT.line_h
        made = cap(provenance(self.sheet.generated, self.sheet.reviewed))
        info = f"{made} · case {self.case.case_id}"
        label_w = p.width(self.sheet.page_label, FOOT) + 2
        p.lines(x, y, w - label_w, [p.one_line(info, FOOT, w - label_w - 2)], FOOT)
        p.lines(x + w - label_w, y, label_w, [self.sheet.page_label], FOOT, "R")


def make_sheet(
    decision: BoardDecision | None,
    generated: date | datetime | None,
    page_label: str = "Page 1 of 1",
) -> Sheet:
    return Sheet(
        generated=generated_on(generated),
        reviewed=knowledge_reviewed(),
        decision=decision,
        page_label=page_label,
    )


def draw_onepager(pdf: FPDF, case: Case, assessment: Assessment, sheet: Sheet) -> Budget:
    """Add one page to ``pdf`` holding the case's one-pager; return the budget used."""
    pdf.add_page()
    return OnePager(pdf, case, assessment, sheet).draw()


def render_onepager(
    case: Case,
    assessment: Assessment,
    *,
    paper: Paper = "a4",
    decision: BoardDecision | None = None,
    generated: date | datetime | None = None,
) -> bytes:
    """The one-page PDF for a case (A4 or US Letter); always exactly one page."""
    pdf = new_pdf(paper, title=f"{case.case_id}: tumour board one-pager")
    draw_onepager(pdf, case, assessment, make_sheet(decision, generated))
    return bytes(pdf.output())
