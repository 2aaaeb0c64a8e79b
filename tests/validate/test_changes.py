"""An edit of valid tables, checked by validate_changes, gives the errors a full validation of the
edited tables' text gives; each written cell is typed as parsing its text types it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd
import pandas.testing as pdt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.dataset.issues import ERROR, Issue
from corridor.dataset.rules import Tables
from corridor.dataset.validate import (
    Changes,
    cell_text,
    typed_cell,
    validate_changes,
    validate_dataset,
    validate_tables,
)
from corridor.schema import TABLES


@cache
def shipped() -> Tables:
    report, tables = validate_dataset()
    assert report.ok
    return tables


GARBAGE: list[Any] = [
    None,
    "",
    "   ",
    "nope",
    " padded ",
    "XX",
    -1,
    -0.5,
    0,
    0.5,
    1e9,
    float("inf"),
    float("nan"),
    1899,
    2101,
    2027,
    2027.5,
    "2027",
    "true",
    "maybe",
    ("crude_oil",),
    ("nope",),
    ("crude_oil", "natural_gas"),
    "n.d.",
    "2024-13",
    "ftp://example.org/x",
    "https://example.org/x",
]


def column_values(table: str, column: str) -> st.SearchStrategy[Any]:
    """Values a cell of ``column`` may be set to: its own table's, a referenced key, garbage."""
    col = TABLES[table].column(column)
    found = shipped()[table][column].tolist()
    if col.references:
        target, key = col.references.split(".")
        found += shipped()[target][key].tolist()
    return st.sampled_from(found[:60] + GARBAGE)


@dataclass
class Edit:
    """Rows removed, cells set and rows added, as validate_changes is told of them."""

    tables: Tables
    written: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    added: dict[str, set[int]] = field(default_factory=dict)
    removed: dict[str, pd.DataFrame] = field(default_factory=dict)

    def remove(self, table: str, position: int) -> None:
        frame = self.tables[table]
        self.removed[table] = pd.concat(
            [self.removed.get(table, frame.iloc[:0]), frame.iloc[[position]]]
        )
        self.tables[table] = frame.drop(index=position).reset_index(drop=True)

    def set(self, table: str, position: int, column: str, value: Any) -> None:
        frame = self.tables[table].copy()
        frame.at[position, column] = typed_cell(TABLES[table].column(column), value)
        self.tables[table] = frame
        self.written.setdefault(table, {}).setdefault(position, {})[column] = value

    def add(self, table: str, like: int, values: dict[str, Any]) -> None:
        frame = self.tables[table]
        spec = TABLES[table]
        row = {c: frame[c].iat[like] for c in spec.column_names} | values
        index = pd.RangeIndex(len(frame), len(frame) + 1)
        new = pd.DataFrame(
            {
                c: pd.Series([typed_cell(spec.column(c), v)], index=index, dtype=frame[c].dtype)
                for c, v in row.items()
            }
        )
        self.tables[table] = pd.concat([frame, new])
        self.written.setdefault(table, {})[len(frame)] = row
        self.added.setdefault(table, set()).add(len(frame))

    def text(self) -> dict[str, pd.DataFrame]:
        """The edited tables as the dataset's files would hold them."""
        out = {}
        for name, frame in self.tables.items():
            text = frame.astype(object).map(cell_text)
            for position, cells in self.written.get(name, {}).items():
                for column, value in cells.items():
                    text.at[position, column] = cell_text(value)
            out[name] = text
        return out


@st.composite
def edits(draw: st.DrawFn) -> Edit:
    edit = Edit({name: frame.copy() for name, frame in shipped().items()})
    names = st.sampled_from([n for n in TABLES if len(shipped()[n])])
    for _ in range(draw(st.integers(0, 1))):
        name = draw(names)
        edit.remove(name, draw(st.integers(0, len(edit.tables[name]) - 1)))
    for _ in range(draw(st.integers(0, 3))):
        name = draw(names)
        column = draw(st.sampled_from(TABLES[name].column_names))
        position = draw(st.integers(0, len(edit.tables[name]) - 1))
        edit.set(name, position, column, draw(column_values(name, column)))
    for _ in range(draw(st.integers(0, 2))):
        name = draw(names)
        spec = TABLES[name]
        values: dict[str, Any] = {}
        if spec.id_column and draw(st.booleans()):  # else a duplicate id
            values[spec.id_column] = f"X_NEW_{len(edit.tables[name])}"
        for column in draw(st.lists(st.sampled_from(spec.column_names), max_size=3)):
            values[column] = draw(column_values(name, column))
        edit.add(name, draw(st.integers(0, len(edit.tables[name]) - 1)), values)
    return edit


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == ERROR]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edit=edits())
def test_checking_an_edit_finds_the_errors_a_full_validation_finds(edit: Edit) -> None:
    parsed, full = validate_tables(edit.text())
    changes = Changes(edit.written, {n: frozenset(p) for n, p in edit.added.items()}, edit.removed)
    assert errors(validate_changes(edit.tables, changes)) == errors(full)
    for name, frame in parsed.items():  # the written cells are typed as their text parses
        pdt.assert_frame_equal(edit.tables[name], frame, check_index_type=False)


def test_an_edit_of_nothing_finds_nothing() -> None:
    assert validate_changes(shipped(), Changes({})) == []


def test_every_row_checks_tables_not_known_to_be_valid() -> None:
    tables = {name: frame.copy() for name, frame in shipped().items()}
    links = tables["links"]
    links.at[0, "from_node"] = "N_NOWHERE"  # broken before the edit, which does not touch it
    found = validate_changes(tables, Changes({}), every_row=True)
    assert [i.code for i in errors(found)] == ["unknown-node"]
    assert validate_changes(tables, Changes({})) == []  # taken as valid: only the edit is checked
