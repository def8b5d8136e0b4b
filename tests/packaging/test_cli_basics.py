"""The command line's own manners: --version, a plain --help, and a reader that leaves early."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from loyalrules import __version__
from loyalrules.cli import main


def test_the_version_comes_from_the_package_metadata() -> None:
    assert __version__ == metadata.version("loyalrules")


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"loyalrules {metadata.version('loyalrules')}\n"


def test_help_shows_plain_text_not_rst_quotes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "The loyalrules command: check program files" in out
    assert "``" not in out


def _console_script() -> Path:
    script = Path(sys.executable).parent / (
        "loyalrules.exe" if sys.platform == "win32" else "loyalrules"
    )
    assert script.exists(), "install the package (pip install -e .) to get the console script"
    return script


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    # As `loyalrules schema | head`: the pipe closes before the schema is written.
    process = subprocess.Popen(
        [_console_script(), "schema"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert errors == ""


def test_the_whole_schema_still_reaches_a_reader_that_stays() -> None:
    done = subprocess.run([_console_script(), "schema"], capture_output=True, check=True)
    assert done.stdout.decode().rstrip().endswith("}")
    assert done.stderr == b""


def test_a_source_tree_never_installed_has_an_unknown_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    from loyalrules import _version

    def not_installed(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    try:
        assert importlib.reload(_version).__version__ == "0+unknown"
    finally:
        monkeypatch.undo()
        importlib.reload(_version)
