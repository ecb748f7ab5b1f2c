"""Sentences and context (negated, hypothetical, possible, historical, family) by medspaCy.

One pipeline per process (:func:`pipeline`): medspaCy's blank English pipeline with its
PyRuSH sentence splitter and ConText (its English rules plus ``context.yaml``); no model is
downloaded and nothing goes over the network. medspaCy's DEBUG logging (loguru) is
silenced. :class:`Context` judges any character span of a document:
"No evidence of metastatic disease" → ``{"negated"}``; "Mother had breast cancer" →
``{"family"}``; "If it progresses, consider trabectedin" → ``{"hypothetical"}``.
"""

from __future__ import annotations

import bisect
import functools
from typing import Any

from lms_board.extract.rules import rules

SPAN_GROUP = "lms_targets"
_CATEGORY = {
    "NEGATED_EXISTENCE": "negated",
    "POSSIBLE_EXISTENCE": "possible",
    "HYPOTHETICAL": "hypothetical",
    "HISTORICAL": "historical",
    "FAMILY": "family",
}
#: Context that keeps a mention from becoming a value (historical is still a fact).
BLOCKING = frozenset({"negated", "possible", "hypothetical", "family"})


class NlpUnavailable(RuntimeError):
    """medspaCy (or spaCy) is not installed: ``make install`` installs them."""


@functools.cache
def pipeline() -> Any:
    """The medspaCy pipeline, built once per process."""
    try:
        from loguru import logger

        for name in ("PyRuSH", "medspacy", "quickumls"):
            logger.disable(name)
        import medspacy
        from medspacy.context import ConTextRule
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise NlpUnavailable(
            f"document extraction needs medspaCy ({exc.name} is missing): run make install"
        ) from None
    nlp = medspacy.load(medspacy_enable=["medspacy_pyrush"])
    context = nlp.add_pipe(
        "medspacy_context",
        config={"rules": None, "input_span_type": "group", "span_group_name": SPAN_GROUP},
    )
    ours = rules().context
    dropped = {r.literal.lower() for r in ours if r.drop}
    defaults = ConTextRule.from_json(context.DEFAULT_RULES_FILEPATH)
    context.add([r for r in defaults if r.literal.lower() not in dropped])
    context.add(
        [
            ConTextRule(r.literal, r.category, direction=r.direction, pattern=r.pattern)
            for r in ours
            if not r.drop
        ]
    )
    return nlp


def _line_breaks_end_sentences(doc: Any) -> None:
    """A line break ends a sentence (headings, list items, "Label: value" lines), so a
    negation on one line never reaches the next; an abbreviation's full stop ("approx.")
    does not."""
    abbreviations = {a.lower().rstrip(".") for a in rules().vocabulary.abbreviations}
    for token in doc[1:]:
        prev = doc[token.i - 1]
        if "\n" in prev.text_with_ws[len(prev.text) :] or "\n" in prev.text:
            token.is_sent_start = True
        elif token.is_sent_start and prev.text == "." and token.i >= 2:
            word = doc[token.i - 2]
            if not word.whitespace_ and word.text.lower() in abbreviations:
                token.is_sent_start = False
        elif (
            token.is_sent_start
            and prev.text.endswith(".")
            and prev.text.lower().rstrip(".") in abbreviations
        ):
            token.is_sent_start = False


class Context:
    """One document's sentences and ConText modifiers; judges spans by character offsets."""

    def __init__(self, text: str) -> None:
        nlp = pipeline()
        doc = nlp.make_doc(text)
        doc = nlp.get_pipe("medspacy_pyrush")(doc)
        _line_breaks_end_sentences(doc)
        doc.spans[SPAN_GROUP] = []
        doc = nlp.get_pipe("medspacy_context")(doc)
        self._doc = doc
        self._modifiers = list(doc._.context_graph.modifiers)
        self.sentences: list[tuple[int, int]] = [(s.start_char, s.end_char) for s in doc.sents]
        self._starts = [s for s, _ in self.sentences]

    def flags(self, start: int, end: int) -> frozenset[str]:
        """The context categories that modify the span ``[start, end)``."""
        span = self._doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return frozenset()
        return frozenset(
            _CATEGORY.get(m.category, m.category.lower())
            for m in self._modifiers
            if m.modifies(span)
        )

    def affirmed(self, start: int, end: int) -> bool:
        return not (self.flags(start, end) & BLOCKING)

    def sentence(self, pos: int) -> tuple[int, int]:
        """The sentence holding character ``pos``."""
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return (0, self.sentences[0][1] if self.sentences else 0)
        return self.sentences[i]
