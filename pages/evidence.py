"""Evidence library: every evidence entry and curated trial, searchable and filterable."""

import streamlit as st

from lms_board.knowledge import knowledge
from lms_board.tables import filter_table, library_table, settings_of

st.title("Evidence library")
library = library_table(knowledge())
years = library["Year"].dropna()
lo, hi = (int(years.min()), int(years.max())) if len(years) else (2000, 2026)

search, kind, setting = st.columns([2, 1, 1])
text = search.text_input("Search", key="evidence_search", placeholder="drug, trial, author, NCT…")
kinds = kind.multiselect(
    "Kind", sorted(library["Kind"].unique()), key="evidence_kinds", placeholder="any"
)
settings = setting.multiselect(
    "Setting", settings_of(library), key="evidence_settings", placeholder="any"
)
year_range = st.slider("Year", lo, hi, (lo, hi), key="evidence_years") if lo < hi else (lo, hi)

shown = filter_table(library, text, kinds, settings, year_range)
st.caption(
    f"{len(shown)} of {len(library)} entries (entries without a year, such as trials, always "
    f"pass the year filter) · knowledge base reviewed {knowledge().reviewed.isoformat()}"
)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    height=560,
    placeholder="—",  # a trial has no year: a dash, never "None"
    column_config={
        "Link": st.column_config.LinkColumn("Link", display_text="open"),
        "Year": st.column_config.NumberColumn(format="%d", width="small"),
        "Citation": st.column_config.TextColumn(width="large"),
        "Take-away": st.column_config.TextColumn(width="large"),
    },
)
