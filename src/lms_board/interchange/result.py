"""What an import returns: the good cases and a precise error for every bad row or item.

The page shows the errors and imports only the good cases once the user confirms; the CLI
imports the good ones and lists the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lms_board.case import Case, CaseError, parse_case


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One problem: the file, where in it (``row 3``, ``item 2``, ``entry 5``), and what."""

    source: str
    where: str
    message: str

    def __str__(self) -> str:
        """``row 3: patient.age: ...`` (the file name is left to the caller)."""
        return f"{self.where}: {self.message}" if self.where else self.message

    def with_source(self) -> str:
        """``cases.csv: row 3: patient.age: ...``."""
        return f"{self.source}: {self}" if self.source else str(self)


def upload_text(data: str | bytes, source: str, result: ImportResult, max_bytes: int) -> str | None:
    """The text of a file as read (UTF-8, a byte-order mark dropped), or ``None`` with the
    reason added to ``result`` (larger than ``max_bytes``, not UTF-8)."""
    if not isinstance(data, bytes):
        return data.removeprefix("\ufeff")
    if len(data) > max_bytes:
        result.add_error(source, "", f"file larger than {max_bytes // 2**20} MB")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.add_error(source, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None


@dataclass(slots=True)
class ImportResult:
    """The cases that validated, and an :class:`ImportIssue` for everything that did not."""

    cases: list[Case] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    #: Where each good case came from (same order as ``cases``), e.g. ``cases.csv row 2``.
    origins: list[str] = field(default_factory=list)
    #: What was read but not imported, and why (e.g. FHIR resources or fields LMS Board does
    #: not keep): shown with the import, never silently dropped.
    notices: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing was refused."""
        return not self.errors

    @property
    def messages(self) -> list[str]:
        """Every error as ``row 3: patient.age: ...``."""
        return [str(e) for e in self.errors]

    def add_case(self, case: Case, origin: str) -> None:
        self.cases.append(case)
        self.origins.append(origin)

    def add_error(self, source: str, where: str, message: str) -> None:
        self.errors.append(ImportIssue(source, where, message))

    def add_notice(self, source: str, where: str, message: str) -> None:
        self.notices.append(ImportIssue(source, where, message))

    def add_parsed(
        self,
        case_data: dict[str, Any],
        problems: list[str],
        *,
        source: str,
        where: str,
        seen: dict[str, str],
    ) -> None:
        """Validate one row or entry read from a file: keep the case, or record every problem
        at ``where`` (``row 3``). ``problems`` are what reading the cells found already; a model
        error on a field already named there says nothing new. A case id given twice in one
        file is refused naming the place it was first seen (``seen``: id -> place)."""
        problems = list(problems)
        try:
            case = parse_case(case_data)
        except CaseError as exc:
            named = {p.split(":", 1)[0] for p in problems}
            problems += [m for m in exc.messages if m.split(":", 1)[0] not in named]
        if problems:
            for message in problems:
                self.add_error(source, where, message)
            return
        if case.case_id in seen:
            self.add_error(
                source, where, f"case_id: {case.case_id!r} already in {seen[case.case_id]}"
            )
            return
        seen[case.case_id] = where
        self.add_case(case, f"{source} {where}")

    def extend(self, other: ImportResult) -> None:
        """Add another file's result, refusing case ids seen earlier in this import."""
        seen = {c.case_id: o for c, o in zip(self.cases, self.origins, strict=True)}
        for case, origin in zip(other.cases, other.origins, strict=True):
            if case.case_id in seen:
                self.add_error(
                    origin,
                    "",
                    f"case_id: {case.case_id!r} appears twice in this import "
                    f"(first in {seen[case.case_id]})",
                )
                continue
            seen[case.case_id] = origin
            self.add_case(case, origin)
        self.errors.extend(other.errors)
        self.notices.extend(other.notices)
