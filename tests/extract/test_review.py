"""The review of an extraction result in clinician words (lms_board.extract.review): labels
for every kind of path, values in words, quotes around the matched words, identifiers by
kind and count only, the policy id kept out of "why", unnamed documents named by kind."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lms_board.extract import Document, extract_documents, read_document
from lms_board.extract.result import Source
from lms_board.extract.review import (
    document_name,
    identifier_counts,
    missing_labels,
    note_text,
    path_label,
    quote,
    review_conflicts,
    review_rows,
    value_text,
)

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())
_PATH_LIKE = re.compile(r"\b(?:patient|tumor|pathology|workup|extent|history)\.[a-z_]+")


def result_of(case: Path):  # type: ignore[no-untyped-def]
    return extract_documents([read_document(p) for p in sorted(case.glob("*.txt"))])


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("tumor.size_cm", "Size (cm, greatest dimension)"),
        ("pathology.ihc.h_caldesmon", "Immunohistochemistry: h-caldesmon"),
        ("extent.metastases", "Distant metastases"),
        ("extent.metastases[lung]", "Distant metastases"),
        ("extent.metastases[lung].count", "Distant metastases: lung · Lesions"),
        (
            "history.treatment_lines[docetaxel+gemcitabine].cycles",
            "Systemic treatment lines: docetaxel + gemcitabine · Cycles",
        ),
        (
            "history.radiotherapy_courses[postoperative].dose_gy",
            "Radiotherapy courses: postoperative · Dose (Gy)",
        ),
        (
            "patient.coded_comorbidities[renal_impairment].egfr_ml_min",
            "Coded comorbidities: renal impairment · eGFR (mL/min)",
        ),
    ],
)
def test_every_kind_of_path_has_a_clinician_label(path: str, label: str) -> None:
    assert path_label(path) == label


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("extent.metastases", [], "none found"),
        ("history.treatment_lines", [], "none"),
        ("extent.metastases[lung]", True, "lung"),
        ("history.treatment_lines[doxorubicin+ifosfamide]", True, "doxorubicin + ifosfamide"),
        ("patient.comorbidities[Crohn's disease]", True, "Crohn's disease"),
        ("pathology.biopsy", "core_needle", "core needle"),
        ("pathology.ihc.desmin", "positive", "positive"),
        ("pathology.image_guided", True, "yes"),
        ("history.radiotherapy_courses[preoperative].dose_gy", 50.0, "50"),
        ("tumor.size_cm", 9.2, "9.2"),
    ],
)
def test_values_read_as_words(path: str, value: object, words: str) -> None:
    assert value_text(path, value) == words


def test_every_corpus_row_is_labelled_and_quoted_without_paths_or_rule_ids() -> None:
    for case in CASES:
        result = result_of(case)
        rows = review_rows(result)
        assert len(rows) == len(result.fields)
        for row in rows:
            assert not _PATH_LIKE.search(row.label), row.label
            assert row.quote.marked.strip(), (case.name, row.path)
            assert row.quote.text in _sentence(result, row.path) or "…" in row.quote.text


def _sentence(result, path: str) -> str:  # type: ignore[no-untyped-def]
    return next(f.source.sentence for f in result.fields if f.path == path)


def test_the_mark_covers_the_matched_words_also_after_a_bracket() -> None:
    doc = Document(
        "path.txt",
        "HISTOPATHOLOGY REPORT\nConclusion: Leiomyosarcoma.\nFNCLCC grade 3 (D3 M2 N1).\n",
    )
    rows = {r.path: r for r in review_rows(extract_documents([doc]))}
    assert rows["pathology.differentiation_score"].quote.marked == "D3 M2 N1"


def test_a_long_sentence_is_cut_at_words_around_the_match() -> None:
    sentence = "word " * 80 + "9.2 x 6.1 x 5 cm" + " more" * 80
    start = sentence.index("9.2")
    q = quote(Source("mri.txt", 0, 1, sentence, (start, start + 16)), width=60)
    assert q.marked == "9.2 x 6.1 x 5 cm"
    assert q.before.startswith("…word") and q.after.endswith("more…")
    assert len(q.text) <= 70


def test_conflicts_give_each_candidate_with_its_source_and_why_without_the_policy_id() -> None:
    [conflict] = review_conflicts(result_of(CORPUS / "C01"))
    assert conflict.label == "Size (cm, greatest dimension)"
    assert [(v, q.file, q.marked) for v, q in conflict.options] == [
        ("9.2", "mri_thigh.txt", "9.2 x 6.1 x 5 cm"),
        ("8", "referral_letter.txt", "8 cm"),
    ]
    assert conflict.chosen == 0
    assert conflict.why.startswith("a measured size in a pathology or imaging report")
    assert "conflict-" not in conflict.why


def test_identifiers_are_counted_by_kind_and_never_quoted() -> None:
    for case in CASES:
        result = result_of(case)
        counts = identifier_counts(result)
        assert sum(int(c.split()[0]) for c in counts) == len(result.identifiers)
        gold = json.loads((case / "gold.json").read_text())["identifiers"]
        shown = " ".join(counts) + " ".join(r.quote.text for r in review_rows(result))
        for identifier in gold:
            assert identifier["text"] not in shown, (case.name, identifier["kind"])


def test_missing_fields_are_named_by_label_required_first() -> None:
    doc = Document("note.txt", "Clinic note\nA deep mass in the left thigh.\n")
    required, wanted = missing_labels(extract_documents([doc]))
    assert required == ["Age (years)", "Sex"]
    assert "Size (cm, greatest dimension)" in wanted and "ECOG" in wanted


def test_notes_name_their_field_by_label() -> None:
    note = "history.treatment_lines[doxorubicin].line: left out (order)"
    assert (
        note_text(note) == "Systemic treatment lines: doxorubicin · Line number: left out (order)"
    )
    assert note_text("two documents have the same name") == "two documents have the same name"


def test_unnamed_documents_are_named_by_their_kind_and_never_twice() -> None:
    taken: set[str] = set()
    names = []
    for text in ["HISTOPATHOLOGY REPORT\n...", "CT CHEST\n...", "Dear Dr X,\n", "CT ABDOMEN\n"]:
        names.append(document_name(text, taken))
        taken.add(names[-1])
    assert names == ["Pathology report", "Imaging report", "Letter", "Imaging report (2)"]
    assert document_name("anything", {"mri.pdf"}, "mri.pdf") == "mri.pdf (2)"
