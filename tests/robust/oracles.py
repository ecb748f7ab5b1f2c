"""What "rejected with a message naming a field" and "not rendered as HTML" mean, as code.

- ``FIELD_MESSAGE``: ``tumor.size_cm: ...``, ``extent.metastases[1].site: ...``,
  ``(file): ...`` or ``(root): ...``.
- ``markdown_injections(text)``: the constructs in Markdown source that would turn user text
  into HTML, a link or an image: an unescaped ``<tag``, ``<javascript:...>`` autolink, ``![``,
  ``](javascript:``/``](https://evil.example`` link, or ``[x]: javascript:`` definition.
- ``html_injections(html)``: ``<script>``/``<iframe>``/``<svg>``/``<img>`` elements, ``on*``
  attributes and ``javascript:``/``evil.example`` URLs in an HTML document (parsed with
  :mod:`html.parser`).
- ``proto_strings(proto)``: every string field of a Streamlit element proto, by field path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from google.protobuf.message import Message

#: One segment of a field path: a key (an unknown key may end in spaces, ``"size_cm "``).
_SEGMENT = r"[^\s:.\[\]]+ *"
#: ``path: message`` where path is ``(file)``, ``(root)`` or a dotted field path with indexes.
FIELD_MESSAGE = re.compile(
    rf"^(?P<field>\((?:file|root|folder)\)|{_SEGMENT}(?:\.{_SEGMENT}|\[\d+\])*): \S"
)

_UNESCAPED = r"(?<!\\)(?:\\\\)*"
_MD_INJECTIONS = {
    "raw HTML tag": re.compile(
        _UNESCAPED + r"<(?:[A-Za-z][A-Za-z0-9-]*(?=[\s/>])|/[A-Za-z]|[!?])", re.IGNORECASE
    ),
    "autolink to a script or evil.example": re.compile(
        _UNESCAPED + r"<\s*(?:javascript:|vbscript:|data:|https?://evil\.example)", re.IGNORECASE
    ),
    "image": re.compile(_UNESCAPED + r"!\["),
    "javascript: link": re.compile(_UNESCAPED + r"\]\(\s*<?\s*javascript:", re.IGNORECASE),
    "link to evil.example": re.compile(_UNESCAPED + r"\]\(\s*<?\s*https?://evil\.example"),
    "link definition": re.compile(
        r"^ {0,3}" + _UNESCAPED + r"\[[^\]\n]+" + _UNESCAPED + r"\]:\s*\S", re.MULTILINE
    ),
}


def field_of(message: str) -> str | None:
    """The field a ``path: message`` names, or ``None`` if the message names none."""
    match = FIELD_MESSAGE.match(message)
    return match.group("field") if match else None


def names_field(messages: list[str], field: str) -> bool:
    """Some message names ``field`` (or a field inside it, or, for ``""``, the root)."""
    if field == "":
        return any(m.startswith(("(root):", "(file):")) for m in messages)
    return any(
        f == field or f.startswith((field + ".", field + "["))
        for f in (field_of(m) for m in messages)
        if f
    )


def markdown_injections(text: str) -> list[str]:
    """The names of the HTML/link/image constructs present in Markdown ``text``."""
    return [name for name, rx in _MD_INJECTIONS.items() if rx.search(text)]


# --------------------------------------------------------------------------------- HTML

_ACTIVE_TAGS = {"script", "iframe", "object", "embed", "svg", "img", "math", "form", "base"}
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"}


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.findings: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(f"<{tag} {name}=...>")
            if name in _URL_ATTRS and value:
                url = re.sub(r"\s", "", value).lower()
                if url.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.findings.append(f"<{tag} {name}={value!r}>")
                if "evil.example" in url:
                    self.findings.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_scan(html: str) -> tuple[list[str], list[str], str]:
    """(tags, injection findings, text content) of an HTML document."""
    scan = _Scan()
    scan.feed(html)
    scan.close()
    return scan.tags, scan.findings, "".join(scan.text)


def html_injections(html: str, allowed_tags: frozenset[str] = frozenset()) -> list[str]:
    """Active elements not in ``allowed_tags``, event-handler attributes, script URLs."""
    tags, findings, _ = html_scan(html)
    active = sorted({t for t in tags if t in _ACTIVE_TAGS and t not in allowed_tags})
    return [f"<{t}> element" for t in active] + findings


# ------------------------------------------------------------------------------- protos


def proto_strings(msg: Message, prefix: str = "") -> Iterator[tuple[str, str]]:
    """``(field path, value)`` of every string (and UTF-8 decoded bytes) field, recursively."""
    for fd, value in msg.ListFields():
        name = prefix + fd.name
        values: list[Any] = list(value) if fd.is_repeated else [value]
        for v in values:
            if fd.type == fd.TYPE_MESSAGE and isinstance(v, Message):
                yield from proto_strings(v, name + ".")
            elif fd.type == fd.TYPE_STRING:
                yield name, v
            elif fd.type == fd.TYPE_BYTES:
                yield name, bytes(v).decode("utf-8", "replace")
