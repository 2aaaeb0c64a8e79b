"""Property-based fuzzing of the CSV files: no input may raise an unhandled exception."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.dataset import validate_dataset
from corridor.schema import TABLE_ORDER
from tests.conftest import TINY

TRICKY = st.sampled_from(
    [
        "",
        " ",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "1e309",
        "-1",
        "0",
        "1.5",
        "2023.5",
        "true",
        "yes",
        '"',
        '""',
        ",",
        ";",
        ";;",
        "a;b",
        "\t",
        "\\N",
        "None",
        "null",
        "Ünïcödé",
        "Ⅻ",
        "٣",
        "\x00",
        "F_A",
        "T_B",
        "M_C",
        "L_AB",
        "S_TEST",
        "crude_oil",
        "Mt/yr",
        "b/d",
        "AZ",
        "OTS",
        "99999999999",
    ]
)
CELL = st.one_of(TRICKY, st.text(max_size=12))


@st.composite
def mutations(draw: st.DrawFn) -> list[tuple[str, str, tuple[object, ...]]]:
    """A list of (table, operation, arguments) edits to apply to the CSV text."""
    ops = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        table = draw(st.sampled_from(TABLE_ORDER))
        op = draw(st.sampled_from(["cell", "drop_line", "truncate", "bytes", "header", "dup_line"]))
        args = (
            draw(st.integers(0, 50)),
            draw(st.integers(0, 30)),
            draw(CELL),
            draw(st.binary(max_size=8)),
        )
        ops.append((table, op, args))
    return ops


def _apply(folder: Path, table: str, op: str, args: tuple[object, ...]) -> None:
    path = folder / f"{table}.csv"
    data = path.read_bytes() if path.exists() else b""
    line_no, col_no, text, raw = args
    assert isinstance(line_no, int) and isinstance(col_no, int)
    assert isinstance(text, str) and isinstance(raw, bytes)
    lines = data.split(b"\n")
    k = line_no % max(len(lines), 1)
    if op == "cell" and lines:
        cells = lines[k].split(b",")
        cells[col_no % len(cells)] = text.encode("utf-8", "surrogatepass")
        lines[k] = b",".join(cells)
    elif op == "drop_line" and lines:
        del lines[k]
    elif op == "dup_line" and lines:
        lines.insert(k, lines[k])
    elif op == "truncate":
        path.write_bytes(data[: (line_no * 7 + col_no) % (len(data) + 1)])
        return
    elif op == "bytes":
        pos = (line_no * 13) % (len(data) + 1)
        path.write_bytes(data[:pos] + raw + data[pos:])
        return
    elif op == "header" and lines:
        lines[0] = text.encode("utf-8", "surrogatepass")
    path.write_bytes(b"\n".join(lines))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=mutations())
def test_mutated_csv_files_never_raise(edits: list[tuple[str, str, tuple[object, ...]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(shutil.copytree(TINY, Path(tmp) / "d"))
        for table, op, args in edits:
            _apply(folder, table, op, args)
        report, _ = validate_dataset(folder)  # must not raise
        failed = [i.message for i in report.issues if i.code == "rule-failed"]
        assert not failed, failed
        for issue in report.issues:
            assert issue.code and issue.table and issue.message


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(content=st.binary(max_size=300), table=st.sampled_from(TABLE_ORDER))
def test_arbitrary_bytes_in_any_file_never_raise(content: bytes, table: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(shutil.copytree(TINY, Path(tmp) / "d"))
        (folder / f"{table}.csv").write_bytes(content)
        report, _ = validate_dataset(folder)
        assert not [i for i in report.issues if i.code == "rule-failed"]
