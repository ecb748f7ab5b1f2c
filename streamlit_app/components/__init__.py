"""Reusable Streamlit renderers of the LMS Board dashboard (the pages stay thin)."""
