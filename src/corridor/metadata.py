"""What corridor knows about itself: its version, from the installed package's metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["corridor_version"]


def corridor_version() -> str:
    """The installed package's version."""
    try:
        return version("corridor")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"
