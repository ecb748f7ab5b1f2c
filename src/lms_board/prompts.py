"""Prompts: what the board should consider or do for this patient, beside the options
(fertility preservation before gonadotoxic treatment, ovarian preservation, tumour NGS,
cardio-oncology review, the anthracycline dose to calculate…). The rules are data
(``knowledge/prompts.yaml``): a prompt fires when any of its ``when`` conditions is fully met
(every value known), including what is offered to the patient.
Example: a 29-year-old offered doxorubicin + ifosfamide → ``fertility_preservation``.
"""

from __future__ import annotations

from collections.abc import Sequence

from lms_board.assessment import Classification, Option, Prompt
from lms_board.case_facts import CaseFacts
from lms_board.drugs import drug_vocabulary
from lms_board.knowledge.applies import matches
from lms_board.knowledge.loader import Knowledge
from lms_board.knowledge.schema import PromptConditions, PromptRecord


def _offered(c: PromptConditions, offered: Sequence[Option], kb: Knowledge) -> bool:
    if c.offered_option_ids and not any(o.id in c.offered_option_ids for o in offered):
        return False
    if c.offered_drug_classes:
        options = {o.id: o for o in kb.options}
        vocabulary = drug_vocabulary()
        classes = {
            vocabulary[d].drug_class
            for o in offered
            if o.id in options
            for d in options[o.id].drugs
            if d in vocabulary
        }
        if not classes & set(c.offered_drug_classes):
            return False
    return True


def prompt_fires(
    record: PromptRecord,
    facts: CaseFacts,
    classification: Classification,
    offered: Sequence[Option],
    kb: Knowledge,
) -> bool:
    """Any of the record's conditions met in full, offered treatment included."""
    return any(
        _offered(c, offered, kb) and matches(c, facts.case, classification, facts=facts, kb=kb)
        for c in record.when
    )


def build_prompts(
    facts: CaseFacts,
    classification: Classification,
    offered: Sequence[Option],
    kb: Knowledge,
) -> list[Prompt]:
    """The prompts for this case, in the knowledge file's order."""
    values = {
        "age": facts.case.patient.age,
        "rt_field": f": {facts.radiation_field}" if facts.radiation_field else "",
    }
    return [
        Prompt(code=r.code, message=r.message.format(**values), evidence=list(r.evidence))
        for r in kb.prompts
        if prompt_fires(r, facts, classification, offered, kb)
    ]
