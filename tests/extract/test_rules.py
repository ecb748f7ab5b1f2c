"""The rule files: they load, every rule has an id and a reviewed date, and each rule's
examples and counter-examples hold when the real pipeline (medspaCy ConText) reads them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms_board.extract.fields import pattern_candidates, prepare
from lms_board.extract.identifiers import find_identifiers
from lms_board.extract.nlp import pipeline
from lms_board.extract.rules import RULES_DIR, RulesError, load_rules, rules

RULES = rules()


def _found(rule_id: str, text: str) -> list[object]:
    doc = prepare(0, "example.txt", text, text)
    return [c.value for c in pattern_candidates(doc) if c.rule == rule_id]


@pytest.mark.parametrize("rule", [r for r in RULES.patterns if r.examples], ids=lambda r: r.id)
def test_pattern_examples(rule) -> None:  # type: ignore[no-untyped-def]
    for example in rule.examples:
        text = example.text
        if rule.doc_kinds == ["pathology"]:
            text = "HISTOPATHOLOGY REPORT\n" + text
        assert example.value in _found(rule.id, text), example.text


@pytest.mark.parametrize(
    "rule", [r for r in RULES.patterns if r.counter_examples], ids=lambda r: r.id
)
def test_pattern_counter_examples(rule) -> None:  # type: ignore[no-untyped-def]
    for text in rule.counter_examples:
        assert _found(rule.id, text) == [], text


@pytest.mark.parametrize("rule", RULES.identifiers, ids=lambda r: r.id)
def test_identifier_examples(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.examples
    for text in rule.examples:
        assert rule.regex.search(text), text
        assert find_identifiers([("x.txt", text)]), text


def test_every_record_has_an_id_and_a_reviewed_date() -> None:
    records = [*RULES.patterns, *RULES.identifiers, *RULES.context, *RULES.documents.kinds]
    records += [
        *RULES.vocabulary.sites,
        *RULES.vocabulary.ihc_markers,
        *RULES.vocabulary.comorbidities,
    ]
    assert all(r.id and r.reviewed for r in records)
    assert len(RULES.rule_ids()) == len(RULES.patterns) + len(RULES.identifiers) + len(
        RULES.context
    ) + len(RULES.documents.kinds)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "patterns.yaml",
            "field: patient.ecog",
            "field: patient.ecgo",
            "unknown field 'patient.ecgo'",
        ),
        ("patterns.yaml", "id: lvef\n", "id: lvef\n  colour: red\n", "record 'lvef'"),
        (
            "patterns.yaml",
            "  reviewed: 2026-12-03\n  examples: [{text: 'WHO PS 1'",
            "  examples: [{text: 'WHO PS 1'",
            "record 'ecog'",
        ),
        ("identifiers.yaml", "kind: email", "kind: mail", "record 'id-email'"),
        ("patterns.yaml", "id: age-label", "id: age-yo", "duplicate id"),
    ],
)
def test_a_bad_rule_file_names_the_record(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    base = _copy(tmp_path)
    text = (base / file).read_text(encoding="utf-8")
    assert old in text
    (base / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_rules(base)


def test_medspacy_pipeline_is_built_once() -> None:
    assert pipeline() is pipeline()
    assert pipeline().pipe_names == ["medspacy_pyrush", "medspacy_context"]
