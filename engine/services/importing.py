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
from ..store.database import Database
from .dossiers import DossierWrites

IMPORT = Via("import")
_SAVE_AS = "Lưu lại tệp dạng CSV UTF-8 (Excel: «CSV UTF-8 (Comma delimited)») rồi nhập lại."


def decode(path: Path, raw: bytes) -> str:
    """The text of an import file; raises BadInput naming the line of the first byte that is not UTF-8."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise BadInput(f"{path}: tệp UTF-16 bị hỏng.", hint=_SAVE_AS) from None
    if b"\x00" in raw[:4096]:
        raise BadInput(f"{path}: tệp có vẻ là UTF-16 không có BOM, hoặc không phải tệp văn bản.", hint=_SAVE_AS)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise BadInput(f"{path}, dòng {line}: byte 0x{raw[exc.start]:02x} không phải UTF-8 "
                       "(có thể tệp được lưu bằng bảng mã Windows-1258 hoặc TCVN3).", hint=_SAVE_AS) from None


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str | None]]]:
    """(line, cells by column) for each row of the file; raises BadInput."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"Không mở được tệp {path}: {exc.strerror}.") from None
    text = decode(path, raw)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
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
