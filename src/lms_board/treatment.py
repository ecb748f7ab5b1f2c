"""The treatment history as a board reads it: what became of each drug across every line,
and how much anthracycline the heart has had.

Drug outcomes (``drug_histories``), the outcome that matters for each drug across ALL lines:
- progressed: the line stopped for progression, or its best response was progression;
- stopped for toxicity;
- failed: an earlier advanced (or maintenance) line that a later advanced line replaced
  with no recorded stop reason ("line 1, replaced by line 2: counted as failed");
- ongoing, stopped at the patient's choice, completed without progression (may be
  re-offered with a rechallenge caveat), given for another cancer (a line with
  ``for_other_cancer``, or "for breast cancer" in its regimen or note: its anthracycline
  counts toward the lifetime dose, but it is never "progressed on" for the LMS), or outcome
  not recorded.
Progression outranks toxicity, which outranks failure, and so on (``OUTCOME_ORDER``).
Example: trabectedin (line 1, progression), gemcitabine + docetaxel (line 2, no stop
reason), pazopanib (line 3, progression) → trabectedin and pazopanib "progressed on",
gemcitabine and docetaxel "replaced by line 3: counted as failed".

Anthracycline exposure (``anthracycline_exposure``): the larger of the recorded cumulative
doxorubicin-equivalent (``patient.cumulative_doxorubicin_mg_m2``) and the sum of the lines
(``doses_mg_m2`` × the drug's ``doxorubicin_equivalence``; without a dose, cycles × the
drug's standard cycle, marked "estimated"; neither: unknown), the dose left to the
450 mg/m² lifetime limit and the standard 75 mg/m² cycles that fit in it.
Example: 420 mg/m² recorded → ≈ 30 mg/m² left: less than one cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lms_board.case import Case, History, LineSetting, NumberedLine, Response, StopReason
from lms_board.drugs import DrugRecord, drug_vocabulary

#: Lifetime cumulative doxorubicin-equivalent limit (mg/m²).
ANTHRACYCLINE_LIMIT_MG_M2 = 450.0
#: The drug whose standard cycle measures "cycles left".
REFERENCE_ANTHRACYCLINE = "doxorubicin"
#: Evidence for the limit and the epirubicin conversion (knowledge/evidence.yaml).
EV_ANTHRACYCLINE = ["anthracycline-chf-swain-2003", "epirubicin-feijen-2019"]


class Outcome(StrEnum):
    progressed = "progressed"
    toxicity = "toxicity"
    failed = "failed"
    ongoing = "ongoing"
    patient_choice = "patient_choice"
    completed = "completed"
    other_cancer = "other_cancer"
    unknown = "unknown"


#: Most telling outcome first: a drug's outcome is the first of these any line shows.
OUTCOME_ORDER: tuple[Outcome, ...] = tuple(Outcome)
#: Outcomes that rule a drug out (for options and trial arms alike).
EXCLUDING: frozenset[Outcome] = frozenset({Outcome.progressed, Outcome.toxicity, Outcome.failed})
_LINES_THAT_CAN_BE_REPLACED = (LineSetting.advanced, LineSetting.maintenance)


@dataclass(frozen=True)
class LineEvent:
    """One drug in one line: the line's label and what became of it."""

    drug: str
    label: str
    outcome: Outcome
    replaced_by: str | None = None


@dataclass(frozen=True)
class DrugHistory:
    """Every line a drug was given in, and the outcome that matters."""

    drug: str
    events: tuple[LineEvent, ...]

    @property
    def outcome(self) -> Outcome:
        return min((e.outcome for e in self.events), key=OUTCOME_ORDER.index)

    @property
    def excluded(self) -> bool:
        return self.outcome in EXCLUDING

    def labels(self, outcome: Outcome) -> list[str]:
        return [e.label for e in self.events if e.outcome == outcome]

    @property
    def name(self) -> str:
        record = drug_vocabulary().get(self.drug)
        return record.display if record else self.drug

    @property
    def reason(self) -> str:
        """``progressed on trabectedin (line 1)``; the clinician-readable outcome."""
        outcome = self.outcome
        where = ", ".join(self.labels(outcome))
        if outcome == Outcome.progressed:
            return f"progressed on {self.name} ({where})"
        if outcome == Outcome.toxicity:
            return f"{self.name} stopped for toxicity ({where})"
        if outcome == Outcome.failed:
            event = next(e for e in self.events if e.outcome == Outcome.failed)
            return f"{self.name}: {event.label}, replaced by {event.replaced_by}: counted as failed"
        if outcome == Outcome.ongoing:
            return f"{self.name} is being given now ({where})"
        if outcome == Outcome.patient_choice:
            return f"{self.name} stopped at the patient's choice ({where})"
        if outcome == Outcome.completed:
            return f"{self.name} completed without recorded progression ({where})"
        if outcome == Outcome.other_cancer:
            return (
                f"{self.name} given {where}: counts toward the anthracycline dose, says "
                "nothing about how the LMS responds"
            )
        return f"{self.name} given ({where}); outcome not recorded"


def _line_outcome(tl: NumberedLine) -> Outcome:
    line = tl.line
    if line.other_cancer is not None:
        # Given for another cancer: only a toxicity tells the board about this patient.
        return Outcome.toxicity if line.stop_reason == StopReason.toxicity else Outcome.other_cancer
    if (
        line.stop_reason == StopReason.progression
        or line.best_response == Response.progressive_disease
    ):
        return Outcome.progressed
    return {
        StopReason.toxicity: Outcome.toxicity,
        StopReason.ongoing: Outcome.ongoing,
        StopReason.patient_choice: Outcome.patient_choice,
        StopReason.completed: Outcome.completed,
    }.get(line.stop_reason or StopReason.unknown, Outcome.unknown)


def _replaced_by(tl: NumberedLine, lines: list[NumberedLine]) -> str | None:
    """The later advanced line that replaced this one, when no stop reason is recorded."""
    if tl.line.setting not in _LINES_THAT_CAN_BE_REPLACED:
        return None
    if tl.line.stop_reason not in (None, StopReason.unknown) or tl.number is None:
        return None
    for later in lines[tl.index + 1 :]:
        if (
            later.line.setting == LineSetting.advanced
            and later.number is not None
            and later.number > tl.number
        ):
            return later.label
    return None


def line_events(history: History) -> list[LineEvent]:
    """Every (drug, line) pair with its outcome, oldest line first."""
    lines = history.numbered_lines()
    out: list[LineEvent] = []
    for tl in lines:
        outcome = _line_outcome(tl)
        replaced = None
        if outcome == Outcome.unknown:
            replaced = _replaced_by(tl, lines)
            if replaced is not None:
                outcome = Outcome.failed
        out.extend(LineEvent(d, tl.label, outcome, replaced) for d in tl.line.drugs)
    return out


def drug_histories(history: History) -> dict[str, DrugHistory]:
    """Each drug ever given, with its events across all lines (first-given order)."""
    events: dict[str, list[LineEvent]] = {}
    for e in line_events(history):
        events.setdefault(e.drug, []).append(e)
    return {d: DrugHistory(d, tuple(ev)) for d, ev in events.items()}


def excluded_drugs(history: History) -> dict[str, DrugHistory]:
    """Drugs the disease progressed on, stopped for toxicity, or failed, in any line."""
    return {d: h for d, h in drug_histories(history).items() if h.excluded}


# --------------------------------------------------------------------------- anthracyclines


@dataclass(frozen=True)
class AnthracyclineLine:
    """The doxorubicin-equivalent of one anthracycline in one line (``None``: unknown)."""

    label: str
    drug: str
    dose_mg_m2: float | None
    estimated: bool


@dataclass(frozen=True)
class AnthracyclineExposure:
    recorded_mg_m2: float | None
    lines: tuple[AnthracyclineLine, ...]
    limit_mg_m2: float = ANTHRACYCLINE_LIMIT_MG_M2
    cycle_mg_m2: float = 75.0

    @property
    def lines_mg_m2(self) -> float:
        return sum(line.dose_mg_m2 or 0.0 for line in self.lines)

    @property
    def unknown_lines(self) -> list[str]:
        return [f"{line.drug} ({line.label})" for line in self.lines if line.dose_mg_m2 is None]

    @property
    def estimated(self) -> bool:
        return any(line.estimated for line in self.lines)

    @property
    def prior(self) -> bool:
        """Any anthracycline recorded (a dose above 0, or a line with one)."""
        return bool(self.lines) or (self.recorded_mg_m2 or 0) > 0

    @property
    def dose_unknown(self) -> bool:
        """An anthracycline was given but no total and not every line's dose is known."""
        return self.recorded_mg_m2 is None and bool(self.unknown_lines)

    @property
    def cumulative_mg_m2(self) -> float:
        """The larger of the recorded total and the sum of the lines (a lower bound when
        ``dose_unknown``)."""
        return max(self.recorded_mg_m2 or 0.0, self.lines_mg_m2)

    @property
    def remaining_mg_m2(self) -> float:
        return max(0.0, self.limit_mg_m2 - self.cumulative_mg_m2)

    @property
    def cycles_left(self) -> float:
        return self.remaining_mg_m2 / self.cycle_mg_m2

    @property
    def below_one_cycle(self) -> bool:
        """Less than one standard cycle left to the lifetime limit. An unknown line can only
        add to the dose, so a known part already past the mark is enough."""
        return self.remaining_mg_m2 < self.cycle_mg_m2

    def summary(self) -> str:
        """``cumulative 420 mg/m² doxorubicin-equivalent (recorded total); ≈ 30 mg/m² left``."""
        source = []
        if self.recorded_mg_m2 is not None:
            source.append("recorded total")
        if self.lines:
            source.append("estimated from the lines" if self.estimated else "from the lines")
        text = f"cumulative {self.cumulative_mg_m2:g} mg/m² doxorubicin-equivalent"
        if source:
            text += f" ({', '.join(source)})"
        if self.dose_unknown:
            return text + f"; dose not recorded for {', '.join(self.unknown_lines)}"
        return text + f"; ≈ {self.remaining_mg_m2:g} mg/m² left to {self.limit_mg_m2:g}"

    def limit_reason(self) -> str | None:
        """``≈ 30 mg/m² of anthracycline left: less than one cycle`` when it applies."""
        given = "at least " if self.dose_unknown else ""
        if self.remaining_mg_m2 <= 0:
            return (
                f"Cumulative {given}{self.cumulative_mg_m2:g} mg/m² doxorubicin-equivalent: "
                f"the {self.limit_mg_m2:g} mg/m² lifetime limit is reached."
            )
        if self.below_one_cycle:
            return (
                f"≈ {self.remaining_mg_m2:g} mg/m² of anthracycline left: less than one cycle "
                f"({given}{self.cumulative_mg_m2:g} of {self.limit_mg_m2:g} mg/m² "
                "doxorubicin-equivalent given)."
            )
        return None


def _line_dose(tl: NumberedLine, drug: DrugRecord) -> AnthracyclineLine:
    factor = drug.doxorubicin_equivalence or 1.0
    dose = tl.line.doses_mg_m2.get(drug.name)
    if dose is not None:
        return AnthracyclineLine(tl.label, drug.name, round(dose * factor, 1), False)
    if tl.line.cycles is not None and drug.standard_cycle_mg_m2 is not None:
        estimate = tl.line.cycles * drug.standard_cycle_mg_m2 * factor
        return AnthracyclineLine(tl.label, drug.name, round(estimate, 1), True)
    return AnthracyclineLine(tl.label, drug.name, None, False)


def anthracycline_exposure(case: Case) -> AnthracyclineExposure:
    """Cumulative doxorubicin-equivalent from the recorded total and the lines."""
    vocabulary = drug_vocabulary()
    lines: list[AnthracyclineLine] = []
    for tl in case.history.numbered_lines():
        for name in tl.line.drugs:
            drug = vocabulary.get(name)
            if drug is not None and drug.anthracycline:
                lines.append(_line_dose(tl, drug))
    reference = vocabulary.get(REFERENCE_ANTHRACYCLINE)
    cycle = reference.standard_cycle_mg_m2 if reference and reference.standard_cycle_mg_m2 else 75.0
    return AnthracyclineExposure(
        recorded_mg_m2=case.patient.cumulative_doxorubicin_mg_m2,
        lines=tuple(lines),
        cycle_mg_m2=cycle,
    )
