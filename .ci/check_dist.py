"""Check what `python -m build` made: the files a user of the package must get.

Run after the build, from the repository root: ``python .ci/check_dist.py``.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

DIST = Path("dist")
WHEEL_FILES = ("loyalrules/py.typed", "loyalrules/program.schema.json")


def main() -> int:
    wheels, sdists = sorted(DIST.glob("*.whl")), sorted(DIST.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"expected one wheel and one sdist in dist/, found {wheels + sdists}")
        return 1
    problems = []
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = set(wheel.namelist())
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(wheel.read(f"{info}/METADATA").decode())
    wanted = (*WHEEL_FILES, f"{info}/licenses/LICENSE")
    problems += [f"the wheel lacks {name}" for name in wanted if name not in names]
    with tarfile.open(sdists[0]) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        if f"{top}/LICENSE" not in sdist.getnames():
            problems.append("the sdist lacks LICENSE")
    if metadata["License-Expression"] != "MIT":
        problems.append(f"License-Expression is {metadata['License-Expression']!r}, not 'MIT'")
    if not metadata.get_all("Project-URL"):
        problems.append("the metadata has no Project-URL")
    if metadata["Description-Content-Type"] != "text/markdown":
        problems.append("the README is not declared as Markdown")
    for problem in problems:
        print(problem)
    print(f"{wheels[0].name}, {sdists[0].name}: {'ok' if not problems else 'FAILED'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
