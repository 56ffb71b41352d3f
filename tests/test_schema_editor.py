"""The JSON Schema an editor uses while the writer types: every key described (as the writer's guide
says it), the names a value may take, the rules that depend on a kind, and every shipped file
valid against it and pointing at it on its first line."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest

from teller import operations, safe_yaml
from teller.domain.checks import CHECKS
from teller.procedures.describe import json_schema
from teller.procedures.documents import KNOWN
from teller.procedures.loader import BUILTIN_FIELDS
from teller.procedures.skeleton import SCHEMA_LINE

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "scripts_yaml").glob("*.yaml"))
SCHEMA = json.loads((REPO / "scripts_yaml" / "procedure.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
README = (REPO / "scripts_yaml" / "README.md").read_text(encoding="utf-8")


def models():
    yield "Procedure", SCHEMA
    yield from SCHEMA["$defs"].items()


def test_every_key_of_every_model_has_a_description_the_guide_also_names():
    undescribed, unnamed = [], []
    for name, model in models():
        assert model.get("description"), name
        for key, prop in model.get("properties", {}).items():
            if not prop.get("description"):
                undescribed.append(f"{name}.{key}")
            if f"`{key}`" not in README:
                unnamed.append(f"{name}.{key}")
    assert undescribed == [] and unnamed == []


def test_values_come_from_the_registries():
    defs = SCHEMA["$defs"]
    public = sorted(name for name, op in operations.registry().items() if not op.internal)
    assert SCHEMA["properties"]["effect"]["anyOf"][0]["enum"] == public
    assert defs["EffectCall"]["properties"]["op"]["enum"] == public
    assert defs["Step"]["properties"]["check"]["anyOf"][0]["enum"] == sorted(CHECKS)
    assert defs["Step"]["properties"]["check"]["anyOf"][1]["items"]["enum"] == sorted(CHECKS)
    assert SCHEMA["properties"]["refusals"]["propertyNames"]["enum"] == sorted(CHECKS)
    assert set(defs["Condition"]["properties"]["field"]["anyOf"][0]["enum"]) == set(BUILTIN_FIELDS)
    assert {"plans", "handsets", "provinces"} <= set(defs["InputSpec"]["properties"]["options"]["anyOf"][0]["enum"])
    assert defs["Documents"]["properties"]["all_of"]["items"]["anyOf"][0]["enum"] == sorted(KNOWN)
    assert defs["InputSpec"]["properties"]["min_fen"]["deprecated"] is True
    assert "yuan" in defs["InputSpec"]["properties"]["min_yuan"]["description"]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_file_points_at_the_schema_and_is_valid_against_it(path):
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    _, data = safe_yaml.parse(text)
    assert [e.message for e in VALIDATOR.iter_errors(data)] == []


def bad(edit) -> list[str]:
    _, data = safe_yaml.parse((REPO / "scripts_yaml" / "payment.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    edit(data)
    def flat(errors):
        for e in errors:
            yield e.message
            yield from flat(e.context or [])

    return list(flat(VALIDATOR.iter_errors(data)))


def step(data, sid):
    return next(s for s in data["steps"] if s["id"] == sid)


@pytest.mark.parametrize("edit,words", [
    (lambda d: step(d, "amount").pop("input"), "'input' is a required property"),
    (lambda d: step(d, "out_of_province").pop("stop"), "'stop' is a required property"),
    (lambda d: step(d, "amount").update(stop="x"), "'gate' was expected"),
    (lambda d: step(d, "paid").update(stop="x"), "'kind' is a required property"),
    (lambda d: step(d, "confirm").update(when={"field": "amount", "gt": 1}), "should not be valid"),
    (lambda d: step(d, "cash")["input"].update(field="cash"), "'tendered' was expected"),
    (lambda d: step(d, "another")["input"].pop("choices"), "'choices' is a required property"),
    (lambda d: step(d, "holder_name")["input"].update(min_yuan="30"), "should not be valid"),
    (lambda d: step(d, "holder_name")["input"].update(lookup="customer"), "should not be valid"),
    (lambda d: d.update(effect="pya"), "'pya' is not one of"),
    (lambda d: step(d, "holder_name").update(check="holder_name_matchs"), "is not valid under any of the given schemas"),
    (lambda d: step(d, "paid").update(colour="red"), "Additional properties are not allowed ('colour' was unexpected)"),
])
def test_the_schema_catches_what_an_editor_should_underline(edit, words):
    assert any(words in m for m in bad(edit)), bad(edit)


def test_the_exported_schema_is_the_shipped_one():
    assert json.loads(json.dumps(json_schema())) == SCHEMA
    assert re.search(r"yaml-language-server: \$schema=procedure\.schema\.json", SCHEMA["description"])
