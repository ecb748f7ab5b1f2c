"""Bidirectional-text controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) in free text.

A right-to-left override makes ``evil.exe\u202egpj.pdf``-style text read backwards: a case's
notes could show a dose, a side or a date other than the one stored. The dashboard shows each
control visibly (``[U+202E]``), documents leave them out, and JSON writes them as ``\\u202e``
escapes (the same text, but visible in any editor). The stored case keeps what was typed.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def show_bidi(text: str) -> str:
    """Each bidi control as visible text: ``[U+202E]``."""
    return BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def strip_bidi(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def escape_bidi_in_json(text: str) -> str:
    """JSON text with every bidi control as a ``\\uXXXX`` escape (still the same JSON value:
    in JSON these characters can only stand inside strings)."""
    return BIDI_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
