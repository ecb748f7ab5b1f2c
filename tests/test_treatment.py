"""The treatment-history analysis (``lms_board.treatment``): what became of each drug across
all lines, and the anthracycline exposure. Expected judgements written from the issue's
defect classes 1-2 before the code (ESMO-EURACAN-GENTURIS 2021: a drug the disease
progressed on is not given again; cumulative doxorubicin 450 mg/m²; Feijen 2019 for
epirubicin 0.8).
"""

from __future__ import annotations

import pytest
from rules_cases import DELETE, METASTATIC, line, make

from lms_board.treatment import (
    Outcome,
    anthracycline_exposure,
    drug_histories,
    excluded_drugs,
)


def _history(*lines: dict[str, object]) -> dict[str, object]:
    return {"history.treatment_lines": list(lines)}


# --------------------------------------------------------------------------- drug outcomes


def test_progression_on_any_line_is_kept_with_its_label() -> None:
    """Issue class 2: trabectedin (line 1), gem + doc (line 2), pazopanib (line 3), each
    stopped for progression: all four drugs are out, each with its line."""
    case = make(
        METASTATIC,
        _history(
            line("advanced", "trabectedin", stop_reason="progression"),
            line("advanced", "gemcitabine", "docetaxel", stop_reason="progression"),
            line("advanced", "pazopanib", stop_reason="progression"),
        ),
    )
    out = excluded_drugs(case.history)
    assert set(out) == {"trabectedin", "gemcitabine", "docetaxel", "pazopanib"}
    assert out["trabectedin"].reason == "progressed on trabectedin (line 1)"
    assert out["docetaxel"].reason == "progressed on docetaxel (line 2)"
    assert out["pazopanib"].reason == "progressed on pazopanib (line 3)"


def test_an_earlier_line_replaced_without_a_stop_reason_counts_as_failed() -> None:
    case = make(
        METASTATIC,
        _history(
            line("advanced", "doxorubicin"),
            line("advanced", "gemcitabine", "docetaxel", stop_reason="progression"),
        ),
    )
    out = excluded_drugs(case.history)
    assert out["doxorubicin"].outcome == Outcome.failed
    assert out["doxorubicin"].reason == (
        "doxorubicin: line 1, replaced by line 2: counted as failed"
    )
    assert out["gemcitabine"].outcome == Outcome.progressed


def test_a_line_stopped_for_another_reason_is_not_counted_as_failed() -> None:
    case = make(
        METASTATIC,
        _history(
            line("advanced", "doxorubicin", stop_reason="completed"),
            line("advanced", "pazopanib", stop_reason="ongoing"),
        ),
    )
    histories = drug_histories(case.history)
    assert histories["doxorubicin"].outcome == Outcome.completed
    assert not histories["doxorubicin"].excluded
    assert histories["pazopanib"].outcome == Outcome.ongoing
    assert excluded_drugs(case.history) == {}


def test_the_last_line_without_a_stop_reason_is_unknown_not_failed() -> None:
    case = make(METASTATIC, _history(line("advanced", "doxorubicin")))
    assert drug_histories(case.history)["doxorubicin"].outcome == Outcome.unknown
    assert excluded_drugs(case.history) == {}


def test_toxicity_excludes_and_says_so() -> None:
    case = make(METASTATIC, _history(line("advanced", "trabectedin", stop_reason="toxicity")))
    h = excluded_drugs(case.history)["trabectedin"]
    assert h.outcome == Outcome.toxicity
    assert h.reason == "trabectedin stopped for toxicity (line 1)"


def test_best_response_progression_counts_as_progression() -> None:
    case = make(
        METASTATIC,
        _history(
            line(
                "advanced",
                "eribulin",
                stop_reason="completed",
                best_response="progressive_disease",
            )
        ),
    )
    assert excluded_drugs(case.history)["eribulin"].outcome == Outcome.progressed


def test_progression_outranks_an_earlier_completed_course_of_the_same_drug() -> None:
    case = make(
        METASTATIC,
        _history(
            line("adjuvant", "doxorubicin", "ifosfamide", stop_reason="completed"),
            line("advanced", "doxorubicin", stop_reason="progression"),
        ),
    )
    h = drug_histories(case.history)
    assert h["doxorubicin"].reason == "progressed on doxorubicin (line 1)"
    assert h["ifosfamide"].outcome == Outcome.completed


def test_progression_in_a_perioperative_line_is_named_by_its_setting() -> None:
    case = make(
        METASTATIC,
        _history(line("neoadjuvant", "epirubicin", "ifosfamide", stop_reason="progression")),
    )
    assert excluded_drugs(case.history)["ifosfamide"].reason == (
        "progressed on ifosfamide (neoadjuvant)"
    )


def test_a_maintenance_line_replaced_by_a_new_line_counts_as_failed() -> None:
    case = make(
        METASTATIC,
        _history(
            line("advanced", "doxorubicin", "trabectedin", stop_reason="completed"),
            line("maintenance", "trabectedin"),
            line("advanced", "gemcitabine", "docetaxel", stop_reason="ongoing"),
        ),
    )
    h = drug_histories(case.history)["trabectedin"]
    assert h.outcome == Outcome.failed
    assert "maintenance after line 1, replaced by line 2" in h.reason


# --------------------------------------------------------------------------- anthracycline


@pytest.mark.parametrize(
    ("recorded", "remaining", "below"),
    [(420, 30, True), (375, 75, False), (376, 74, True), (450, 0, True), (0, 450, False)],
)
def test_remaining_dose_and_one_cycle_rule(recorded: float, remaining: float, below: bool) -> None:
    case = make(METASTATIC, {"patient.cumulative_doxorubicin_mg_m2": recorded})
    exposure = anthracycline_exposure(case)
    assert exposure.remaining_mg_m2 == remaining
    assert exposure.below_one_cycle is below
    assert (exposure.limit_reason() is not None) is below


def test_the_board_sentence_for_420() -> None:
    case = make(METASTATIC, {"patient.cumulative_doxorubicin_mg_m2": 420})
    reason = anthracycline_exposure(case).limit_reason() or ""
    assert reason.startswith("≈ 30 mg/m² of anthracycline left: less than one cycle")


def test_epirubicin_is_converted_at_0_8() -> None:
    case = make(
        METASTATIC,
        {
            "patient.cumulative_doxorubicin_mg_m2": DELETE,
            **_history(
                line(
                    "neoadjuvant",
                    "epirubicin",
                    "ifosfamide",
                    stop_reason="completed",
                    doses_mg_m2={"epirubicin": 360},
                )
            ),
        },
    )
    exposure = anthracycline_exposure(case)
    assert exposure.cumulative_mg_m2 == 288
    assert not exposure.estimated
    assert not exposure.dose_unknown


def test_a_line_without_dose_is_estimated_from_its_cycles() -> None:
    case = make(
        METASTATIC,
        {
            "patient.cumulative_doxorubicin_mg_m2": DELETE,
            **_history(line("advanced", "doxorubicin", stop_reason="completed", cycles=6)),
        },
    )
    exposure = anthracycline_exposure(case)
    assert exposure.cumulative_mg_m2 == 450
    assert exposure.estimated
    assert exposure.below_one_cycle
    assert "estimated" in exposure.summary()


def test_the_larger_of_recorded_total_and_lines_wins() -> None:
    lines = _history(
        line("advanced", "doxorubicin", stop_reason="completed", doses_mg_m2={"doxorubicin": 300})
    )
    low = make(METASTATIC, {"patient.cumulative_doxorubicin_mg_m2": 150, **lines})
    high = make(METASTATIC, {"patient.cumulative_doxorubicin_mg_m2": 400, **lines})
    assert anthracycline_exposure(low).cumulative_mg_m2 == 300
    assert anthracycline_exposure(high).cumulative_mg_m2 == 400


def test_dose_unknown_after_an_anthracycline_without_dose_or_cycles() -> None:
    case = make(
        METASTATIC,
        {
            "patient.cumulative_doxorubicin_mg_m2": DELETE,
            **_history(line("advanced", "doxorubicin", stop_reason="progression")),
        },
    )
    exposure = anthracycline_exposure(case)
    assert exposure.prior
    assert exposure.dose_unknown
    assert not exposure.below_one_cycle
    assert "doxorubicin (line 1)" in exposure.summary()


def test_a_known_part_past_the_mark_is_enough_even_with_an_unknown_line() -> None:
    case = make(
        METASTATIC,
        {
            "patient.cumulative_doxorubicin_mg_m2": DELETE,
            **_history(
                line(
                    "adjuvant",
                    "doxorubicin",
                    stop_reason="completed",
                    doses_mg_m2={"doxorubicin": 400},
                ),
                line("advanced", "epirubicin", stop_reason="progression"),
            ),
        },
    )
    exposure = anthracycline_exposure(case)
    assert exposure.dose_unknown
    assert exposure.below_one_cycle
    assert "at least 400" in (exposure.limit_reason() or "")


def test_no_anthracycline_no_exposure() -> None:
    exposure = anthracycline_exposure(make(METASTATIC))
    assert not exposure.prior
    assert exposure.remaining_mg_m2 == 450
