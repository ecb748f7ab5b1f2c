"""The corpus, extracted once per test session (medspaCy loads once)."""

from __future__ import annotations

import pytest

from extract.helpers import CORPUS, CorpusCase
from lms_board.extract import extract_documents, read_document
from lms_board.extract.scoring import corpus_cases


@pytest.fixture(scope="session")
def corpus() -> list[CorpusCase]:
    out = []
    for cid, paths, gold in corpus_cases(CORPUS):
        docs = [read_document(p) for p in paths]
        out.append(CorpusCase(cid, docs, gold, extract_documents(docs)))
    return out
