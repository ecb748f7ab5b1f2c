"""The case as Markdown for pasting into clinical notes or a wiki.

Text is escaped so that nothing typed into a case turns into markup: ``*``, ``_``,
brackets, ``|`` and the like get a backslash, ``<``, ``>`` and ``&`` become entities (so a
``<script>`` stays text even where a renderer passes HTML through), and a line that would
start a list or heading is defused.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from lms_board import DISCLAIMER
from lms_board.assessment import Assessment
from lms_board.case import Case
from lms_board.decision import BoardDecision
from lms_board.export.text import (
    NO_NOT_SUITABLE,
    NO_OPTIONS,
    NO_PROMPTS,
    NO_QUESTION,
    RefIndex,
    board_text,
    case_facts,
    clean,
    decision_facts,
    generated_on,
    imaging_groups,
    iso,
    knowledge_reviewed,
    one_line,
    presenter_text,
    provenance,
    ref_id_text,
    surveillance_evidence,
)
from lms_board.wording import (
    PROMPTS_TITLE,
    cap,
    classification_status,
    option_meta,
    prompt_label,
    registry_link,
    web_link,
)

_ACTIVE = re.compile(r"([\\`*_\[\]|~])")  # active anywhere in a line
_LEADING = re.compile(r"^(\s*)([#+=-]|\d+[.)])")  # active only where a line starts
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def md(text: object) -> str:
    """Markdown-inert text on one line (safe at the start of a line, too)."""
    s = one_line(str(text))
    s = "".join(_ENTITIES.get(ch, ch) for ch in s)
    s = _ACTIVE.sub(r"\\\1", s)
    match = _LEADING.match(s)
    if match:
        marker = match.group(2)
        escaped = marker[:-1] + "\\" + marker[-1] if marker[0].isdigit() else "\\" + marker
        s = match.group(1) + escaped + s[match.end() :]
    return s


def md_block(text: str | None) -> str:
    """Markdown-inert text that keeps its paragraphs (as a block quote)."""
    paragraphs = [p for p in clean(text).split("\n")]
    out = [f"> {md(p)}" if p.strip() else ">" for p in paragraphs]
    return "\n".join(out).strip()


def _listed(title: str, count: int, lines: list[str], empty: str | None) -> list[str]:
    """A section that is a list: a blank line, its title with the ``count``, then its
    ``lines``, or ``empty`` when the count is 0 (``None``: nothing)."""
    out = ["", f"## {title} ({count})", "", *lines]
    if not count and empty is not None:
        out.append(empty)
    return out


def render_markdown(
    case: Case,
    assessment: Assessment,
    *,
    decision: BoardDecision | None = None,
    generated: date | datetime | None = None,
) -> str:
    """The whole assessment of a case as Markdown."""
    a, c = assessment, case
    cls = a.classification
    refs = RefIndex(a.evidence)

    def cite(ids: list[str]) -> str:
        n = refs.cite(ids)
        return f" {md(n)}" if n else ""

    out: list[str] = []
    add = out.append
    add(f"# {md(c.case_id)}: {md(cls.label)}" + (" (provisional)" if cls.provisional else ""))
    add("")
    add(f"*{md(board_text(c))} · {md(presenter_text(c))}*")
    add("")
    add("## Question for the board")
    add("")
    add(md_block(c.question) if c.question else f"*{NO_QUESTION}*")
    add("")
    add("## Case")
    add("")
    for fact in case_facts(c, a):
        if fact.items:
            add(f"- **{md(fact.label)}:**")
            for row in fact.items:
                add(f"  - {md(row)}")
        else:
            add(f"- **{md(fact.label)}:** {md(fact.value)}")
    if c.notes:
        add("")
        add("**Notes**")
        add("")
        add(md_block(c.notes))
    add("")
    add("## Classification")
    add("")
    add(f"**{md(cls.label)}**, {md(classification_status(a))}")
    add("")
    for r in cls.rationale:
        add(f"- {md(r.text)}{cite(r.evidence)}")
    add("")
    add(f"**Open workup gaps ({len(a.workup_gaps)})**")
    add("")
    for g in a.workup_gaps:
        add(f"- {md(g.message)}{cite(g.evidence)}")
    if not a.workup_gaps:
        add("None.")
    if a.flags:
        add("")
        add(f"**Flags ({len(a.flags)})**")
        add("")
        for f in a.flags:
            add(f"- {md(f.message)}")
    options: list[str] = []
    for i, o in enumerate(a.options, start=1):
        options.append(f"{i}. **{md(o.name)}**{cite(o.evidence)}  ")
        options.append(f"   {md(option_meta(o))}  ")
        if o.key_numbers:
            options.append(f"   {md(o.key_numbers)}")
        options += [f"   - {md(cav)}" for cav in o.caveats]
    out += _listed("Options for discussion", len(a.options), options, NO_OPTIONS)
    prompts: list[str] = []
    for pr in a.prompts:
        prompts.append(f"- **{md(prompt_label(pr.code))}**  ")
        prompts.append(f"  {md(pr.message)}{cite(pr.evidence)}")
    out += _listed(PROMPTS_TITLE, len(a.prompts), prompts, NO_PROMPTS)
    not_suitable = [f"- **{md(n.name)}**: {md(n.reason)}{cite(n.evidence)}" for n in a.not_suitable]
    out += _listed("Not suitable", len(a.not_suitable), not_suitable, NO_NOT_SUITABLE)
    trials: list[str] = []
    for t in a.trials:
        trials.append(
            f"- **{md(t.nct)}** {md(t.title)}: {md(t.status)} (as of {md(iso(t.status_as_of))})"
            f"{cite(t.evidence)} <{registry_link(t.nct, t.url)}>"
        )
        if t.why:
            trials.append(f"  {md(t.why)}")
        trials += [f"  - check: {md(check)}" for check in t.to_check]
    out += _listed("Trial examples", len(a.trials), trials, None)
    add("")
    plan = a.imaging
    add("## Imaging plan")
    add("")
    for title, group in imaging_groups(plan):
        for item in group:
            add(f"- **{title}:** {md(item.text)}{cite(item.evidence)}")
    if plan.surveillance:
        add("")
        basis = f": {md(plan.surveillance_basis)}" if plan.surveillance_basis else ""
        add(f"**Surveillance**{basis}{cite(surveillance_evidence(plan))}")
        add("")
        add("| Month | Date | Modality | Region |")
        add("|---:|---|---|---|")
        for v in plan.surveillance:
            add(
                f"| {v.month} | {md(iso(v.date) or 'not dated')} | {md(v.modality)} | {md(v.region)} |"
            )
    add("")
    add("## Board recommendation")
    add("")
    if decision is None:
        add("*To be completed at the meeting.*")
    else:
        for fact in decision_facts(decision):
            add(f"- **{md(fact.label)}:** {md(fact.value)}")
    refs.include_all()
    cited = refs.items()
    if cited:
        add("")
        add("## References")
        add("")
        for num, _id, ref in cited:
            link = web_link(ref.link)
            handle = ref_id_text(ref)
            tail = f" {md(handle)}" if handle else ""
            if link:
                tail += f" <{link}>"
            add(f"{num}. {md(ref.citation)}{tail}")
    add("")
    add("---")
    add("")
    add(f"*{md(DISCLAIMER)}*  ")
    add(md(cap(provenance(generated_on(generated), knowledge_reviewed()))))
    return "\n".join(out) + "\n"
