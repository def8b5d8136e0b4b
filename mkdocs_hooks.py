"""Build hooks of the documentation site (named in mkdocs.yml).

* The JSON Schema of program files is published at the root of the site, from the very
  file the package ships, so editors can name it by address.
* Docstrings are written for ``help()`` and doctest (reStructuredText habits: ``>>>``
  examples, ``::`` before a literal block, ``:func:`name``` roles). ``DocstringsAsMarkdown``,
  a Griffe extension the API page's mkdocstrings loads, turns those into Markdown as the
  docstrings are read, so the site shows examples as code.
* Fences the docs tests read an option from (```` ```python norun ````: a fragment the
  tests do not run) are plain fences on the site: the option is the tests' business, and
  Markdown takes only a language after the backticks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import griffe
from mkdocs.structure.files import File, Files

SCHEMA = Path(__file__).parent / "src" / "loyalrules" / "program.schema.json"
_ROLE = re.compile(r":(?:func|class|meth|attr|mod|data|exc|obj):`~?([^`]+)`")
_DIRECTIVE = re.compile(r"\s*# doctest:.*$")  # for doctest, not for readers


_TEST_OPTION = re.compile(r"^( {0,3}```[\w-]+) norun[ \t]*$", re.MULTILINE)


def on_page_markdown(markdown: str, **_: Any) -> str:
    return _TEST_OPTION.sub(r"\1", markdown)


def on_files(files: Files, config: Any) -> Files:
    files.append(File.generated(config, "program.schema.json", abs_src_path=str(SCHEMA)))
    return files


def as_markdown(docstring: str) -> str:
    """``docstring`` with doctest examples fenced as ``pycon`` code (without their
    ``# doctest:`` directives), ``::`` literal-block markers reduced to ``:`` and Sphinx
    roles to plain code spans."""
    out: list[str] = []
    indent: int | None = None  # of the example being fenced, if any
    for line in docstring.splitlines():
        if indent is None and line.lstrip().startswith(">>>"):
            indent = len(line) - len(line.lstrip())
            out += ["", "```pycon"]
        elif indent is not None and not line.strip():
            out.append("```")
            indent = None
        if indent is not None:
            out.append(_DIRECTIVE.sub("", line[indent:]))
            continue
        line = _ROLE.sub(r"`\1`", line)
        out.append(line[:-1] if line.endswith("::") else line)
    if indent is not None:
        out.append("```")
    return "\n".join(out)


class DocstringsAsMarkdown(griffe.Extension):
    """Rewrites each docstring with :func:`as_markdown` when Griffe loads it."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = as_markdown(obj.docstring.value)
