"""Warnings for free text that looks like a direct identifier (case format: no names,
record numbers, e-mails, phone numbers or birth dates). Heuristic, so a warning, not a block.

Example: "MRN 00123456" → a 6+ digit number; "DOB 02/03/1961" → a date of birth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lms_board.case import Case
from lms_board.wording import field_label

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("e-mail address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "date of birth",
        re.compile(r"\b(?:d\.?o\.?b\.?|date of birth|birth ?date|born on|born)\b", re.IGNORECASE),
    ),
    (
        "phone number",
        re.compile(
            r"(?<![\w.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,5}){1,4}(?![\w.])"
        ),
    ),
    ("record-number-like number (6+ digits)", re.compile(r"(?<!NCT)(?<!nct)(?<!\d)\d{6,}(?!\d)")),
)

_MIN_PHONE_DIGITS = 9
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class IdentifierHit:
    """One piece of free text that looks like an identifier."""

    field: str
    kind: str
    excerpt: str

    @property
    def article(self) -> str:
        return "an" if self.kind[:1] in "aeiou" else "a"

    @property
    def message(self) -> str:
        """``Clinical summary: looks like it holds a …`` (the field by its label)."""
        return (
            f"{field_label(self.field)}: looks like it holds {self.article} {self.kind} "
            f"('{self.excerpt}'); remove it"
        )


def identifier_kinds(text: str) -> list[tuple[str, str]]:
    """``(kind, matched text)`` for each identifier-like piece of ``text``."""
    hits: list[tuple[str, str]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            found = match.group(0)
            if kind == "phone number":
                digits = sum(ch.isdigit() for ch in found)
                if digits < _MIN_PHONE_DIGITS or _ISO_DATE.match(found):
                    continue
            hits.append((kind, found))
            break
    return hits


def find_identifiers(fields: dict[str, str]) -> list[IdentifierHit]:
    """Identifier-like text in the given ``{field path: text}`` values."""
    out: list[IdentifierHit] = []
    for path, text in fields.items():
        for kind, found in identifier_kinds(text):
            excerpt = found if len(found) <= 40 else found[:37] + "…"
            out.append(IdentifierHit(field=path, kind=kind, excerpt=excerpt))
    return out


def case_identifiers(case: Case) -> list[IdentifierHit]:
    """Identifier-like text anywhere in the case's free-text fields."""
    return find_identifiers(case.free_text())
