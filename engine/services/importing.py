"""Importing historical dossiers and their events from a CSV file, all or nothing.

One row per event, in time order per dossier; a ``receive`` row creates the dossier (with its project
columns), later rows fire events (the ``officer`` column names whom a ``reassign`` hands the dossier
to). The file may be UTF-8 (with or without BOM) or UTF-16 with a BOM (Excel's "Unicode text"),
comma-, semicolon- or tab-separated. Anything else, and every refused row, is a BadInput naming the
file and the line; nothing is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..domain.caller import Via
from ..domain.commands import IMPORT_COLUMNS, IMPORT_REQUIRED, ImportRow, Receive
from ..domain.errors import BadInput, ThamdinhError
from ..io.text_files import decode, delimiter, read_bytes
from ..store.database import Database
from .dossiers import DossierWrites

IMPORT = Via("import")


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str | None]]]:
    """(line, cells by column) for each row of the file; raises BadInput."""
    raw = read_bytes(path)
    text = decode(path, raw)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter(text), strict=True)
    try:
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        missing = [c for c in IMPORT_REQUIRED if c not in header]
        if missing:
            raise BadInput(f"{path}: thiếu cột {', '.join(missing)}.",
                           hint="Các cột: " + ", ".join(IMPORT_COLUMNS) + ".")
        for row in reader:
            if None in row:
                raise BadInput(f"{path}, dòng {reader.line_num}: nhiều ô hơn số cột của dòng tiêu đề.",
                               hint="Kiểm tra dấu phân cách và dấu ngoặc kép của dòng này.")
            yield reader.line_num, row
    except csv.Error as exc:
        why = ("một ô quá dài (vượt giới hạn của tệp CSV)" if "field larger" in str(exc)
               else "dấu ngoặc kép không được đóng" if "end of data" in str(exc) or "EOF" in str(exc)
               else f"tệp CSV không hợp lệ ({exc})")
        raise BadInput(f"{path}, dòng {reader.line_num}: {why}.",
                       hint="Sửa dòng đó rồi nhập lại; không có dòng nào được nhập.") from None


@dataclass
class Importer:
    database: Database
    writes: DossierWrites
    assigns_officer: Callable[[str], bool]

    def import_csv(self, path: Path) -> dict[str, int]:
        """Import the file in one unit of work; returns the counts of dossiers and events."""
        counts = {"dossiers": 0, "events": 0}
        with self.database.unit_of_work() as uow:
            for line, cells in read_rows(path):
                try:
                    row = ImportRow.from_cells(line, cells, self.assigns_officer)
                    if isinstance(row.command, Receive):
                        self.writes.receive_in(uow, row.command, IMPORT)
                        counts["dossiers"] += 1
                    else:
                        self.writes.fire_in(uow, row.command, IMPORT)
                        counts["events"] += 1
                except ThamdinhError as exc:
                    exc.message = f"{path}, dòng {line}: {exc.message}"
                    exc.hint = ((exc.hint or "") + " Không có dòng nào được nhập.").strip()
                    raise
            uow.commit()
        return counts
