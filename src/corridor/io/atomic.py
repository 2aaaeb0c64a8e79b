"""Write files and folders atomically, and never over what the user had.

Rules (see README, "Output folders"):

- A result is written beside its final place and renamed into place at the end: a killed run
  leaves the old output or none, never half.
- An output path that is, contains or lies inside an input (the dataset folder, a scenario file)
  is refused (:func:`check_output_path`).
- A folder is replaced only when it is empty or an earlier output of corridor holding exactly the
  files corridor wrote: its marker ``.corridor-output`` lists them (:func:`check_output_folder`).
  A marker of corridor 0.1 lists nothing, so such a folder is refused too (delete it by hand).
- An existing file is replaced only when it is corridor's own output of the same kind, or with
  ``force`` (:func:`check_output_file`).
- Devices, FIFOs, sockets and paths under /proc or /sys are never written; any other OSError
  while writing becomes an :class:`InputFileError` naming the path.
- Only what corridor created in this run is deleted: its temporary folders, and an earlier output
  folder once it has been checked, moved to a fresh temporary name and replaced.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from corridor.errors import CorridorError, InputFileError

__all__ = [
    "MANIFEST_HEADER",
    "OUTPUT_MARKER",
    "atomic_write_dir",
    "atomic_write_file",
    "check_output_file",
    "check_output_folder",
    "check_output_path",
    "write_manifest",
]

#: File that marks a folder corridor wrote; it lists the files corridor wrote there.
OUTPUT_MARKER: Final = ".corridor-output"
#: First line of the marker; the relative paths of the files corridor wrote follow, one a line.
MANIFEST_HEADER: Final = (
    "Written by corridor. It replaces this folder only while it holds exactly these files:"
)
_SYSTEM_FOLDERS: Final = (Path("/proc"), Path("/sys"))
_SHOWN: Final = 5  # files named when a folder holds files corridor did not write


def _named(path: Path, option: str | None) -> str:
    """How a message names an output path: with its option when there is one."""
    return f"{option} {path}" if option else str(path)


def _refuse_unwritable(path: Path, option: str | None) -> None:
    """Refuse a device, FIFO or socket, a path under /proc or /sys, and a path that cannot be
    looked up (a name too long) or made (a file where a folder should be)."""
    real = Path(os.path.realpath(path))
    for system in _SYSTEM_FOLDERS:
        if real == system or system in real.parents:
            raise InputFileError(
                f"{_named(path, option)} is under {system}, a system folder; "
                "choose a path in your own folders"
            )
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        _refuse_file_as_parent(path, option)
        return
    except OSError as err:  # a name too long, a folder on the way you may not enter
        raise _write_error(path, err, option) from err
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise InputFileError(
            f"{_named(path, option)} is a device, FIFO or socket, not a file or folder; "
            "choose a path in your own folders"
        )


def _refuse_file_as_parent(path: Path, option: str | None) -> None:
    """Refuse a missing path whose nearest existing parent is not a folder."""
    parent = Path(os.path.abspath(path)).parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise InputFileError(
            f"{_named(path, option)} cannot be written: {parent} is a file, not a folder"
        )


def _relation(output: Path, source: Path) -> str | None:
    """How ``output`` stands to ``source``: ``is``, ``lies inside``, ``contains`` or None."""
    if output == source:
        return "is"
    if source in output.parents:
        return "lies inside"
    if output in source.parents:
        return "contains"
    return None


def check_output_path(
    path: Path, *, inputs: Mapping[Path, str], option: str | None = None, noun: str = "folder"
) -> None:
    """Refuse an output path that is, contains or lies inside one of the run's inputs.

    Parameters
    ----------
    path
        The output file or folder.
    inputs
        Each input path (dataset folder, scenario file) and how a message names it, e.g.
        ``{Path("D"): "the input dataset folder --data D"}``.
    option
        The option that gave ``path`` (``--out``), named in the message.
    noun
        What to choose instead (``folder`` or ``file``).

    Raises
    ------
    InputFileError
        E.g. "--out D is the input dataset folder --data D; choose another folder".
    """
    _refuse_unwritable(path, option)
    output = Path(os.path.realpath(path))
    for source, label in inputs.items():
        relation = _relation(output, Path(os.path.realpath(source)))
        if relation:
            raise InputFileError(
                f"{_named(path, option)} {relation} {label}; choose another {noun}"
            )


def _entries(folder: Path) -> set[str]:
    """Relative paths of every file and folder under ``folder`` (symbolic links not followed)."""
    found: set[str] = set()
    for root, dirs, files in os.walk(folder):
        base = Path(root).relative_to(folder)
        found.update((base / name).as_posix() for name in (*dirs, *files))
    return found


def _with_parents(names: set[str]) -> set[str]:
    """``names`` and every folder that leads to them (``a/b.csv`` adds ``a``)."""
    out = set(names)
    for name in names:
        out.update(p.as_posix() for p in Path(name).parents if p != Path("."))
    return out


def _read_manifest(folder: Path) -> set[str] | None:
    """The files the marker lists, or None for a marker without a list (corridor 0.1)."""
    lines = (folder / OUTPUT_MARKER).read_text(encoding="utf-8", errors="replace").splitlines()
    if not lines or lines[0] != MANIFEST_HEADER:
        return None
    return {line for line in lines[1:] if line}


def _write_manifest(folder: Path) -> None:
    """Write the marker listing every file now in ``folder``."""
    files = sorted(
        (Path(root).relative_to(folder) / name).as_posix()
        for root, _, names in os.walk(folder)
        for name in names
    )
    text = "\n".join([MANIFEST_HEADER, *files]) + "\n"
    (folder / OUTPUT_MARKER).write_text(text, encoding="utf-8")


def write_manifest(folder: Path) -> None:
    """Mark ``folder`` as corridor's output, listing every file now in it (for a folder
    corridor fills file by file, such as a Monte Carlo run's)."""
    _write_manifest(folder)


def _foreign_entries(path: Path) -> list[str]:
    """Files and folders in ``path`` that its marker does not list (``[]``: replaceable)."""
    listed = _read_manifest(path)
    if listed is None:
        raise InputFileError(
            f"{path} was written by corridor 0.1, whose marker does not list the files it "
            "wrote, so corridor cannot tell whether some are yours; delete the folder by hand "
            "if nothing in it is yours, or choose another folder"
        )
    foreign = _entries(path) - _with_parents(listed) - {OUTPUT_MARKER}
    # a folder of yours is named once, not with everything in it
    return sorted(f for f in foreign if not any(p.as_posix() in foreign for p in Path(f).parents))


def check_output_folder(path: Path, *, option: str | None = None) -> None:
    """Refuse to replace a file, or a folder holding anything corridor did not write.

    A folder is replaced only when it is missing, empty, or an earlier output of corridor whose
    marker lists exactly the files in it.

    Raises
    ------
    InputFileError
        Naming ``option`` and ``path``, and up to five files corridor did not write.
    """
    _refuse_unwritable(path, option)
    shown = _named(path, option)
    if path.exists() and not path.is_dir():
        raise InputFileError(f"{shown} is a file; give a folder to write the output into")
    try:
        if not path.is_dir() or not any(path.iterdir()):
            return
        if not (path / OUTPUT_MARKER).is_file():
            raise InputFileError(
                f"{shown} is a folder corridor did not write; corridor replaces only empty "
                "folders and its own output folders: choose a new folder"
            )
        foreign = _foreign_entries(path)
    except CorridorError:
        raise
    except OSError as err:  # a folder or marker you may not read
        raise InputFileError(f"cannot read {shown}: {err.strerror or err}") from err
    if foreign:
        more = f" and {len(foreign) - _SHOWN} more" if len(foreign) > _SHOWN else ""
        raise InputFileError(
            f"{shown} holds files corridor did not write ({', '.join(foreign[:_SHOWN])}{more}); "
            "corridor replaces its own output folders only while they hold just what it wrote: "
            "move those files away or choose another folder"
        )


def _is_own(path: Path, is_own: Callable[[Path], bool] | None) -> bool:
    if is_own is None:
        return False
    try:
        return is_own(path)
    except OSError:  # unreadable: not known to be corridor's
        return False


def check_output_file(
    path: Path,
    *,
    is_own: Callable[[Path], bool] | None = None,
    force: bool = False,
    option: str | None = None,
) -> None:
    """Refuse to overwrite a file unless corridor wrote it (``is_own``) or ``force`` is given.

    Parameters
    ----------
    is_own
        Whether an existing regular file is corridor's own earlier output of this kind (e.g. it
        carries corridor's generator tag). Without it, every existing file is refused.
    force
        Overwrite any existing file. A folder at ``path`` is refused all the same.

    Raises
    ------
    InputFileError
        If ``path`` is a folder, a device, FIFO or socket, or a file corridor did not write.
    """
    _refuse_unwritable(path, option)
    shown = _named(path, option)
    if path.is_dir():
        raise InputFileError(f"{shown} is a folder; give a file name to write to")
    if path.exists() and not force and not _is_own(path, is_own):
        raise InputFileError(
            f"{shown} exists and corridor did not write it (or not as this kind of output); "
            "choose another file name, or overwrite it with --force"
        )


def _write_error(path: Path, err: OSError, option: str | None = None) -> InputFileError:
    return InputFileError(f"cannot write {_named(path, option)}: {err.strerror or err}")


def _temp_prefix(target: Path) -> str:
    """Prefix of temporary names beside ``target`` (short enough for any legal name)."""
    return f".{target.name[:64]}."


def atomic_write_file(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place.

    The caller decides whether an existing file may be replaced (:func:`check_output_file`);
    a folder, device, FIFO or socket at ``path`` is refused here and nothing is written.

    Raises
    ------
    InputFileError
        For those paths, and for any OSError while writing (permission denied, read-only file
        system), naming ``path``.
    """
    _refuse_unwritable(path, None)
    if path.is_dir():
        raise InputFileError(f"{path} is a folder; give a file name to write to")
    target = Path(os.path.realpath(path))  # through a symbolic link: the link stays
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=_temp_prefix(target), suffix=f".tmp{target.suffix[:16]}", dir=target.parent
        )
        os.close(fd)
        tmp = Path(tmp_name)
        tmp.unlink()  # some writers (GDAL) refuse to overwrite an existing file
        write(tmp)
        os.replace(tmp, target)
        tmp = None
    except CorridorError:
        raise
    except OSError as err:
        raise _write_error(path, err) from err
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _swap(new: Path, target: Path, shown: Path) -> None:
    """Put the folder ``new`` at ``target``; an earlier output there is checked again, moved to
    a fresh temporary folder and deleted from there once ``new`` is in place."""
    if not target.exists():
        os.rename(new, target)
        return
    check_output_folder(shown)  # the user may have added files while corridor worked
    holder = Path(tempfile.mkdtemp(prefix=_temp_prefix(target), suffix=".old", dir=target.parent))
    old = holder / target.name
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        holder.rmdir()
        raise
    shutil.rmtree(holder, ignore_errors=True)


def atomic_write_dir(
    path: Path, write: Callable[[Path], None], *, option: str | None = None
) -> None:
    """Call ``write(tmpdir)`` on a temporary folder beside ``path``, then swap it into place.

    ``path`` may be new, empty, or an earlier output of corridor holding exactly the files its
    marker lists (:func:`check_output_folder`); anything else raises :class:`InputFileError`
    and is left untouched. The new folder gets a marker listing the files ``write`` made.

    Raises
    ------
    InputFileError
        If ``path`` may not be replaced, or for any OSError while writing, naming ``path``.
    """
    check_output_folder(path, option=option)
    target = Path(os.path.realpath(path))  # through a symbolic link: the link stays
    new: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        new = Path(tempfile.mkdtemp(prefix=_temp_prefix(target), suffix=".new", dir=target.parent))
        write(new)
        _write_manifest(new)
        _swap(new, target, path)
        new = None
    except CorridorError:
        raise
    except OSError as err:
        raise _write_error(path, err) from err
    finally:
        if new is not None:
            shutil.rmtree(new, ignore_errors=True)
