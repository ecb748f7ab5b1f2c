"""Words every export shares: case facts, grade and stage lines, reference numbers, dates.

Presentation only: values come from the ``Case`` and the ``Assessment``; nothing here
decides anything clinical. Example: ``Grade(differentiation=2, mitoses=3, necrosis=1, …)``
reads "G3 (differentiation 2 + mitoses 3 + necrosis 1 = 6)".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from lms_board import __version__
from lms_board.assessment import (
    Assessment,
    EvidenceRef,
    Grade,
    ImagingItem,
    ImagingPlan,
    Stage,
    SurveillanceVisit,
)
from lms_board.case import Case, NumberedLine, RadiotherapyCourse
from lms_board.decision import BoardDecision
from lms_board.wording import DASH, cap, drug_label, ihc_sign, label, marker_label, yes_no

MORE = "…see full report"

#: Control characters, and the bidi controls that would make a document read otherwise
#: than the stored text (lms_board.bidi): documents leave them out.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e"
    r"\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """Free text without control characters; line breaks kept."""
    if not text:
        return ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))


def one_line(text: str | None) -> str:
    """Free text on one line: every run of white space becomes one space."""
    return _SPACES.sub(" ", clean(text)).strip()


def iso(d: date | datetime | None) -> str:
    if d is None:
        return ""
    if isinstance(d, datetime):
        return d.date().isoformat()
    return d.isoformat()


def generated_on(generated: date | datetime | None) -> date:
    """The generation date printed on an export (today unless given)."""
    if generated is None:
        return date.today()
    if isinstance(generated, datetime):
        return generated.date()
    return generated


def knowledge_reviewed() -> date:
    """The knowledge base's review date (printed on every export)."""
    from lms_board.knowledge import knowledge_reviewed_date

    return knowledge_reviewed_date()


def provenance(generated: date, reviewed: date | None) -> str:
    """``generated 2026-12-03 · knowledge base reviewed 2026-11-20 · LMS Board 0.1.0``."""
    kb = iso(reviewed) if reviewed is not None else "not recorded"
    return f"generated {iso(generated)} · knowledge base reviewed {kb} · LMS Board {__version__}"


# --------------------------------------------------------------------------- document parts

#: What the documents print where a section has nothing in it.
NO_QUESTION = "No question recorded."
NO_OPTIONS = "No options listed for this case."
NO_PROMPTS = "Nothing further."
NO_NOT_SUITABLE = "Nothing ruled out."
#: Printed with the trial examples of every document.
TRIALS_CAUTION = (
    "Examples to screen, not a referral: check eligibility and the registry status first."
)
#: The lines of an empty board-recommendation box, filled in at the meeting.
DECISION_BLANKS = ("Recommendation", "Options / trial", "Follow-up", "Present")


def board_text(case: Case) -> str:
    """``Board 2026-12-10``, or ``Board date not set``."""
    return f"Board {iso(case.board_date)}" if case.board_date else "Board date not set"


def presenter_text(case: Case) -> str:
    """``presented by Dr A``, or ``presenter not set``."""
    return f"presented by {one_line(case.presenter)}" if case.presenter else "presenter not set"


def imaging_groups(
    plan: ImagingPlan, *, short: bool = False
) -> tuple[tuple[str, list[ImagingItem]], ...]:
    """The imaging plan's item groups in print order, each with its title (``short``: the
    titles of a narrow label column)."""
    return (
        ("Staging", plan.staging),
        ("Biopsy", plan.biopsy),
        ("Response" if short else "Response assessment", plan.response),
        ("Pitfall" if short else "Pitfalls", plan.pitfalls),
    )


def surveillance_evidence(plan: ImagingPlan) -> list[str]:
    """The evidence ids behind the surveillance schedule, sorted."""
    return sorted({ref for visit in plan.surveillance for ref in visit.evidence})


def grade_text(grade: Grade | None) -> str:
    """``G3 (differentiation 2 + mitoses 3 + necrosis 1 = 6)``; reported and discrepancy noted."""
    if grade is None:
        return "not assessable (no FNCLCC components, no reported grade)"
    comps = (
        ("differentiation", grade.differentiation),
        ("mitoses", grade.mitoses),
        ("necrosis", grade.necrosis),
    )
    parts = " + ".join(f"{name} {v if v is not None else '?'}" for name, v in comps)
    if grade.source == "computed" and grade.grade is not None:
        out = f"G{grade.grade} ({parts} = {grade.score})"
        if grade.reported_grade is not None:
            sign = "≠" if grade.discrepancy else "="
            out += f"; reported G{grade.reported_grade} {sign} computed"
        return out
    if grade.source == "reported" and grade.reported_grade is not None:
        return f"G{grade.reported_grade} as reported (components incomplete: {parts})"
    return f"unknown (components incomplete: {parts})"


def stage_text(stage: Stage, *, note: bool = True) -> str:
    """``AJCC8 trunk/extremity · T3 N0 M0 · stage IIIB``, then the assessment's note in
    brackets (``note=False``: without it, for a one-line heading)."""
    if stage.system is None:
        return (stage.note if note else None) or "no staging system applies"
    tnm = " ".join(x for x in (stage.t, stage.n, stage.m) if x)
    bits = [stage.system]
    if tnm:
        bits.append(tnm)
    bits.append(f"stage {stage.group}" if stage.group else "no stage group")
    out = " · ".join(bits)
    if note and stage.note:
        out += f" ({stage.note})"
    return out


def patient_text(case: Case) -> str:
    p = case.patient
    bits = [f"{p.age} y", label(p.sex)]
    bits.append(f"ECOG {p.ecog}" if p.ecog is not None else "ECOG not recorded")
    if p.lvef_percent is not None:
        bits.append(f"LVEF {p.lvef_percent} %")
    if p.cumulative_doxorubicin_mg_m2:
        bits.append(f"prior doxorubicin {p.cumulative_doxorubicin_mg_m2:g} mg/m²")
    return " · ".join(bits)


def primary_text(case: Case) -> str:
    t = case.tumor
    site = cap(label(t.site))
    if t.location:
        site += f" {DASH} {one_line(t.location)}"
    bits = [site]
    bits.append(f"{t.size_cm:g} cm" if t.size_cm is not None else "size not recorded")
    if t.depth is not None:
        bits.append("depth unknown" if t.depth == "unknown" else label(t.depth))
    if t.presentation is not None:
        bits.append("primary tumour" if t.presentation == "primary" else label(t.presentation))
    if t.uterine_extension is not None:
        bits.append(f"extension: {label(t.uterine_extension)}")
    if t.morcellated:
        bits.append("morcellated")
    return " · ".join(bits)


def biopsy_text(case: Case) -> str:
    p = case.pathology
    bits: list[str] = []
    if p.biopsy is None:
        bits.append("biopsy not recorded")
    else:
        b = label(p.biopsy)
        if p.needle_gauge is not None:
            b += f" {p.needle_gauge} G"
        bits.append(b)
    for part in (
        yes_no(p.image_guided, "image-guided", "not image-guided"),
        label(p.biopsy_route) + " route" if p.biopsy_route is not None else None,
        yes_no(p.diagnosis_confirmed, "LMS confirmed", "diagnosis not confirmed"),
        yes_no(p.expert_review, "expert review", "no expert review"),
        f"margin {p.margin.value}" if p.margin is not None else None,
    ):
        if part:
            bits.append(part)
    if p.ihc:
        bits.append(
            "IHC "
            + ", ".join(f"{marker_label(one_line(k))} {ihc_sign(v)}" for k, v in p.ihc.items())
        )
    if p.molecular:
        bits.append("; ".join(one_line(m) for m in p.molecular))
    ngs = yes_no(p.tumor_ngs, "tumour NGS done", "no tumour NGS")
    if ngs:
        bits.append(ngs)
    if p.hrd is not None:
        bits.append(f"homologous recombination {label(p.hrd)}")
    return " · ".join(bits)


def workup_text(case: Case) -> str:
    w = case.workup
    marks: list[str] = []
    for name, value in (
        ("MRI primary", w.mri_primary),
        ("CT chest", w.ct_chest),
        ("CT abdomen/pelvis", w.ct_abdomen_pelvis),
        ("PET-CT", w.pet_ct),
        ("radiograph", w.radiograph_primary),
    ):
        if value is True:
            marks.append(f"✓ {name}")
        elif value is False:
            marks.append(f"✗ {name}")
    if not marks:
        marks.append("no imaging recorded")
    if w.last_imaging_date is not None:
        marks.append(f"last {iso(w.last_imaging_date)}")
    return " · ".join(marks)


def extent_text(case: Case, staged: bool = True) -> str:
    """Nodes, metastases, DFI and resectability. With no metastasis recorded it says whether
    that is a finding (``staged``: the distant staging is done) or not yet known."""
    e = case.extent
    bits: list[str] = []
    if e.nodes is not None:
        bits.append(e.nodes.value)
    if e.metastases:
        mets = []
        for m in e.metastases:
            s = label(m.site)
            if m.count is not None:
                s += f" ×{m.count}"
            r = yes_no(m.resectable, "resectable", "not resectable")
            if r:
                s += f" ({r})"
            mets.append(s)
        bits.append("metastases: " + ", ".join(mets))
    elif not e.metastases_known:
        bits.append("distant metastases not recorded")
    elif staged:
        bits.append("no distant metastasis (staging done)")
    else:
        bits.append("no distant metastasis recorded: not yet staged")
    if e.disease_free_interval_months is not None:
        bits.append(f"DFI {e.disease_free_interval_months} mo")
    if e.primary_resectability is not None:
        bits.append(f"primary {label(e.primary_resectability)}")
    for part in (
        yes_no(e.limb_salvage_feasible, "limb salvage feasible", "limb salvage not feasible"),
        yes_no(
            e.neurovascular_involvement,
            "neurovascular involvement",
            "no neurovascular involvement",
        ),
    ):
        if part:
            bits.append(part)
    return " · ".join(bits)


def _month(d: date | None) -> str:
    return d.strftime("%Y-%m") if d is not None else ""


def _span(start: date | None, end: date | None, ongoing: bool = False) -> str:
    """``2025-08 to 2026-10``, ``since 2025-08``, ``until 2026-10`` or ``""``."""
    if start is not None and end is not None:
        return f"{_month(start)} to {_month(end)}"
    if start is not None:
        return f"since {_month(start)}" if ongoing else f"from {_month(start)}"
    if end is not None:
        return f"until {_month(end)}"
    return ""


def _regimen(numbered: NumberedLine) -> str:
    tl = numbered.line
    what = " + ".join([*map(drug_label, tl.drugs), *map(one_line, tl.other_drugs)])
    if not what:
        what = one_line(tl.regimen) if tl.regimen else "regimen not recorded"
    return f"{numbered.label}: {what}"


def treatment_line_brief(numbered: NumberedLine) -> str:
    """The shortest form of a line: ``line 4: eribulin (progression)``."""
    stop = numbered.line.stop_reason
    why = f" ({label(stop)})" if stop is not None and stop.value != "unknown" else ""
    return _regimen(numbered) + why


def treatment_line_text(numbered: NumberedLine, full: bool = False, short: bool = False) -> str:
    """One treatment line as a board reads it, why it stopped first:
    ``line 2: gemcitabine + docetaxel (2023-09 to 2024-04): stopped: progression, best response
    partial response, 8 cycles``. ``full`` adds doses, the regimen as written and the note;
    ``short`` keeps only the dates and why it stopped."""
    tl = numbered.line
    out = _regimen(numbered)
    ongoing = tl.stop_reason is not None and tl.stop_reason.value == "ongoing"
    when = _span(tl.start_date, tl.end_date, ongoing)
    if when:
        out += f" ({when})"
    details: list[str] = []
    if tl.stop_reason is not None and tl.stop_reason.value != "unknown":
        details.append("ongoing" if ongoing else f"stopped: {label(tl.stop_reason)}")
    if not short:
        if tl.best_response is not None and tl.best_response.value != "unknown":
            details.append(f"best response {label(tl.best_response)}")
        if tl.cycles:
            details.append(f"{tl.cycles} cycle{'s' if tl.cycles > 1 else ''}")
    if full:
        details.extend(
            f"{drug_label(d)} {dose:g} mg/m² in total" for d, dose in tl.doses_mg_m2.items()
        )
        if tl.regimen and (tl.drugs or tl.other_drugs):
            details.append(f"as written: {one_line(tl.regimen)}")
        if tl.note:
            details.append(f"note: {one_line(tl.note)}")
    return out + (": " + ", ".join(details) if details else "")


def treatment_line_short(numbered: NumberedLine) -> str:
    """A line with its dates and why it stopped: ``line 4: eribulin (2025-08 to 2026-10):
    stopped: progression``."""
    return treatment_line_text(numbered, short=True)


def radiotherapy_text(course: RadiotherapyCourse) -> str:
    """``RT postoperative right calf 66 Gy / 33 fr external beam (2024-11 to 2025-01)``."""
    bits = [f"RT {label(course.timing)}"]
    if course.region:
        bits.append(one_line(course.region))
    elif course.target is not None:
        bits.append(label(course.target))
    if course.dose_gy is not None:
        dose = f"{course.dose_gy:g} Gy"
        if course.fractions is not None:
            dose += f" / {course.fractions} fr"
        bits.append(dose)
    if course.technique is not None:
        bits.append(label(course.technique))
    when = _span(course.start_date, course.end_date)
    return " ".join(bits) + (f" ({when})" if when else "")


def _local_history(case: Case) -> list[str]:
    """Surgery and radiotherapy, as history items."""
    h = case.history
    items: list[str] = []
    if h.surgery_date is not None:
        items.append(f"surgery {iso(h.surgery_date)}")
    items.extend(radiotherapy_text(c) for c in h.radiotherapy_courses)
    if not h.radiotherapy_known:
        items.append("radiotherapy not recorded")
    elif not h.radiotherapy_courses:
        items.append("no radiotherapy")
    return items


def _systemic_history(case: Case, full: bool) -> list[str]:
    h = case.history
    if not h.systemic_history_known and not h.treatment_lines:
        return ["systemic treatment not recorded"]
    if not h.treatment_lines:
        return ["no systemic treatment"]
    return [treatment_line_text(n, full) for n in h.numbered_lines()]


def history_items(case: Case, full: bool = False) -> list[str]:
    """The treatment so far, one item per event, oldest first: surgery, radiotherapy courses,
    then every treatment line (``full``: with doses, the regimen as written and notes)."""
    return _local_history(case) + _systemic_history(case, full)


def history_text(case: Case) -> str:
    """The whole history on one line (``·`` between local treatment, ``→`` between lines)."""
    local = " · ".join(_local_history(case))
    systemic = " → ".join(_systemic_history(case, False))
    return " · ".join(x for x in (local, systemic) if x)


def history_fitted(case: Case, fits: Callable[[str], bool]) -> str:
    """The history in the room a page has (``fits(text)``), never losing the latest line.

    Shorter wordings come first (every line with dates and why it stopped, then drugs and
    why it stopped); then the oldest treatment lines give way, named by their count ("+2
    earlier lines: see the full report"), then surgery and radiotherapy. The last candidate
    is the latest line alone, in its shortest form."""
    whole = history_text(case)
    if fits(whole):
        return whole
    lines = case.history.numbered_lines()
    local = " · ".join(_local_history(case))
    if not lines:
        return whole
    forms = (treatment_line_short, treatment_line_brief)
    candidates = [
        " · ".join(x for x in (local, " → ".join(form(n) for n in lines)) if x) for form in forms
    ]
    for keep in range(len(lines) - 1, 0, -1):
        hidden = len(lines) - keep
        earlier = f"+{hidden} earlier line{'s' if hidden > 1 else ''}: see the full report"
        for form in forms:
            recent = " → ".join(form(n) for n in lines[-keep:])
            candidates.append(" · ".join(x for x in (local, earlier, recent) if x))
        for form in forms:
            recent = " → ".join(form(n) for n in lines[-keep:])
            candidates.append(f"{earlier} → {recent}")
    hidden = len(lines) - 1
    earlier = f"+{hidden} earlier line{'s' if hidden > 1 else ''} → " if hidden else ""
    candidates += [f"{earlier}{form(lines[-1])}" for form in forms]
    return next((text for text in candidates if fits(text)), candidates[-1])


def comorbidity_text(case: Case) -> str:
    """Coded comorbidities (with eGFR, severity) and the free-text ones, or ``""``."""
    p = case.patient
    bits: list[str] = []
    for c in p.coded_comorbidities:
        text = one_line(c.note) if c.code.value == "other" and c.note else label(c.code)
        extra = [label(c.severity)] if c.severity is not None else []
        if c.egfr_ml_min is not None:
            extra.append(f"eGFR {c.egfr_ml_min} mL/min")
        if c.note and c.code.value != "other":
            extra.append(one_line(c.note))
        bits.append(text + (f" ({', '.join(extra)})" if extra else ""))
    coded_notes = {one_line(c.note) for c in p.coded_comorbidities if c.note}
    bits.extend(one_line(c) for c in p.comorbidities if one_line(c) not in coded_notes)
    return "; ".join(b for b in bits if b)


def patient_factors_text(case: Case) -> str:
    """Menopausal status, the wish to preserve fertility and what the patient declines."""
    p = case.patient
    bits: list[str] = []
    if p.menopausal_status is not None:
        bits.append(label(p.menopausal_status))
    fertility = yes_no(
        p.wishes_fertility_preservation,
        "wishes to preserve fertility",
        "no wish to preserve fertility",
    )
    if fertility:
        bits.append(fertility)
    if p.pregnant is True:
        weeks = p.gestational_age_weeks
        bits.append(f"pregnant ({weeks} weeks)" if weeks else "pregnant")
    if p.declines:
        bits.append("declines " + ", ".join(label(d) for d in p.declines))
    return " · ".join(bits)


def case_line(case: Case, assessment: Assessment) -> str:
    """The case in one line, as a slide or a letter heads it:
    ``58 y female · Extremity – left thigh · 8.5 cm · G3 · stage IIIB · Resectable · localized``."""
    t = case.tumor
    site = cap(label(t.site)) + (f" {DASH} {one_line(t.location)}" if t.location else "")
    bits = [f"{case.patient.age} y {label(case.patient.sex)}", site]
    if t.size_cm is not None:
        bits.append(f"{t.size_cm:g} cm")
    grade = assessment.grade
    if grade is not None and grade.grade is not None:
        bits.append(f"G{grade.grade}")
    if assessment.stage.group:
        bits.append(f"stage {assessment.stage.group}")
    c = assessment.classification
    bits.append(c.label + (" (provisional)" if c.provisional else ""))
    return " · ".join(bits)


@dataclass(frozen=True)
class Fact:
    """One row of the case summary; ``items`` (when given) are its value as a list, for
    the renderers that show one row per item (the history: one row per line)."""

    label: str
    value: str
    items: tuple[str, ...] = ()


def case_facts(case: Case, assessment: Assessment) -> list[Fact]:
    """The case summary rows, in board order (patient, tumour, pathology, extent, history)."""
    facts = [
        Fact("Patient", patient_text(case)),
        Fact("Primary", primary_text(case)),
        Fact("FNCLCC", grade_text(assessment.grade)),
        Fact("Stage", stage_text(assessment.stage)),
        Fact("Biopsy", biopsy_text(case)),
        Fact("Workup", workup_text(case)),
        Fact("Extent", extent_text(case, assessment.distant_staging_done)),
        Fact("History", history_text(case), tuple(history_items(case, full=True))),
    ]
    comorbidities = comorbidity_text(case)
    if comorbidities:
        facts.append(Fact("Comorbid.", comorbidities))
    factors = patient_factors_text(case)
    if factors:
        facts.append(Fact("Factors", factors))
    if case.history.patient_preference:
        facts.append(Fact("Preference", one_line(case.history.patient_preference)))
    return facts


def decision_facts(decision: BoardDecision) -> list[Fact]:
    """The board's recorded decision as labelled rows."""
    facts = [Fact("Recommendation", one_line(decision.recommendation))]
    if decision.options_chosen:
        facts.append(Fact("Options", "; ".join(one_line(o) for o in decision.options_chosen)))
    if decision.trial_referral:
        facts.append(Fact("Trial referral", one_line(decision.trial_referral)))
    if decision.patient_preference:
        facts.append(Fact("Patient preference", one_line(decision.patient_preference)))
    if decision.follow_up:
        facts.append(Fact("Follow-up", one_line(decision.follow_up)))
    present = ", ".join(one_line(s) for s in decision.specialties_present)
    facts.append(
        Fact("Decided", iso(decision.decided_at) + (f" · present: {present}" if present else ""))
    )
    return facts


@dataclass
class RefIndex:
    """Reference numbers in order of first citation; only ids the assessment resolves."""

    evidence: dict[str, EvidenceRef]
    order: list[str] = field(default_factory=list)

    def number(self, ids: Iterable[str]) -> list[int]:
        out: list[int] = []
        for i in ids:
            if i not in self.evidence:
                continue
            if i not in self.order:
                self.order.append(i)
            n = self.order.index(i) + 1
            if n not in out:
                out.append(n)
        return out

    def cite(self, ids: Iterable[str]) -> str:
        """``[1, 3]`` (empty when nothing resolves)."""
        nums = sorted(self.number(ids))
        return "[" + ", ".join(str(n) for n in nums) + "]" if nums else ""

    def include_all(self) -> None:
        """Number the evidence nothing cited yet, after the cited (a full list)."""
        self.number(self.evidence)

    def items(self) -> list[tuple[int, str, EvidenceRef]]:
        return [(n, i, self.evidence[i]) for n, i in enumerate(self.order, start=1)]


def ref_id_text(ref: EvidenceRef) -> str:
    """``PMID 35835135`` / ``doi:10…`` / the URL: the handle a reader looks up."""
    if ref.pmid:
        return f"PMID {ref.pmid}"
    if ref.doi:
        return f"doi:{ref.doi}"
    return ref.url or ""


def short_handle(ref: EvidenceRef) -> str:
    """A handle that fits a narrow column: the PMID, the DOI, else the web site's name."""
    if ref.pmid or ref.doi or not ref.url:
        return ref_id_text(ref)
    host = urlsplit(ref.url).netloc or ref.url
    return host.removeprefix("www.")


@dataclass(frozen=True)
class VisitGroup:
    """Surveillance visits that fall on the same month."""

    month: int
    date: date | None
    visits: tuple[SurveillanceVisit, ...]

    @property
    def what(self) -> str:
        return ", ".join(f"{v.modality} {v.region}" for v in self.visits)

    @property
    def when(self) -> str:
        return iso(self.date) if self.date else f"month {self.month}"


def visit_groups(visits: Sequence[SurveillanceVisit]) -> list[VisitGroup]:
    by_month: dict[int, list[SurveillanceVisit]] = {}
    for v in visits:
        by_month.setdefault(v.month, []).append(v)
    return [
        VisitGroup(month=m, date=next((v.date for v in vs if v.date), None), visits=tuple(vs))
        for m, vs in sorted(by_month.items())
    ]


def next_visits(visits: Sequence[SurveillanceVisit], today: date, n: int) -> list[VisitGroup]:
    """The next ``n`` surveillance dates on or after ``today`` (undated plans: the first ``n``)."""
    groups = visit_groups(visits)
    dated = [g for g in groups if g.date is not None]
    if dated:
        return [g for g in dated if g.date is not None and g.date >= today][:n]
    return groups[:n]
