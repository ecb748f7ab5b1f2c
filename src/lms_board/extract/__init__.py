"""Case intake from documents: referral letters, pathology, radiology and clinic notes in;
a partial case with every value traced to its sentence out (pure Python, no network).

    docs = [read_document("letter.txt"), read_document("mri.pdf")]
    result = extract_documents(docs)
    result.case_dict()      # the partial case (format v2 shape): only what the documents state
    result.fields           # FieldValue: path, value, source (file, span, sentence), rule
    result.conflicts        # Conflict: candidates, chosen, why;  result.resolve(path, i)
    result.identifiers      # IdentifierSpan: kind and span only, never the text
    result.missing          # required, then wanted, fields no document states
    result.provenance()     # what to store with the case (no identifier in it)

Identifiers are found and masked first, so no value, sentence or note can hold one. See
``docs/extraction.md`` for what it understands and misses, and the rule files.
"""

from __future__ import annotations

from collections.abc import Sequence

from lms_board.extract.documents import (
    Document,
    DocumentError,
    document_from_bytes,
    document_from_text,
    read_document,
)
from lms_board.extract.identifiers import IdentifierSpan, find_identifiers, mask
from lms_board.extract.result import Conflict, ExtractionResult, FieldValue, Source

__all__ = [
    "Conflict",
    "Document",
    "DocumentError",
    "ExtractionResult",
    "FieldValue",
    "IdentifierSpan",
    "Source",
    "document_from_bytes",
    "document_from_text",
    "extract_documents",
    "read_document",
]


def extract_documents(documents: Sequence[Document]) -> ExtractionResult:
    """One result for the documents of one case (names must differ)."""
    from lms_board.extract.fields import prepare
    from lms_board.extract.merge import result_of

    names = [d.name for d in documents]
    if len(set(names)) != len(names):
        raise DocumentError("two documents have the same name; rename one")
    pairs = [(d.name, d.text) for d in documents]
    spans = find_identifiers(pairs)
    prepared = []
    for i, d in enumerate(documents):
        masked = mask(d.text, [s for s in spans if s.file == d.name])
        prepared.append(prepare(i, d.name, d.text, masked))
    return result_of(prepared, spans)
