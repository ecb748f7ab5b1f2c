"""The knowledge base (``lms_board.knowledge``): it loads, it refuses bad records naming
them, every citation resolves, and every PMID/DOI agrees with ``shared/evidence``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from conftest import SHARED_DIR, require_shared

from lms_board.assessment import (
    NO_BENEFIT_STRENGTHS,
    EvidenceRef,
    ImagingItem,
    ImagingPlan,
    Option,
    Reason,
    Strength,
)
from lms_board.knowledge import (
    PACKAGE_DIR,
    KnowledgeError,
    collect_evidence_ids,
    evidence_refs,
    knowledge,
    knowledge_reviewed_date,
    load_knowledge,
)
from lms_board.knowledge.loader import TrialOverlay, apply_trial_overlay
from lms_board.knowledge.schema import TrialStatusUpdate

KB = load_knowledge(PACKAGE_DIR)


def test_packaged_knowledge_loads_with_every_kind_of_record() -> None:
    assert len(KB.evidence) >= 40
    assert len(KB.options) >= 30
    assert len(KB.trials) >= 10
    assert {i.section for i in KB.imaging} == {"staging", "biopsy", "response", "pitfall"}
    assert set(KB.schedules) == {"high", "low"}
    assert KB.surveillance_imaging


def test_knowledge_is_loaded_once() -> None:
    assert knowledge() is knowledge()


def test_reviewed_date_is_the_latest_record_date() -> None:
    latest = max(e.reviewed for e in KB.evidence.values())
    assert knowledge_reviewed_date() >= latest
    assert KB.reviewed == max(
        [
            latest,
            *(d.reviewed for d in KB.drugs),
            *(o.reviewed for o in KB.options),
            *(t.reviewed for t in KB.trials),
            *(i.reviewed for i in KB.imaging),
        ]
    )


def test_yaml_files_ship_as_package_data(repo_root: Path) -> None:
    pyproject = (repo_root / "pyproject.toml").read_text(encoding="utf-8")
    assert '"knowledge/*.yaml"' in pyproject
    assert sorted(p.name for p in PACKAGE_DIR.glob("*.yaml")) == sorted(
        [
            "drugs.yaml",
            "evidence.yaml",
            "imaging.yaml",
            "options.yaml",
            "prompts.yaml",
            "trials.yaml",
        ]
    )


# --------------------------------------------------------------------------- citations


def test_every_option_trial_and_imaging_item_cites_existing_evidence() -> None:
    cited = [
        *((o.id, o.evidence) for o in KB.options),
        *((i.id, i.evidence) for i in KB.imaging),
        *((s.id, s.evidence) for s in KB.schedules.values()),
        *((s.id, s.evidence) for s in KB.surveillance_imaging),
    ]
    for rid, ids in cited:
        assert ids, rid
        for e in ids:
            assert e in KB.evidence, f"{rid} cites unknown {e}"
    # A trial's source is its registry record; its evidence lists publications, if any.
    for t in KB.trials:
        assert t.registry_url == f"https://clinicaltrials.gov/study/{t.nct}"
        for e in t.evidence:
            assert e in KB.evidence, f"{t.nct} cites unknown {e}"


def test_every_evidence_entry_has_a_pmid_doi_or_url() -> None:
    for e in KB.evidence.values():
        assert e.pmid or e.doi or e.url, e.id


def test_every_option_shows_its_strength_and_weak_evidence_says_so() -> None:
    for o in KB.options:
        assert o.strength in get_args(Strength)
        weak = ("phase 2", "retrospective", *NO_BENEFIT_STRENGTHS)
        if o.strength in weak and not o.not_recommended:
            assert o.caveats, f"{o.id}: weak evidence needs a caveat saying so"


def test_option_drug_lists_use_known_generic_names() -> None:
    names = {d.name for d in KB.drugs}
    for o in KB.options:
        assert set(o.drugs) <= names, o.id
        assert o.anthracycline == any(KB.drug(d).anthracycline for d in o.drugs), o.id


def test_drug_aliases_are_unambiguous() -> None:
    seen: dict[str, str] = {}
    for d in KB.drugs:
        for name in (d.name, *d.aliases):
            assert name not in seen, f"{name} names both {seen.get(name)} and {d.name}"
            seen[name] = d.name


def test_evidence_refs_resolves_ids_and_rejects_unknown_ones() -> None:
    refs = evidence_refs(["lms04-2022", "trabectedin-label", "lms04-2022"])
    assert list(refs) == ["lms04-2022", "trabectedin-label"]
    assert isinstance(refs["lms04-2022"], EvidenceRef)
    assert refs["lms04-2022"].link == "https://pubmed.ncbi.nlm.nih.gov/35835135/"
    assert refs["trabectedin-label"].link == KB.evidence["trabectedin-label"].url
    with pytest.raises(KeyError, match="no-such-study"):
        evidence_refs(["lms04-2022", "no-such-study"])


def test_collect_evidence_ids_walks_plans_and_lists_in_order() -> None:
    plan = ImagingPlan(staging=[ImagingItem(text="MRI", evidence=["b", "a"])])
    options = [
        Option(
            id="x",
            name="X",
            modality="systemic",
            intent="palliative",
            setting="s",
            evidence=["a", "c"],
            strength="phase 2",
        )
    ]
    rationale = [Reason(rule="r", text="t", evidence=["d"])]
    assert collect_evidence_ids(plan, options, rationale) == ["b", "a", "c", "d"]


# --------------------------------------------------------------------------- agreement with shared/evidence


def _evidence_rows() -> dict[str, tuple[str, str]]:
    """``{id: (PMID cell, DOI cell)}`` from the registry table of evidence.md."""
    text = (SHARED_DIR / "evidence" / "evidence.md").read_text(encoding="utf-8")
    rows: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        m = re.match(r"^\| `([a-z0-9-]+)` \|", line)
        if m:
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            rows[m.group(1)] = (cells[2], cells[3])
    return rows


def test_no_pmid_or_doi_disagrees_with_the_registry() -> None:
    """Every identifier comes from shared/evidence or from a page recorded in verified_at,
    and none contradicts a verified identifier of the evidence.md table."""
    require_shared()
    rows = _evidence_rows()
    assert len(rows) > 30, "evidence.md table not parsed"
    shared = "".join(
        (SHARED_DIR / "evidence" / name).read_text(encoding="utf-8")
        for name in ("evidence.md", "evidence-v2.md")
    )
    for e in KB.evidence.values():
        pmid_cell, doi_cell = rows.get(e.id, ("", ""))
        registry_pmids = re.findall(r"(?<![\w])\d{6,9}(?![\w])", pmid_cell)
        if e.pmid and registry_pmids and not pmid_cell.startswith("UNVERIFIED"):
            assert e.pmid in registry_pmids, e.id
        if e.doi and doi_cell.startswith("10."):
            assert e.doi in doi_cell, f"{e.id}: DOI {e.doi} not in {doi_cell!r}"
        for ident in (e.pmid, e.doi):
            if ident:
                assert ident in shared or e.verified_at, f"{e.id}: {ident} has no source"


def test_every_pmid_and_doi_row_of_the_registry_is_kept() -> None:
    """Guards against dropping a verified identifier when editing evidence.yaml."""
    require_shared()
    for rid, (pmid_cell, _doi_cell) in _evidence_rows().items():
        if rid not in KB.evidence:
            continue
        e = KB.evidence[rid]
        if re.match(r"^\d{6,9} \((text|URL)\)", pmid_cell):
            assert e.pmid == pmid_cell.split()[0], rid


def test_curated_trials_have_verified_nct_ids() -> None:
    require_shared()
    text = (SHARED_DIR / "evidence" / "trials.md").read_text(encoding="utf-8")
    verified = set(re.findall(r"^\| (NCT\d{8}) \|", text, re.MULTILINE))
    assert len(verified) > 10
    for t in KB.trials:
        assert t.nct in verified, f"{t.nct} is not a verified NCT row of trials.md"


# --------------------------------------------------------------------------- broken records

Edit = Callable[[dict[str, Any]], None]


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    target.mkdir()
    for p in PACKAGE_DIR.glob("*.yaml"):
        shutil.copy(p, target / p.name)
    return target


def _edit(directory: Path, file: str, record_id: str, edit: Edit) -> None:
    path = directory / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    records = data["items"] + data["surveillance"] if file == "imaging.yaml" else data
    key = "nct" if file == "trials.yaml" else "name" if file == "drugs.yaml" else "id"
    (record,) = [r for r in records if r[key] == record_id]
    edit(record)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _set(key: str, value: Any) -> Edit:
    return lambda r: r.__setitem__(key, value)


def _drop(key: str) -> Edit:
    return lambda r: r.pop(key)


BROKEN = [
    # unknown key
    ("evidence.yaml", "lms04-2022", _set("impact_factor", 9), "unknown key"),
    ("drugs.yaml", "doxorubicin", _set("brand", "x"), "unknown key"),
    ("options.yaml", "doxorubicin", _set("dose", "75 mg/m2"), "unknown key"),
    ("options.yaml", "trabectedin", lambda r: r["applies"].__setitem__("ecog", 1), "unknown key"),
    ("trials.yaml", "NCT04031677", _set("sponsor", "EORTC"), "unknown key"),
    ("imaging.yaml", "biopsy-retroperitoneal-route", _set("modality", "CT"), "unknown key"),
    # dangling evidence id
    ("options.yaml", "eribulin", _set("evidence", ["no-such-study"]), "no-such-study"),
    ("trials.yaml", "NCT02997358", _set("evidence", ["lms-99"]), "lms-99"),
    ("imaging.yaml", "pitfall-grade", _set("evidence", ["ghost-2030"]), "ghost-2030"),
    ("imaging.yaml", "surveillance-high-grade", _set("evidence", ["ghost-2030"]), "ghost-2030"),
    # missing reviewed date
    ("evidence.yaml", "strass-2020", _drop("reviewed"), "reviewed"),
    ("options.yaml", "pazopanib", _drop("reviewed"), "reviewed"),
    ("trials.yaml", "NCT06524583", _drop("reviewed"), "reviewed"),
    ("imaging.yaml", "staging-ct-cap", _drop("reviewed"), "reviewed"),
    # unknown enum value
    ("evidence.yaml", "palette-2012", _set("kind", "anecdote"), "kind"),
    ("options.yaml", "pazopanib", _set("strength", "strong"), "strength"),
    ("options.yaml", "eribulin", _set("modality", "chemo"), "modality"),
    ("trials.yaml", "NCT03838718", _set("status", "OPEN"), "status"),
    ("imaging.yaml", "pitfall-grade", _set("section", "footnote"), "section"),
    ("options.yaml", "trabectedin", lambda r: r["applies"].__setitem__("sites", ["leg"]), "sites"),
    # other integrity rules
    ("evidence.yaml", "trabectedin-label", _drop("url"), "pmid, doi or url"),
    ("options.yaml", "doxorubicin", _set("drugs", ["adriamycin"]), "unknown drug"),
    ("options.yaml", "doxorubicin", _set("anthracycline", False), "anthracycline"),
    (
        "trials.yaml",
        "NCT04383119",
        lambda r: r["arms"][0]["drugs"].append("gemzar"),
        "unknown arm drug",
    ),
    ("trials.yaml", "NCT05269355", _set("anthracycline_arm", True), "anthracycline_arm"),
    ("trials.yaml", "NCT01343277", _set("arms", []), "arms"),
    ("evidence.yaml", "strass-2020", _set("url", "https://www.onclive.com/view/x"), "onclive.com"),
    # round 2: landmark context, conditional ranks, drug hepatic rules, typed trial criteria
    ("trials.yaml", "NCT05432791", _set("context_for", ["no-such-option"]), "no-such-option"),
    ("trials.yaml", "NCT06088290", _set("context_for", ["doxorubicin"]), "landmark"),
    (
        "options.yaml",
        "clinical-trial",
        _set("rank_when", [{"when": {"line_min": 2}, "rank": 2000}]),
        "rank",
    ),
    (
        "drugs.yaml",
        "pazopanib",
        _set(
            "hepatic",
            {"not_suitable_from": "severe", "reason": "x", "caution": "x", "evidence": ["ghost"]},
        ),
        "ghost",
    ),
    (
        "trials.yaml",
        "NCT06088290",
        lambda r: r["applies"].__setitem__("prior_drugs_excluded", ["yondelis"]),
        "prior_drugs_excluded",
    ),
]


def test_trial_arms_name_every_drug_control_arms_included() -> None:
    a092104 = KB.trial("NCT05432791")
    control = [arm for arm in a092104.arms if arm.control]
    assert control and {"trabectedin", "pazopanib"} <= set(control[0].drugs)
    assert {"trabectedin", "pazopanib", "olaparib", "temozolomide"} == set(a092104.arm_drugs)
    names = {d.name for d in KB.drugs}
    for t in KB.trials:
        assert t.arms, t.nct
        assert set(t.arm_drugs) <= names, t.nct


def test_anthracycline_arm_is_derived_from_the_arms() -> None:
    for t in KB.trials:
        assert t.anthracycline_arm == any(KB.drug(d).anthracycline for d in t.arm_drugs), t.nct
    assert KB.trial("NCT02997358").anthracycline_arm  # LMS-04: doxorubicin in both arms
    assert not KB.trial("NCT04383119").anthracycline_arm  # trabectedin vs gemcitabine


@pytest.mark.parametrize(("file", "record_id", "edit", "words"), BROKEN)
def test_a_broken_record_stops_the_load_naming_its_id(
    tmp_path: Path, file: str, record_id: str, edit: Edit, words: str
) -> None:
    directory = _copy(tmp_path)
    _edit(directory, file, record_id, edit)
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(directory)
    message = str(exc.value)
    assert file in message
    assert f"'{record_id}'" in message
    assert words in message


def test_the_unedited_copy_loads(tmp_path: Path) -> None:
    """The round trip used above is not what breaks the load."""
    directory = _copy(tmp_path)
    _edit(directory, "options.yaml", "doxorubicin", lambda r: None)
    assert len(load_knowledge(directory).options) == len(KB.options)


def test_duplicate_ids_and_missing_files_are_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    data = yaml.safe_load((directory / "options.yaml").read_text(encoding="utf-8"))
    data.append(data[0])
    (directory / "options.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=f"'{data[0]['id']}': duplicate"):
        load_knowledge(directory)
    (directory / "options.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"options\.yaml: missing"):
        load_knowledge(directory)


# --------------------------------------------------------------------------- trial-status overlay


def _update(status: str, as_of: date) -> TrialStatusUpdate:
    return TrialStatusUpdate.model_validate(
        {
            "status": status,
            "status_text": status.title(),
            "status_as_of": as_of,
            "status_source": "t",
        }
    )


def test_overlay_applies_newer_statuses_only() -> None:
    newer = _update("COMPLETED", date(2026, 11, 1))
    older = _update("WITHDRAWN", date(2000, 1, 1))
    overlay = TrialOverlay(
        source="x.json",
        written=date(2026, 11, 21),
        trials={"NCT04031677": newer, "NCT02997358": older, "NCT00000000": newer},
    )
    kb = apply_trial_overlay(KB, overlay)
    assert kb.trial("NCT04031677").status == "COMPLETED"
    assert kb.trial("NCT04031677").status_as_of == date(2026, 11, 1)
    assert kb.trial("NCT02997358").status == KB.trial("NCT02997358").status
    assert kb.overlay_applied == ("NCT04031677",)
    assert kb.trial("NCT04031677").name == KB.trial("NCT04031677").name


def test_a_bad_overlay_file_is_refused_with_its_path(tmp_path: Path) -> None:
    bad = tmp_path / "trial_status.json"
    bad.write_text('{"source": "x", "written": "2026-11-21", "trials": {"NCT1": {}}}')
    with pytest.raises(KnowledgeError, match=r"trial_status\.json"):
        load_knowledge(PACKAGE_DIR, overlay=bad)
