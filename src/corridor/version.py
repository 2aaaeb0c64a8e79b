"""corridor's version: the installed distribution's, from its package metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("corridor")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"
