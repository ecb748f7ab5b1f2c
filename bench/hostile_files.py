"""Hostile import files of a given size, in the shapes that were quadratic (issue 11): a FHIR
Bundle of many case Conditions on one subject, of many unknown resources, a CSV header of many
columns, many CSV rows, a JSON list of many cases, a JSON object with many keys.

``make(shape, size)`` -> ``(file name, bytes)`` of about ``size`` bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from lms_board.demo import demo_case
from lms_board.interchange import cases_to_csv

MB = 1024 * 1024


def _fhir_conditions(size: int) -> bytes:
    entry = {
        "fullUrl": "urn:uuid:{n}",
        "resource": {
            "resourceType": "Condition",
            "identifier": [{"system": "urn:lms-board:case-id", "value": "C-{n}"}],
            "subject": {"reference": "urn:uuid:patient"},
            "code": {"text": "Leiomyosarcoma"},
        },
    }
    one = len(json.dumps(entry)) + 2
    entries = []
    for n in range(max(1, size // one)):
        e = json.loads(json.dumps(entry).replace("{n}", str(n)))
        entries.append(e)
    patient = {
        "fullUrl": "urn:uuid:patient",
        "resource": {"resourceType": "Patient", "gender": "female"},
    }
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [patient, *entries]}
    return json.dumps(bundle).encode()


def _fhir_unknown(size: int) -> bytes:
    entry = {"resource": {"resourceType": "BogusType", "id": "x"}}
    count = max(1, size // (len(json.dumps(entry)) + 2))
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [entry] * count}
    return json.dumps(bundle).encode()


def _csv_wide_header(size: int) -> bytes:
    cells = [f"col{n}" for n in range(size // 9)]
    return (",".join(cells) + "\r\n").encode()


def _csv_rows(size: int) -> bytes:
    sheet = cases_to_csv([demo_case("DEMO-01")])
    header, row = sheet.split("\r\n", 1)
    row = row.rstrip("\r\n")
    count = max(1, size // (len(row) + 2))
    rows = [row.replace("DEMO-01", f"R-{n}", 1) for n in range(count)]
    return (header + "\r\n" + "\r\n".join(rows) + "\r\n").encode()


def _json_list(size: int) -> bytes:
    case = demo_case("DEMO-01").to_json_dict()
    one = len(json.dumps(case)) + 2
    cases = []
    for n in range(max(1, size // one)):
        c = dict(case)
        c["case_id"] = f"J-{n}"
        cases.append(c)
    return json.dumps(cases).encode()


def _json_many_keys(size: int) -> bytes:
    count = max(1, size // 14)
    return ("{" + ",".join(f'"k{n}":{n}' for n in range(count)) + "}").encode()


SHAPES: dict[str, tuple[str, Callable[[int], bytes]]] = {
    "fhir-conditions-one-subject": ("bundle.json", _fhir_conditions),
    "fhir-unknown-resources": ("bundle.json", _fhir_unknown),
    "csv-wide-header": ("wide.csv", _csv_wide_header),
    "csv-many-rows": ("rows.csv", _csv_rows),
    "json-list-of-cases": ("cases.json", _json_list),
    "json-many-keys": ("keys.json", _json_many_keys),
}


def make(shape: str, size: int) -> tuple[str, bytes]:
    name, build = SHAPES[shape]
    return name, build(size)


def import_ratio(shape: str) -> tuple[float, float, float]:
    """``(seconds for 0.5 MB, seconds for 5 MB, time-per-byte ratio x 10)``: CPU time, best of
    3, garbage collector frozen as in tests/robust/test_attack_import.py."""
    import gc
    import time

    from lms_board.interchange import read_upload

    def best(name: str, data: bytes) -> float:
        gc.collect()
        gc.freeze()
        try:
            times = []
            for _ in range(3):
                start = time.process_time()
                read_upload(name, data)
                times.append(time.process_time() - start)
        finally:
            gc.unfreeze()
        return max(min(times), 1e-3)

    small, large = make(shape, MB // 2), make(shape, 5 * MB)
    t_small, t_large = best(*small), best(*large)
    return t_small, t_large, (t_large / len(large[1])) / (t_small / len(small[1])) * 10
