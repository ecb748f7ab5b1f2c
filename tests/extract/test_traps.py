"""Negations and hedges that must not become positives, and UK/US spellings that must."""

from __future__ import annotations

from extract.helpers import extract_text


def test_no_evidence_of_metastatic_disease_is_an_empty_list() -> None:
    r = extract_text("CT chest, abdomen and pelvis 12/03/2025: No evidence of metastatic disease.")
    assert r.value("extent.metastases") == []
    assert not [f for f in r.fields if f.path.startswith("extent.metastases[")]


def test_no_pulmonary_nodules_is_not_a_statement_about_all_sites() -> None:
    r = extract_text("CT thorax: No pulmonary nodules. No evidence of pulmonary metastases.")
    assert r.value("extent.metastases") is None
    assert not [f for f in r.fields if f.path.startswith("extent.metastases[")]


def test_resolved_nodule_is_not_a_metastasis() -> None:
    r = extract_text(
        "The previously suspected lung metastasis has resolved on the latest CT. "
        "There is no evidence of metastatic disease."
    )
    assert not [f for f in r.fields if f.path.startswith("extent.metastases[")]
    assert r.value("extent.metastases") == []


def test_lvef_not_yet_measured_is_no_value() -> None:
    r = extract_text("LVEF not yet measured; echo ordered. ECOG 1.")
    assert r.value("patient.lvef_percent") is None
    assert r.value("patient.ecog") == 1


def test_family_history_is_not_a_comorbidity() -> None:
    r = extract_text(
        "Her mother had breast cancer and her father had type 2 diabetes. She has asthma."
    )
    paths = {f.path for f in r.fields}
    assert "patient.coded_comorbidities[diabetes]" not in paths
    assert "patient.coded_comorbidities[lung_disease]" in paths


def test_hypothetical_drug_is_not_a_treatment_line() -> None:
    r = extract_text(
        "He has received no systemic treatment to date. If his disease progresses, we would "
        "consider trabectedin after 2 cycles of observation."
    )
    assert r.value("history.treatment_lines") == []
    assert not [f for f in r.fields if f.path.startswith("history.treatment_lines[")]


def test_requested_scan_is_not_done() -> None:
    r = extract_text("A CT chest has been requested but not yet done. Recommend MRI of the thigh.")
    assert r.value("workup.ct_chest") is False
    assert r.value("workup.mri_primary") is None


def test_uk_and_us_performance_status() -> None:
    assert extract_text("Her performance status is WHO PS 1.").value("patient.ecog") == 1
    assert extract_text("ECOG 2.").value("patient.ecog") == 2


def test_largest_dimension_in_mm_and_cm() -> None:
    r = extract_text("MRI: an intramuscular mass measuring 112 x 64 x 58 mm in the left thigh.")
    assert r.value("tumor.size_cm") == 11.2
    assert r.value("tumor.depth") == "deep"
    r = extract_text("There is a tumor measuring approx. 9.2 x 6.1 x 5 cm in the right thigh.")
    assert r.value("tumor.size_cm") == 9.2


def test_a_nodule_size_is_not_the_tumour_size() -> None:
    r = extract_text(
        "Six bilateral pulmonary nodules, the largest 14 mm, in keeping with metastases."
    )
    assert r.value("tumor.size_cm") is None
    assert r.value("extent.metastases[lung].count") == 6


def test_sites_map_to_the_case_format() -> None:
    cases = {
        "Leiomyosarcoma of the left thigh.": "extremity",
        "An IVC leiomyosarcoma.": "vascular",
        "Uterine leiomyosarcoma after TAH-BSO.": "uterus",
        "A large retroperitoneal mass.": "retroperitoneum",
        "Leiomyosarcoma of the stomach.": "gastrointestinal",
        "A leiomyosarcoma of the small bowel.": "gastrointestinal",
    }
    for text, site in cases.items():
        assert extract_text(text).value("tumor.site") == site, text


def test_fnclcc_components_in_prose_and_synoptic() -> None:
    text = (
        "HISTOPATHOLOGY REPORT\nMitotic count: 18/10 HPF. Tumour necrosis is present, "
        "estimated <50 %.\nConclusion: Leiomyosarcoma.\nFNCLCC grade 3 (D3 M2 N1)."
    )
    r = extract_text(text, "path.txt")
    assert r.value("pathology.mitoses_per_10hpf") == 18
    assert r.value("pathology.differentiation_score") == 3
    assert r.value("pathology.reported_grade") == 3
    assert r.value("pathology.necrosis_percent") is None  # "<50 %" is no percentage
    assert r.value("extent.nodes") is None  # the N1 of D3 M2 N1 is necrosis, not nodes


def test_ihc_lists_both_ways() -> None:
    r = extract_text(
        "SURGICAL PATHOLOGY\nThe tumor cells are positive for desmin, SMA and caldesmon, and "
        "negative for S100, CD117 and DOG1. ER+, PR-.",
        "p.txt",
    )
    got = {
        f.path.rsplit(".", 1)[1]: f.value for f in r.fields if f.path.startswith("pathology.ihc.")
    }
    assert got == {
        "desmin": "positive",
        "sma": "positive",
        "h_caldesmon": "positive",
        "s100": "negative",
        "kit": "negative",
        "dog1": "negative",
        "er": "positive",
        "pr": "negative",
    }


def test_treatment_lines_with_drugs_response_and_progression() -> None:
    r = extract_text(
        "1. First line: Adriamycin 75 mg/m2 x 6 cycles, best response partial response.\n"
        "2. Second line: gem/doc, 4 cycles, stopped for progression.\n"
        "Cumulative doxorubicin dose: 450 mg/m2."
    )
    case = r.case_dict()
    lines = case["history"]["treatment_lines"]
    assert [tl["drugs"] for tl in lines] == [["doxorubicin"], ["docetaxel", "gemcitabine"]]
    assert lines[0]["best_response"] == "partial_response" and lines[0]["line"] == 1
    assert lines[1]["stop_reason"] == "progression" and lines[1]["cycles"] == 4
    assert case["patient"]["cumulative_doxorubicin_mg_m2"] == 450.0
