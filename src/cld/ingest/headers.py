"""Match a file's header row to the specification's data items."""

from __future__ import annotations

from dataclasses import dataclass, field

from cld.ingest.errors import UnreadableFile, column_letter
from cld.issues import Notice
from cld.spec import Spec, header_key


@dataclass
class HeaderMap:
    """Which file column holds which data item."""

    headers: list[str]  # as in the file
    item_of_column: list[str | None]  # item id per file column (None: not in the spec)
    issues: list[Notice] = field(default_factory=list)  # severity: the rule's, in validation

    @property
    def present(self) -> set[str]:
        return {i for i in self.item_of_column if i is not None}

    def storage_names(self) -> list[str]:
        """Column names in the loaded table: the item id, or x<n> for unknown columns."""
        return [i if i is not None else f"x{n}" for n, i in enumerate(self.item_of_column)]


def map_headers(headers: list[str], spec: Spec, file: str, header_row: int = 1) -> HeaderMap:
    """Map a header row (spreadsheet row `header_row`) to item ids; header issues there."""
    index = spec.header_index()
    names = {h: i.name for i in spec.items for h in [i.name]}
    by_id = {i.id: i for i in spec.items}
    item_of_column: list[str | None] = []
    issues: list[Notice] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(headers):
        text = " ".join(raw.strip().lstrip("\ufeff").split())  # a header may wrap lines
        if not text:
            item_of_column.append(None)
            issues.append(Notice("CLD102", f"Column {column_letter(n)} has no header; "
                                "it is ignored.", row=header_row, column=None, value=""))
            continue
        item_id = index.get(header_key(text))
        if item_id is None:
            item_of_column.append(None)
            issues.append(Notice("CLD102", f"Column {column_letter(n)} '{text}' is not "
                                "in the specification; it is ignored.", row=header_row, value=text))
            continue
        if item_id in seen:
            first = seen[item_id]
            raise UnreadableFile(
                file,
                f"columns {column_letter(first)} '{headers[first].strip()}' and "
                f"{column_letter(n)} '{text}' are both '{by_id[item_id].name}'; "
                "keep one of them",
                row=header_row,
                column=column_letter(n),
            )
        seen[item_id] = n
        item_of_column.append(item_id)
        if text not in names:
            issues.append(Notice("CLD103", f"Column {column_letter(n)} header '{text}' "
                                f"was read as '{by_id[item_id].name}'.", row=header_row,
                                column=by_id[item_id].name, value=text))
    for item in spec.items:
        if item.id in seen:
            continue
        if item.requirement == "mandatory":
            issues.append(Notice("CLD101", f"Mandatory column '{item.name}' is missing; "
                                "the rules that need it were skipped.", row=header_row,
                                column=item.name))
        else:
            issues.append(Notice("CLD104", f"Voluntary column '{item.name}' is "
                                "missing; add it (it may be blank).", row=header_row,
                                column=item.name))
    return HeaderMap(headers=headers, item_of_column=item_of_column, issues=issues)
