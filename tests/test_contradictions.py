"""The contradictions a clinician found on screen and in the exports (issue 12), each with the
case that showed it: "firm" beside an open gap, "no distant metastasis found" beside "✗ CT
chest", the imaging plan asking again for what is done (and the one-pager printing it)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from strategies import changed

from lms_board.assess import assess
from lms_board.case import Case, parse_case
from lms_board.demo import demo_case
from lms_board.export import render_html, render_markdown, render_onepager, render_report
from lms_board.export.text import extent_text


def _case(base: str, changes: dict[str, Any]) -> Case:
    return parse_case(changed(demo_case(base).to_json_dict(), changes))


def _exports(case: Case) -> dict[str, str]:
    a = assess(case)
    pdfs = {
        "one-pager": render_onepager(case, a),
        "report": render_report(case, a),
    }
    out = {
        name: " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        for name, data in pdfs.items()
    }
    out["html"] = render_html(case, a)
    out["markdown"] = render_markdown(case, a)
    return {k: " ".join(v.split()) for k, v in out.items()}


# --------------------------------------------------------------------------- firm


def test_firm_only_when_no_workup_gap_is_open() -> None:
    firm = demo_case("DEMO-01")
    assert assess(firm).workup_gaps == [] and not assess(firm).classification.provisional
    for name, text in _exports(firm).items():
        assert "firm at this workup" in text, name
    # No expert review: a gap that cannot change the category, so not provisional, yet open.
    open_gap = _case("DEMO-01", {"pathology.expert_review": False})
    a = assess(open_gap)
    assert not a.classification.provisional and a.gap_codes() == ["no_expert_pathology_review"]
    for name, text in _exports(open_gap).items():
        assert "firm at this workup" not in text, name
        assert "not final: 1 workup gap still open" in text, name


# --------------------------------------------------------------------------- metastases


def test_no_metastasis_says_whether_staging_was_done() -> None:
    staged = demo_case("DEMO-01")  # chest and abdominal CT done, no metastasis
    assert "no distant metastasis (staging done)" in extent_text(staged, True)
    not_staged = _case("DEMO-01", {"workup.ct_chest": False})
    a = assess(not_staged)
    assert not a.distant_staging_done
    for name, text in _exports(not_staged).items():
        assert "no distant metastasis (staging done)" not in text, name
        assert "no distant metastasis found" not in text, name
        assert "not yet staged" in text, name
    unknown = _case("DEMO-01", {"extent.metastases": None})
    assert "distant metastases not recorded" in _exports(unknown)["report"]


# --------------------------------------------------------------------------- imaging


@pytest.mark.parametrize("name", ["one-pager", "report", "html", "markdown"])
def test_what_is_done_is_not_asked_for_again(name: str) -> None:
    """DEMO-01: MRI, CT and radiographs done, an image-guided 14 G core biopsy confirmed."""
    case = demo_case("DEMO-01")
    p = case.pathology
    assert case.workup.mri_primary and p.image_guided and p.needle_gauge == 14
    text = _exports(case)[name]
    assert "MRI of the primary site with and without contrast" not in text
    assert "Image-guided core needle biopsy" not in text
    redo = _case("DEMO-01", {"workup.mri_primary": False})
    assert "MRI of the primary site with and without contrast" in _exports(redo)[name]
