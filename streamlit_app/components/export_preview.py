"""The Export page's one-page preview, drawn after the page itself.

Building the PDF and rasterising its page takes a few hundred milliseconds, so the page is
drawn first with a placeholder, and the preview is made by a later pass of this fragment (its
timer, a tenth of a second after the page is on screen; in AppTest, the next run). The PNG is
kept in this session only, keyed by the case version, paper and decision: nothing of a patient
goes into a cache shared across users.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import streamlit as st

MEMO = "export_preview"
#: Seconds after the page is drawn before the preview is made.
DELAY_S = 0.1

PreviewKey = tuple[Any, ...]


def png_of(pdf: bytes, scale: float = 1.4) -> bytes:
    """Page 1 of a PDF as PNG."""
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=scale).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def preview(key: PreviewKey, build_pdf: Callable[[], bytes], caption: str) -> None:
    """The preview of ``build_pdf()`` for ``key``; a placeholder until it is made."""
    memo: dict[str, Any] = st.session_state.setdefault(MEMO, {})
    ready = memo.get("key") == key
    fragment = st.fragment(_preview, run_every=None if ready else DELAY_S)
    fragment(key, build_pdf, caption)


def _preview(key: PreviewKey, build_pdf: Callable[[], bytes], caption: str) -> None:
    memo: dict[str, Any] = st.session_state.setdefault(MEMO, {})
    if memo.get("key") == key:
        st.image(memo["png"], caption=caption, width="stretch")
        return
    if memo.get("pending") != key:  # the page's own run: draw the page, not the PDF
        memo["pending"] = key
        st.info("Drawing the one-page preview…", icon=":material/hourglass_top:")
        return
    with st.spinner("Drawing the one-page preview…"):
        png = png_of(build_pdf())
    memo.clear()
    memo.update(key=key, png=png)
    st.rerun()  # once more as a whole page, which shows it and stops the fragment's timer
