"""The knowledge base: evidence, drugs, options, trials and imaging rules as validated YAML.

``knowledge()`` loads the packaged files once (plus the trial-status overlay under
``$LMS_BOARD_DATA`` if ``lms-board trials refresh`` wrote one). ``evidence_refs`` turns
evidence ids into the :class:`~lms_board.assessment.EvidenceRef` objects an assessment
carries; ``knowledge_reviewed_date`` is the date shown in the app's About box.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Protocol

from lms_board.assessment import EvidenceRef, ImagingPlan
from lms_board.knowledge.loader import (
    PACKAGE_DIR,
    Knowledge,
    KnowledgeError,
    load_knowledge,
    ordered_unique,
)
from lms_board.paths import data_dir

__all__ = [
    "OVERLAY_NAME",
    "PACKAGE_DIR",
    "EvidenceSource",
    "HasEvidence",
    "Knowledge",
    "KnowledgeError",
    "collect_evidence_ids",
    "data_dir",
    "default_overlay_path",
    "evidence_refs",
    "knowledge",
    "knowledge_reviewed_date",
    "load_knowledge",
]

#: File name of the trial-status overlay under ``$LMS_BOARD_DATA``.
OVERLAY_NAME = "trial_status.json"


def default_overlay_path() -> Path:
    return data_dir() / OVERLAY_NAME


@functools.cache
def knowledge() -> Knowledge:
    """The packaged knowledge base with the trial-status overlay, loaded once per process."""
    return load_knowledge(PACKAGE_DIR, overlay=default_overlay_path())


def knowledge_reviewed_date() -> date:
    """The most recent ``reviewed`` date in the knowledge base."""
    return knowledge().reviewed


def evidence_refs(ids: Iterable[str]) -> dict[str, EvidenceRef]:
    """``{id: EvidenceRef}`` in the order given; an unknown id raises ``KeyError`` naming it."""
    kb = knowledge()
    wanted = ordered_unique(ids)
    unknown = [i for i in wanted if i not in kb.evidence]
    if unknown:
        raise KeyError(f"unknown evidence id(s): {', '.join(unknown)}")
    shown = set(EvidenceRef.model_fields)  # what an assessment carries of a record
    return {i: EvidenceRef(**kb.evidence[i].model_dump(include=shown)) for i in wanted}


class HasEvidence(Protocol):
    @property
    def evidence(self) -> list[str]: ...


class EvidenceSource(Protocol):
    def evidence_items(self) -> Iterable[HasEvidence]: ...


def _imaging_items(plan: ImagingPlan) -> Iterable[HasEvidence]:
    yield from plan.staging
    yield from plan.biopsy
    yield from plan.response
    yield from plan.surveillance
    yield from plan.pitfalls


def collect_evidence_ids(
    *sources: ImagingPlan | EvidenceSource | Iterable[HasEvidence],
) -> list[str]:
    """Every evidence id cited by the given parts of an assessment, first-seen order.

    Takes an :class:`ImagingPlan`, a ``Recommendations`` (anything with
    ``evidence_items()``) or any iterable of objects with an ``evidence`` list
    (``classification.rationale``, workup gaps…).
    """
    ids: list[str] = []
    for source in sources:
        if isinstance(source, ImagingPlan):
            items: Iterable[HasEvidence] = _imaging_items(source)
        elif hasattr(source, "evidence_items"):
            items = source.evidence_items()
        else:
            items = source
        for item in items:
            ids.extend(item.evidence)
    return ordered_unique(ids)
