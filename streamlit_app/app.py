"""LMS Board: the Streamlit entry point (page config, hardening and login, navigation,
sidebar, disclaimer). ``streamlit_app`` is installed with the project, so this script
imports it like any package (``make install``; ``lms-board serve`` runs it)."""

from __future__ import annotations

import streamlit as st

from streamlit_app import hardening
from streamlit_app.components import chrome, nav, session

hardening.no_network_lookups()
# A bundled icon: a Material icon as page_icon would make every browser fetch it from Google.
st.set_page_config(page_title="LMS Board", page_icon=str(nav.ICON), layout="wide")
hardening.refuse_unless_hardened()
access = session.access()  # with a login configured: the sign-in page, and nothing else

page = st.navigation(nav.pages(access.can_edit))
session.follow_url()  # ?case=…&meeting=…: a deep link opens them, the address follows
chrome.sidebar()
chrome.disclaimer()
page.run()
