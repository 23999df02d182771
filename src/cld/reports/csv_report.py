"""CSV report: every issue, one per line, header = ISSUE_COLUMNS.

UTF-8 with a byte-order mark (so Excel detects the encoding), LF line ends, fields quoted
where needed (all text fields are quoted). Every text cell is neutralised against formula
injection by :func:`cld.reports.safe.neutralise_array` (leading ``'`` on values starting
with ``= + - @``, tab or CR, negative numbers included). Written with Arrow's vectorised
CSV writer, batch by batch: a million issues take well under a few seconds.
"""

from __future__ import annotations

import io
import os
from typing import IO

import pyarrow as pa
import pyarrow.csv as pacsv

from cld.reports._common import PathLike, ensure_parent, issues_table
from cld.reports.safe import neutralise_table
from cld.validation.result import ValidationResult

BOM = "\ufeff".encode()
_BATCH = 64_000


def _write(result: ValidationResult, out: IO[bytes]) -> None:
    table = issues_table(result)
    out.write(BOM)
    options = pacsv.WriteOptions(include_header=True, batch_size=_BATCH)
    with pacsv.CSVWriter(out, table.schema, write_options=options) as writer:
        for batch in table.to_batches(max_chunksize=_BATCH * 4):
            writer.write_table(neutralise_table(pa.Table.from_batches([batch])))


def write_csv(result: ValidationResult, path: PathLike | IO[bytes]) -> None:
    """Write every issue to `path` (or an open binary stream, left open) as CSV."""
    if isinstance(path, (str, os.PathLike)):
        ensure_parent(path)
        with open(path, "wb") as fh:
            _write(result, fh)
    else:
        if isinstance(path, io.TextIOBase):
            raise TypeError("write_csv needs a binary stream (open the file with 'wb')")
        _write(result, path)
