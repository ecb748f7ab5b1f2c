"""``lms-board trials refresh``: curated trial statuses from a saved ClinicalTrials.gov API v2
response (``tests/fixtures/ctgov_studies.json``: synthetic, correctly shaped, curated ids).
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from lms_board import knowledge as knowledge_module
from lms_board.cli import main
from lms_board.knowledge import PACKAGE_DIR, load_knowledge
from lms_board.knowledge.loader import read_trial_overlay
from lms_board.knowledge.schema import TrialStatusUpdate
from lms_board.trials_refresh import (
    RefreshError,
    parse_ctgov_date,
    parse_studies,
    refresh,
    update_trials_yaml,
)

FIXTURE = Path(__file__).parent / "fixtures" / "ctgov_studies.json"
PACKAGED = load_knowledge(PACKAGE_DIR)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02", date(2024, 2, 1)),
        ("2024-02-23", date(2024, 2, 23)),
        ("2024-13", None),
        ("Feb 2024", None),
        (None, None),
        (202402, None),
    ],
)
def test_parse_ctgov_date(text: object, expected: date | None) -> None:
    assert parse_ctgov_date(text) == expected


def test_the_fixture_is_shaped_like_the_api_and_uses_curated_ids() -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert set(data) == {"studies", "nextPageToken", "totalCount"}
    curated = {t.nct for t in PACKAGED.trials}
    ids = [s["protocolSection"]["identificationModule"].get("nctId") for s in data["studies"]]
    assert len([i for i in ids if i in curated]) == 4


def test_parse_studies_reads_status_and_as_of_date() -> None:
    statuses, skipped = parse_studies(json.loads(FIXTURE.read_text(encoding="utf-8")))
    assert statuses["NCT04031677"].status == "RECRUITING"
    assert statuses["NCT04031677"].as_of == date(2026, 10, 1)  # statusVerifiedDate, month precision
    assert statuses["NCT05269355"].as_of == date(2025, 8, 12)  # falls back to last update posted
    assert statuses["NCT05269355"].status == "TERMINATED"
    assert skipped == ["a study without a valid protocolSection.identificationModule.nctId"]


def test_a_single_study_object_is_accepted() -> None:
    study = json.loads(FIXTURE.read_text(encoding="utf-8"))["studies"][0]
    statuses, _ = parse_studies(study)
    assert list(statuses) == ["NCT04031677"]


@pytest.mark.parametrize("data", [[], {"studies": "x"}, {"foo": 1}, "text", None])
def test_other_shapes_are_refused(data: object) -> None:
    with pytest.raises(RefreshError):
        parse_studies(data)


def test_refresh_writes_an_overlay_and_leaves_the_package_alone(tmp_path: Path) -> None:
    packaged_text = (PACKAGE_DIR / "trials.yaml").read_text(encoding="utf-8")
    overlay = tmp_path / "trial_status.json"
    report = refresh(FIXTURE, overlay_path=overlay)
    assert sorted(report.updated) == ["NCT04031677", "NCT05269355", "NCT06088290"]
    assert report.older == ["NCT02997358"]
    assert report.not_curated == ["NCT00000000"]
    assert "NCT01533207" in report.missing
    assert report.written == overlay
    assert (PACKAGE_DIR / "trials.yaml").read_text(encoding="utf-8") == packaged_text

    kb = load_knowledge(PACKAGE_DIR, overlay=overlay)
    saludo = kb.trial("NCT06088290")
    assert (saludo.status, saludo.status_text) == (
        "ACTIVE_NOT_RECRUITING",
        "Active, not recruiting",
    )
    assert saludo.status_as_of == date(2026, 9, 1)
    assert "ctgov_studies.json" in saludo.status_source
    assert kb.trial("NCT02997358").status == PACKAGED.trial("NCT02997358").status  # older: kept
    assert kb.trial("NCT05269355").status_text == "Terminated"

    # Refreshing again with the same file is idempotent.
    again = refresh(FIXTURE, overlay_path=overlay)
    assert sorted(again.updated) == sorted(report.updated)
    assert set(read_trial_overlay(overlay).trials) == set(report.updated)


def test_refresh_into_a_knowledge_dir_rewrites_only_status_lines(tmp_path: Path) -> None:
    directory = tmp_path / "knowledge"
    shutil.copytree(PACKAGE_DIR, directory, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    before = (directory / "trials.yaml").read_text(encoding="utf-8")
    report = refresh(FIXTURE, knowledge_dir=directory)
    after = (directory / "trials.yaml").read_text(encoding="utf-8")
    assert report.written == directory / "trials.yaml"
    assert after.splitlines()[0] == before.splitlines()[0]  # comments kept
    kb = load_knowledge(directory)
    assert kb.trial("NCT04031677").status_as_of == date(2026, 10, 1)
    assert kb.trial("NCT06088290").status == "ACTIVE_NOT_RECRUITING"
    for t in PACKAGED.trials:
        if t.nct not in report.updated:
            assert kb.trial(t.nct) == t
        else:
            assert kb.trial(t.nct).applies == t.applies and kb.trial(t.nct).why == t.why


def test_update_trials_yaml_replaces_folded_values() -> None:
    text = (PACKAGE_DIR / "trials.yaml").read_text(encoding="utf-8")
    block = text[text.index("- nct: NCT06088290") :]
    assert "  status_source: >-\n    " in block.split("- nct: ", 2)[1]  # a folded value
    update = TrialStatusUpdate.model_validate(
        {
            "status": "COMPLETED",
            "status_text": 'Completed: "final" # not a comment',
            "status_as_of": date(2026, 11, 1),
            "status_source": "API file",
        }
    )
    new = update_trials_yaml(text, {"NCT06088290": update})
    records = {r["nct"]: r for r in yaml.safe_load(new)}
    saludo = records["NCT06088290"]
    assert saludo["status_text"] == 'Completed: "final" # not a comment'
    assert saludo["status_source"] == "API file"
    assert saludo["status_as_of"] == date(2026, 11, 1)
    assert saludo["to_check"] == yaml.safe_load(text)[0]["to_check"]
    assert len(new.splitlines()) < len(text.splitlines())  # folded lines replaced, not kept
    assert update_trials_yaml(text, {}) == text


def test_cli_refresh_to_overlay_under_lms_board_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LMS_BOARD_DATA", str(tmp_path))
    assert main(["trials", "refresh", "--from", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert "updated 3" in out and str(tmp_path / "trial_status.json") in out
    # The app's cached knowledge picks the overlay up on its next load.
    knowledge_module.knowledge.cache_clear()
    try:
        assert knowledge_module.knowledge().trial("NCT04031677").status_as_of == date(2026, 10, 1)
    finally:
        monkeypatch.delenv("LMS_BOARD_DATA")
        knowledge_module.knowledge.cache_clear()


@pytest.mark.parametrize(
    "content", [b"", b"{not json", b'{"studies": 3}', b"\xff\xfe", b'{"hello": "world"}']
)
def test_cli_refuses_a_bad_file_without_a_traceback(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "response.json"
    bad.write_bytes(content)
    assert main(["trials", "refresh", "--from", str(bad), "--knowledge-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "lms-board trials refresh:" in captured.err
    assert "Traceback" not in captured.err


def test_cli_refuses_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trials", "refresh", "--from", str(tmp_path / "nope.json")]) == 2
    assert "no such file" in capsys.readouterr().err
