"""Columns of the results tables built directly as the arrays pandas would make of them.

pandas infers a column's dtype from a list or an object array (text becomes ``TEXT``, floats
float64); these helpers build the same arrays without the inference, and leave anything else
to pandas.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.extensions import ExtensionArray
from pandas.api.types import infer_dtype
from pandas.arrays import ArrowStringArray

__all__ = ["TEXT", "as_stored", "frame", "listed", "strings", "text"]

TEXT = pd.StringDtype(na_value=np.nan)  # what pandas makes of a column of str (and NaN)
_NONE_AMONG_TEXT = pd.Series(["", None]).to_numpy()[1]  # what None becomes in such a column


def strings(values: Iterable[Any]) -> Any:
    """A column of ``TEXT`` from str values (None or NaN where missing), built by pyarrow."""
    chunk = pa.array(list(values), type=pa.large_string(), from_pandas=True)
    return ArrowStringArray(pa.chunked_array([chunk]), dtype=TEXT)


def listed(values: list[Any]) -> Any:
    """A list as the column pandas makes of it where that is text or floats, built directly;
    any other list (and an empty one) is left to pandas."""
    if values and all(isinstance(v, str) for v in values):
        return strings(values)
    if values and all(isinstance(v, float) for v in values):
        return np.array(values, dtype=float)
    return values


def as_stored(values: list[Any]) -> np.ndarray:
    """``values`` as a column of a table holds them, as objects: where they are text, None
    becomes what a text column has for it (as in ``lp.layers``)."""
    if not all(v is None or isinstance(v, str) for v in values):
        stored: np.ndarray = pd.Series(values).to_numpy()
        return stored
    out = np.empty(len(values), dtype=object)
    has_text = any(v is not None for v in values)
    out[:] = [_NONE_AMONG_TEXT if v is None and has_text else v for v in values]
    return out


def text(values: np.ndarray, rows: np.ndarray | slice = slice(None)) -> Any:
    """``values[rows]`` as a column of the dtype pandas gives a column of all ``values``: text
    where they hold text (and NaN), else objects (a table filtered after it is made keeps the
    dtypes it was made with)."""
    if infer_dtype(values, skipna=True) == "string":
        return strings(values[rows])
    return values[rows]


def frame(columns: dict[str, Any]) -> pd.DataFrame:
    """``pd.DataFrame(columns)`` (the same table: dtypes, index, a copy of every array) for
    columns given as arrays or lists of one length, without the dict constructor's overhead."""
    values = list(columns.values())
    from_arrays = getattr(pd.DataFrame, "_from_arrays", None)
    if from_arrays is None or not values or not all(_is_column(v) for v in values):
        return pd.DataFrame(columns)
    n = len(values[0])
    same = pd.RangeIndex(n)
    if any(len(v) != n or (isinstance(v, pd.Series) and not v.index.equals(same)) for v in values):
        return pd.DataFrame(columns)  # pandas aligns or says what is wrong
    arrays = [v.copy() if isinstance(v, np.ndarray | ExtensionArray) else v for v in values]
    names = _names(tuple(columns)).view()  # a view: a caller may rename it
    stored = all(_as_stored_in_block(v) for v in arrays)  # nothing for pandas to convert
    table: pd.DataFrame = from_arrays(
        arrays, columns=names, index=same, verify_integrity=not stored
    )
    return table


def _as_stored_in_block(value: object) -> bool:
    """Whether pandas keeps ``value`` as it is (numbers, booleans, an extension array)."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biuf"
    return isinstance(value, ExtensionArray) and not isinstance(
        value, pd.arrays.NumpyExtensionArray
    )


def _is_column(value: object) -> bool:
    return isinstance(value, np.ndarray | ExtensionArray | pd.Series | list) and np.ndim(value) == 1


@lru_cache(maxsize=64)
def _names(names: tuple[str, ...]) -> pd.Index:
    """The column labels of a table (pandas makes the same Index of the dict's keys)."""
    return pd.Index(list(names))
