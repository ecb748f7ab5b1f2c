"""LMS Board: the Streamlit entry point (page config, navigation, sidebar, disclaimer)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit_app.components import chrome, nav  # noqa: E402

st.set_page_config(page_title="LMS Board", page_icon=":material/biotech:", layout="wide")

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

page = st.navigation(pages)
chrome.sidebar()
chrome.disclaimer()
page.run()
