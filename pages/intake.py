"""Case intake: the whole case format in sections, errors beside their fields, drafts kept."""

import streamlit as st

from lms_board.intake import SECTIONS, identifier_warnings
from lms_board.wording import plain_message
from streamlit_app.components import intake_documents, intake_form, nav, session
from streamlit_app.components.text import escape_md

st.title("Case intake")
session.require_editor()
form = intake_form.sync()
check = intake_form.check(form)
warnings = identifier_warnings(form)

top = st.columns([3, 1, 1], vertical_alignment="center")
top[0].markdown(f"**{intake_form.editing_label()}** · every change is kept as your draft")
top[1].button("Discard draft", key="intake_discard", on_click=intake_form.discard_draft)
top[2].button("Save case", key="intake_save_top", type="primary", on_click=intake_form.save)
intake_form.flash()
intake_form.orphan_panel()
intake_form.draft_offers()
intake_form.conflict_panel()
intake_documents.panel()
if warnings:
    st.warning(
        "Some free text looks like a direct identifier (see the fields marked below). "
        "Cases must stay pseudonymous.",
        icon=":material/badge:",
    )
for message in check.general:
    st.error(escape_md(plain_message(message)))

for section in SECTIONS:
    intake_form.render_section(section, check, warnings)

with st.container(horizontal=True, vertical_alignment="center"):
    st.button("Save case", key="intake_save", type="primary", on_click=intake_form.save)
    if st.session_state.get(intake_form.EDITING):
        st.page_link(nav.ASSESSMENT, label="Open the assessment", icon=":material/fact_check:")
intake_form.autosave(form)
