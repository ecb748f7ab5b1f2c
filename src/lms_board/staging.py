"""AJCC 8th edition (trunk/extremity, retroperitoneum) and FIGO 2009 (uterine LMS) staging.

Example: an 11 cm deep thigh G3 LMS, N0 M0 on chest CT, is T3 N0 M0 G3 → stage IIIB.
No group is given where the extent is unknown (nodes NX, M not assessed by chest CT)
or the site has no AJCC group: the reason is in ``Stage.note``.
"""

from __future__ import annotations

from lms_board.assessment import Stage
from lms_board.case import Case, Nodes, Site, UterineExtension

AJCC_TRUNK_EXTREMITY = "AJCC8 trunk/extremity"
AJCC_RETROPERITONEUM = "AJCC8 retroperitoneum"
FIGO_UTERINE = "FIGO 2009 uterine LMS"

_NO_GROUP_SITES = {
    Site.head_neck: "AJCC 8 gives no stage groups for head and neck sarcoma",
    Site.gastrointestinal: "AJCC 8 gives no stage groups for visceral (gastrointestinal) sarcoma",
    Site.other_visceral: "AJCC 8 gives no stage groups for visceral sarcoma",
    Site.vascular: (
        "large-vessel LMS has no AJCC group of its own: stage by its compartment "
        "(retroperitoneal for the IVC) at the board"
    ),
    Site.other: "site not covered by the AJCC 8 trunk/extremity or retroperitoneum tables",
}


def t_category(size_cm: float | None) -> str:
    """T1 ≤ 5 cm, T2 > 5–10, T3 > 10–15, T4 > 15 (5.0 is T1, 10.0 T2, 15.0 T3)."""
    if size_cm is None:
        return "TX"
    if size_cm <= 5:
        return "T1"
    if size_cm <= 10:
        return "T2"
    if size_cm <= 15:
        return "T3"
    return "T4"


def m_category(case: Case) -> str | None:
    """M1 with any known distant metastasis; M0 only when a chest CT found none; else None."""
    if case.extent.metastases:
        return "M1"
    if case.extent.metastases_known and case.workup.ct_chest is True:
        return "M0"
    return None


def _m_unknown_reason(case: Case) -> str:
    if not case.extent.metastases_known:
        return "distant metastases not recorded (extent.metastases missing)"
    return "distant extent not assessed (no chest CT)"


def ajcc_group(t: str, n: str, m: str, grade: int | None, *, retroperitoneum: bool) -> str:
    """The AJCC 8 stage group for a complete T, N, M (GX is grouped with G1)."""
    if m == "M1":
        return "IV"
    if n == "N1":
        return "IIIB" if retroperitoneum else "IV"
    low = grade is None or grade == 1
    if low:
        return "IA" if t == "T1" else "IB"
    if t == "T1":
        return "II"
    if t == "T2":
        return "IIIA"
    return "IIIB"


def _ajcc(case: Case, grade: int | None, system: str) -> Stage:
    t = t_category(case.tumor.size_cm)
    nodes = case.extent.nodes
    n = nodes.value if nodes is not None else "NX"
    m = m_category(case)
    notes: list[str] = []
    if grade is None:
        notes.append("grade unknown (GX): grouped with G1")
    if m == "M1" or (n == "N1" and system == AJCC_TRUNK_EXTREMITY):
        return Stage(system=system, t=t, n=n, m=m, group="IV", note="; ".join(notes))
    if m is None:
        notes.insert(0, f"no stage group: {_m_unknown_reason(case)}")
        return Stage(system=system, t=t, n=n, m=None, group=None, note="; ".join(notes))
    if n == "N1":
        group = ajcc_group(t, n, m, grade, retroperitoneum=system == AJCC_RETROPERITONEUM)
        return Stage(system=system, t=t, n=n, m=m, group=group, note="; ".join(notes))
    if n == "NX":
        notes.insert(0, "no stage group: regional nodes not assessed (NX)")
        return Stage(system=system, t=t, n=n, m=m, group=None, note="; ".join(notes))
    if t == "TX":
        notes.insert(0, "no stage group: tumour size unknown (TX)")
        return Stage(system=system, t=t, n=n, m=m, group=None, note="; ".join(notes))
    group = ajcc_group(t, n, m, grade, retroperitoneum=system == AJCC_RETROPERITONEUM)
    return Stage(system=system, t=t, n=n, m=m, group=group, note="; ".join(notes))


def figo_group(case: Case) -> tuple[str | None, str]:
    """FIGO 2009 uterine LMS: IA/IB confined (≤ 5 / > 5 cm), IIA adnexa, IIB pelvis,
    IIIA one abdominal site, IIIB several, IIIC nodes, IVA bladder/rectum, IVB distant."""
    ext = case.tumor.uterine_extension
    if case.extent.metastases:
        return "IVB", ""
    if m_category(case) is None:
        return None, f"no stage group: {_m_unknown_reason(case)}"
    if ext == UterineExtension.bladder_or_rectum:
        return "IVA", ""
    if case.extent.nodes == Nodes.N1:
        return "IIIC", ""
    if ext is None:
        return None, "no stage group: uterine extension not recorded"
    if ext == UterineExtension.abdominal_multiple:
        return "IIIB", ""
    if ext == UterineExtension.abdominal_one_site:
        return "IIIA", ""
    if ext == UterineExtension.pelvic:
        return "IIB", ""
    if ext == UterineExtension.adnexa:
        return "IIA", ""
    size = case.tumor.size_cm
    if size is None:
        return None, "no stage group: tumour size unknown (IA vs IB)"
    return ("IA" if size <= 5 else "IB"), ""


def _figo(case: Case) -> Stage:
    group, note = figo_group(case)
    nodes = case.extent.nodes
    n = nodes.value if nodes is not None else "NX"
    if n == "NX" and group is not None and group not in ("IVA", "IVB"):
        note = "regional nodes not assessed (NX): FIGO stage assumes no nodal disease"
    return Stage(system=FIGO_UTERINE, t=None, n=n, m=m_category(case), group=group, note=note)


def stage(case: Case, grade: int | None) -> Stage:
    """The stage of the case by the system its site uses (``system=None`` where none applies)."""
    site = case.tumor.site
    if site == Site.uterus:
        return _figo(case)
    if site in (Site.extremity, Site.trunk):
        return _ajcc(case, grade, AJCC_TRUNK_EXTREMITY)
    if site == Site.retroperitoneum:
        return _ajcc(case, grade, AJCC_RETROPERITONEUM)
    nodes = case.extent.nodes
    return Stage(
        system=None,
        t=t_category(case.tumor.size_cm),
        n=nodes.value if nodes is not None else "NX",
        m=m_category(case),
        group=None,
        note=f"no stage group: {_NO_GROUP_SITES[site]}",
    )
