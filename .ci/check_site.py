"""Check the documentation site `mkdocs build --strict` made in site/.

Run after the build, from the repository root: ``python .ci/check_site.py``. It checks
what strict mode does not: every public name has its entry on the API page, the README's
links into the site land on a page and heading that exist, search indexes every page,
docstring examples show as code, and the JSON Schema is published as the package ships it.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import loyalrules

SITE = Path("site")
DOCS = Path("docs")


def _html(page: str) -> str:
    path = SITE / page.strip("/") / "index.html" if page.strip("/") else SITE / "index.html"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def main() -> int:
    problems: list[str] = []
    api = _html("api")
    problems += [
        f"the API page has no entry for loyalrules.{name}"
        for name in loyalrules.__all__
        if f'id="loyalrules.{name}"' not in api
    ]
    if "&gt;&gt;&gt;" in re.sub(r"<pre.*?</pre>", "", api, flags=re.DOTALL):
        problems.append("the API page shows a docstring example as text, not code")

    site = tomllib.loads(Path("pyproject.toml").read_text())["project"]["urls"]["Documentation"]
    readme = Path("README.md").read_text(encoding="utf-8")
    for link in re.findall(rf"\]\({re.escape(site)}([^)\s]*)\)", readme):
        page, _, anchor = link.partition("#")
        html = _html(page)
        if not html:
            problems.append(f"the README links to {site}{link}: no such page")
        elif anchor and f'id="{anchor}"' not in html:
            problems.append(f"the README links to {site}{link}: no such heading")

    index = json.loads((SITE / "search" / "search_index.json").read_text(encoding="utf-8"))
    indexed = {doc["location"].split("#")[0].strip("/") for doc in index["docs"]}
    for page in DOCS.rglob("*.md"):
        location = str(page.relative_to(DOCS).with_suffix("")).removesuffix("index")
        location = location.removesuffix("README").strip("/")
        if location not in indexed:
            problems.append(f"search does not index {page}")
    if not any(doc["location"] == "api/#loyalrules.Program.process" for doc in index["docs"]):
        problems.append("search does not find Program.process")

    for html_page in SITE.rglob("index.html"):
        if "```" in re.sub(
            r"<(pre|code).*?</\1>", "", html_page.read_text(encoding="utf-8"), flags=re.DOTALL
        ):
            problems.append(f"{html_page.relative_to(SITE)} shows a code fence as text")

    shipped = Path("src/loyalrules/program.schema.json").read_text(encoding="utf-8")
    published = SITE / "program.schema.json"
    if not published.exists() or published.read_text(encoding="utf-8") != shipped:
        problems.append("site/program.schema.json is not the schema the package ships")

    for problem in problems:
        print(problem)
    print(f"site/: {'ok' if not problems else 'FAILED'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
