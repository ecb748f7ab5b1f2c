"""Safe text for Markdown: user and knowledge text is escaped before it is rendered."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from lms_board.assessment import EvidenceRef
from lms_board.bidi import show_bidi

# Every ASCII punctuation character CommonMark lets a backslash escape, plus the ones
# Streamlit gives a meaning (":" emoji/colour directives, "$" maths, "~" strike-through).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^%@/?,;])")


#: What the browser would turn into a link by itself (GFM autolinks), even when escaped:
#: ``https://...``, ``www.``..., ``name@host.tld``.
_LINKISH = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+|[^\s@`]+@[^\s@`]+\.[^\s@`]+")


def _code_span(text: str) -> str:
    """``text`` as an inline code span: shown as written, never a link."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def escape_md(text: object) -> str:
    """``text`` as literal Markdown: no emphasis, link, HTML, maths or directive survives; a
    bare URL or e-mail address is shown as text in a code span (never clickable), and each
    bidi control as ``[U+202E]``."""
    raw = show_bidi(str(text))
    out: list[str] = []
    last = 0
    for match in _LINKISH.finditer(raw):
        out.append(_SPECIAL.sub(r"\\\1", raw[last : match.start()]))
        out.append(_code_span(match.group()))
        last = match.end()
    out.append(_SPECIAL.sub(r"\\\1", raw[last:]))
    return "".join(out)


def md_link(label: str, url: str | None) -> str:
    """A Markdown link with an escaped label, or the escaped label when there is no URL."""
    if not url or not url.startswith(("https://", "http://")):
        return escape_md(label)
    safe_url = url.replace(" ", "%20").replace(")", "%29").replace("(", "%28")
    return f"[{escape_md(label)}]({safe_url})"


def evidence_links(ids: Iterable[str], evidence: Mapping[str, EvidenceRef]) -> str:
    """``[id](PubMed/DOI link)`` for each evidence id, comma-separated."""
    parts = []
    for ev_id in ids:
        ref = evidence.get(ev_id)
        parts.append(md_link(ev_id, ref.link if ref else None))
    return ", ".join(parts)
