"""Calendar files → the working-day calendar.

The shipped file (``workflows/calendars/vn.yaml``) and any province override (same ``id``,
``override: true``) give the weekend, the span of years, the swapped days off and make-up working
Saturdays; the statutory holidays come from the ``holidays`` package (Labour Code 2019 Art 112).

The package's holidays are computed once per span of years and package version and kept in a small
cache file (``THAMDINH_CACHE_DIR``, default ``~/.cache/thamdinh``), so a command does not import the
package and rebuild the lunar calendar at every start. No cache folder that can be written: computed
each time, nothing else changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..domain.calendar import WEEKDAYS, CalendarSpec, WorkingCalendar
from ..domain.errors import DefinitionError
from .checks import Ctx
from .yaml_files import read_mapping

log = logging.getLogger(__name__)
_KEYS = {"id", "version", "title", "timezone", "override", "source", "weekend", "years", "holidays_package",
         "extra_days_off",
         "make_up_working_days", "not_days_off"}


def load_calendar_spec(paths: list[Path]) -> CalendarSpec:
    """Read the shipped calendar file and any province override files (same id, override: true)."""
    base: dict[str, Any] | None = None
    dated: dict[str, dict[dt.date, str]] = {"extra_days_off": {}, "make_up_working_days": {}, "not_days_off": {}}
    for path in paths:
        data = read_mapping(path, "tệp lịch phải là một bảng YAML có khóa 'id'.")
        c = Ctx(str(path))
        c.only(data, _KEYS)
        if "id" not in data:
            raise DefinitionError(f"{path}: tệp lịch phải là một bảng YAML có khóa 'id'.")
        if base is None:
            base = dict(data)
        elif data["id"] != base["id"]:
            raise DefinitionError(
                f"{path}: id: lịch «{data['id']}» khác lịch đang dùng «{base['id']}».",
                hint=f"Tệp bổ sung của tỉnh phải có 'id: {base['id']}' và 'override: true'.")
        elif data.get("override") is not True:
            raise DefinitionError(f"{path}: id '{data['id']}' trùng lịch có sẵn; thêm 'override: true'.")
        else:
            base.update({k: data[k] for k in ("weekend", "years", "holidays_package") if k in data})
        for key, days in dated.items():
            days.update(_dated(c, data, key))
    if base is None:
        raise DefinitionError("Không tìm thấy tệp lịch làm việc nào.")
    return _spec(Ctx(str(paths[0])), base, dated)


def _spec(c: Ctx, base: dict[str, Any], dated: dict[str, dict[dt.date, str]]) -> CalendarSpec:
    weekend_raw = c.sequence(base.get("weekend", ["saturday", "sunday"]), "weekend")
    try:
        weekend = frozenset(WEEKDAYS[str(d).lower()] for d in weekend_raw)
    except KeyError as exc:
        raise c.fail("weekend", f"không hiểu ngày '{exc.args[0]}'.") from None
    years = c.mapping(base.get("years"), "years", empty=True)
    pkg = c.mapping(base.get("holidays_package"), "holidays_package", empty=True)
    first = c.positive(years.get("first", 2015), "years.first")
    last = c.positive(years.get("last", 2040), "years.last")
    if first > last:
        raise c.fail("years", f"'first' ({first}) lớn hơn 'last' ({last}).")
    both = set(dated["extra_days_off"]) & set(dated["make_up_working_days"])
    if both:
        raise c.fail("make_up_working_days", f"ngày {min(both).isoformat()} vừa là ngày nghỉ vừa là ngày làm bù.")
    return CalendarSpec(
        id=str(base["id"]), weekend=weekend, first_year=first, last_year=last,
        country=str(pkg.get("country", "VN")), language=str(pkg.get("language", "vi")),
        extra_days_off=dated["extra_days_off"], make_up_working_days=dated["make_up_working_days"],
        not_days_off=frozenset(dated["not_days_off"]),
    )


def _dated(c: Ctx, data: dict[str, Any], key: str) -> dict[dt.date, str]:
    out: dict[dt.date, str] = {}
    for i, item in enumerate(c.sequence(data.get(key), key)):
        value = item.get("date") if isinstance(item, dict) else item
        out[c.day(value, f"{key}[{i}].date")] = str(item.get("name", "")) if isinstance(item, dict) else ""
    return out


# -- the statutory holidays, from the holidays package (cached) -------------------------------------
def cache_dir() -> Path:
    explicit = os.environ.get("THAMDINH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "thamdinh"


def _package_stamp() -> str:
    spec = importlib.util.find_spec("holidays")
    origin = Path(spec.origin) if spec and spec.origin else None
    if origin is None:
        return "missing"
    st = origin.stat()
    return f"{origin}:{st.st_mtime_ns}:{st.st_size}"


def public_holidays(spec: CalendarSpec, folder: Path | None = None) -> dict[dt.date, str]:
    """The package's holidays over the spec's years, read from the cache when it is current."""
    key = f"{spec.country}:{spec.language}:{spec.first_year}:{spec.last_year}:{_package_stamp()}"
    name = hashlib.sha256(key.encode()).hexdigest()[:20]
    path = (folder or cache_dir()) / f"holidays-{name}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return {dt.date.fromordinal(int(o)): n for o, n in stored.items()}
    except (OSError, ValueError):
        pass
    import holidays  # ~0.1 s, and the lunar calendar: once per span and package version

    package = holidays.country_holidays(spec.country, years=range(spec.first_year, spec.last_year + 1),
                                        language=spec.language)
    days = {day: str(n) for day, n in package.items()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({str(d.toordinal()): n for d, n in days.items()}, ensure_ascii=False),
                       encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.debug("holiday cache not written to %s: %s", path, exc)
    return days


def load_calendar(files: Iterable[Path], cache: Path | None = None) -> WorkingCalendar:
    spec = load_calendar_spec(list(files))
    return WorkingCalendar(spec, public_holidays(spec, cache))
