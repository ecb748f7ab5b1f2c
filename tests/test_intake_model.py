"""The intake form against the case model: for every field of the model, the widget's bounds,
lengths and choices are the model's, read here independently from the model's JSON schema (so
a bound changed in ``case.py`` cannot leave its widget behind); the "applies only when" rules
of the form are the validation's; malformed or out-of-range input is refused with a message on
its field and kept as typed."""

from __future__ import annotations

import re
from typing import Any

import pytest

from lms_board.case import Case, parse_case
from lms_board.case_rules import APPLIES_WHEN
from lms_board.demo import demo_case
from lms_board.intake import (
    COMMON_IHC,
    DOSE_FIELD,
    FIELDS,
    IHC_OTHER,
    LIST_EDITORS,
    METASTASES_NONE,
    METASTASIS_COUNT,
    METASTASIS_SITES_FIELD,
    FormField,
    applies,
    case_to_form,
    check_form,
    empty_form,
    form_to_case_dict,
    row_applies,
    row_key,
)

SCHEMA = Case.model_json_schema()
#: Form keys that are not case fields (the "none" ticks, the free-text IHC lines).
FORM_ONLY = {IHC_OTHER, "patient.declines.none"}


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` and drop the ``null`` branch of an optional field."""
    while True:
        if "$ref" in node:
            node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
        elif "anyOf" in node:
            node = next(n for n in node["anyOf"] if n.get("type") != "null")
        else:
            return node


def schema_at(path: str) -> dict[str, Any]:
    """The JSON schema of a case field path (``history.treatment_lines.cycles``: of a row)."""
    node = SCHEMA
    for part in path.split("."):
        node = _resolve(node)
        if node.get("type") == "array":
            node = _resolve(node["items"])
        if part == "<value>":
            node = node["additionalProperties"]
        else:
            node = node["properties"][part]
    return _resolve(node)


def _choices(schema: dict[str, Any]) -> tuple[str, ...]:
    if schema.get("type") == "array":
        schema = _resolve(schema["items"])
    if schema.get("type") == "object" and "additionalProperties" in schema:
        schema = _resolve(schema["additionalProperties"])
    return tuple(schema.get("enum", ()))


def _check(field: FormField, schema: dict[str, Any]) -> None:
    if field.kind in ("int", "float"):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        assert (field.min, field.max) == (low, schema.get("maximum")), field.key
        assert field.min_exclusive == ("exclusiveMinimum" in schema), field.key
        assert field.min is not None and field.max is not None, f"{field.key} has no bound"
        assert field.kind == ("int" if schema["type"] == "integer" else "float"), field.key
    if field.kind in ("text", "textarea"):
        limit = schema.get("maxLength")
        if limit is None and "pattern" in schema:
            limit = int(re.search(r"\{\d*,(\d+)\}", schema["pattern"]).group(1))  # type: ignore[union-attr]
        assert field.max_chars == limit, field.key
    if field.kind in ("enum", "multi") and field.key != "drugs":
        assert field.choices == _choices(schema), field.key


def _case_fields() -> list[FormField]:
    return [f for f in FIELDS if f.key not in FORM_ONLY and not f.key.startswith("pathology.ihc.")]


@pytest.mark.parametrize("field", _case_fields(), ids=lambda f: f.key)
def test_each_case_widget_has_the_models_bounds_and_choices(field: FormField) -> None:
    _check(field, schema_at(field.key))


@pytest.mark.parametrize(
    ("editor", "field"),
    [(e, f) for e in LIST_EDITORS for f in e.fields],
    ids=lambda x: getattr(x, "key", ""),
)
def test_each_row_widget_has_the_models_bounds_and_choices(editor: Any, field: FormField) -> None:
    _check(field, schema_at(f"{editor.key}.{field.key}"))


def test_the_other_widgets_have_the_models_bounds_and_choices() -> None:
    _check(DOSE_FIELD, schema_at("history.treatment_lines.doses_mg_m2.<value>"))
    _check(METASTASIS_COUNT, schema_at("extent.metastases.count"))
    assert METASTASIS_SITES_FIELD.choices == _choices(schema_at("extent.metastases.site"))
    ihc = _choices(schema_at("pathology.ihc"))
    for marker in COMMON_IHC:
        field = next(f for f in FIELDS if f.key == f"pathology.ihc.{marker}")
        assert field.choices == ihc


def test_every_number_of_the_model_has_a_widget() -> None:
    """No numeric case field is left without a (bounded) widget."""
    keyed = {f.key for f in FIELDS} | {f"{e.key}.{f.key}" for e in LIST_EDITORS for f in e.fields}
    keyed |= {"extent.metastases.count", "history.treatment_lines.doses_mg_m2"}

    def walk(node: dict[str, Any], path: str) -> list[str]:
        node = _resolve(node)
        if node.get("type") == "array":
            node = _resolve(node["items"])
        if "properties" in node:
            return [
                p
                for name, sub in node["properties"].items()
                for p in walk(sub, f"{path}.{name}" if path else name)
            ]
        return [path] if node.get("type") in ("integer", "number") else []

    numbers = set(walk(SCHEMA, "")) - {"schema_version"}
    assert numbers - keyed == set()


# --------------------------------------------------------------------------- applies


@pytest.mark.parametrize("rule", APPLIES_WHEN, ids=lambda r: f"{r.scope}:{r.field}")
def test_the_form_hides_exactly_what_the_validation_refuses(rule: Any) -> None:
    """For each "applies only when" rule, a value the form would send where the field does not
    apply is refused by the validation, and the form does not send it."""
    case = demo_case("DEMO-05")  # uterine, female: most fields apply
    data = case.to_json_dict()
    form = case_to_form(case)
    # Make the condition fail in the form and in the case alike.
    cond = (rule.when or rule.unless)[0]
    if rule.scope:
        editor = next(e for e in LIST_EDITORS if e.key == rule.scope)
        from lms_board.intake import add_row

        row = add_row(form, editor)
        for f in editor.fields:
            if f.kind == "enum" and f.choices:
                form[row_key(editor, row, f.key)] = f.choices[0]
        breaking = next(
            v for v in _values(editor, cond.field) if (v in cond.values) == bool(rule.unless)
        )
        form[row_key(editor, row, cond.field)] = breaking
        assert not row_applies(editor, rule.field, form, row)
    else:
        broken = {
            c.field: next(v for v in _case_values(c.field) if (v in c.values) == bool(rule.unless))
            for c in (rule.when or rule.unless)
        }
        form.update(broken)
        assert not applies(rule.field, form)
        sent, _ = form_to_case_dict(form)
        node: Any = sent
        for part in rule.field.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        assert node is None, f"{rule.field} sent though it does not apply"
        for path, value in broken.items():
            *parents, leaf = path.split(".")
            target = data
            for part in parents:
                target = target.setdefault(part, {})
            target[leaf] = value
        *parents, leaf = rule.field.split(".")
        target = data
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = _some_value(rule.field)
        with pytest.raises(ValueError, match=re.escape(rule.field)):
            parse_case(data)


def _values(editor: Any, name: str) -> list[Any]:
    return list(editor.field(name).choices)


def _case_values(path: str) -> list[Any]:
    field = next(f for f in FIELDS if f.key == path)
    return list(field.choices) if field.kind == "enum" else [True, False]


def _some_value(path: str) -> Any:
    field = next(f for f in FIELDS if f.key == path)
    if field.kind == "enum":
        return field.choices[0]
    if field.kind == "int":
        return int(field.min or 1)
    return False


# --------------------------------------------------------------------------- refused input

BAD_INPUT = [
    ("patient.age", "6a2", "must be a whole number, e.g. 54"),
    ("patient.age", "130", "must be 120 or less"),
    ("patient.ecog", "7", "must be 4 or less"),
    ("pathology.necrosis_percent", "150", "must be 100 or less"),
    ("pathology.differentiation_score", "4", "must be 3 or less"),
    ("pathology.mitoses_per_10hpf", "-3", "must be 0 or more"),
    ("tumor.size_cm", "0", "must be more than 0"),
    ("tumor.size_cm", "11 cm", "must be a number, e.g. 11.5"),
    ("patient.lvef_percent", "55.5", "must be a whole number, e.g. 54"),
]


@pytest.mark.parametrize(("key", "typed", "message"), BAD_INPUT)
def test_bad_numbers_are_refused_on_their_field_and_kept(
    key: str, typed: str, message: str
) -> None:
    form = case_to_form(demo_case("DEMO-01"))
    form[key] = typed
    checked = check_form(form)
    assert checked.case is None, f"{typed!r} in {key} must not give a case"
    assert checked.errors[key] == [f"{key}: {message}"]
    assert form[key] == typed  # nothing typed is changed or dropped


def test_good_numbers_are_read_as_typed() -> None:
    form = case_to_form(demo_case("DEMO-01"))
    form.update({"tumor.size_cm": "11,5", "patient.age": " 54 ", "patient.ecog": "1.0"})
    checked = check_form(form)
    assert checked.case is not None, checked.errors
    assert (checked.case.tumor.size_cm, checked.case.patient.age) == (11.5, 54)
    assert checked.case.patient.ecog == 1


def test_metastases_none_found_and_not_recorded_differ() -> None:
    form = empty_form()
    assert "metastases" not in form_to_case_dict(form)[0]["extent"]  # not recorded
    form[METASTASES_NONE] = True
    assert form_to_case_dict(form)[0]["extent"]["metastases"] == []  # none found
