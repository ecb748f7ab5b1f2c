"""The case as one self-contained, print-ready HTML page (no scripts, no external files).

Every piece of text, from the case or from the knowledge base, goes through
``html.escape``: a ``<script>`` typed into the notes prints as text.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from lms_board import DISCLAIMER
from lms_board.assessment import Assessment, SurveillanceVisit
from lms_board.case import Case
from lms_board.decision import BoardDecision
from lms_board.export.text import (
    DECISION_BLANKS,
    NO_NOT_SUITABLE,
    NO_OPTIONS,
    NO_PROMPTS,
    NO_QUESTION,
    TRIALS_CAUTION,
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
from lms_board.export.timeline import MODALITY_COLORS, row_keys
from lms_board.wording import (
    PROMPTS_TITLE,
    cap,
    classification_status,
    option_meta,
    prompt_label,
    registry_link,
    web_link,
)

CSS = """
:root { --ink:#212529; --muted:#606872; --navy:#1f4e79; --rule:#d6dbe2; --tint:#f0f4f9;
        --amber:#a15c07; --red:#963030; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; font-size: 10.5pt; line-height: 1.45; }
header .kicker { font-size: 8pt; font-weight: 700; color: var(--muted); letter-spacing: .04em; }
h1 { font-size: 20pt; margin: .1rem 0; }
h2 { font-size: 11pt; color: var(--navy); text-transform: uppercase; letter-spacing: .04em;
     border-bottom: 1px solid var(--rule); padding-bottom: .15rem; margin: 1.4rem 0 .5rem; }
h3 { font-size: 10pt; margin: .8rem 0 .3rem; }
.badge { display: inline-block; background: var(--navy); color: #fff; font-weight: 700;
         border-radius: 1rem; padding: .15rem .8rem; }
.provisional { color: var(--amber); font-weight: 700; margin-left: .5rem; }
.meta, .small { color: var(--muted); font-size: 9pt; }
.question { background: var(--tint); border-left: 4px solid var(--navy); padding: .6rem 1rem;
            font-size: 12pt; white-space: pre-wrap; }
dl.facts { display: grid; grid-template-columns: 9rem 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); font-weight: 700; }
dl.facts dd { margin: 0; }
dl.facts ul.lines { margin: 0; padding-left: 1.1rem; }
.notes { white-space: pre-wrap; }
.gap, .flag { color: var(--amber); }
.ns { color: var(--red); font-weight: 700; }
ol.options > li { margin-bottom: .6rem; }
.opt-name { font-weight: 700; }
.opt-meta { color: var(--navy); font-size: 9pt; }
.cite { color: var(--muted); font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { text-align: left; padding: .15rem .5rem; border-bottom: 1px solid var(--rule); }
.decision { border: 1.5px solid var(--navy); border-left-width: 5px; padding: .5rem 1rem;
            border-radius: 4px; }
.write { border-bottom: 1px solid var(--rule); height: 1.8rem; color: var(--muted); }
ol.refs { font-size: 9pt; }
footer { margin-top: 2rem; border-top: 1px solid var(--rule); padding-top: .4rem;
         font-size: 8.5pt; color: var(--muted); }
footer .disclaimer { font-weight: 700; }
svg text { font-family: inherit; }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 9.5pt; }
  h2 { break-after: avoid; }
  li, tr, .decision, dl.facts > * { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def e(text: object) -> str:
    """HTML-escaped text (quotes included)."""
    return escape(str(text), quote=True)


def _cite(refs: RefIndex, ids: list[str]) -> str:
    c = refs.cite(ids)
    return f' <span class="cite">{e(c)}</span>' if c else ""


def _small_list(items: list[str]) -> str:
    """Items (already escaped) as a list of small print; nothing when there are none."""
    if not items:
        return ""
    return "<ul>" + "".join(f'<li class="small">{x}</li>' for x in items) + "</ul>"


def _listed(
    title: str,
    items: list[str],
    empty: str | None,
    *,
    tag: str = "ul",
    attrs: str = "",
    note: str = "",
) -> list[str]:
    """A section that is a list: its title with the count, ``note`` in small print, then the
    items (``<li>`` elements), or ``empty`` when there are none (``None``: nothing)."""
    out = [f"<h2>{e(title)} ({len(items)})</h2>"]
    if note:
        out.append(f'<p class="small">{e(note)}</p>')
    if items:
        out += [f"<{tag}{attrs}>", *items, f"</{tag}>"]
    elif empty is not None:
        out.append(f'<p class="small">{e(empty)}</p>')
    return out


def timeline_svg(visits: list[SurveillanceVisit], width: int = 760) -> str:
    """The surveillance timeline as inline SVG (labels escaped)."""
    if not visits:
        return ""
    keys = row_keys(visits)
    row_h, label_w, axis_h = 18, 150, 22
    height = len(keys) * row_h + axis_h
    last = max(v.month for v in visits)
    span = max(12, -(-last // 12) * 12)
    x0, x1 = label_w, width - 10

    def at(month: int) -> float:
        return x0 + (x1 - x0) * month / span

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="Surveillance timeline">'
    ]
    for row, (modality, region) in enumerate(keys):
        cy = row * row_h + row_h / 2
        r, g, b = MODALITY_COLORS.get(modality, (31, 78, 121))
        color = f"#{r:02x}{g:02x}{b:02x}"
        out.append(
            f'<line x1="{x0}" y1="{cy}" x2="{x1}" y2="{cy}" stroke="#d6dbe2" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{label_w - 8}" y="{cy + 4}" font-size="11" text-anchor="end" '
            f'fill="#212529">{e(modality)} {e(region)}</text>'
        )
        for v in visits:
            if (v.modality, v.region) == (modality, region):
                title = f"month {v.month}" + (f", {iso(v.date)}" if v.date else "")
                out.append(
                    f'<circle cx="{at(v.month):.1f}" cy="{cy}" r="4" fill="{color}">'
                    f"<title>{e(title)}</title></circle>"
                )
    axis_y = len(keys) * row_h + 2
    out.append(
        f'<line x1="{x0}" y1="{axis_y}" x2="{x1}" y2="{axis_y}" stroke="#969da6" stroke-width="1"/>'
    )
    step = 12 if span <= 72 else 24
    for m in range(0, span + 1, step):
        label = "0" if m == 0 else f"{m // 12} y"
        out.append(
            f'<text x="{at(m):.1f}" y="{axis_y + 15}" font-size="10" text-anchor="middle" '
            f'fill="#606872">{e(label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def render_html(
    case: Case,
    assessment: Assessment,
    *,
    decision: BoardDecision | None = None,
    generated: date | datetime | None = None,
) -> str:
    """The whole assessment of a case as a standalone HTML document."""
    a, c = assessment, case
    refs = RefIndex(a.evidence)
    day = generated_on(generated)
    cls = a.classification
    h: list[str] = []
    add = h.append
    add("<!DOCTYPE html>")
    add('<html lang="en"><head><meta charset="utf-8">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add('<meta name="robots" content="noindex">')
    add(f"<title>{e(c.case_id)}: tumour board summary</title>")
    add(f"<style>{CSS}</style></head><body>")

    board, presenter = board_text(c), presenter_text(c)
    add("<header>")
    add('<div class="kicker">SARCOMA MULTIDISCIPLINARY TUMOUR BOARD · LEIOMYOSARCOMA</div>')
    add(f"<h1>{e(c.case_id)}</h1>")
    add(f'<span class="badge">{e(cls.label)}</span>')
    if cls.provisional:
        add('<span class="provisional">provisional: open workup gaps could change it</span>')
    add(f'<p class="meta">{e(board)} · {e(presenter)}</p>')
    add("</header>")

    add("<h2>Question for the board</h2>")
    question = clean(c.question).strip()
    add(f'<div class="question">{e(question) if question else f"<em>{NO_QUESTION}</em>"}</div>')

    add("<h2>Case</h2>")
    add('<dl class="facts">')
    for fact in case_facts(c, a):
        if fact.items:
            rows = "".join(f"<li>{e(row)}</li>" for row in fact.items)
            add(f'<dt>{e(fact.label)}</dt><dd><ul class="lines">{rows}</ul></dd>')
        else:
            add(f"<dt>{e(fact.label)}</dt><dd>{e(fact.value)}</dd>")
    if c.notes:
        add(f'<dt>Notes</dt><dd class="notes">{e(clean(c.notes).strip())}</dd>')
    add("</dl>")

    add("<h2>Classification</h2>")
    status = classification_status(a)
    add(f'<p><strong>{e(cls.label)}</strong> <span class="meta">{e(status)}</span></p>')
    add("<ul>")
    for r in cls.rationale:
        add(f"<li>{e(r.text)}{_cite(refs, r.evidence)}</li>")
    add("</ul>")
    gap_class = ' class="gap"' if a.workup_gaps else ""
    add(f"<h3{gap_class}>Open workup gaps ({len(a.workup_gaps)})</h3>")
    if a.workup_gaps:
        add("<ul>")
        for g in a.workup_gaps:
            add(f"<li>{e(g.message)}{_cite(refs, g.evidence)}</li>")
        add("</ul>")
    else:
        add('<p class="small">None.</p>')
    if a.flags:
        add(f'<h3 class="flag">Flags ({len(a.flags)})</h3><ul>')
        for f in a.flags:
            add(f"<li>{e(f.message)}</li>")
        add("</ul>")

    options = []
    for o in a.options:
        lines = [f'<li><span class="opt-name">{e(o.name)}</span>{_cite(refs, o.evidence)}']
        lines.append(f'<div class="opt-meta">{e(option_meta(o))}</div>')
        if o.key_numbers:
            lines.append(f"<div>{e(one_line(o.key_numbers))}</div>")
        if o.caveats:
            lines.append(_small_list([e(one_line(x)) for x in o.caveats]))
        options.append("\n".join([*lines, "</li>"]))
    h += _listed("Options for discussion", options, NO_OPTIONS, tag="ol", attrs=' class="options"')

    prompts = [
        f"<li><strong>{e(prompt_label(pr.code))}</strong><br>{e(one_line(pr.message))}"
        f"{_cite(refs, pr.evidence)}</li>"
        for pr in a.prompts
    ]
    h += _listed(PROMPTS_TITLE, prompts, NO_PROMPTS, attrs=' class="prompts"')

    not_suitable = [
        f'<li><span class="ns">{e(n.name)}</span>: {e(one_line(n.reason))}{_cite(refs, n.evidence)}</li>'
        for n in a.not_suitable
    ]
    h += _listed("Not suitable", not_suitable, NO_NOT_SUITABLE)

    trials = []
    for t in a.trials:
        url = registry_link(t.nct, t.url)
        phase = f" · phase {t.phase}" if t.phase else ""
        lines = [
            f'<li><a href="{e(url)}"><strong>{e(t.nct)}</strong></a> {e(one_line(t.title))}'
            f'{_cite(refs, t.evidence)}<div class="opt-meta">{e(t.status)} (as of '
            f"{e(iso(t.status_as_of))}){e(phase)}</div>"
        ]
        if t.why:
            lines.append(f"<div>{e(one_line(t.why))}</div>")
        if t.to_check:
            lines.append(_small_list([f"Check: {e(one_line(x))}" for x in t.to_check]))
        trials.append("\n".join([*lines, "</li>"]))
    h += _listed("Trial examples", trials, None, note=TRIALS_CAUTION)

    plan = a.imaging
    add("<h2>Imaging plan</h2>")
    for title, items in imaging_groups(plan):
        if items:
            add(f"<h3>{e(title)}</h3><ul>")
            for item in items:
                add(f"<li>{e(one_line(item.text))}{_cite(refs, item.evidence)}</li>")
            add("</ul>")
    if plan.surveillance:
        add(f"<h3>Surveillance{_cite(refs, surveillance_evidence(plan))}</h3>")
        if plan.surveillance_basis:
            add(f"<p>{e(one_line(plan.surveillance_basis))}</p>")
        add(timeline_svg(plan.surveillance))
        add(
            "<table><thead><tr><th>Month</th><th>Date</th><th>Modality</th><th>Region</th></tr></thead><tbody>"
        )
        for v in plan.surveillance:
            add(
                f"<tr><td>{v.month}</td><td>{e(iso(v.date) or 'not dated')}</td>"
                f"<td>{e(v.modality)}</td><td>{e(v.region)}</td></tr>"
            )
        add("</tbody></table>")

    add("<h2>Board recommendation</h2>")
    add('<div class="decision">')
    if decision is None:
        add('<p class="small">To be completed at the meeting.</p>')
        for label in DECISION_BLANKS:
            add(f'<div class="write">{e(label)}</div>')
    else:
        add('<dl class="facts">')
        for fact in decision_facts(decision):
            add(f"<dt>{e(fact.label)}</dt><dd>{e(fact.value)}</dd>")
        add("</dl>")
    add("</div>")

    refs.include_all()
    cited = refs.items()
    if cited:
        add('<h2>References</h2><ol class="refs">')
        for _n, _id, ref in cited:
            link = web_link(ref.link)
            handle = ref_id_text(ref)
            tail = (
                f' · <a href="{e(link)}">{e(handle or link)}</a>'
                if link
                else (f" · {e(handle)}" if handle else "")
            )
            add(f"<li>{e(one_line(ref.citation))}{tail}</li>")
        add("</ol>")

    add("<footer>")
    add(f'<div class="disclaimer">{e(DISCLAIMER)}</div>')
    add(f"<div>{e(cap(provenance(day, knowledge_reviewed())))}</div>")
    add("</footer></body></html>")
    return "\n".join(h)
