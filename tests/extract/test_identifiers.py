"""Every identifier of the corpus is reported by kind and span; none of their text reaches
an extracted case, a value's source, the provenance, the CLI output or the log."""

from __future__ import annotations

import json
import logging
import re

import pytest

from extract.helpers import CORPUS, CorpusCase
from lms_board.cli import main
from lms_board.extract import extract_documents


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text)]


def _secrets(c: CorpusCase) -> set[str]:
    """Each identifier text, and each word of a name (4+ letters, the way it is written)."""
    out = set()
    for ident in c.gold["identifiers"]:
        out.add(ident["text"])
        if ident["kind"] == "name":
            out |= {w for w in re.findall(r"[A-Za-z'-]{4,}", ident["text"])}
    return out


def test_every_identifier_span_is_reported(corpus: list[CorpusCase]) -> None:
    missed = []
    for c in corpus:
        texts = {d.name: d.text for d in c.documents}
        spans = c.result.identifiers
        for ident in c.gold["identifiers"]:
            for start, end in _occurrences(texts[ident["file"]], ident["text"]):
                covering = [
                    s
                    for s in spans
                    if s.file == ident["file"] and s.start <= start and end <= s.end
                ]
                if not covering:
                    missed.append(f"{c.case_id} {ident['file']} {ident['kind']}")
                elif ident["kind"] not in {s.kind for s in covering}:
                    missed.append(
                        f"{c.case_id} {ident['file']} {ident['kind']} reported as {covering[0].kind}"
                    )
    assert not missed, "\n".join(missed)


def test_identifiers_are_kinds_and_spans_only(corpus: list[CorpusCase]) -> None:
    for c in corpus:
        for ident in c.result.to_json()["identifiers"]:
            assert set(ident) == {"kind", "file", "start", "end"}


def _leaks(blob: str, secrets: set[str]) -> list[str]:
    return sorted(s for s in secrets if re.search(rf"(?<![\w]){re.escape(s)}(?![\w])", blob))


def test_no_identifier_text_in_any_output(corpus: list[CorpusCase]) -> None:
    for c in corpus:
        out = json.dumps(
            {
                "json": c.result.to_json(),
                "case": c.result.case_dict(),
                "provenance": c.result.provenance(),
            },
            ensure_ascii=False,
        )
        assert not _leaks(out, _secrets(c)), c.case_id


@pytest.mark.parametrize("case_id", ["C01", "C08", "C10", "C17"])
def test_no_identifier_in_cli_output_case_file_or_log(
    corpus: list[CorpusCase],
    case_id: str,
    tmp_path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    c = next(x for x in corpus if x.case_id == case_id)
    files = sorted(str(p) for p in (CORPUS / case_id).glob("*.txt"))
    case_out = tmp_path / "case.json"
    caplog.set_level(logging.DEBUG)
    assert main(["extract", *files, "--case-out", str(case_out)]) == 0
    captured = capsys.readouterr()
    blob = captured.out + captured.err + caplog.text + case_out.read_text(encoding="utf-8")
    assert json.loads(captured.out)["identifiers"]
    assert not _leaks(blob, _secrets(c))


def test_identifiers_are_masked_before_extraction() -> None:
    from lms_board.extract import Document

    r = extract_documents(
        [
            Document(
                "l.txt", "Re: Mrs Ada Testcase, DOB 02/07/1961\nSurgery on 02/07/1961 was not done."
            )
        ]
    )
    # The date of birth is an identifier; its second mention is not taken as a date either.
    assert r.value("history.surgery_date") is None
    assert {i.kind for i in r.identifiers} >= {"name", "date_of_birth"}
