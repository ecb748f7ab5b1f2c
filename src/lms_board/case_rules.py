"""When a field of the case format applies: one table of "applies only when" rules, read by
the validation of both format versions (:mod:`lms_board.case_v1`, :mod:`lms_board.case`) and
by the intake form (which shows a field only where it applies and never sends the value of one
that does not), so a rule changed here changes both.

Each :class:`AppliesWhen` names a field, the conditions under which it may hold a value
(``when``: one of them; ``unless``: none of them) and the message a breach gives. ``scope`` is
``""`` for a field of the case, or a list of objects (``history.treatment_lines``) for a field
of each of its rows; paths are then relative to the row.

Example: ``tumor.morcellated`` applies only when ``tumor.site`` is ``uterus``; a thigh tumour
with ``morcellated: false`` is refused with "tumor.morcellated: only allowed when tumor.site is
'uterus' (tumor.site is 'extremity')", and the form does not show the field for a thigh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lms_board.case_fields import (
    Biopsy,
    ComorbidityCode,
    LineSetting,
    Resectability,
    Sex,
    Site,
    StopReason,
    shown,
)

Getter = Callable[[str], Any]


@dataclass(frozen=True)
class Is:
    """``field`` (relative to the rule's scope) holds one of ``values``."""

    field: str
    values: tuple[Any, ...]

    def holds(self, get: Getter) -> bool:
        value = get(self.field)
        # ``is`` for booleans: 0 == False must not count as "false".
        return any(
            value is v if isinstance(v, bool) else (value == v and not isinstance(value, bool))
            for v in self.values
        )


@dataclass(frozen=True)
class AppliesWhen:
    """``field`` may hold a value only when one of ``when`` holds (empty: always) and none of
    ``unless``. ``message`` follows ``path: ``; ``{row}`` is the row's path and ``{value}`` the
    current value of the first condition's field, quoted (or "not recorded")."""

    field: str
    message: str
    when: tuple[Is, ...] = ()
    unless: tuple[Is, ...] = ()
    scope: str = ""
    #: The case format version that introduced the rule (format v1 files get only those).
    version: int = 1

    def applies(self, get: Getter) -> bool:
        ok = not self.when or any(c.holds(get) for c in self.when)
        return ok and not any(c.holds(get) for c in self.unless)

    def problem(self, get: Getter, row: str = "") -> str:
        first = (self.when or self.unless)[0]
        text = self.message.format(row=row, value=shown(get(first.field)))
        path = f"{row}.{self.field}" if row else self.field
        return f"{path}: {text}"


APPLIES_WHEN: tuple[AppliesWhen, ...] = (
    AppliesWhen(
        "tumor.uterine_extension",
        "only allowed when tumor.site is 'uterus' (tumor.site is {value})",
        when=(Is("tumor.site", (Site.uterus,)),),
    ),
    AppliesWhen(
        "tumor.morcellated",
        "only allowed when tumor.site is 'uterus' (tumor.site is {value})",
        when=(Is("tumor.site", (Site.uterus,)),),
    ),
    AppliesWhen(
        "extent.limb_salvage_feasible",
        "only allowed when tumor.site is 'extremity' (tumor.site is {value})",
        when=(Is("tumor.site", (Site.extremity,)),),
    ),
    AppliesWhen(
        "pathology.needle_gauge",
        "only allowed when pathology.biopsy is 'core_needle' (pathology.biopsy is {value})",
        when=(Is("pathology.biopsy", (Biopsy.core_needle,)),),
    ),
    AppliesWhen(
        "pathology.margin",
        "only allowed when extent.primary_resectability is 'resected' "
        "or pathology.biopsy is 'excisional' or 'resection'",
        when=(
            Is("extent.primary_resectability", (Resectability.resected,)),
            Is("pathology.biopsy", (Biopsy.excisional, Biopsy.resection)),
        ),
    ),
    AppliesWhen(
        "patient.menopausal_status",
        "not for patient.sex 'male'",
        unless=(Is("patient.sex", (Sex.male,)),),
        version=2,
    ),
    AppliesWhen(
        "patient.pregnant",
        "not for patient.sex 'male'",
        unless=(Is("patient.sex", (Sex.male,)),),
        version=2,
    ),
    AppliesWhen(
        "patient.gestational_age_weeks",
        "only when patient.pregnant is true (patient.pregnant is {value})",
        when=(Is("patient.pregnant", (True,)),),
        version=2,
    ),
    AppliesWhen(
        "pathology.hrd",
        "a homologous-recombination result needs a tumour test (pathology.tumor_ngs is false)",
        unless=(Is("pathology.tumor_ngs", (False,)),),
        version=2,
    ),
    AppliesWhen(
        "egfr_ml_min",
        "only with code 'renal_impairment' ({row}.code is {value})",
        when=(Is("code", (ComorbidityCode.renal_impairment,)),),
        scope="patient.coded_comorbidities",
        version=2,
    ),
    AppliesWhen(
        "line",
        "only for setting 'advanced' or 'maintenance' ({row}.setting is {value})",
        when=(Is("setting", (LineSetting.advanced, LineSetting.maintenance)),),
        scope="history.treatment_lines",
        version=2,
    ),
    AppliesWhen(
        "end_date",
        "an ongoing line has no end date ({row}.stop_reason is 'ongoing')",
        unless=(Is("stop_reason", (StopReason.ongoing,)),),
        scope="history.treatment_lines",
        version=2,
    ),
)


def rule_for(field: str, scope: str = "") -> AppliesWhen | None:
    """The rule of a field (``"tumor.morcellated"``; a row field: ``"line"``, its list)."""
    return next((r for r in APPLIES_WHEN if r.field == field and r.scope == scope), None)


def at(data: Any, path: str) -> Any:
    """The value at a dotted path of a decoded case (``None`` when any part is missing)."""
    node = data
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def rows_of(data: dict[str, Any], scope: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(index, row)`` of each object in the list at ``scope`` (others skipped)."""
    items = at(data, scope)
    for i, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            yield i, item


def applies_problems(data: dict[str, Any], version: int) -> list[str]:
    """Every breach of the "applies only when" rules of ``version`` in a decoded case."""
    problems: list[str] = []
    for rule in APPLIES_WHEN:
        if rule.version > version:
            continue
        if not rule.scope:

            def get(path: str) -> Any:
                return at(data, path)

            if get(rule.field) is not None and not rule.applies(get):
                problems.append(rule.problem(get))
            continue
        for i, item in rows_of(data, rule.scope):

            def get_row(path: str, item: dict[str, Any] = item) -> Any:
                return at(item, path)

            if get_row(rule.field) is not None and not rule.applies(get_row):
                problems.append(rule.problem(get_row, f"{rule.scope}[{i}]"))
    return problems
