"""The version of loyalrules, read from the installed package's metadata, so that
``pyproject.toml`` is the one place it is written.

>>> from importlib import metadata
>>> __version__ == metadata.version("loyalrules")
True
"""

from __future__ import annotations

from importlib import metadata

try:
    __version__: str = metadata.version("loyalrules")
except metadata.PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"
