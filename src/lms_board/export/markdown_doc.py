"""The case as Markdown for pasting into clinical notes or a wiki.

Text is escaped so that nothing typed into a case turns into markup: ``*``, ``_``,
brackets, ``|`` and the like get a backslash, ``<``, ``>`` and ``&`` become entities (so a
``<script>`` stays text even where a renderer passes HTML through), and a line that would
start a list or heading is defused.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from lms_board import DISCLAIMER, __version__
from lms_board.assessment import Assessment
from lms_board.case import Case
from lms_board.decision import BoardDecision
from lms_board.export.text import (
    RefIndex,
    case_facts,
    clean,
    decision_facts,
    generated_on,
    iso,
    knowledge_reviewed,
    one_line,
    ref_id_text,
)
from lms_board.wording import (
    PROMPTS_TITLE,
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
    board = f"Board {iso(c.board_date)}" if c.board_date else "Board date not set"
    presenter = f"presented by {one_line(c.presenter)}" if c.presenter else "presenter not set"
    add(f"*{md(board)} · {md(presenter)}*")
    add("")
    add("## Question for the board")
    add("")
    add(md_block(c.question) if c.question else "*No question recorded.*")
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
    add("")
    add(f"## Options for discussion ({len(a.options)})")
    add("")
    for i, o in enumerate(a.options, start=1):
        add(f"{i}. **{md(o.name)}**{cite(o.evidence)}  ")
        add(f"   {md(option_meta(o))}  ")
        if o.key_numbers:
            add(f"   {md(o.key_numbers)}")
        for cav in o.caveats:
            add(f"   - {md(cav)}")
    if not a.options:
        add("No options listed for this case.")
    add("")
    add(f"## {PROMPTS_TITLE} ({len(a.prompts)})")
    add("")
    for pr in a.prompts:
        add(f"- **{md(prompt_label(pr.code))}**  ")
        add(f"  {md(pr.message)}{cite(pr.evidence)}")
    if not a.prompts:
        add("Nothing further.")
    add("")
    add(f"## Not suitable ({len(a.not_suitable)})")
    add("")
    for n in a.not_suitable:
        add(f"- **{md(n.name)}**: {md(n.reason)}{cite(n.evidence)}")
    if not a.not_suitable:
        add("Nothing ruled out.")
    add("")
    add(f"## Trial examples ({len(a.trials)})")
    add("")
    for t in a.trials:
        add(
            f"- **{md(t.nct)}** {md(t.title)}: {md(t.status)} (as of {md(iso(t.status_as_of))})"
            f"{cite(t.evidence)} <{registry_link(t.nct, t.url)}>"
        )
        if t.why:
            add(f"  {md(t.why)}")
        for check in t.to_check:
            add(f"  - check: {md(check)}")
    add("")
    plan = a.imaging
    add("## Imaging plan")
    add("")
    for title, group in (
        ("Staging", plan.staging),
        ("Biopsy", plan.biopsy),
        ("Response assessment", plan.response),
        ("Pitfalls", plan.pitfalls),
    ):
        for item in group:
            add(f"- **{title}:** {md(item.text)}{cite(item.evidence)}")
    if plan.surveillance:
        add("")
        ids = sorted({x for v in plan.surveillance for x in v.evidence})
        basis = f": {md(plan.surveillance_basis)}" if plan.surveillance_basis else ""
        add(f"**Surveillance**{basis}{cite(ids)}")
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
    add(
        f"Generated {md(iso(generated_on(generated)))} · knowledge base reviewed "
        f"{md(iso(knowledge_reviewed()))} · LMS Board {md(__version__)}"
    )
    return "\n".join(out) + "\n"
