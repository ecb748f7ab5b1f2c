"""LMS Board dashboard: the Streamlit entry point (app.py), its shared UI pieces
(components/) and the hardened launcher; the pages are ../pages/."""
