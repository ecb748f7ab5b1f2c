"""Safe text for Markdown: user and knowledge text is escaped before it is rendered."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from lms_board.assessment import EvidenceRef

# Every ASCII punctuation character CommonMark lets a backslash escape, plus the ones
# Streamlit gives a meaning (":" emoji/colour directives, "$" maths, "~" strike-through).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^%@/?,;])")


def escape_md(text: object) -> str:
    """``text`` as literal Markdown: no emphasis, link, HTML, maths or directive survives."""
    return _SPECIAL.sub(r"\\\1", str(text))


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
