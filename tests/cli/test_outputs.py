"""Nothing the user had is lost or overwritten: inputs, user folders and files, special paths.

Each test runs the CLI as a user does and checks the exit code, the message, that there is no
traceback, and that the user's files are byte-identical afterwards.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from corridor.cli.report_cmd import is_report_page
from corridor.errors import InputFileError
from corridor.io.atomic import MANIFEST_HEADER, OUTPUT_MARKER, atomic_write_dir
from tests.cli.runner import run
from tests.conftest import TINY

OLD_MARKER = "Written by corridor. Running the command again replaces this folder.\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def refused(result: object, *needles: str) -> None:
    """Exit 2 with a message holding every needle, and no traceback."""
    assert result.returncode == 2, result.stdout + result.stderr  # type: ignore[attr-defined]
    message = " ".join(result.stderr.split())  # type: ignore[attr-defined]
    for needle in needles:
        assert needle in message, message
    assert "Traceback" not in message


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped dataset exported as CSV (with corridor's marker), to copy and edit."""
    folder = tmp_path_factory.mktemp("export") / "D"
    result = run("data", "export", "--format", "csv", "-o", str(folder))
    assert result.returncode == 0, result.stderr
    return folder


SKIM = ("transit", "skim", "--from", "C_XIAN", "--to", "C_DUISBURG")


@pytest.mark.parametrize(
    ("command", "refusal"),
    [
        (("solve", "--data", "D", "-o", "D"), "--out D is"),
        (("solve", "--data", "D", "-o", "D/results"), "--out D/results lies inside"),
        (("compare", "baseline-2023", "cpc-closed", "--data", "D", "-o", "D"), "--out D is"),
        (("report", "--data", "D", "-o", "D/r.html"), "--out D/r.html lies inside"),
        (("report", "--data", "D", "-o", "r.html", "--figures", "D"), "--figures D is"),
        ((*SKIM, "--data", "D", "-o", "D"), "--out D is"),
        (("transit", "simulate", "--data", "D", "-o", "D"), "--out D is"),
        (("transit", "sweep", "--volume", "4.5", "--data", "D", "-o", "D"), "--out D is"),
        (("data", "export", "-f", "csv", "--data", "D", "-o", "D"), "--output D is"),
        (
            ("data", "export", "-f", "geojson", "--data", "D", "-o", "D/n.geojson"),
            "--output D/n.geojson lies inside",
        ),
    ],
)
def test_the_input_dataset_folder_is_never_an_output(
    exported: Path, tmp_path: Path, command: tuple[str, ...], refusal: str
) -> None:
    data = tmp_path / "D"
    data.mkdir()
    for file in exported.iterdir():  # with the marker of the export
        (data / file.name).write_bytes(file.read_bytes())
    nodes = (data / "nodes.csv").read_text(encoding="utf-8")
    (data / "nodes.csv").write_text(nodes.replace("Baku", "Baku (my edit)"), encoding="utf-8")
    before = snapshot(data)
    result = run(*command, cwd=tmp_path)
    refused(result, f"{refusal} the input dataset folder --data D; choose another")
    assert snapshot(data) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["D"]


def test_a_scenario_file_and_what_it_extends_are_never_an_output(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    shipped = Path(__file__).parents[2] / "src/corridor/data/scenarios/baseline-2023.yaml"
    (tmp_path / "base" / "b.yaml").write_bytes(shipped.read_bytes())
    (tmp_path / "child.yaml").write_text(
        "title: A child scenario\ndescription: The 2023 baseline again, for a test.\n"
        "extends: base/b.yaml\n",
        encoding="utf-8",
    )
    before = snapshot(tmp_path)
    result = run("report", "-s", "child.yaml", "-o", "child.yaml", cwd=tmp_path)
    refused(result, "--out child.yaml is the scenario file --scenario child.yaml")
    result = run("report", "-s", "child.yaml", "-o", "base/b.yaml", "--force", cwd=tmp_path)
    refused(result, "--out base/b.yaml is the scenario file", "which --scenario child.yaml extends")
    assert snapshot(tmp_path) == before


def test_a_corridor_output_folder_with_files_added_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "results"
    args = ("solve", "--year", "2023", "--data", str(TINY), "-o", str(out))
    assert run(*args).returncode == 0
    marker = (out / OUTPUT_MARKER).read_text(encoding="utf-8").splitlines()
    assert marker[0] == MANIFEST_HEADER and "flows.csv" in marker and "summary.json" in marker
    assert run(*args).returncode == 0, "corridor replaces its own output folder"
    for i in range(1, 7):
        (out / f"note{i}.txt").write_text(f"my note {i}")
    (out / "mine").mkdir()
    (out / "mine" / "table.csv").write_text("a,b\n1,2\n")
    before = snapshot(out)
    result = run(*args)
    refused(
        result, "holds files corridor did not write", "mine, note1.txt, note2.txt", "and 2 more"
    )
    assert "note5.txt" not in result.stderr
    assert snapshot(out) == before


def test_a_folder_with_a_marker_of_corridor_0_1_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "results"
    out.mkdir()
    (out / OUTPUT_MARKER).write_text(OLD_MARKER, encoding="utf-8")
    (out / "flows.csv").write_text("link_id\nL_X\n")
    (out / "my-analysis.xlsx").write_bytes(b"PK\x03\x04 mine")
    before = snapshot(out)
    result = run("solve", "--year", "2023", "--data", str(TINY), "-o", str(out))
    refused(result, "written by corridor 0.1", "delete the folder by hand")
    assert snapshot(out) == before


def test_replacing_an_output_leaves_a_users_dot_old_folder_alone(tmp_path: Path) -> None:
    mine = tmp_path / ".results.old"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    args = ("solve", "--year", "2023", "--data", str(TINY), "-o", str(tmp_path / "results"))
    for _ in range(2):  # the second run replaces the first's output
        result = run(*args)
        assert result.returncode == 0, result.stderr
    assert snapshot(mine) == {"notes.txt": b"keep me"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".results.old", "results"]


def test_existing_files_are_replaced_only_when_corridor_wrote_them_or_forced(
    tmp_path: Path,
) -> None:
    mine = tmp_path / "existing.txt"
    mine.write_text("my notes")
    export = ("data", "export", "--data", str(TINY), "-f")
    refused(run("report", "-o", str(mine)), "--out", "existing.txt", "corridor did not write")
    refused(run(*export, "geojson", "-o", str(mine)), "existing.txt", "--force")
    assert mine.read_text() == "my notes"
    assert run(*export, "geojson", "-o", str(mine), "--force").returncode == 0
    assert json.loads(mine.read_text())["generator"] == "corridor"
    assert run(*export, "geojson", "-o", str(mine)).returncode == 0, "its own GeoJSON"
    gpkg = tmp_path / "net.gpkg"
    assert run(*export, "gpkg", "-o", str(gpkg)).returncode == 0
    written = gpkg.read_bytes()
    refused(run(*export, "gpkg", "-o", str(gpkg)), "net.gpkg", "--force")
    assert gpkg.read_bytes() == written


def test_report_refuses_a_users_figures_folder_even_with_force(tmp_path: Path) -> None:
    slides = tmp_path / "slides"
    slides.mkdir()
    (slides / "map.png").write_bytes(b"\x89PNG my own map")
    before = snapshot(slides)
    page = tmp_path / "r.html"
    for force in ((), ("--force",)):
        result = run("report", "-o", str(page), "--figures", str(slides), *force)
        refused(result, "--figures", "slides", "corridor did not write")
        assert snapshot(slides) == before and not page.exists()


def test_report_writes_its_figures_folder_first_and_replaces_only_its_own(tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    figures = tmp_path / "r-figures"
    assert run("report", "-o", str(page)).returncode == 0
    files = [p for p in figures.iterdir() if p.name != OUTPUT_MARKER]
    assert page.stat().st_mtime_ns >= max(p.stat().st_mtime_ns for p in files), "page last"
    assert is_report_page(page)
    listed = (figures / OUTPUT_MARKER).read_text(encoding="utf-8").splitlines()
    assert listed[0] == MANIFEST_HEADER and sorted(listed[1:]) == sorted(p.name for p in files)
    mine = tmp_path / "notes.txt"
    mine.write_text("my notes")
    assert not is_report_page(mine)
    result = run("report", "-o", str(mine), "--figures", str(figures), "--force")
    assert result.returncode == 0, result.stderr  # forced over a file; its own figures replaced
    assert is_report_page(mine) and is_report_page(page)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "r-figures", "r.html"]


def test_fifos_system_paths_and_unwritable_names_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    solve = ("solve", "--year", "2023", "--data", str(TINY))
    for args in (
        (*solve, "-o", str(fifo)),
        ("report", "-o", str(fifo)),
        ("data", "export", "-f", "geojson", "--data", str(TINY), "-o", str(fifo), "--force"),
    ):
        refused(run(*args), str(fifo), "is a device, FIFO or socket")
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    refused(run(*solve, "-o", "/proc/self/corridor-out"), "/proc/self/corridor-out", "/proc")
    long_name = tmp_path / ("x" * 300)
    refused(run(*solve, "-o", str(long_name)), "cannot write --out", "File name too long")
    a_file = tmp_path / "a-file"
    a_file.write_text("mine")
    refused(run(*solve, "-o", str(a_file / "sub")), "a-file is a file, not a folder")
    assert a_file.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "pipe"]


def test_an_oserror_while_writing_names_the_path_and_keeps_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    atomic_write_dir(out, lambda tmp: (tmp / "a.csv").write_text("first"))

    def fail(tmp: Path) -> None:
        (tmp / "a.csv").write_text("second")
        raise PermissionError(13, "Permission denied")

    with pytest.raises(InputFileError, match=re.escape(f"cannot write {out}: Permission denied")):
        atomic_write_dir(out, fail)
    assert (out / "a.csv").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
