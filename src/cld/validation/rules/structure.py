"""Structural rules: raised while the file is read (see cld.ingest.headers)."""

from cld.validation.registry import declare

declare("CLD101", "Mandatory column missing", "fatal",
        "Add the column with the template header (it may be blank where the item does not "
        "apply). Download a blank template with `cld template`.",
        "Template: column headers", "structure", "any mandatory item")
declare("CLD102", "Column not in the specification", "warning",
        "Remove the column, or rename it to the template header if it holds a CLD item.",
        "Template: column headers", "structure", "any")
declare("CLD103", "Header read under another spelling", "warning",
        "Use the template header exactly, so every reader of the file agrees.",
        "Template: column headers", "structure", "any")
declare("CLD104", "Voluntary column missing", "warning",
        "Add the column with the template header; leave it blank if you do not collect it.",
        "Template: column headers", "structure", "any voluntary item")
declare("CLD105", "Submission Information block differs from a column", "error",
        "The block above the table describes the whole file: correct the block, or the "
        "column values that differ from it (or remove the column).",
        "Template: Submission Information", "structure",
        "LA Code, LA Name, Reporting Year, Reporting Period Start Date, "
        "Reporting Period End Date")
