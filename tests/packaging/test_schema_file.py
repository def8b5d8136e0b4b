"""The JSON Schema shipped for editors, and the loader, agree.

The schema file inside the package is what ``loyalrules schema`` prints; every example
program names it in its ``yaml-language-server`` line and validates against it as an
editor reads the file (YAML 1.2: dates and ``on`` stay text); and at every mapping of the
examples and of the docs' YAML, each key the loader knows is a key of the schema.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import json
import re
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from loyalrules import ProgramError, loads_program, program_json_schema
from loyalrules.loader import registry

ROOT = Path(__file__).resolve().parent.parent.parent
# Program files; a behaviour model for the simulator (``*.population.yaml``) is not one.
EXAMPLES = sorted(
    p for p in (ROOT / "examples").glob("*.yaml") if not p.name.endswith(".population.yaml")
)
SHIPPED = ROOT / "src" / "loyalrules" / "program.schema.json"
HEADER = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")
PROBE = "zz_not_a_key"


def _schema_text() -> str:
    return json.dumps(program_json_schema(), indent=2) + "\n"


def test_the_shipped_schema_is_what_the_loader_exports() -> None:
    shipped = (files("loyalrules") / "program.schema.json").read_text(encoding="utf-8")
    assert shipped == _schema_text(), (
        "src/loyalrules/program.schema.json is out of date: regenerate it with "
        "`loyalrules schema > src/loyalrules/program.schema.json`"
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_an_example_program_names_the_schema_on_its_first_line(path: Path) -> None:
    match = HEADER.match(path.read_text(encoding="utf-8"))
    assert match is not None, f"{path.name} does not start with the yaml-language-server line"
    assert (path.parent / match[1]).resolve() == SHIPPED


class _Yaml12Loader(yaml.SafeLoader):
    """Reads YAML as an editor's language server does (YAML 1.2 core schema): dates are
    text and only true/false are booleans (PyYAML's YAML 1.1 reads ``on:`` as True)."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":bool", ":timestamp"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _as_editor_reads(text: str) -> Any:
    return yaml.load(text, Loader=_Yaml12Loader)  # a SafeLoader subclass


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(program_json_schema())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_an_example_program_validates_against_the_schema(path: Path) -> None:
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator().iter_errors(_as_editor_reads(path.read_text(encoding="utf-8")))
    ]
    assert not errors, f"{path.name} does not validate against the schema:\n" + "\n".join(errors)


def test_the_schema_names_every_registered_condition_and_effect() -> None:
    schema = program_json_schema()
    conditions = set(schema["$defs"]["conditions"]["properties"])
    effects = {
        variant["properties"]["type"]["enum"][0]
        for variant in schema["properties"]["earn"]["items"]["properties"]["effect"]["oneOf"]
    }
    assert set(registry._CONDITIONS) <= conditions
    assert set(registry._EFFECTS) <= effects


# --- at each mapping, the keys the loader knows are keys of the schema ------------------------


def _mappings(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every mapping in ``data``."""
    if isinstance(data, dict):
        yield path
        for key, value in data.items():
            yield from _mappings(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _mappings(value, (*path, i))


def _with_probe(data: Any, path: tuple[Any, ...]) -> Any:
    probed = copy.deepcopy(data)
    node = probed
    for part in path:
        node = node[part]
    node[PROBE] = 1
    return probed


def _dotted(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _loader_keys(data: Any, path: tuple[Any, ...]) -> set[str] | None:
    """The keys the loader accepts at ``path``, from its report on an unknown key there
    ("expected one of: ..."); None where any key is allowed (names, attributes)."""
    try:
        loads_program(json.dumps(_with_probe(data, path)))
    except ProgramError as error:
        where = f"{_dotted(path)}.{PROBE}" if path else PROBE
        for problem in error.problems:
            if problem.path == where and problem.message == f"unknown key {PROBE!r}":
                assert problem.hint is not None
                listed = problem.hint.removeprefix("expected one of: ").split(", ")
                return {key for key in listed if key}  # a gift with no keys but its type lists none
    return None


def _schema_keys(data: Any, path: tuple[Any, ...]) -> set[str]:
    """The keys the schema allows at ``path``, from its error on an unknown key there; of
    alternatives told apart by ``type`` (effects, gifts), the one the data names."""
    node = data
    for part in path:
        node = node[part]
    found: set[str] = set()
    pending = list(_validator().iter_errors(_with_probe(data, path)))
    while pending:
        error = pending.pop()
        pending.extend(error.context or ())
        if tuple(error.absolute_path) != path or error.validator != "additionalProperties":
            continue
        properties: dict[str, Any] = error.schema.get("properties", {})  # type: ignore[union-attr]
        kind = properties.get("type", {})
        named = kind.get("enum", [kind["const"]] if "const" in kind else None)
        if named is None or node.get("type") in named:
            found |= set(properties)
    return found


def _docs_programs() -> list[tuple[str, str]]:
    """``(where, program text)`` of every YAML block of the docs that loads."""
    spec = importlib.util.spec_from_file_location(
        "docs_blocks", ROOT / "tests" / "docs" / "test_docs.py"
    )
    assert spec is not None
    assert spec.loader is not None
    docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(docs)
    return [(block.where, docs.program_text(block.code)) for block in docs._yaml_blocks()]


def _documents() -> list[tuple[str, Any]]:
    """The example programs and the docs' YAML, read as JSON-compatible data."""
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in EXAMPLES] + _docs_programs()
    return [(name, _as_editor_reads(text)) for name, text in texts]


_DOCUMENTS = _documents()


@pytest.mark.parametrize(("name", "data"), _DOCUMENTS, ids=[name for name, _ in _DOCUMENTS])
def test_at_every_mapping_the_loader_keys_are_schema_keys(name: str, data: Any) -> None:
    checked = 0
    for path in _mappings(data):
        known = _loader_keys(data, path)
        if known is None:
            continue
        missing = known - _schema_keys(data, path)
        assert not missing, f"{name}, {_dotted(path) or 'top level'}: {sorted(missing)}"
        checked += 1
    assert checked >= 1
