"""Write ``docs/clinical-review.md`` (review set), ``docs/clinical-review-heldout.md`` (held-out
set), ``docs/clinical-review-heldout3.md`` (third held-out set) or
``docs/clinical-review-heldout4.md`` (fourth held-out set): every case, the board's expected
judgement, what the tool says, and whether the two match.

    .venv/bin/python -m tests.clinical.report [--set review|heldout|heldout3|heldout4] [--out PATH]
    (or: make review / make review-heldout / make review-heldout3 / make review-heldout4)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from .review import HERE, REVIEW, SETS, Result, ReviewSet, review_all

REPO_ROOT = HERE.parent.parent
DEFAULT_OUT = REPO_ROOT / "docs" / "clinical-review.md"
OUT_BY_SET = {
    "review": DEFAULT_OUT,
    "heldout": REPO_ROOT / "docs" / "clinical-review-heldout.md",
    "heldout3": REPO_ROOT / "docs" / "clinical-review-heldout3.md",
    "heldout4": REPO_ROOT / "docs" / "clinical-review-heldout4.md",
}

#: Title, who wrote the expectations, and the command that regenerates the page, per set.
_SET_TEXT = {
    "review": (
        "Clinical review set",
        "",
        "`make test` runs one test per case (`tests/clinical/test_review_set.py`); "
        "`make review` regenerates this page.",
    ),
    "heldout": (
        "Clinical review: held-out set",
        " The held-out set was written by an independent reviewer who did not see the rules "
        "being tuned on the review set; it measures whether they generalise, so it is not run "
        "by `make test` and must not be used to tune the rules.",
        "`make review-heldout` regenerates this page.",
    ),
    "heldout3": (
        "Clinical review: third held-out set",
        " The third held-out set was written by another independent reviewer, without reading "
        "the clinical rules and avoiding the scenarios of the two earlier sets; it measures "
        "whether the rules generalise, so it is not run by `make test` and must not be used to "
        "tune the rules.",
        "`make review-heldout3` regenerates this page.",
    ),
    "heldout4": (
        "Clinical review: fourth held-out set",
        " The fourth held-out set was written by another independent reviewer, without reading "
        "the clinical rules and avoiding the scenarios of the three earlier sets; it measures "
        "whether the rules generalise, so it is not run by `make test` and must not be used to "
        "tune the rules.",
        "`make review-heldout4` regenerates this page.",
    ),
}

_PROBLEM_KINDS = {
    "category": "classification",
    "subtype": "classification",
    "provisional": "classification",
    "grade": "grade or stage",
    "stage group": "grade or stage",
    "first option": "wrong first option",
    "missing option": "missing option",
    "offered": "unsafe or unwanted option offered",
    "not listed as not suitable": "not-suitable entry missing or without its reason",
    "not-suitable": "not-suitable entry missing or without its reason",
    "no prompt/caveat": "missing prompt or caveat",
    "missing gap": "missing workup gap or flag",
    "missing flag": "missing workup gap or flag",
    "trial offered with": "trial offered that should not be",
    "missing trial": "missing trial",
    "combination offered": "combination offered where single agent is needed",
    "case does not load": "case does not load",
    "no case file": "case does not load",
}


def _kind(problem: str) -> str:
    for prefix, kind in _PROBLEM_KINDS.items():
        if problem.startswith(prefix):
            return kind
    return "other"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _alts(value: Any) -> str:
    return " / ".join(value) if isinstance(value, list) else str(value)


def expected_brief(exp: dict[str, Any]) -> str:
    """The expectation in a few lines."""
    head = f"{_alts(exp['category'])} · {_alts(exp['subtype'])}"
    if exp.get("provisional") is True:
        head += " (provisional)"
    if "grade" in exp:
        head += f" · G{exp['grade'] if exp['grade'] is not None else ' unknown'}"
    if "stage_group" in exp:
        head += f" · {exp['stage_group']}"
    lines = [head]
    if "first_option_words" in exp:
        lines.append("first: " + _alts(exp["first_option_words"]))
    if exp.get("must_include"):
        lines.append("must: " + "; ".join(_alts(g) for g in exp["must_include"]))
    if exp.get("must_not_include"):
        lines.append("must not: " + ", ".join(exp["must_not_include"]))
    for item in exp.get("not_suitable_words", []):
        reason = item.get("reason")
        lines.append(
            f"not suitable: {_alts(item['name'])}" + (f" ({_alts(reason)})" if reason else "")
        )
    if exp.get("prompt_words"):
        lines.append("prompts: " + "; ".join(_alts(g) for g in exp["prompt_words"]))
    codes = [*exp.get("gaps", []), *exp.get("flags", [])]
    if codes:
        lines.append("codes: " + ", ".join(codes))
    if exp.get("no_trial_words"):
        lines.append("no trial with: " + ", ".join(exp["no_trial_words"]))
    if exp.get("trial_words"):
        lines.append("trial: " + "; ".join(_alts(g) for g in exp["trial_words"]))
    if exp.get("no_combination_chemo"):
        lines.append("no combination")
    return "<br>".join(_cell(line) for line in lines)


def tool_says(r: Result) -> tuple[str, str, str, str]:
    """Classification/grade/stage/gaps, first options, key not-suitable, prompts and flags."""
    a = r.assessment
    if a is None:
        return ("(case did not load)", "", "", "")
    c = a.classification
    grade = a.grade.grade if a.grade and a.grade.grade else None
    head = f"{c.category} · {c.subtype}" + (" (provisional)" if c.provisional else "")
    stage = a.stage.group or "no stage"
    lines = [head, f"G{grade if grade else ' unknown'} · {stage}"]
    if a.workup_gaps:
        lines.append("gaps: " + ", ".join(a.gap_codes()))
    options = "<br>".join(
        f"{i}) {_cell(_short(o.name, 90))}" for i, o in enumerate(a.options[:4], 1)
    )
    if len(a.options) > 4:
        options += f"<br>(+{len(a.options) - 4} more)"
    unsuitable = (
        "<br>".join(_cell(_short(f"{n.name}: {n.reason}")) for n in a.not_suitable[:4]) or "none"
    )
    if len(a.not_suitable) > 4:
        unsuitable += f"<br>(+{len(a.not_suitable) - 4} more)"
    prompts = [str(getattr(p, "code", p)) for p in getattr(a, "prompts", None) or []]
    said = []
    if prompts:
        said.append("prompts: " + ", ".join(prompts))
    if a.flags:
        said.append("flags: " + ", ".join(a.flag_codes()))
    if a.trials:
        said.append("trials: " + ", ".join(t.nct for t in a.trials))
    return (
        "<br>".join(_cell(line) for line in lines),
        options or "none",
        unsuitable,
        "<br>".join(_cell(s) for s in said) or "none",
    )


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def render(results: list[Result], rset: ReviewSet = REVIEW) -> str:
    matched = sum(r.matches for r in results)
    kinds = Counter(_kind(p) for r in results for p in r.problems)
    cases_by_kind: dict[str, set[str]] = {}
    for r in results:
        for p in r.problems:
            cases_by_kind.setdefault(_kind(p), set()).add(r.case_id)
    commit = _commit()
    title, who, how = _SET_TEXT.get(rset.name, _SET_TEXT["review"])
    cases = rset.cases_dir.relative_to(REPO_ROOT)
    expected = rset.expected_file.relative_to(REPO_ROOT)
    lines = [
        f"# {title}",
        "",
        f"**{matched} of {len(results)} cases match** the judgement a sarcoma board wrote for "
        "them" + (f" (tool at commit `{commit}`)." if commit else "."),
        "",
        f"Each case (`{cases}/{rset.prefix}-NN.json`, synthetic and de-identified, case format "
        f"v2) was given its expected judgement in `{expected}` before it was "
        "run, from ESMO–EURACAN–GENTURIS 2021, NCCN, ESGO 2024, TARPSWG and "
        "`../shared/evidence/`, independently of the code." + who + " The checks are word-based "
        "(what a board would insist on: must / must not), not wording or order beyond the first "
        "option. " + how,
        "",
        "Decision support for professionals, not medical advice.",
        "",
    ]
    if kinds:
        lines += ["## Unmet expectations by kind", ""]
        lines += ["| kind | unmet items | cases |", "|---|---|---|"]
        for kind, n in kinds.most_common():
            ids = ", ".join(sorted(cases_by_kind[kind]))
            lines.append(f"| {kind} | {n} | {ids} |")
        lines.append("")
    lines += [
        "## Cases",
        "",
        "| case | clinical picture | expected (board) | tool: classification · grade · stage "
        "| tool: first options | tool: not suitable (first 4) | tool: prompts, flags, trials "
        "| match |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        head, options, unsuitable, said = tool_says(r)
        match = "✓" if r.matches else "✗ " + "<br>".join(_cell(p) for p in r.problems)
        lines.append(
            f"| {r.case_id} | {_cell(r.expected['note'])} | {expected_brief(r.expected)} "
            f"| {head} | {options} | {unsuitable} | {said} | {match} |"
        )
    lines += [
        "",
        f"Expectations and rationales: `{expected}`.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--set", dest="set_name", choices=sorted(SETS), default=REVIEW.name)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    rset = SETS[args.set_name]
    out: Path = args.out or OUT_BY_SET[rset.name]
    results = review_all(rset)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(results, rset), encoding="utf-8")
    matched = sum(r.matches for r in results)
    print(f"{matched} of {len(results)} {rset.name} cases match; wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
