"""The dashboard's pages in one table: file, title, icon and who sees it. The entry point
builds ``st.navigation`` from it (:func:`pages`), and every link or switch between pages uses
its paths: ``st.switch_page(nav.INTAKE)``, ``st.page_link(nav.ASSESSMENT, label=...)``.

Paths are absolute (``pages/`` beside ``streamlit_app/`` in the repository), so nothing
depends on the folder the entry point runs from. A new page is one more row of :data:`PAGES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

ROOT = Path(__file__).resolve().parents[2]
PAGES_DIR = ROOT / "pages"

BOARD = PAGES_DIR / "board.py"
MEETING = PAGES_DIR / "meeting.py"
CONCORDANCE = PAGES_DIR / "concordance.py"
INTAKE = PAGES_DIR / "intake.py"
ASSESSMENT = PAGES_DIR / "assessment.py"
OPTIONS = PAGES_DIR / "options.py"
IMAGING = PAGES_DIR / "imaging.py"
EVIDENCE = PAGES_DIR / "evidence.py"
PRESENT = PAGES_DIR / "present.py"
EXPORT = PAGES_DIR / "export.py"
DELETED = PAGES_DIR / "deleted.py"
#: The page icon, bundled (nothing is fetched to show it).
ICON = ROOT / "streamlit_app" / "assets" / "icon.png"


@dataclass(frozen=True)
class PageSpec:
    path: Path
    title: str
    icon: str
    #: Shown only to users who may change cases (coordinators).
    editors_only: bool = False


#: The pages in sidebar order; the first is the home page.
PAGES: tuple[PageSpec, ...] = (
    PageSpec(BOARD, "Board", ":material/table_view:"),
    PageSpec(MEETING, "Meeting", ":material/groups:"),
    PageSpec(INTAKE, "Case intake", ":material/edit_note:", editors_only=True),
    PageSpec(ASSESSMENT, "Assessment", ":material/fact_check:"),
    PageSpec(OPTIONS, "Options & trials", ":material/medication:"),
    PageSpec(IMAGING, "Imaging plan", ":material/radiology:"),
    PageSpec(EVIDENCE, "Evidence library", ":material/menu_book:"),
    PageSpec(PRESENT, "Present", ":material/co_present:"),
    PageSpec(EXPORT, "Export", ":material/download:"),
    PageSpec(CONCORDANCE, "Concordance", ":material/insights:"),
    PageSpec(DELETED, "Deleted cases", ":material/delete:"),
)


def pages(can_edit: bool) -> list[StreamlitPage]:
    """The ``st.Page`` list this user gets (viewers read and present; they enter no cases)."""
    return [
        st.Page(spec.path, title=spec.title, icon=spec.icon, default=i == 0)
        for i, spec in enumerate(PAGES)
        if can_edit or not spec.editors_only
    ]
