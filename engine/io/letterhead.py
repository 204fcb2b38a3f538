"""The letterhead file (``workflows/documents/letterhead.yaml``, and a province's
``documents/letterhead.yaml`` in THAMDINH_RULES_PATH with ``override: true``, merged key by key)
→ ``Letterhead``: the form Decree 30/2020/NĐ-CP gives the department's documents.

```yaml
governing_body: UBND TỈNH ĐỒNG NAI
department: SỞ XÂY DỰNG
place: Đồng Nai
motto: {nation: CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM, slogan: Độc lập - Tự do - Hạnh phúc}
documents:
  monthly: {type: BÁO CÁO, symbol: BC-SXD, recipients: [UBND tỉnh (để báo cáo), "Lưu: VT, VP"],
            signer: {authority: KT. GIÁM ĐỐC, title: PHÓ GIÁM ĐỐC, name: Nguyễn Văn A}}
```
The settings THAMDINH_DEPARTMENT_NAME and THAMDINH_PROVINCE_NAME, when set, name the department and
the governing body over both files (``with_names``); the province's name then also gives the place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..domain.errors import DefinitionError
from .checks import Ctx
from .resources import workflows_dir
from .settings import Settings
from .yaml_files import read_mapping

FOLDER, NAME = "documents", "letterhead.yaml"
_KEYS = {"id", "version", "source", "override", "governing_body", "department", "place", "motto", "documents"}
_KIND_KEYS = {"type", "symbol", "recipients", "signer"}
_SIGNER_KEYS = {"authority", "title", "name"}
#: how a governing body's line may start (the People's Committee of the province)
_COMMITTEE = ("UBND ", "ỦY BAN NHÂN DÂN ", "UỶ BAN NHÂN DÂN ")
_PROVINCE = ("TỈNH ", "THÀNH PHỐ ")
_BLANK = "\u00a0" * 4  # room to write a day, a month or a year in by hand


@dataclass(frozen=True)
class Signer:
    authority: str  # "KT. GIÁM ĐỐC", "TM. HỘI ĐỒNG…"; empty when the head signs in their own name
    title: str
    name: str | None  # None: a blank line to sign and write the name on


@dataclass(frozen=True)
class DocumentKind:
    """How one kind of document (the monthly report, the evaluation) is numbered, sent and signed."""

    kind: str
    type_name: str
    symbol: str
    recipients: tuple[str, ...]
    signer: Signer


@dataclass(frozen=True)
class Letterhead:
    governing_body: str
    department: str
    place: str
    nation: str
    slogan: str
    documents: Mapping[str, DocumentKind]
    source: str
    where: str

    def document(self, kind: str) -> DocumentKind:
        """The form of one kind of document; raises DefinitionError if the file has none."""
        if kind not in self.documents:
            raise DefinitionError(f"{self.where}: documents.{kind}: thiếu thể thức cho loại văn bản này.",
                                  hint=f"Các loại đã khai báo: {', '.join(sorted(self.documents))}.")
        return self.documents[kind]

    def place_date(self, day: dt.date | None) -> str:
        """"Đồng Nai, ngày 05 tháng 02 năm 2025" (Decree 30/2020, Annex I: a day below 10 and the months 1
        and 2 take a leading zero); without a day, blanks to write the signing date in."""
        if day is None:
            return f"{self.place}, ngày{_BLANK} tháng{_BLANK} năm{_BLANK}"
        month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
        return f"{self.place}, ngày {day.day:02d} tháng {month} năm {day.year}"

    def with_names(self, department: str | None = None, province: str | None = None) -> Letterhead:
        """The letterhead with the department and the governing body named otherwise (the settings);
        ``province`` is the province ("TỈNH BÌNH DƯƠNG") or its committee ("UBND TỈNH BÌNH DƯƠNG"), and
        gives the place ("Bình Dương") too. A name equal to the file's changes nothing."""
        out = self
        if department and department.strip() and department.strip() != self.department:
            out = replace(out, department=department.strip())
        if province and province.strip():
            body = governing_body_of(province)
            if body != self.governing_body:
                out = replace(out, governing_body=body, place=place_of(body))
        return out


def governing_body_of(province: str) -> str:
    """The line above the department: the province's People's Committee ("TỈNH X" → "UBND TỈNH X")."""
    name = " ".join(province.split())
    return name if name.upper().startswith(_COMMITTEE) else f"UBND {name}"


def place_of(governing_body: str) -> str:
    """The place of a document issued in the province: its name ("UBND TỈNH ĐỒNG NAI" → "Đồng Nai")."""
    name = " ".join(governing_body.split())
    for prefix in (*_COMMITTEE, *_PROVINCE):
        if name.upper().startswith(prefix):
            name = name[len(prefix):]
    return name.title() if name.isupper() else name


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` merged into ``base`` key by key (mappings recursively; anything else replaced)."""
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        out[key] = _merge(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return out


def _signer(c: Ctx, key: str, raw: Any) -> Signer:
    spec = c.mapping(raw, key)
    c.only(spec, _SIGNER_KEYS, key)
    authority, name = spec.get("authority") or "", spec.get("name")
    if not isinstance(authority, str):
        raise c.fail(f"{key}.authority", "cần một chuỗi (để trống khi thủ trưởng ký).")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise c.fail(f"{key}.name", "cần họ tên người ký, hoặc null để ký và ghi rõ họ tên bằng tay.")
    return Signer(authority.strip(), c.text(spec.get("title"), f"{key}.title").strip(),
                  name.strip() if name else None)


def _kind(c: Ctx, kind: str, raw: Any) -> DocumentKind:
    key = f"documents.{kind}"
    spec = c.mapping(raw, key)
    c.only(spec, _KIND_KEYS, key)
    recipients = c.sequence(spec.get("recipients"), f"{key}.recipients", empty=False)
    for i, r in enumerate(recipients):
        if not isinstance(r, str) or not r.strip():
            raise c.fail(f"{key}.recipients[{i}]", "mỗi nơi nhận là một chuỗi không rỗng.")
    symbol = c.text(spec.get("symbol"), f"{key}.symbol").strip()
    if any(ch.isspace() for ch in symbol) or symbol.startswith("/"):
        raise c.fail(f"{key}.symbol", f"«{symbol}» không phải ký hiệu văn bản (ví dụ: BC-SXD).")
    return DocumentKind(kind, c.text(spec.get("type"), f"{key}.type").strip(), symbol,
                        tuple(r.strip().rstrip(";.") for r in recipients),
                        _signer(c, f"{key}.signer", spec.get("signer")))


def _read(paths: Iterable[Path]) -> tuple[dict[str, Any], list[str]]:
    merged: dict[str, Any] = {}
    where: list[str] = []
    for path in paths:
        data = read_mapping(path, "tệp thể thức văn bản phải là một bảng YAML (governing_body, department…).")
        c = Ctx(str(path))
        c.only(data, _KEYS)
        if where and data.get("override") is not True:
            raise c.fail("override", "tệp thể thức văn bản của tỉnh phải có 'override: true'.")
        for key in ("motto", "documents"):
            c.mapping(data.get(key), key, empty=True)
        merged = _merge(merged, {k: v for k, v in data.items() if k not in ("id", "version", "override")})
        where.append(str(path))
    if not where:
        raise DefinitionError(f"Không tìm thấy tệp thể thức văn bản ({FOLDER}/{NAME}).")
    return merged, where


def load_letterhead(paths: Iterable[Path]) -> Letterhead:
    """The shipped letterhead file, then each province's override merged key by key; raises
    DefinitionError naming the file(s) and the key."""
    data, where = _read(paths)
    c = Ctx(" + ".join(where))
    for key in ("source", "governing_body", "department", "place"):
        c.text(data.get(key), key)
    motto = c.mapping(data.get("motto"), "motto")
    c.only(motto, {"nation", "slogan"}, "motto")
    kinds = {str(k): _kind(c, str(k), v) for k, v in c.mapping(data.get("documents"), "documents").items()}
    return Letterhead(" ".join(data["governing_body"].split()), " ".join(data["department"].split()),
                      data["place"].strip(), c.text(motto.get("nation"), "motto.nation").strip(),
                      c.text(motto.get("slogan"), "motto.slogan").strip(), kinds,
                      " ".join(data["source"].split()), c.where)


def with_settings(letterhead: Letterhead, settings: Settings) -> Letterhead:
    """``letterhead`` with THAMDINH_DEPARTMENT_NAME and THAMDINH_PROVINCE_NAME over it when they are set
    (a value equal to the settings' built-in default is not set: the files decide)."""
    default = Settings()
    return letterhead.with_names(
        settings.department_name if settings.department_name != default.department_name else None,
        settings.province_name if settings.province_name != default.province_name else None)


def letterhead_files(folders: Iterable[Path]) -> list[Path]:
    """The letterhead files in ``folders`` (each a ``documents`` folder), in order."""
    return [folder / NAME for folder in folders if (folder / NAME).is_file()]


@lru_cache(maxsize=1)
def shipped_letterhead() -> Letterhead:
    """The shipped letterhead (no province override, no settings)."""
    return load_letterhead([workflows_dir() / FOLDER / NAME])


def check_letterhead_file(path: Path) -> str:
    """Validate one letterhead file (a province's override is checked merged over the shipped one);
    returns its id. Raises DefinitionError."""
    data = read_mapping(path, "tệp thể thức văn bản phải là một bảng YAML.")
    load_letterhead([workflows_dir() / FOLDER / NAME, path] if data.get("override") is True else [path])
    return str(data.get("id") or "letterhead")

