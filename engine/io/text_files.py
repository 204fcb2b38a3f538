"""The text of a CSV file as a department's machines save it: UTF-8 (with or without BOM) or UTF-16
with a BOM (Excel's "Unicode text"); anything else (Windows-1258, TCVN3, UTF-16 without a BOM) is a
BadInput naming the file and the line of the first byte that is not UTF-8. The separator is the one of
comma, semicolon and tab the header line holds most of. Shared by the dossier import and the capital
file."""

from __future__ import annotations

from pathlib import Path

from ..domain.errors import BadInput

SAVE_AS = "Lưu lại tệp dạng CSV UTF-8 (Excel: «CSV UTF-8 (Comma delimited)») rồi nhập lại."


def decode(path: Path, raw: bytes) -> str:
    """The text of an import file; raises BadInput naming the line of the first byte that is not UTF-8."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise BadInput(f"{path}: tệp UTF-16 bị hỏng.", hint=SAVE_AS) from None
    if b"\x00" in raw[:4096]:
        raise BadInput(f"{path}: tệp có vẻ là UTF-16 không có BOM, hoặc không phải tệp văn bản.", hint=SAVE_AS)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise BadInput(f"{path}, dòng {line}: byte 0x{raw[exc.start]:02x} không phải UTF-8 "
                       "(có thể tệp được lưu bằng bảng mã Windows-1258 hoặc TCVN3).", hint=SAVE_AS) from None


def delimiter(text: str) -> str:
    """The separator of the header line: comma, semicolon or tab, whichever it holds most of."""
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BadInput(f"Không mở được tệp {path}: {exc.strerror}.") from None
