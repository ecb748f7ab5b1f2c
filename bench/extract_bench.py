"""Figures of document intake (``lms_board.extract``) over the corpus
``tests/extract/corpus``: field precision, recall and F1 overall and per field group,
extraction time per case (warm, median), and medspaCy's cold import + load time and memory
(in a fresh process). ``python -m bench.extract_bench`` prints these alone.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.figure import Figure
from lms_board.extract import extract_documents, read_document
from lms_board.extract.scoring import GROUPS, Score, corpus_cases, score

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "extract" / "corpus"
HELDOUT = CORPUS.parent / "heldout"
PRECISION_FLOOR, RECALL_FLOOR = 0.97, 0.85
_COLD = """
import json, re, time
from lms_board.extract.nlp import pipeline
def rss():
    status = open("/proc/self/status").read()
    return int(re.search(r"VmRSS:\\s+(\\d+)", status).group(1)) / 1024
r0 = rss(); t0 = time.perf_counter()
import medspacy
t1 = time.perf_counter(); r1 = rss()
pipeline()
t2 = time.perf_counter(); r2 = rss()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "rss0": r0, "rss1": r1, "rss2": r2}))
"""


def _corpus_run(root: Path = CORPUS) -> tuple[dict[str, Score], list[float], int]:
    cases = corpus_cases(root)
    docs = [[read_document(p) for p in paths] for _, paths, _ in cases]
    extract_documents(docs[0])  # warm: medspaCy loaded, rules compiled
    totals = {g: Score() for g in (*GROUPS, "all")}
    times = []
    for (cid, _, gold), d in zip(cases, docs, strict=True):
        start = time.perf_counter()
        result = extract_documents(d)
        times.append(time.perf_counter() - start)
        for g, s in score(result.case_dict(), gold["case"], cid).items():
            totals[g].add(s)
    return totals, times, sum(len(d) for d in docs)


def figures() -> list[Figure]:
    totals, times, n_docs = _corpus_run()
    a = totals["all"]
    size = f"{len(times)} cases, {n_docs} documents, {a.gold} gold values"
    out = [
        Figure(
            "extraction precision (all fields)",
            round(a.precision, 3),
            "",
            f"≥ {PRECISION_FLOOR}",
            size,
        ),
        Figure("extraction recall (all fields)", round(a.recall, 3), "", f"≥ {RECALL_FLOOR}", size),
        Figure(
            "extraction F1 (all fields)",
            round(a.f1, 3),
            "",
            "",
            f"{a.correct} correct of {a.extracted} extracted",
        ),
    ]
    for g in GROUPS:
        s = totals[g]
        out.append(
            Figure(
                f"extraction F1: {g}",
                round(s.f1, 3),
                "",
                "",
                f"P {s.precision:.3f}, R {s.recall:.3f} ({s.correct}/{s.extracted} extracted, {s.gold} gold)",
            )
        )
    held, held_times, held_docs = _corpus_run(HELDOUT)
    h = held["all"]
    out.append(
        Figure(
            "held-out cases: precision / recall",
            round(h.precision, 3),
            "",
            "",
            f"recall {h.recall:.3f}, F1 {h.f1:.3f}; {len(held_times)} cases, {held_docs} documents, "
            f"{h.gold} gold values (tests/extract/heldout/README.md)",
        )
    )
    ms = [t * 1000 for t in times]
    out.append(
        Figure(
            "extraction time per case (warm, median)",
            round(statistics.median(ms), 1),
            "ms",
            "",
            f"{len(ms)} cases of 1–3 documents, min {min(ms):.0f}, max {max(ms):.0f} ms",
        )
    )
    cold = json.loads(
        subprocess.run(
            [sys.executable, "-c", _COLD], capture_output=True, text=True, check=True
        ).stdout
    )
    out.append(
        Figure(
            "medspaCy import + pipeline load (cold)",
            round(cold["import_s"] + cold["load_s"], 2),
            "s",
            "",
            f"import medspacy {cold['import_s']:.2f} s, build the pipeline {cold['load_s']:.2f} s; once per process",
        )
    )
    out.append(
        Figure(
            "memory added by medspaCy (import + pipeline)",
            round(cold["rss2"] - cold["rss0"], 1),
            "MB",
            "",
            f"RSS {cold['rss0']:.0f} MB before, {cold['rss1']:.0f} after import, {cold['rss2']:.0f} after load",
        )
    )
    return out


FIGURES = [figures]


def main() -> int:
    from bench.run import table

    print(table(figures()))  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
