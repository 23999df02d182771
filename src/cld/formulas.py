"""Neutralising text cells against CSV / spreadsheet formula injection.

A spreadsheet program may treat a cell whose text begins with ``=``, ``+``, ``-`` or ``@``
(or with a tab or carriage return followed by one of those) as a formula, so a value typed
into a case-management system could run as a formula on an analyst's PC when the report is
opened. Every text cell that the CSV and XLSX reports, the trace feedback and the
consolidated dataset's CSV write goes through :func:`neutralise` (or its vectorised twins
:func:`neutralise_array`, :func:`neutralise_table`), which puts a leading apostrophe ``'`` in
front of such values, as OWASP recommends. A ground module: the store writes CSV too.

The rule is deliberately simple and consistent: *any* text starting with one of those six
characters is prefixed, including plain negative numbers (``-12.50`` becomes ``'-12.50``)
and values such as ``- none -``. Analysts see the apostrophe, which tells them the cell was
neutralised; the rest of the text is untouched. ``None`` stays ``None`` (an empty cell).

The JSON report is machine-readable data and is *not* neutralised; the HTML report is
HTML-escaped instead.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

#: Leading characters that make a spreadsheet cell a formula (OWASP "CSV injection").
DANGEROUS_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

_PATTERN = r"^([=+\-@\t\r])"


def neutralise(value: str | None) -> str | None:
    """Return `value` with a leading ``'`` if it starts with ``= + - @``, tab or CR."""
    if value is None:
        return None
    if value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def neutralise_array(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Vectorised :func:`neutralise` over an Arrow string array (nulls stay null)."""
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = pc.cast(values, pa.string())
    # A regex, not is_in over a Python-made array: building one imports pandas (seconds).
    flagged = pc.match_substring_regex(values, pattern=_PATTERN)
    if not pc.any(flagged).as_py():
        return values  # the usual case for most columns: nothing to do
    return pc.replace_substring_regex(values, pattern=_PATTERN, replacement="'\\1")


def neutralise_table(table: pa.Table) -> pa.Table:
    """Neutralise every string column of `table`; other columns are left as they are."""
    columns = []
    for column in table.columns:
        t = column.type
        if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
            column = neutralise_array(column)
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)
