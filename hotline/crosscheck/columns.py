"""Roll cells a column at a time, as Apache Arrow arrays.

A roll of a million rows must not cost a Python step per cell: text is cleaned with Arrow's
compute kernels, ID numbers are checked with numpy over the column's bytes, and values that
repeat (amounts, dates, programmes, names) are converted once per distinct value through a
cache. Only cells that fail the fast path (a mistyped ID, a 15-digit number, an unreadable
amount) go through the row-at-a-time parsers in `values`, so every message stays theirs.

Every column here is a `pa.StringArray` without nulls on input ("" is a blank cell); outputs use
null for "no value".
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from classifiers import idnumber
from hotline import controlchars
from hotline.crosscheck import values

STRING = pa.string()


def from_cells(cells: list) -> pa.StringArray:
    """A column of spreadsheet cells (text, numbers, dates, None) as the text a CSV would hold."""
    return pa.array([v if type(v) is str else values.text(v) for v in cells], type=STRING)


def blank(n: int) -> pa.StringArray:
    return pa.array([""] * n, type=STRING) if n else pa.array([], type=STRING)


def clean(column: pa.Array) -> pa.Array:
    """Control characters dropped, surrounding whitespace stripped (`values.clean_str`)."""
    if pc.any(pc.match_substring_regex(column, controlchars.PATTERN)).as_py():
        column = pc.replace_substring_regex(column, controlchars.PATTERN, "")
    return pc.utf8_trim_whitespace(column)


def is_empty(column: pa.Array) -> np.ndarray:
    return pc.fill_null(pc.equal(column, ""), True).to_numpy(zero_copy_only=False)


def or_null(column: pa.Array) -> pa.Array:
    """Empty strings become null."""
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, STRING), column)


def cut(column: pa.Array, limit: int) -> pa.Array:
    return pc.utf8_slice_codeunits(column, 0, limit)


def patch(column: pa.Array, rows: np.ndarray, replacements: list) -> pa.Array:
    """`column` with the values at `rows` (ascending indexes) replaced."""
    if not len(rows):
        return column
    mask = np.zeros(len(column), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(column, pa.array(mask), pa.array(replacements, type=column.type))


def nulls(n: int) -> pa.Array:
    return pa.nulls(n, type=STRING)


class Cached:
    """Converts a column through a per-value cache: one call per distinct value, ever.

    `convert` returns a tuple of `outputs` texts (or None); a ValueError becomes a problem whose
    reason is the error's message. Null cells stay null in every output.
    """

    def __init__(self, convert: Callable[[str], tuple], outputs: int = 1, limit: int = 200_000):
        self.convert, self.outputs, self.limit = convert, outputs, limit
        self.cache: dict[str, tuple[tuple, str | None]] = {}

    def __call__(self, column: pa.Array) -> tuple[list[pa.Array], np.ndarray, list[str]]:
        """(converted columns, indexes of bad cells, their reasons)."""
        encoded = column.dictionary_encode()
        cache = self.cache
        if len(cache) > self.limit:
            cache.clear()
        results = []
        for value in encoded.dictionary.to_pylist():
            found = cache.get(value)
            if found is None:
                try:
                    found = (self.convert(value), None)
                except ValueError as exc:
                    found = ((None,) * self.outputs, str(exc))
                cache[value] = found
            results.append(found)
        indices = encoded.indices
        converted = [pa.array([r[0][k] for r in results], type=STRING).take(indices) for k in range(self.outputs)]
        bad = np.array([r[1] is not None for r in results], dtype=bool)
        if not bad.any():
            return converted, np.empty(0, dtype=np.int64), []
        codes = pc.fill_null(indices, 0).to_numpy(zero_copy_only=False)
        rows = np.flatnonzero(bad[codes] & indices.is_valid().to_numpy(zero_copy_only=False))
        return converted, rows, [results[codes[i]][1] for i in rows]


# --- ID numbers -------------------------------------------------------------------------------
_WEIGHTS = np.array(idnumber.WEIGHTS, dtype=np.int64)
_CHECK = np.frombuffer(idnumber.CHECK_CHARS.encode("ascii"), dtype=np.uint8)
_MONTH_DAYS = np.array((0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31))
_PROVINCES = np.zeros(100, dtype=bool)
for _code in idnumber.PROVINCES:
    _PROVINCES[int(_code)] = True


def _fixed_width(column: pa.Array, width: int) -> np.ndarray:
    """The bytes of a string column whose every value is `width` bytes long, as an (n, width) grid."""
    n = len(column)
    if n == 0:
        return np.zeros((0, width), dtype=np.uint8)
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[column.offset:column.offset + n + 1]
    data = np.frombuffer(column.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    return data.reshape(n, width)


def _from_grid(grid: np.ndarray) -> pa.StringArray:
    n, width = grid.shape
    offsets = np.arange(0, n * width + 1, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(grid)))


def _valid_rows(grid: np.ndarray) -> np.ndarray:
    """Which 18-byte values are valid GB 11643 numbers (digits, province, birth date, MOD 11-2)."""
    d = grid.astype(np.int64) - 48
    ok = ((d[:, :17] >= 0) & (d[:, :17] <= 9)).all(axis=1) & (d[:, 0] > 0)
    ok &= ((d[:, 17] >= 0) & (d[:, 17] <= 9)) | (grid[:, 17] == 88)
    d = np.where(ok[:, None], d, 0)
    ok &= _PROVINCES[d[:, 0] * 10 + d[:, 1]]
    year = d[:, 6] * 1000 + d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9]
    month = d[:, 10] * 10 + d[:, 11]
    day = d[:, 12] * 10 + d[:, 13]
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = _MONTH_DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap)
    ymd = year * 10000 + month * 100 + day
    today = values.BIRTHS_UNTIL
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)
    ok &= (ymd >= 19000101) & (ymd <= today.year * 10000 + today.month * 100 + today.day)
    ok &= _CHECK[(d[:, :17] @ _WEIGHTS) % 11] == grid[:, 17]
    return ok


class IdColumn:
    """The result of checking a column of ID numbers (all arrays as long as the column)."""

    def __init__(self, numbers: pa.Array, cleaned: pa.Array, errors: pa.Array, born: pa.Array,
                 error_rows: np.ndarray, error_texts: list[str]):
        self.numbers, self.cleaned, self.errors, self.born = numbers, cleaned, errors, born
        self.error_rows, self.error_texts = error_rows, error_texts


def check_ids(column: pa.Array) -> IdColumn:
    """`values.check_id` over a column: 18 ASCII characters checked with numpy, the rest one by one."""
    n = len(column)
    raw = pc.utf8_ltrim(pc.utf8_trim_whitespace(column), characters="'")
    fast = (pc.binary_length(raw).to_numpy(zero_copy_only=False) == 18) & \
        pc.string_is_ascii(raw).to_numpy(zero_copy_only=False)
    fast_rows = np.flatnonzero(fast)
    grid = _fixed_width(raw.filter(pa.array(fast)), 18).copy()
    grid[:, 17][grid[:, 17] == 120] = 88  # a lowercase x as check character
    ok = _valid_rows(grid)
    good = grid[ok]
    position = np.full(n, -1, dtype=np.int64)
    position[fast_rows[ok]] = np.arange(len(good))
    missing = position < 0
    take = pa.array(position, mask=missing)
    numbers = _from_grid(good).take(take)
    dates = np.empty((len(good), 10), dtype=np.uint8)  # 'YYYY-MM-DD' from the ID's digits
    dates[:, 0:4], dates[:, 5:7], dates[:, 8:10] = good[:, 6:10], good[:, 10:12], good[:, 12:14]
    dates[:, 4] = dates[:, 7] = 45
    born = _from_grid(dates).take(take)
    slow = np.flatnonzero(missing)
    if not len(slow):
        return IdColumn(numbers, numbers, nulls(n), born, slow, [])
    checked = [values.check_id(v) for v in raw.take(pa.array(slow)).to_pylist()]
    numbers = patch(numbers, slow, [c[0] for c in checked])
    cleaned = patch(numbers, slow, [c[1] or None for c in checked])
    errors = patch(nulls(n), slow, [c[2] for c in checked])
    born = patch(born, slow, [c[3].isoformat() if c[3] is not None else None for c in checked])
    error_rows = np.array([i for i, c in zip(slow, checked) if c[2] is not None], dtype=np.int64)
    return IdColumn(numbers, cleaned, errors, born, error_rows, [c[2] for c in checked if c[2] is not None])
