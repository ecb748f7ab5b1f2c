"""LMS Board: the Streamlit entry point (page config, hardening and login, navigation,
sidebar, disclaimer)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit_app import hardening  # noqa: E402
from streamlit_app.components import chrome, nav, session  # noqa: E402

hardening.no_network_lookups()
# A bundled icon: a Material icon as page_icon would make every browser fetch it from Google.
st.set_page_config(page_title="LMS Board", page_icon=str(nav.ICON), layout="wide")
hardening.refuse_unless_hardened()
access = session.access()  # with a login configured: the sign-in page, and nothing else

pages = [
    st.Page(nav.BOARD, title="Board", icon=":material/table_view:", default=True),
    st.Page(nav.INTAKE, title="Case intake", icon=":material/edit_note:"),
    st.Page(nav.ASSESSMENT, title="Assessment", icon=":material/fact_check:"),
    st.Page(nav.OPTIONS, title="Options & trials", icon=":material/medication:"),
    st.Page(nav.IMAGING, title="Imaging plan", icon=":material/radiology:"),
    st.Page(nav.EVIDENCE, title="Evidence library", icon=":material/menu_book:"),
    st.Page(nav.PRESENT, title="Present", icon=":material/co_present:"),
]
if nav.export_page_exists():
    pages.append(st.Page(nav.EXPORT, title="Export", icon=":material/download:"))
pages.append(st.Page(nav.DELETED, title="Deleted cases", icon=":material/delete:"))
if not access.can_edit:  # viewers read and present; they do not enter cases
    pages = [p for p in pages if p.title != "Case intake"]

page = st.navigation(pages)
chrome.sidebar()
chrome.disclaimer()
page.run()
