"""The clinical review sets: cases and their expected board judgements (written before the
cases were run), and :func:`unmet`, which lists every expectation an assessment does not meet.

Four sets share the checker: the review set (:data:`REVIEW`: ``cases/RV-NN.json`` and
``expected.yaml``) and three held-out sets, each written by an independent reviewer to measure
whether the rules generalise: :data:`HELDOUT` (``heldout/cases/HO-NN.json`` and
``heldout/expected.yaml``), :data:`HELDOUT3` (``heldout3/cases/HX-NN.json`` and
``heldout3/expected.yaml``) and :data:`HELDOUT4` (``heldout4/cases/HY-NN.json`` and
``heldout4/expected.yaml``). Every function takes the set (a :class:`ReviewSet`, i.e. a case
directory and its expectations file) and defaults to the review set.

Shared by ``test_review_set.py`` (one pytest test per review case) and ``report.py``
(``docs/clinical-review.md``, ``docs/clinical-review-heldout.md``,
``docs/clinical-review-heldout3.md``, ``docs/clinical-review-heldout4.md``). The checks are
word-based, so they hold whatever ids and wording the clinical rules give their options: words
match case-insensitively at the start of a word ("declin" matches "declined", "NGS" does not
match "findings").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from lms_board.assess import assess
from lms_board.assessment import Assessment
from lms_board.case import CaseError, load_case
from lms_board.drugs import drugs_in_text

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ReviewSet:
    """A directory of case files ``<prefix>-NN.json`` and the file of their expectations."""

    name: str
    cases_dir: Path
    expected_file: Path
    prefix: str


REVIEW = ReviewSet("review", HERE / "cases", HERE / "expected.yaml", "RV")
HELDOUT = ReviewSet("heldout", HERE / "heldout" / "cases", HERE / "heldout" / "expected.yaml", "HO")
HELDOUT3 = ReviewSet(
    "heldout3", HERE / "heldout3" / "cases", HERE / "heldout3" / "expected.yaml", "HX"
)
HELDOUT4 = ReviewSet(
    "heldout4", HERE / "heldout4" / "cases", HERE / "heldout4" / "expected.yaml", "HY"
)
SETS = {s.name: s for s in (REVIEW, HELDOUT, HELDOUT3, HELDOUT4)}
CASES_DIR = REVIEW.cases_dir
EXPECTED_FILE = REVIEW.expected_file

#: Every key an expectation may have (documented at the top of ``expected.yaml``).
KEYS = frozenset(
    {
        "note",
        "rationale",
        "category",
        "subtype",
        "provisional",
        "grade",
        "stage_group",
        "first_option_words",
        "must_include",
        "must_not_include",
        "not_suitable_words",
        "prompt_words",
        "gaps",
        "flags",
        "no_trial_words",
        "trial_words",
        "no_combination_chemo",
    }
)
REQUIRED = frozenset({"note", "rationale", "category", "subtype"})


@cache
def expectations(rset: ReviewSet = REVIEW) -> dict[str, dict[str, Any]]:
    """``{case_id: expectation}`` from the set's expectations file, in file order."""
    data = yaml.safe_load(rset.expected_file.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{rset.expected_file}: must map case ids to expectations")
    return data


def case_files(rset: ReviewSet = REVIEW) -> dict[str, Path]:
    """``{case_id: path}`` of every case file of the set."""
    return {p.stem: p for p in sorted(rset.cases_dir.glob(f"{rset.prefix}-*.json"))}


def case_ids(rset: ReviewSet = REVIEW) -> list[str]:
    return list(expectations(rset))


# --------------------------------------------------------------------------- matching


def _words(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


@cache
def _pattern(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + re.escape(word.lower()))


def has_word(text: str, words: str | Iterable[str]) -> bool:
    """True when ``text`` holds any of ``words`` starting at a word boundary."""
    low = text.lower()
    return any(_pattern(w).search(low) for w in _words(words))


def _field(obj: Any, name: str, default: Any = "") -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def prompt_texts(a: Assessment) -> list[str]:
    """Where a prompt may be said: the ``prompts`` field (when the assessment has one), flags,
    workup-gap messages, option names, settings and caveats, not-suitable entries, the
    classification rationale and the stage note."""
    out: list[str] = []
    for p in getattr(a, "prompts", None) or []:
        out.append(f"{_field(p, 'code')} {_field(p, 'message')}")
    out += [f"{f.code} {f.message}" for f in a.flags]
    out += [f"{g.code} {g.message}" for g in a.workup_gaps]
    for o in a.options:
        out += [o.name, o.setting, *o.caveats]
    out += [f"{n.name} {n.reason}" for n in a.not_suitable]
    out += [r.text for r in a.classification.rationale]
    out.append(a.stage.note)
    return out


def trial_texts(a: Assessment) -> list[str]:
    return [f"{t.nct} {t.title}" for t in a.trials]


def _group(words: Iterable[str]) -> str:
    return " | ".join(words)


_OR = re.compile(r"\bor\b", re.IGNORECASE)


def is_combination(option_name: str) -> bool:
    """True when some alternative of the name ("A or B + C") gives two or more drugs."""
    return any(len(drugs_in_text(part)) >= 2 for part in _OR.split(option_name))


# --------------------------------------------------------------------------- checking


def unmet(expected: dict[str, Any], a: Assessment) -> list[str]:
    """Every expectation of ``expected`` that the assessment ``a`` does not meet."""
    problems: list[str] = []
    c = a.classification
    for key, actual in (("category", c.category), ("subtype", c.subtype)):
        want = _words(expected[key])
        if actual not in want:
            problems.append(f"{key}: expected {' or '.join(want)}, got {actual}")
    if "provisional" in expected and c.provisional != expected["provisional"]:
        problems.append(f"provisional: expected {expected['provisional']}, got {c.provisional}")
    if "grade" in expected:
        got = a.grade.grade if a.grade else None
        if got != expected["grade"]:
            problems.append(f"grade: expected {expected['grade']}, got {got}")
    if "stage_group" in expected and a.stage.group != expected["stage_group"]:
        problems.append(f"stage group: expected {expected['stage_group']}, got {a.stage.group}")

    names = [o.name for o in a.options]
    if "first_option_words" in expected:
        words = _words(expected["first_option_words"])
        if not names:
            problems.append(f"first option: expected one naming {_group(words)}, got no option")
        elif not has_word(names[0], words):
            problems.append(f"first option: expected {_group(words)}, got '{names[0]}'")
    for group in expected.get("must_include", []):
        words = _words(group)
        if not any(has_word(n, words) for n in names):
            problems.append(f"missing option: {_group(words)}")
    for word in expected.get("must_not_include", []):
        offenders = [n for n in names if has_word(n, word)]
        if offenders:
            problems.append(f"offered '{word}': " + "; ".join(offenders))

    for item in expected.get("not_suitable_words", []):
        name_words, reason_words = _words(item["name"]), _words(item.get("reason", []))
        named = [n for n in a.not_suitable if has_word(n.name, name_words)]
        if not named:
            problems.append(f"not listed as not suitable: {_group(name_words)}")
        elif reason_words and not any(has_word(n.reason, reason_words) for n in named):
            reasons = "; ".join(f"{n.name}: {n.reason}" for n in named)
            problems.append(
                f"not-suitable {_group(name_words)} without a reason naming "
                f"{_group(reason_words)} (got: {reasons})"
            )

    texts = prompt_texts(a)
    for group in expected.get("prompt_words", []):
        words = _words(group)
        if not any(has_word(t, words) for t in texts):
            problems.append(f"no prompt/caveat: {_group(words)}")

    gaps = a.gap_codes()
    problems += [f"missing gap: {g}" for g in expected.get("gaps", []) if g not in gaps]
    found_flags = a.flag_codes()
    problems += [f"missing flag: {f}" for f in expected.get("flags", []) if f not in found_flags]

    trials = trial_texts(a)
    for word in expected.get("no_trial_words", []):
        offenders = [t for t in trials if has_word(t, word)]
        if offenders:
            problems.append(f"trial offered with '{word}': " + "; ".join(offenders))
    for group in expected.get("trial_words", []):
        words = _words(group)
        if not any(has_word(t, words) for t in trials):
            problems.append(f"missing trial: {_group(words)}")

    if expected.get("no_combination_chemo"):
        combos = [n for n in names if is_combination(n)]
        if combos:
            problems.append("combination offered: " + "; ".join(combos))
    return problems


@dataclass(frozen=True)
class Result:
    """One review case: its expectation, its assessment (None when the case did not load)
    and every unmet expectation."""

    case_id: str
    expected: dict[str, Any]
    assessment: Assessment | None
    problems: list[str]

    @property
    def matches(self) -> bool:
        return not self.problems


def review(case_id: str, rset: ReviewSet = REVIEW) -> Result:
    """Load the case, assess it and check it against its expectation."""
    expected = expectations(rset)[case_id]
    path = case_files(rset).get(case_id)
    if path is None:
        return Result(case_id, expected, None, [f"no case file {case_id}.json"])
    try:
        case = load_case(path)
    except CaseError as exc:
        return Result(case_id, expected, None, [f"case does not load: {m}" for m in exc.messages])
    a = assess(case)
    return Result(case_id, expected, a, unmet(expected, a))


def review_all(rset: ReviewSet = REVIEW) -> list[Result]:
    return [review(cid, rset) for cid in case_ids(rset)]
