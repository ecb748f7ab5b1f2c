"""The core-member quorum: the shipped default, a centre's own rule, a bad rule file."""

from __future__ import annotations

from pathlib import Path

import pytest
from meeting_fixtures import CORE_TEAM

from lms_board.meeting.model import SPECIALTIES, Attendee
from lms_board.meeting.quorum import (
    QUORUM_FILE_ENV,
    QuorumError,
    check_quorum,
    quorum_rule,
    read_rule,
)


def test_the_default_rule_names_its_sources_and_asks_for_the_core_disciplines() -> None:
    rule = quorum_rule({})
    assert [g.label for g in rule.groups] == [
        "sarcoma surgery",
        "medical oncology",
        "radiation oncology",
        "radiology",
        "pathology",
        "specialist nursing",
    ]
    assert rule.sources and all(s.url.startswith("https://") for s in rule.sources)
    assert "configurable default" in rule.name
    assert {s for g in rule.groups for s in g.specialties} <= set(SPECIALTIES)


def test_the_full_core_team_is_quorate() -> None:
    result = check_quorum(CORE_TEAM, quorum_rule({}))
    assert result.met and result.missing == [] and result.summary() == "quorum met"


@pytest.mark.parametrize("absent", [a.specialty for a in CORE_TEAM])
def test_each_missing_core_discipline_breaks_the_quorum(absent: str) -> None:
    present = [a for a in CORE_TEAM if a.specialty != absent]
    result = check_quorum(present, quorum_rule({}))
    assert not result.met and len(result.missing) == 1
    assert result.summary().startswith("quorum not met: no ")


def test_extended_members_do_not_replace_a_core_discipline() -> None:
    team = [a for a in CORE_TEAM if a.specialty != "sarcoma surgeon"]
    team.append(Attendee(name="Dr Thorax", specialty="thoracic surgeon"))
    assert check_quorum(team, quorum_rule({})).missing == ["sarcoma surgery"]
    assert check_quorum([], quorum_rule({})).summary().count("no ") == 6


def test_a_centre_can_configure_its_own_rule(tmp_path: Path) -> None:
    path = tmp_path / "quorum.yaml"
    path.write_text(
        "id: our-board\nname: Our board\nreviewed: 2026-12-01\ngroups:\n"
        "  - label: surgery\n    specialties: [sarcoma surgeon, gynaecological oncologist]\n"
        "  - label: oncology\n    specialties: [medical oncologist, radiation oncologist]\n",
        encoding="utf-8",
    )
    rule = quorum_rule({QUORUM_FILE_ENV: str(path)})
    team = [
        Attendee(name="G", specialty="gynaecological oncologist"),
        Attendee(name="R", specialty="radiation oncologist"),
    ]
    assert check_quorum(team, rule).met


def test_a_bad_rule_file_is_refused_with_the_field_named(tmp_path: Path) -> None:
    path = tmp_path / "quorum.yaml"
    path.write_text(
        "id: bad\nname: Bad\nreviewed: 2026-12-01\ngroups:\n"
        "  - label: surgery\n    specialties: [surgeon]\n",
        encoding="utf-8",
    )
    with pytest.raises(QuorumError, match=r"groups\.0\.specialties\.0"):
        read_rule(path)
    with pytest.raises(QuorumError, match="cannot be read"):
        read_rule(tmp_path / "missing.yaml")
