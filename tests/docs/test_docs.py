"""The docs run: code in docs/ is executed here, so the docs cannot drift from the code.

Conventions for every page under docs/ (fence info strings are what follows the three
backticks; ``norun`` after the language opts a block out):

* ```python blocks run. All the blocks of one page run in order as one script, in a fresh
  temporary directory, so a block may use names defined by an earlier one. A fragment
  that cannot run on its own is fenced ```python norun.
* A ```text block that directly follows a ```python block (blank lines only between) is
  that block's output: the block must print exactly this text.
* ```console blocks: each ``$ loyalrules ...`` command runs the CLI at that point of the
  page, in the page's directory; the lines after it, up to the next ``$``, are what it
  prints (stdout, then stderr). ``> FILE`` sends stdout to a file. Other commands
  (``pip``, ``python``) are not run.
* ```yaml blocks load with ``loads_program``: a block starting with ``program:`` as it is;
  a list of rules (``- id: ...``) as the ``earn`` list of a minimal program; any other
  mapping as top-level keys, with the required keys it lacks added. Fence ```yaml norun
  for YAML that is not meant to load.
* In docs/reference/program-yaml.md every heading that names a key in backticks, under
  the sections listed in ``SECTIONS``, must name a key of ``program_json_schema()``; every
  key of the schema must have such a heading; and the text under a heading must mention,
  in backticks, each sub-key and each allowed value of that key.
* Relative links lead to a file, and an ``#anchor`` to a heading of that file.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from loyalrules import ProgramError, loads_program, program_json_schema
from loyalrules.cli import main as cli_main
from loyalrules.loader import registry

DOCS = Path(__file__).resolve().parents[2] / "docs"
TUTORIAL = DOCS / "tutorial.md"
REFERENCE = DOCS / "reference" / "program-yaml.md"

_FENCE = re.compile(r"^(?P<indent> {0,3})```(?P<lang>[\w-]*)(?P<info>[^`]*)$")


@attrs.frozen
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int  # line number of the first line of code (1-based)
    lang: str
    info: str
    code: str
    after: int  # line number of the closing fence

    @property
    def runs(self) -> bool:
        return "norun" not in self.info.split()

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(DOCS.parent)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """Every fenced block of ``page``, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        indent = len(match["indent"])
        start = i + 1
        end = start
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        code = "\n".join(line[indent:] for line in lines[start:end])
        found.append(Block(page, start + 1, match["lang"], match["info"].strip(), code, end + 1))
        i = end + 1
    return found


def _output_of(block: Block, following: Block | None) -> str | None:
    """The expected output of a python block: the ```text block right after it."""
    if following is None or following.lang != "text":
        return None
    text = block.page.read_text(encoding="utf-8").splitlines()
    between = text[block.after : following.line - 2]
    return following.code if all(not line.strip() for line in between) else None


def _same(actual: str, expected: str) -> bool:
    def norm(text: str) -> list[str]:
        return [line.rstrip() for line in text.strip("\n").splitlines()]

    return norm(actual) == norm(expected)


def _run_python(block: Block, namespace: dict[str, Any], expected: str | None) -> None:
    # Pad with blank lines so tracebacks point at the line of the Markdown file.
    source = "\n" * (block.line - 1) + block.code + "\n"
    code = compile(source, str(block.page), "exec")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, namespace)
    if expected is not None:
        assert _same(out.getvalue(), expected), (
            f"{block.where}: the block printed\n{out.getvalue()}\nbut the page shows\n{expected}"
        )


def _console_commands(block: Block) -> Iterator[tuple[str, str]]:
    """``(command, expected output)`` for each ``$ ...`` line of a console block."""
    command: str | None = None
    output: list[str] = []
    for line in block.code.splitlines():
        if line.startswith("$ "):
            if command is not None:
                yield command, "\n".join(output)
            command, output = line[2:], []
        else:
            output.append(line)
    if command is not None:
        yield command, "\n".join(output)


def _run_console(block: Block) -> None:
    for command, expected in _console_commands(block):
        argv = shlex.split(command)
        if not argv or argv[0] != "loyalrules":
            continue  # pip, python...: not ours to run
        target = None
        if ">" in argv:
            at = argv.index(">")
            argv, target = argv[:at], argv[at + 1]
        out, err = io.StringIO(), io.StringIO()
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            contextlib.suppress(SystemExit),  # argparse errors: their message is the output
        ):
            cli_main(argv[1:])
        printed = out.getvalue()
        if target is not None:
            Path(target).write_text(printed, encoding="utf-8")
            printed = ""
        printed += err.getvalue()
        assert _same(printed, expected), (
            f"{block.where}: `{command}` printed\n{printed}\nbut the page shows\n{expected}"
        )


def run_page(page: Path) -> None:
    """Run the python and console blocks of ``page`` in order, as one script."""
    namespace: dict[str, Any] = {"__name__": "docs_" + page.stem.replace("-", "_")}
    found = blocks(page)
    for i, block in enumerate(found):
        if not block.runs:
            continue
        if block.lang == "python":
            following = found[i + 1] if i + 1 < len(found) else None
            _run_python(block, namespace, _output_of(block, following))
        elif block.lang == "console":
            _run_console(block)


@pytest.fixture
def own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Condition and effect types a page registers stay in that page's test."""
    monkeypatch.setattr(registry, "_CONDITIONS", dict(registry._CONDITIONS))
    monkeypatch.setattr(registry, "_EFFECTS", dict(registry._EFFECTS))


def _pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def _runnable_pages() -> list[Path]:
    return [
        page
        for page in _pages()
        if page != TUTORIAL
        and any(b.runs and b.lang in ("python", "console") for b in blocks(page))
    ]


def test_the_tutorial_runs_as_one_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_registry: None
) -> None:
    monkeypatch.chdir(tmp_path)
    python = [b for b in blocks(TUTORIAL) if b.lang == "python"]
    assert len(python) >= 5, "the tutorial should be built from runnable steps"
    assert all(b.runs for b in python), "every step of the tutorial must run"
    run_page(TUTORIAL)


@pytest.mark.parametrize("page", _runnable_pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_the_code_of_a_docs_page_runs(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_registry: None
) -> None:
    monkeypatch.chdir(tmp_path)
    run_page(page)


# --- YAML blocks ------------------------------------------------------------------------------

_REQUIRED = {"program": "docs-example", "currency": "USD", "timezone": "UTC"}


def program_text(code: str) -> str:
    """The YAML of a block as a whole program (see the module docstring)."""
    first = next(
        (line for line in code.splitlines() if line.strip() and not line.startswith("#")), ""
    )
    if first.startswith("program:"):
        return code
    header = "".join(f"{key}: {value}\n" for key, value in _REQUIRED.items())
    if first.startswith("- "):
        return header + "earn:\n" + "".join(f"  {line}\n" for line in code.splitlines())
    data = yaml.safe_load(code)
    assert isinstance(data, dict), "a YAML block is a program, a list of rules or top-level keys"
    header = "".join(f"{k}: {v}\n" for k, v in _REQUIRED.items() if k not in data)
    return header + code + ("\n" if "earn" in data else "\nearn: []\n")


def _yaml_blocks() -> list[Block]:
    return [b for page in _pages() for b in blocks(page) if b.lang == "yaml" and b.runs]


@pytest.mark.parametrize("block", _yaml_blocks(), ids=lambda b: b.where)
def test_a_yaml_block_of_the_docs_loads(block: Block) -> None:
    try:
        loads_program(program_text(block.code), source=block.where)
    except ProgramError as error:
        pytest.fail(f"{block.where}: this YAML does not load:\n{error}")


def test_the_docs_show_yaml_programs() -> None:
    whole = [b for b in _yaml_blocks() if b.code.startswith("program:")]
    assert len(whole) >= 3


# --- the YAML reference and the JSON Schema agree ----------------------------------------------


def _alternatives(node: dict[str, Any], defs: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    """``node`` and every schema it may be: through anyOf, and with ``defs`` through $ref
    and oneOf too (the conditions and effects, which have sections of their own)."""
    if "$ref" in node and defs is not None:
        yield from _alternatives(defs[node["$ref"].rsplit("/", 1)[1]], defs)
    yield node
    for key in ("anyOf", "oneOf") if defs is not None else ("anyOf",):
        for alternative in node.get(key, ()):
            yield from _alternatives(alternative, defs)


def _properties(node: dict[str, Any], defs: dict[str, Any] | None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for alternative in _alternatives(node, defs):
        for name, schema in alternative.get("properties", {}).items():
            found.setdefault(name, schema)
    return found


def _enum(node: dict[str, Any]) -> list[str]:
    return [str(v) for alt in _alternatives(node, None) for v in alt.get("enum", ())]


def _resolve(base: dict[str, Any], path: str, defs: dict[str, Any]) -> dict[str, Any] | None:
    node: dict[str, Any] | None = base
    for part in path.split("."):
        node = _properties(node, defs).get(part) if node is not None else None
    return node


def _sections(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The schema each section of the reference documents, as a node with properties."""
    rule = schema["properties"]["earn"]["items"]
    effects = {
        variant["properties"]["type"]["enum"][0]: {
            "type": "object",
            "properties": {k: v for k, v in variant["properties"].items() if k != "type"},
        }
        for variant in rule["properties"]["effect"]["oneOf"]
    }
    return {
        "Top-level keys": schema,
        "Rule keys": rule,
        "Conditions": schema["$defs"]["conditions"],
        "Effects": {"type": "object", "properties": effects},
        "Line selectors": rule["properties"]["lines"],
    }


SECTIONS = ("Top-level keys", "Rule keys", "Conditions", "Effects", "Line selectors")


def _documented_keys() -> dict[str, dict[str, str]]:
    """``{section: {key path: text under its heading}}`` from the reference page."""
    found: dict[str, dict[str, str]] = {}
    section = heading = None
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section, heading = line[3:].strip(), None
        elif line.startswith("### "):
            match = re.fullmatch(r"### `([\w.]+)`", line.strip())
            heading = match[1] if match and section in SECTIONS else None
            if heading is not None:
                found.setdefault(str(section), {})[heading] = ""
        elif heading is not None and section is not None:
            found[section][heading] += line + "\n"
    return found


def test_every_key_the_reference_documents_exists_in_the_schema() -> None:
    schema = program_json_schema()
    bases, defs = _sections(schema), schema["$defs"]
    documented = _documented_keys()
    assert set(documented) == set(SECTIONS), "the reference lost one of its key sections"
    for section, keys in documented.items():
        for path in keys:
            assert _resolve(bases[section], path, defs) is not None, (
                f"{REFERENCE.name}, {section}: `{path}` is not a key programs can use"
            )


def test_every_key_of_the_schema_has_a_heading_in_the_reference() -> None:
    schema = program_json_schema()
    bases, defs = _sections(schema), schema["$defs"]
    documented = _documented_keys()
    for section in SECTIONS:
        headings = documented.get(section, {})
        for name in _properties(bases[section], defs):
            assert any(h == name or h.startswith(name + ".") for h in headings), (
                f"{REFERENCE.name}, {section}: `{name}` has no heading"
            )


def test_the_reference_names_every_sub_key_and_allowed_value() -> None:
    schema = program_json_schema()
    bases, defs = _sections(schema), schema["$defs"]
    for section, keys in _documented_keys().items():
        for path, text in keys.items():
            node = _resolve(bases[section], path, defs)
            if node is None:
                continue  # reported by the test above
            spans = set(re.findall(r"`([^`]+)`", text))
            wanted = set(_enum(node))
            for name, sub in _properties(node, None).items():
                if f"{path}.{name}" not in keys:
                    wanted |= {name, *_enum(sub)}
            missing = sorted(wanted - spans)
            assert not missing, f"{REFERENCE.name}: under `{path}`, mention {missing}"


# --- links between the pages --------------------------------------------------------------------


def _slug(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading: ``## 7. Store it`` -> ``7-store-it``."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    outside_code = re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)
    return {_slug(m[1]) for m in re.finditer(r"^#+ (.+)$", outside_code, flags=re.MULTILINE)}


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_the_links_of_a_docs_page_lead_somewhere(page: Path) -> None:
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL | re.M)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # an outside address
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name}: the link {target} leads to no file"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked), f"{page.name}: no heading for #{anchor}"
