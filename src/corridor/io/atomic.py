"""Write files and folders atomically: a killed run leaves the old output or none, never half."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Final

from corridor.errors import InputFileError

__all__ = ["OUTPUT_MARKER", "atomic_write_dir", "atomic_write_file", "check_output_folder"]

#: File that marks a folder corridor wrote: only such folders (or empty ones) are replaced.
OUTPUT_MARKER: Final = ".corridor-output"


def atomic_write_file(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place.

    A folder at ``path`` is refused with :class:`InputFileError` (nothing is written).
    """
    if path.is_dir():
        raise InputFileError(f"{path} is a folder; give a file name to write to")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=f".tmp{path.suffix}", dir=path.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()  # some writers (GDAL) refuse to overwrite an existing file
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def check_output_folder(path: Path) -> None:
    """Refuse to replace a file, or a folder with content corridor did not write."""
    if path.is_file():
        raise InputFileError(f"{path} is a file; give a folder to write the output into")
    if path.is_dir() and any(path.iterdir()) and not (path / OUTPUT_MARKER).exists():
        raise InputFileError(
            f"{path} is a folder corridor did not write; corridor replaces only empty folders "
            "and its own output folders: choose a new folder"
        )


def atomic_write_dir(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmpdir)`` on a temporary folder beside ``path``, then swap it into place.

    ``path`` may be new, empty, or an earlier output of corridor (it holds the marker file
    ``.corridor-output``); anything else raises :class:`InputFileError` and is left untouched.
    """
    check_output_folder(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    old = path.with_name(f".{path.name}.old")
    try:
        write(tmp)
        (tmp / OUTPUT_MARKER).write_text(
            "Written by corridor. Running the command again replaces this folder.\n",
            encoding="utf-8",
        )
        if path.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
