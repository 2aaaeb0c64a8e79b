"""A Monte Carlo run's folder: its settings, its finished batches, its tables.

``run.json`` holds the settings (the same settings, and only they, may resume the run);
``batches/<first draw>/`` holds each finished batch as Parquet (``draws``, ``unmet``,
``links``), renamed into place whole, so a killed run keeps every batch it finished and
none half; the summary tables are written beside them, each file atomically. The folder's
marker lists what corridor wrote, as for every output folder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import pandas as pd

from corridor.errors import InputFileError, OptionError
from corridor.io.atomic import (
    OUTPUT_MARKER,
    atomic_write_file,
    check_output_folder,
    check_output_path,
    write_manifest,
)
from corridor.resilience.summary import BATCH_TABLES

__all__ = ["RunFolder"]

SETTINGS: Final = "run.json"
BATCHES: Final = "batches"
_PARTIAL: Final = ".partial-"
_SHOWN: Final = 3


def _batch_name(start: int) -> str:
    return f"{start:09d}"


def _moved_aside(path: Path) -> Path:
    """Move an earlier output of corridor out of the way, into a fresh temporary folder beside
    it; it is deleted once the new run is complete (a killed run leaves it there)."""
    holder = Path(tempfile.mkdtemp(prefix=f".{path.name[:40]}-", suffix=".old", dir=path.parent))
    os.rename(path, holder / path.name)
    return holder


def _writer(frame: pd.DataFrame, kind: str) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        if kind == "csv":
            frame.to_csv(tmp, index=False)
        else:
            frame.to_parquet(tmp, index=False)

    return write


class RunFolder:
    """The folder ``path`` of a run with ``settings``: new (missing or empty) or, with
    ``resume``, an earlier run of the same settings.

    Raises
    ------
    InputFileError
        If ``path`` is a file or holds files corridor did not write (an earlier output of
        corridor is replaced, once the new run is complete); with ``resume``, if it holds no
        run.
    OptionError
        With ``resume``, if the earlier run's settings differ (each difference named).
    """

    def __init__(
        self, path: Path, settings: dict[str, Any], *, resume: bool, inputs: dict[Path, str]
    ) -> None:
        check_output_path(path, inputs=inputs, option="--out")
        self.path, self.settings = path, settings
        if path.exists() and not path.is_dir():
            raise InputFileError(f"--out {path} is a file; give a folder for the run")
        self._earlier: Path | None = None
        if resume:
            self._check_resumable()
        elif path.exists() and any(path.iterdir()):
            check_output_folder(path, option="--out")  # nothing of the user's in it
            self._earlier = _moved_aside(path)
        try:
            (path / BATCHES).mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputFileError(f"--out {path} cannot be written: {err.strerror}") from err
        if not resume:
            self.write_text(SETTINGS, json.dumps(settings, indent=2, sort_keys=True) + "\n")

    def _check_resumable(self) -> None:
        settings = self.path / SETTINGS
        if not settings.is_file():
            raise InputFileError(
                f"--resume: {self.path} holds no Monte Carlo run ({SETTINGS} is missing); "
                "start the run without --resume"
            )
        try:
            earlier = json.loads(settings.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise InputFileError(f"--resume: {settings} cannot be read: {err}") from err
        differ = [
            f"{key}: the run has {earlier.get(key)!r}, this command {value!r}"
            for key, value in self.settings.items()
            if earlier.get(key) != value
        ]
        if differ:
            raise OptionError(
                [f"--resume: {self.path} is a run of other settings; " + "; ".join(differ)]
            )

    def finished(self) -> set[int]:
        """The first draws of the batches already stored."""
        found = set()
        for entry in (self.path / BATCHES).iterdir():
            whole = all((entry / f"{t}.parquet").is_file() for t in BATCH_TABLES)
            if entry.is_dir() and entry.name.isdigit() and whole:
                found.add(int(entry.name))
        return found

    def write_batch(self, start: int, frames: dict[str, pd.DataFrame]) -> None:
        """Store one finished batch, whole or not at all."""
        batches = self.path / BATCHES
        try:
            tmp = Path(tempfile.mkdtemp(prefix=_PARTIAL, dir=batches))
            for name, frame in frames.items():
                frame.to_parquet(tmp / f"{name}.parquet", index=False)
            os.replace(tmp, batches / _batch_name(start))
        except OSError as err:
            raise InputFileError(f"--out {self.path}: a batch cannot be written: {err}") from err
        self.mark()

    def read_batches(self) -> dict[str, pd.DataFrame]:
        """Every stored batch, each table in draw order."""
        starts = sorted(self.finished())
        return {
            name: pd.concat(
                [
                    pd.read_parquet(self.path / BATCHES / _batch_name(s) / f"{name}.parquet")
                    for s in starts
                ],
                ignore_index=True,
            )
            for name in BATCH_TABLES
        }

    def write_text(self, name: str, text: str) -> None:
        def write(tmp: Path) -> None:
            tmp.write_text(text, encoding="utf-8")

        atomic_write_file(self.path / name, write)

    def write_tables(self, tables: dict[str, pd.DataFrame]) -> None:
        """Write each summary table as CSV and Parquet."""
        for name, frame in tables.items():
            atomic_write_file(self.path / f"{name}.csv", _writer(frame, "csv"))
            atomic_write_file(self.path / f"{name}.parquet", _writer(frame, "parquet"))
        self.mark()

    def finish(self) -> None:
        """The run is complete: delete the earlier output it replaced (corridor's own)."""
        if self._earlier is not None:
            shutil.rmtree(self._earlier, ignore_errors=True)
            self._earlier = None

    def mark(self) -> None:
        """List in the marker what corridor wrote (not a partial batch of a killed run)."""
        write_manifest(self.path)
        marker = self.path / OUTPUT_MARKER
        lines = marker.read_text(encoding="utf-8").splitlines()
        kept = [line for line in lines if _PARTIAL not in line and line != OUTPUT_MARKER]
        marker.write_text("\n".join(kept) + "\n", encoding="utf-8")
