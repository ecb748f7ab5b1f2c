"""Dates in clinical text: 14/03/2025 (UK), 03/14/2025 (US), 2025-03-14, 14 March 2025,
March 14, 2025, 14-Mar-2025. A numeric date's order (day/month or month/day) is decided by
the document's other dates (one with a first part over 12 is day first); when none
decides, by the document's spelling (UK "tumour", "WHO PS" / US "tumor", "MRN"), and the
value says it was ambiguous. Month-only dates ("09/2025", "January 2023") are not dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lms_board.extract.rules import DateStyle, rules

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
DATE_RE = re.compile(
    r"(?<![\d/.-])(?:"
    r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>(?:19|20)\d{2})"
    r"|(?P<iy>(?:19|20)\d{2})-(?P<im>\d{2})-(?P<id>\d{2})"
    rf"|(?P<td>\d{{1,2}})(?:st|nd|rd|th)?[\s-]+(?P<tm>{_MONTH})\.?[\s-]+(?P<ty>(?:19|20)\d{{2}})"
    rf"|(?P<mm>{_MONTH})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>(?:19|20)\d{{2}})"
    r")(?![\d/])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    value: date
    ambiguous: bool = False
    note: str = ""


def document_style(text: str) -> tuple[DateStyle | None, str]:
    """``dmy`` / ``mdy`` from the document's own dates, else from its spelling, and why."""
    dmy = mdy = 0
    for m in DATE_RE.finditer(text):
        if m.group("a"):
            a, b = int(m.group("a")), int(m.group("b"))
            dmy += a > 12 and b <= 12
            mdy += b > 12 and a <= 12
    if dmy and not mdy:
        return "dmy", "the document's other dates are day/month"
    if mdy and not dmy:
        return "mdy", "the document's other dates are month/day"
    uk = us = 0
    for s in rules().documents.styles:
        n = len(s.regex.findall(text))
        uk += n if s.style == "uk" else 0
        us += n if s.style == "us" else 0
    if uk > us:
        return None, "day/month, from the document's UK spelling; could be month/day"
    if us > uk:
        return None, "month/day, from the document's US spelling; could be day/month"
    return None, "day/month assumed; could be month/day"


def style_guess(text: str) -> DateStyle:
    style, why = document_style(text)
    if style is not None:
        return style
    return "mdy" if why.startswith("month/day") else "dmy"


def find_dates(text: str, style: DateStyle, ambiguity_note: str = "") -> list[FoundDate]:
    """Every full date in ``text`` with its value (numeric dates read in ``style``)."""
    out: list[FoundDate] = []
    for m in DATE_RE.finditer(text):
        try:
            if m.group("a"):
                a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
                if a > 12 and b <= 12:
                    day, month = a, b
                elif b > 12 and a <= 12:
                    day, month = b, a
                elif style == "dmy":
                    day, month = a, b
                else:
                    day, month = b, a
                value = date(y, month, day)
                ambiguous = bool(ambiguity_note) and a <= 12 and b <= 12 and a != b
                out.append(
                    FoundDate(
                        m.start(), m.end(), value, ambiguous, ambiguity_note if ambiguous else ""
                    )
                )
            elif m.group("iy"):
                value = date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
                out.append(FoundDate(m.start(), m.end(), value))
            elif m.group("td"):
                month = _MONTHS[m.group("tm").lower().rstrip(".")]
                value = date(int(m.group("ty")), month, int(m.group("td")))
                out.append(FoundDate(m.start(), m.end(), value))
            else:
                month = _MONTHS[m.group("mm").lower().rstrip(".")]
                value = date(int(m.group("my")), month, int(m.group("md")))
                out.append(FoundDate(m.start(), m.end(), value))
        except (ValueError, KeyError):
            continue
    return out


def whole_months(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (14/02/2022 → 20/03/2023 is 13)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(0, months)
