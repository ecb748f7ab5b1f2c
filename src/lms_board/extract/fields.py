"""Field extractors: each reads one document (identifiers already masked) and returns
candidates, one value each with the span it came from and the id of the rule.

Pattern rules (``patterns.yaml``) cover single fields; the functions below read what a
regular expression alone cannot: the primary site and location, IHC panels, metastases by
site, comorbidities, declines, molecular findings, imaging studies, surgery and biopsy
type, treatment lines and radiotherapy courses. ConText (``lms_board.extract.nlp``) keeps
negated, hypothetical, possible and family mentions out ("no pulmonary nodules",
"would consider trabectedin", "mother had breast cancer").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lms_board.drugs import drug_vocabulary
from lms_board.extract.dates import FoundDate, document_style, find_dates
from lms_board.extract.nlp import BLOCKING, Context
from lms_board.extract.rules import DocKind, PatternRule, Rules, Term, rules, term_regex

PRIMARY_WORDS = r"leiomyosarcoma|LMS|sarcoma|mass|tumou?r|lesion|neoplasm|recurrence|primary"
#: One character of a clause: a full stop only in a decimal ("7.5 cm") or after "approx".
_CLAUSE = r"(?:[^.;\n]|(?<=\d)\.(?=\d)|(?<=approx)\.)"


@dataclass(frozen=True)
class Candidate:
    """One value found in one document."""

    path: str
    value: Any
    doc: int
    start: int
    end: int
    rule: str
    note: str = ""


@dataclass
class DocText:
    """A document ready for the extractors: masked text, kind, date, date style, context."""

    index: int
    name: str
    text: str
    masked: str
    kind: DocKind
    ctx: Context
    dates: list[FoundDate]
    date: date | None
    date_note: str
    segments: list[tuple[int, int]] = field(default_factory=list)

    def sentence_text(self, pos: int) -> tuple[int, int, str]:
        s, e = self.ctx.sentence(pos)
        return s, e, self.masked[s:e]

    def affirmed(self, start: int, end: int) -> bool:
        return not (self.ctx.flags(start, end) & BLOCKING)

    def dates_in(self, start: int, end: int) -> list[FoundDate]:
        return [d for d in self.dates if d.start >= start and d.end <= end]


def document_kind(text: str) -> DocKind:
    """pathology, radiology, clinic_note or letter, from the heading: the first three
    non-empty lines, the first line that names a kind deciding."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:3]
    for line in lines:
        for k in rules().documents.kinds:
            if k.kind != "letter" and k.regex.search(line):
                return k.kind
    return "letter"


def document_date(masked: str, dates: list[FoundDate]) -> FoundDate | None:
    """The date after the first date label in the heading lines, else the first date."""
    head_end = 0
    for i, _ in enumerate(masked.splitlines(keepends=True)[:12]):
        head_end += len(masked.splitlines(keepends=True)[i])
    head = masked[:head_end].lower()
    best: tuple[int, FoundDate] | None = None
    for rank, label in enumerate(rules().documents.date_labels):
        for m in re.finditer(rf"\b{re.escape(label)}\b\s*:?\s*", head):
            after = [d for d in dates if m.end() <= d.start <= m.end() + 3]
            if after and (best is None or rank < best[0]):
                best = (rank, after[0])
    if best is not None:
        return best[1]
    short_lines = [
        (m.start(), m.end()) for m in re.finditer(r"^.{0,40}$", masked[:head_end], re.MULTILINE)
    ]
    heading_dates = [d for d in dates if any(a <= d.start and d.end <= b for a, b in short_lines)]
    return heading_dates[0] if heading_dates else None


def prepare(index: int, name: str, text: str, masked: str) -> DocText:
    ctx = Context(masked)
    style, why = document_style(masked)
    note = "" if style is not None else why
    dates = find_dates(masked, style or ("mdy" if why.startswith("month/day") else "dmy"), note)
    found = document_date(masked, dates)
    doc = DocText(
        index=index,
        name=name,
        text=text,
        masked=masked,
        kind=document_kind(masked),
        ctx=ctx,
        dates=dates,
        date=found.value if found else None,
        date_note=_date_note(found) if found else "",
    )
    doc.segments = list(_segments(doc))
    return doc


def _segments(doc: DocText) -> Iterator[tuple[int, int]]:
    """Sentences, cut again at line ends (a list item is its own segment)."""
    for s, e in doc.ctx.sentences:
        start = s
        for m in re.finditer(r"\n", doc.masked[s:e]):
            if s + m.start() > start:
                yield (start, s + m.start())
            start = s + m.end()
        if e > start:
            yield (start, e)


def _date_note(d: FoundDate) -> str:
    return f"date {d.value.isoformat()} read as {d.note}" if d.ambiguous and d.note else ""


# --------------------------------------------------------------------------- pattern rules


def _convert(rule: PatternRule, m: re.Match[str]) -> Any:
    if rule.convert is None:
        return rule.value
    raw = m.group("v")
    if rule.convert == "int" or rule.convert == "gauge":
        return int(raw)
    if rule.convert == "float":
        return float(raw)
    if rule.convert == "percent":
        value = float(raw)
        return value if 0 <= value <= 100 else None
    if rule.convert == "size_cm":
        numbers = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", raw)]
        largest = max(numbers)
        cm = largest / 10 if m.group("u").lower() == "mm" else largest
        cm = round(cm, 1)
        return cm if 0 < cm <= 60 else None
    key = re.sub(r"\s+", " ", raw.strip().lower())
    return rule.map.get(key)


def _nearest_is_primary(doc: DocText, start: int, end: int) -> bool:
    """The primary's size: a primary word is nearer to the number than an exclusion word."""
    s, e, _ = doc.sentence_text(start)
    before = doc.masked[max(s, start - 80) : start]
    after = doc.masked[end : min(e, end + 50)].split(";")[0]
    vocab = rules().vocabulary
    anchor = term_regex(tuple(vocab.primary_anchors))
    exclusion = term_regex(tuple(vocab.size_exclusions))
    best: tuple[int, bool] | None = None
    for m in anchor.finditer(before):
        d = len(before) - m.end()
        best = (d, True) if best is None or d < best[0] else best
    for m in exclusion.finditer(before):
        d = len(before) - m.end()
        if best is None or d <= best[0]:
            best = (d, False)
    for m in anchor.finditer(after):
        if best is None or m.start() < best[0]:
            best = (m.start(), True)
        break
    for m in exclusion.finditer(after):
        if best is None or m.start() <= best[0]:
            best = (m.start(), False)
        break
    return best is not None and best[1]


def _has_metastasis_words(text: str) -> bool:
    vocab = rules().vocabulary
    words = (*vocab.metastasis_words, "nodule", "nodules")
    return bool(term_regex(tuple(words)).search(text))


def _condition(doc: DocText, name: str, m: re.Match[str]) -> bool:
    if name == "primary_size":
        return _nearest_is_primary(doc, m.start(), m.end())
    if name == "no_metastasis_words":
        return not _has_metastasis_words(doc.sentence_text(m.start())[2])
    if name == "no_metastasis_site":
        sites = [t for e in rules().vocabulary.metastasis_sites for t in e.terms]
        return not term_regex(tuple(sites)).search(m.group(0))
    raise ValueError(f"unknown condition {name}")  # pragma: no cover - the schema forbids it


def pattern_candidates(doc: DocText) -> list[Candidate]:
    out: list[Candidate] = []
    for rule in rules().patterns:
        if doc.kind not in rule.doc_kinds:
            continue
        for m in rule.regex.finditer(doc.masked):
            value = _convert(rule, m)
            if value is None:
                continue
            group = "t" if "t" in rule.regex.groupindex and m.group("t") else None
            if group is None and "v" in rule.regex.groupindex:
                group = "v"
            ts, te = m.span(group) if group else m.span()
            flags = doc.ctx.flags(ts, te)
            if rule.assertion == "affirmed" and flags & BLOCKING:
                continue
            if rule.assertion == "negated" and "negated" not in flags:
                continue
            if rule.assertion == "negated" and flags & {"hypothetical", "family"}:
                continue
            if not all(_condition(doc, c, m) for c in rule.conditions):
                continue
            out.append(Candidate(rule.field, value, doc.index, m.start(), m.end(), rule.id))
    return out


# --------------------------------------------------------------------------- site


def _site_patterns() -> list[tuple[re.Pattern[str], Term]]:
    vocab = rules().vocabulary
    out = []
    for entry in vocab.sites:
        site = term_regex(tuple(entry.terms)).pattern
        lat = r"(?:(?P<lat>left|right|bilateral)\s+)?"
        site_g = rf"{lat}(?P<site>{site})"
        forms = [
            rf"{site_g}\s+(?:[\w-]+\s+){{0,2}}?(?:{PRIMARY_WORDS})\b",
            rf"\b(?:{PRIMARY_WORDS})\b{_CLAUSE}{{0,60}}?\b(?:of|in|within|from|involving|at)\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}?{site_g}",
            rf"\b(?:{PRIMARY_WORDS})\s*,\s*{site_g}",
            rf"\b(?:tumou?r\s+site|primary\s+site|site|specimen)\s*:\s*(?:[\w-]+[\s,]+){{0,4}}?{site_g}",
        ]
        for f in forms:
            out.append((re.compile(f, re.IGNORECASE), entry))
    return out


_SITE_PATTERNS: list[tuple[re.Pattern[str], Term]] = []


def site_candidates(doc: DocText) -> list[Candidate]:
    global _SITE_PATTERNS
    if not _SITE_PATTERNS:
        _SITE_PATTERNS = _site_patterns()
    vocab = rules().vocabulary
    self_terms = {t.lower() for t in vocab.site_self_terms}
    no_location = {t.lower() for t in vocab.site_no_location_terms}
    out: list[Candidate] = []
    for regex, entry in _SITE_PATTERNS:
        for m in regex.finditer(doc.masked):
            ss, se = m.span("site")
            if not doc.affirmed(ss, se):
                continue
            out.append(Candidate("tumor.site", entry.value, doc.index, ss, se, entry.id))
            term = re.sub(r"\s+", " ", m.group("site").lower())
            lat = (m.group("lat") or "").lower()
            location = None
            if term in self_terms:
                location = f"{lat} {entry.value}" if lat else None
            elif term not in no_location:
                location = f"{lat} {term}".strip()
            if location:
                start = m.start("lat") if lat else ss
                out.append(Candidate("tumor.location", location, doc.index, start, se, entry.id))
    return out


# --------------------------------------------------------------------------- IHC

_IHC_SYMBOL = (
    r"(?P<sym>\(\s*[+−-]\s*\)|(?<=[\w)])\s?[+−](?![\w])|(?<=\s)[+−-](?=[\s,.;)]|$)"
    r"|(?<=[\w)])-(?=[\s,.;)]|$))"
)
#: Words that open a list of positive markers: "diffuse expression of SMA, desmin and …".
_IHC_OPENER = r"(?P<open>(?:(?:diffuse|strong|focal|patchy)\s+)?expression\s+of|express(?:es|ed)?)"


def ihc_candidates(doc: DocText) -> list[Candidate]:
    """IHC panels in a pathology report: "Desmin +, SMA (+)", "positive for desmin and SMA,
    negative for S100", "SMA and desmin positive; S100 negative", "expression of SMA"."""
    if doc.kind != "pathology":
        return []
    vocab = rules().vocabulary
    markers = {t.lower(): e.value for e in vocab.ihc_markers for t in e.terms}
    results = {
        t.lower(): e.value for e in vocab.ihc_results for t in e.terms if t not in ("+", "−", "-")
    }
    marker_re = term_regex(tuple(markers)).pattern
    result_re = term_regex(tuple(results)).pattern
    token = re.compile(
        rf"(?P<m>{marker_re})|{_IHC_OPENER}|(?P<r>{result_re})|{_IHC_SYMBOL}|(?P<for>\bfor\b)"
        r"|(?P<sep>[.;\n](?=\s|$)|\bexcluding\b)",
        re.IGNORECASE,
    )
    out: list[Candidate] = []
    pending: list[re.Match[str]] = []
    mode: str | None = None
    tokens = list(token.finditer(doc.masked))

    def add(marker: re.Match[str], result: str, end: int) -> None:
        value = markers.get(re.sub(r"\s+", " ", marker.group("m").lower()))
        if value is not None:
            path = f"pathology.ihc.{value}"
            out.append(Candidate(path, result, doc.index, marker.start(), end, "ihc-panel"))

    for i, t in enumerate(tokens):
        if t.group("m"):
            if mode is not None:
                add(t, mode, t.end())
            else:
                pending.append(t)
        elif t.group("open"):
            mode, pending = "positive", []
        elif t.group("r") or t.group("sym"):
            raw = (t.group("r") or t.group("sym")).strip().lower()
            if t.group("r"):
                res = results.get(re.sub(r"\s+", " ", raw))
            else:
                res = "positive" if "+" in raw else "negative"
            if res is None:
                continue
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is not None and nxt.group("for") and nxt.start() - t.end() <= 2:
                mode, pending = res, []
                continue
            for p in pending:
                add(p, res, t.end())
            pending = []
        elif t.group("sep"):
            pending, mode = [], None
    return out


# --------------------------------------------------------------------------- metastases

_LESION = r"(?:metastases|metastasis|mets|nodules|nodule|lesions|lesion|deposits|deposit)"


def _count(text: str, words: dict[str, int]) -> list[tuple[int, int]]:
    """``(position, count)`` of "two new liver metastases", "now 8 nodules", "metastases (5)"."""
    alts = "|".join(words)
    out: list[tuple[int, int]] = []
    for m in re.finditer(
        rf"\b(?P<n>\d{{1,2}}|{alts})\s+(?:[a-z-]+\s+){{0,3}}?{_LESION}\b", text, re.IGNORECASE
    ):
        n = m.group("n").lower()
        out.append((m.start(), int(n) if n.isdigit() else words[n]))
    for m in re.finditer(rf"{_LESION}\s*\((?P<n>\d{{1,2}})\)", text, re.IGNORECASE):
        out.append((m.start(), int(m.group("n"))))
    return out


def metastasis_candidates(doc: DocText) -> list[Candidate]:
    vocab = rules().vocabulary
    met_words = term_regex(tuple(vocab.metastasis_words))
    site_terms = [(term_regex(tuple(e.terms)), e) for e in vocab.metastasis_sites]
    out: list[Candidate] = []
    for s, e in doc.segments:
        text = doc.masked[s:e]
        if not any(doc.affirmed(s + m.start(), s + m.end()) for m in met_words.finditer(text)):
            continue
        found: list[tuple[int, int, Term]] = []
        for regex, entry in site_terms:
            for m in regex.finditer(text):
                if doc.affirmed(s + m.start(), s + m.end()):
                    found.append((m.start(), m.end(), entry))
        if not found:
            continue
        for ms, me, entry in found:
            out.append(
                Candidate(
                    f"extent.metastases[{entry.value}]", True, doc.index, s + ms, s + me, entry.id
                )
            )
        for pos, n in _count(text, vocab.count_words):
            ms, me, entry = min(found, key=lambda f: abs(f[0] - pos))
            if 1 <= n <= 100:
                a, b = min(pos, ms), max(pos + len(str(n)), me)
                out.append(
                    Candidate(
                        f"extent.metastases[{entry.value}].count",
                        n,
                        doc.index,
                        s + a,
                        s + b,
                        "met-count",
                    )
                )
        for rw in vocab.resectability_words:
            said = term_regex(tuple(rw.terms)).search(text)
            if said is None:
                continue
            for _, _, entry in found:
                out.append(
                    Candidate(
                        f"extent.metastases[{entry.value}].resectable",
                        rw.value,
                        doc.index,
                        s + said.start(),
                        s + said.end(),
                        rw.id,
                    )
                )
            break
    return out


# --------------------------------------------------------------------------- patient lists


def comorbidity_candidates(doc: DocText) -> list[Candidate]:
    if doc.kind in ("pathology", "radiology"):
        return []
    vocab = rules().vocabulary
    out: list[Candidate] = []
    severity = term_regex(tuple(t for e in vocab.severity for t in e.terms))
    for coded, entries in ((True, vocab.comorbidities), (False, vocab.comorbidity_free_text)):
        for entry in entries:
            for m in term_regex(tuple(entry.terms)).finditer(doc.masked):
                if not doc.affirmed(m.start(), m.end()):
                    continue
                if not coded:
                    path = f"patient.comorbidities[{entry.value}]"
                    out.append(Candidate(path, True, doc.index, m.start(), m.end(), entry.id))
                    continue
                path = f"patient.coded_comorbidities[{entry.value}]"
                out.append(Candidate(path, True, doc.index, m.start(), m.end(), entry.id))
                before = doc.masked[max(0, m.start() - 12) : m.start()]
                sev = severity.search(before)
                if sev:
                    value = next(e.value for e in vocab.severity if sev.group(0).lower() in e.terms)
                    out.append(
                        Candidate(
                            f"{path}.severity",
                            value,
                            doc.index,
                            m.start() - len(before) + sev.start(),
                            m.end(),
                            "cm-severity",
                        )
                    )
                if entry.value == "renal_impairment":
                    s, _e, sentence = doc.sentence_text(m.start())
                    g = re.search(
                        r"\beGFR\s*(?:of|is|was|:|=)?\s*(?P<v>\d{1,3})\b", sentence, re.IGNORECASE
                    )
                    if g and 1 <= int(g.group("v")) <= 200:
                        out.append(
                            Candidate(
                                f"{path}.egfr_ml_min",
                                int(g.group("v")),
                                doc.index,
                                s + g.start(),
                                s + g.end(),
                                "cm-egfr",
                            )
                        )
    for path in ("patient.comorbidities", "patient.coded_comorbidities"):
        out += _stated_none(doc, vocab.no_comorbidity, path, "cm-none")
    return out


_DECLINE = re.compile(
    r"\b(?:declines?|declined|refuses?|refused|does\s+not\s+(?:wish|want)\s+to\s+(?:have|undergo|consider)|"
    r"does\s+not\s+want|would\s+not\s+consider|is\s+not\s+keen\s+on)\s+(?:[\w-]+\s+){0,3}?",
    re.IGNORECASE,
)


def declines_candidates(doc: DocText) -> list[Candidate]:
    out: list[Candidate] = []
    for entry in rules().vocabulary.declines:
        terms = term_regex(tuple(entry.terms))
        for m in _DECLINE.finditer(doc.masked):
            t = terms.match(doc.masked, m.end())
            if t is None:
                continue
            s, _, _ = doc.sentence_text(m.start())
            conditional = re.search(r"\bif\b", doc.masked[s : m.start()], re.IGNORECASE)
            if conditional or "family" in doc.ctx.flags(m.start(), t.end()):
                continue
            out.append(
                Candidate(
                    f"patient.declines[{entry.value}]",
                    True,
                    doc.index,
                    m.start(),
                    t.end(),
                    entry.id,
                )
            )
    return out


def molecular_candidates(doc: DocText) -> list[Candidate]:
    vocab = rules().vocabulary
    genes = re.compile(r"\b(?P<g>" + "|".join(map(re.escape, vocab.genes)) + r")\b")
    findings = [(term_regex(tuple(e.terms)), e) for e in vocab.molecular_findings]
    out: list[Candidate] = []
    for g in genes.finditer(doc.masked):
        window = doc.masked[g.end() : g.end() + 40]
        stop = re.search(r"[.;\n]|\b(?:and|but)\b|\b[A-Z0-9]{3,}\d\b", window)
        window = window[: stop.start()] if stop else window
        best: tuple[int, re.Match[str], Term] | None = None
        for regex, entry in findings:
            f = regex.search(window)
            if f and (best is None or f.start() < best[0]):
                best = (f.start(), f, entry)
        if best is None or not doc.affirmed(g.start(), g.end()):
            continue
        _, f, entry = best
        value = f"{g.group('g')} {entry.value}"
        out.append(
            Candidate(
                f"pathology.molecular[{value}]",
                True,
                doc.index,
                g.start(),
                g.end() + f.end(),
                entry.id,
            )
        )
    return out


# --------------------------------------------------------------------------- imaging


_NOT_DONE = re.compile(
    r"[^.;]{0,40}?\bnot\s+(?:yet\s+)?(?:been\s+)?(?:done|performed|carried\s+out|available)\b",
    re.IGNORECASE,
)


def imaging_candidates(doc: DocText) -> list[Candidate]:
    vocab = rules().vocabulary
    header_end = sum(len(ln) + 1 for ln in doc.masked.split("\n")[:6])
    result_words = term_regex(tuple(vocab.imaging_result_words))
    out: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    entries = sorted(vocab.imaging, key=lambda e: -max(len(t) for t in e.terms))
    for entry in entries:
        for m in term_regex(tuple(entry.terms)).finditer(doc.masked):
            if re.match(r"[-\s]guided", doc.masked[m.end() : m.end() + 8], re.IGNORECASE):
                continue
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append(m.span())
            s, e, sentence = doc.sentence_text(m.start())
            after = doc.masked[m.end() : min(e, m.end() + 40)]
            fields = list(entry.value)
            if "mri_primary" in fields and re.search(
                r"\b(?:brain|head|spine|spinal|liver|cardiac|heart|breast)\b", after, re.IGNORECASE
            ):
                fields.remove("mri_primary")
            flags = doc.ctx.flags(m.start(), m.end())
            rest = doc.masked[m.end() : e]
            if _NOT_DONE.match(rest) or re.search(
                r"\b(?:has|have)\s+not\s+(?:yet\s+)?had\s+(?:an?\s+)?$",
                doc.masked[s : m.start()],
                re.IGNORECASE,
            ):
                for f in fields:
                    out.append(
                        Candidate(
                            f"workup.{f}", False, doc.index, m.start(), m.end(), "img-not-done"
                        )
                    )
                continue
            if flags & BLOCKING:
                continue
            dated = [
                d
                for d in doc.dates_in(m.end(), min(e, m.end() + 40))
                if doc.date is None or d.value <= doc.date
            ]
            in_header = doc.kind == "radiology" and m.start() < header_end
            done = in_header or bool(dated) or bool(result_words.search(sentence))
            if not done:
                continue
            for f in fields:
                out.append(Candidate(f"workup.{f}", True, doc.index, m.start(), m.end(), entry.id))
            when = dated[0] if dated else None
            if when is None and in_header and doc.date is not None:
                out.append(
                    Candidate(
                        "workup.last_imaging_date",
                        doc.date.isoformat(),
                        doc.index,
                        m.start(),
                        m.end(),
                        "img-report-date",
                        doc.date_note if doc.date_note else "",
                    )
                )
            elif when is not None:
                out.append(
                    Candidate(
                        "workup.last_imaging_date",
                        when.value.isoformat(),
                        doc.index,
                        m.start(),
                        when.end,
                        "img-dated-mention",
                        _date_note(when),
                    )
                )
    return out


# --------------------------------------------------------------------------- surgery, biopsy


def _dated_by(between: str, generic: bool) -> bool:
    """The text between a procedure and a date links them: same line, no other date label;
    a generic word ("surgery") only with "on" / "dated" ("surgery on 12/01/2023")."""
    if "\n" in between or re.search(r"\bdate\b", between, re.IGNORECASE):
        return False
    if generic:
        return bool(re.fullmatch(r"\s+(?:on|dated)\s+", between))
    return True


_PAST = re.compile(
    r"\b(?:underwent|had|has\s+had|was|were|s/p|status\s+post|following|after|previous|previously|"
    r"treated\s+with|resected|excised|proven|confirmed|on\s+\d)\b",
    re.IGNORECASE,
)


def surgery_candidates(doc: DocText) -> list[Candidate]:
    vocab = rules().vocabulary
    out: list[Candidate] = []
    has_resection = False
    for entry in vocab.surgery_words:
        for m in term_regex(tuple(entry.terms)).finditer(doc.masked):
            if doc.ctx.flags(m.start(), m.end()) & BLOCKING:
                continue
            _s, e, sentence = doc.sentence_text(m.start())
            window = doc.masked[m.end() : min(e, m.end() + 40)]
            dated = [
                d
                for d in doc.dates_in(m.end(), m.end() + len(window))
                if _dated_by(doc.masked[m.end() : d.start], generic=entry.value is None)
            ]
            done = doc.kind == "pathology" or bool(_PAST.search(sentence)) or bool(dated)
            if not done:
                continue
            if entry.value is not None:
                out.append(
                    Candidate(
                        "pathology.biopsy", entry.value, doc.index, m.start(), m.end(), entry.id
                    )
                )
            if entry.value in ("resection", "excisional"):
                has_resection = has_resection or doc.kind == "pathology"
            if (
                entry.value in ("resection", "excisional", None)
                and dated
                and "biopsy" not in doc.masked[m.end() : m.end() + 10].lower()
            ):
                d = dated[0]
                out.append(
                    Candidate(
                        "history.surgery_date",
                        d.value.isoformat(),
                        doc.index,
                        m.start(),
                        d.end,
                        entry.id,
                        _date_note(d),
                    )
                )
    if has_resection:
        for m in re.finditer(
            r"\bdate\s+of\s+(?:procedure|operation|surgery)\s*:?\s*", doc.masked, re.IGNORECASE
        ):
            after = [d for d in doc.dates if m.end() <= d.start <= m.end() + 3]
            if after:
                d = after[0]
                out.append(
                    Candidate(
                        "history.surgery_date",
                        d.value.isoformat(),
                        doc.index,
                        m.start(),
                        d.end,
                        "surgery-date-of-procedure",
                        _date_note(d),
                    )
                )
    return out


# --------------------------------------------------------------------------- treatment history


def _drug_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, generic name)`` of every known drug named in ``text``."""
    out: list[tuple[int, int, str]] = []
    for drug in drug_vocabulary().values():
        names = {drug.name, drug.name.replace("-", " "), *drug.aliases}
        for m in term_regex(tuple(names)).finditer(text):
            out.append((m.start(), m.end(), drug.name))
    return sorted(out)


def _first(entries: list[Term], text: str) -> tuple[re.Match[str], Term] | None:
    best: tuple[re.Match[str], Term] | None = None
    for entry in entries:
        m = term_regex(tuple(entry.terms)).search(text)
        if m and (best is None or m.start() < best[0].start()):
            best = (m, entry)
    return best


_CYCLES = re.compile(
    r"(?:(?:x|×)\s*(?P<a>\d{1,2})\s*cycles?|(?P<b>\d{1,2})\s*cycles?|after\s+(?P<c>\d{1,2})\s+cycles?)",
    re.IGNORECASE,
)
_LINE_EVIDENCE = re.compile(
    r"\b(?:received|receiving|treated\s+with|given|progressed|cycles?|since|started|commenced|completed|continue|continues|ongoing|stopped|best\s+response|line)\b",
    re.IGNORECASE,
)


def _stated_none(doc: DocText, phrases: list[str], path: str, rule: str) -> list[Candidate]:
    """``path: []`` wherever a phrase says there was none ("no prior chemotherapy")."""
    found = term_regex(tuple(phrases)).finditer(doc.masked)
    return [Candidate(path, [], doc.index, m.start(), m.end(), rule) for m in found]


def _dates_after_words(
    doc: DocText, offset: int, text: str, base: str, prefix: str, start: str, end: str
) -> list[Candidate]:
    """``{base}.start_date`` / ``.end_date`` from the date right after a start word ("since",
    "commenced on") or an end word ("completed", "until") in ``text`` (at ``offset``)."""
    out: list[Candidate] = []
    for word, name in ((start, "start_date"), (end, "end_date")):
        for m in re.finditer(rf"\b(?:{word})\s+", text, re.IGNORECASE):
            d = next((d for d in doc.dates if d.start == offset + m.end()), None)
            if d:
                rule = f"{prefix}-{name.replace('_', '-')}"
                path = f"{base}.{name}"
                value = d.value.isoformat()
                out.append(
                    Candidate(
                        path, value, doc.index, offset + m.start(), d.end, rule, _date_note(d)
                    )
                )
                break
    return out


def treatment_candidates(doc: DocText) -> list[Candidate]:
    vocab = rules().vocabulary
    out: list[Candidate] = []
    for s, e in doc.segments:
        text = doc.masked[s:e]
        spans = [sp for sp in _drug_spans(text) if doc.affirmed(s + sp[0], s + sp[1])]
        if not spans or not _LINE_EVIDENCE.search(text):
            continue
        drugs = sorted({name for _, _, name in spans})
        key = "+".join(drugs)
        base = f"history.treatment_lines[{key}]"
        start, end = s + spans[0][0], s + spans[-1][1]
        out.append(Candidate(base, True, doc.index, start, end, "line-drugs"))
        setting = _first(vocab.line_settings, text)
        if setting:
            m, entry = setting
            if isinstance(entry.value, int):
                out.append(
                    Candidate(
                        f"{base}.setting",
                        "advanced",
                        doc.index,
                        s + m.start(),
                        s + m.end(),
                        entry.id,
                    )
                )
                out.append(
                    Candidate(
                        f"{base}.line", entry.value, doc.index, s + m.start(), s + m.end(), entry.id
                    )
                )
            else:
                out.append(
                    Candidate(
                        f"{base}.setting",
                        entry.value,
                        doc.index,
                        s + m.start(),
                        s + m.end(),
                        entry.id,
                    )
                )
        c = _CYCLES.search(text)
        if c:
            n = int(c.group("a") or c.group("b") or c.group("c"))
            if 1 <= n <= 200:
                out.append(
                    Candidate(
                        f"{base}.cycles", n, doc.index, s + c.start(), s + c.end(), "line-cycles"
                    )
                )
        for entries, name in (
            (vocab.responses, "best_response"),
            (vocab.stop_reasons, "stop_reason"),
        ):
            found = _first(entries, text)
            if found:
                m, entry = found
                out.append(
                    Candidate(
                        f"{base}.{name}",
                        entry.value,
                        doc.index,
                        s + m.start(),
                        s + m.end(),
                        entry.id,
                    )
                )
        out.extend(
            _dates_after_words(
                doc,
                s,
                text,
                base,
                "line",
                start=r"since|from|started(?:\s+on)?|commenced(?:\s+on)?",
                end=r"until|completed(?:\s+on)?|stopped(?:\s+on)?",
            )
        )
    return out + _stated_none(
        doc, vocab.no_systemic_treatment, "history.treatment_lines", "line-none"
    )


def radiotherapy_candidates(doc: DocText) -> list[Candidate]:
    vocab = rules().vocabulary
    rt_words = term_regex(tuple(vocab.radiotherapy_words))
    out: list[Candidate] = []
    for s, e in doc.segments:
        text = doc.masked[s:e]
        mentions = [m for m in rt_words.finditer(text) if doc.affirmed(s + m.start(), s + m.end())]
        if not mentions:
            continue
        rt = mentions[0]
        timing = _first(vocab.radiotherapy_timing, text[: rt.start()][-40:] or text)
        if timing is None:
            continue
        _tm, entry = timing
        base = f"history.radiotherapy_courses[{entry.value}]"
        out.append(Candidate(base, True, doc.index, s + rt.start(), s + rt.end(), entry.id))
        after = text[rt.end() :]
        dose = re.search(r"(?P<d>\d{1,3}(?:\.\d+)?)\s*Gy\b", after)
        if dose and 0 < float(dose.group("d")) <= 150:
            out.append(
                Candidate(
                    f"{base}.dose_gy",
                    float(dose.group("d")),
                    doc.index,
                    s + rt.end() + dose.start(),
                    s + rt.end() + dose.end(),
                    "rt-dose",
                )
            )
        fx = re.search(r"\b(?:in\s+)?(?P<f>\d{1,2})\s*(?:fractions|fx|#)", after, re.IGNORECASE)
        if fx and 1 <= int(fx.group("f")) <= 60:
            out.append(
                Candidate(
                    f"{base}.fractions",
                    int(fx.group("f")),
                    doc.index,
                    s + rt.end() + fx.start(),
                    s + rt.end() + fx.end(),
                    "rt-fractions",
                )
            )
        if re.search(r"\b(?:SBRT|SABR|stereotactic)\b", text, re.IGNORECASE):
            out.append(
                Candidate(
                    f"{base}.technique",
                    "stereotactic",
                    doc.index,
                    s + rt.start(),
                    s + rt.end(),
                    "rt-technique",
                )
            )
        out.extend(
            _dates_after_words(
                doc,
                s + rt.end(),
                after,
                base,
                "rt",
                start=r"started(?:\s+on)?|commenced(?:\s+on)?|from",
                end=r"completed(?:\s+on)?|finished(?:\s+on)?|until",
            )
        )
    return out + _stated_none(doc, vocab.no_radiotherapy, "history.radiotherapy_courses", "rt-none")


# --------------------------------------------------------------------------- sex from pronouns


def pronoun_candidates(doc: DocText) -> list[Candidate]:
    if doc.kind in ("pathology", "radiology"):
        return []
    counts: dict[str, list[re.Match[str]]] = {}
    for entry in rules().vocabulary.pronouns:
        for m in term_regex(tuple(entry.terms)).finditer(doc.masked):
            if "family" not in doc.ctx.flags(m.start(), m.end()):
                counts.setdefault(entry.value, []).append(m)
    if len(counts) == 1:
        value, found = next(iter(counts.items()))
        if len(found) >= 2:
            return [
                Candidate(
                    "patient.sex",
                    value,
                    doc.index,
                    found[0].start(),
                    found[0].end(),
                    "sex-pronouns",
                )
            ]
    return []


# --------------------------------------------------------------------------- all


EXTRACTORS: tuple[Callable[[DocText], list[Candidate]], ...] = (
    pattern_candidates,
    site_candidates,
    ihc_candidates,
    metastasis_candidates,
    comorbidity_candidates,
    declines_candidates,
    molecular_candidates,
    imaging_candidates,
    surgery_candidates,
    treatment_candidates,
    radiotherapy_candidates,
    pronoun_candidates,
)


def candidates(doc: DocText) -> list[Candidate]:
    """Every candidate value of one document, in text order."""
    out = [c for extractor in EXTRACTORS for c in extractor(doc)]
    return sorted(out, key=lambda c: (c.start, c.path))


def relapse_dates(doc: DocText) -> list[tuple[FoundDate | date, Candidate]]:
    """Dates metastases were found as a relapse ("lung metastases diagnosed 20/03/2023";
    a report's own date when it calls them new)."""
    vocab = rules().vocabulary
    met = term_regex(tuple(vocab.metastasis_words))
    relapse = term_regex(tuple(vocab.relapse_words))
    out: list[tuple[FoundDate | date, Candidate]] = []
    for s, e in doc.segments:
        text = doc.masked[s:e]
        m = met.search(text)
        if not m or not doc.affirmed(s + m.start(), s + m.end()) or not relapse.search(text):
            continue
        found = doc.dates_in(s, e)
        if found:
            d = found[0]
            out.append(
                (
                    d,
                    Candidate(
                        "extent.disease_free_interval_months",
                        None,
                        doc.index,
                        s + m.start(),
                        d.end,
                        "dfi-from-dates",
                    ),
                )
            )
        elif doc.kind == "radiology" and doc.date is not None:
            out.append(
                (
                    doc.date,
                    Candidate(
                        "extent.disease_free_interval_months",
                        None,
                        doc.index,
                        s + m.start(),
                        s + m.end(),
                        "dfi-from-dates",
                    ),
                )
            )
    return out


__all__ = ["Candidate", "DocText", "candidates", "prepare", "relapse_dates"]
_: Any = Rules
