"""Readers: CSV (UTF-8, UTF-8 with BOM, Windows-1252, UTF-16) and XLSX, into one table shape."""

from cld.ingest.errors import UnreadableFile, column_letter
from cld.ingest.headers import HeaderMap, map_headers
from cld.ingest.reader import Loaded, load_submission

__all__ = ["HeaderMap", "Loaded", "UnreadableFile", "column_letter", "load_submission",
           "map_headers"]
