"""Direct identifiers in documents: found as kind + span, then masked before extraction.

The patterns live in ``knowledge/extraction/identifiers.yaml``. A name found once (after a
title, a label or in a signature), a record number, a date of birth… are then looked for
in every document of the case, so "Testcase" alone, or the birth date repeated, is masked too. Masking keeps the text's length
(each character becomes ``MASK``), so every span still points into the original text, and
no rule can turn an identifier into a value ("DOB 02/07/1961" never becomes a date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lms_board.extract.rules import rules

MASK = "▮"
_NOT_NAME_WORDS = frozenset(
    """the and of for with from this that dear re yours sincerely regards kind best wishes
    consultant surgeon oncologist radiologist histopathologist pathologist clinic hospital
    department unit service surgery oncology sarcoma medical clinical patient name date
    report left right mr mrs ms miss dr prof md""".split()
)


@dataclass(frozen=True)
class IdentifierSpan:
    """An identifier: its kind and where it is; its text is never kept."""

    kind: str
    file: str
    start: int
    end: int
    rule: str

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "file": self.file, "start": self.start, "end": self.end}


def _direct(name: str, text: str) -> list[IdentifierSpan]:
    out: list[IdentifierSpan] = []
    for rule in rules().identifiers:
        for m in rule.regex.finditer(text):
            start, end = m.span(rule.group) if rule.group else m.span()
            if end > start:
                out.append(IdentifierSpan(rule.kind, name, start, end, rule.id))
    return out


def _name_tokens(texts: list[str]) -> set[str]:
    tokens: set[str] = set()
    for t in texts:
        for word in re.findall(r"[A-Za-z][A-Za-z'’-]+", t):
            if len(word) >= 3 and word.lower() not in _NOT_NAME_WORDS:
                tokens.add(word)
    return tokens


def _propagated(
    name: str, text: str, names: set[str], numbers: dict[str, str]
) -> list[IdentifierSpan]:
    out: list[IdentifierSpan] = []
    for token in names:
        variants = {token, token.upper(), token.capitalize()}
        for v in variants:
            for m in re.finditer(rf"(?<![\w]){re.escape(v)}(?![\w])", text):
                out.append(IdentifierSpan("name", name, m.start(), m.end(), "id-name-repeat"))
    for number, kind in numbers.items():
        for m in re.finditer(rf"(?<![\w]){re.escape(number)}(?![\w])", text):
            out.append(IdentifierSpan(kind, name, m.start(), m.end(), "id-repeat"))
    return out


def _merged(spans: list[IdentifierSpan]) -> list[IdentifierSpan]:
    """Overlapping spans joined (the kind of the longest one kept)."""
    out: list[IdentifierSpan] = []
    for s in sorted(spans, key=lambda s: (s.file, s.start, -(s.end - s.start))):
        if out and out[-1].file == s.file and s.start < out[-1].end:
            last = out[-1]
            if s.end > last.end:
                longer = s if (s.end - s.start) > (last.end - last.start) else last
                out[-1] = IdentifierSpan(longer.kind, last.file, last.start, s.end, longer.rule)
            continue
        out.append(s)
    return out


def find_identifiers(documents: list[tuple[str, str]]) -> list[IdentifierSpan]:
    """Every identifier span in the documents (``(name, text)`` pairs), merged, in order."""
    direct = [s for name, text in documents for s in _direct(name, text)]
    texts = dict(documents)
    names = _name_tokens([texts[s.file][s.start : s.end] for s in direct if s.kind == "name"])
    numbers = {
        texts[s.file][s.start : s.end]: s.kind
        for s in direct
        if s.kind != "name" and len(texts[s.file][s.start : s.end]) >= 6
    }
    spans = list(direct)
    for name, text in documents:
        spans.extend(_propagated(name, text, names, numbers))
    return _merged(spans)


def mask(text: str, spans: list[IdentifierSpan]) -> str:
    """The text with every identifier character replaced by ``MASK`` (same length)."""
    chars = list(text)
    for s in spans:
        for i in range(s.start, min(s.end, len(chars))):
            if chars[i] != "\n":
                chars[i] = MASK
    return "".join(chars)


_MASK_RUN = re.compile(f"{MASK}+(?:[ ,]+{MASK}+)*")


def redacted(text: str) -> str:
    """Masked text for display and storage: each run of masked characters → ``[removed]``."""
    return _MASK_RUN.sub("[removed]", text)
