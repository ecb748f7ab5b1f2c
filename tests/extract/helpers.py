"""Helpers of the extraction tests: a corpus case and its result, one text extracted."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lms_board.extract import Document, ExtractionResult, extract_documents

CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclass(frozen=True)
class CorpusCase:
    case_id: str
    documents: list[Document]
    gold: dict[str, Any]
    result: ExtractionResult


def extract_text(text: str, name: str = "note.txt") -> ExtractionResult:
    """One pasted text, extracted."""
    return extract_documents([Document(name, text)])
