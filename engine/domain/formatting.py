"""How numbers and dates are written for people: Vietnamese style (Decree 30/2020/NĐ-CP).

Dates dd/mm/yyyy; a decimal comma and a thousands dot (89,5%; 1.234). One place for every channel:
the Jinja2 filters of e-mails, reports and pages call these, and so does the command line.
"""

from __future__ import annotations

import datetime as dt

DASH = "—"


def vn_date(day: dt.date | str | None) -> str:
    """dd/mm/yyyy, as Vietnamese documents write dates (a dash when there is none)."""
    if day is None or day == "":
        return DASH
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return day.strftime("%d/%m/%Y")


def vn_datetime(value: dt.datetime | None) -> str:
    """HH:MM dd/mm/yyyy in the value's own time zone."""
    return DASH if value is None else value.strftime("%H:%M %d/%m/%Y")


def vn_number(value: float | int | None, decimals: int = 0) -> str:
    """1.234 or 1.234,5: thousands dot, decimal comma."""
    if value is None:
        return DASH
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(share: float | None, decimals: int = 1) -> str:
    """A share (0–1) as a percentage: 0.895 → 89,5%."""
    return DASH if share is None else vn_number(share * 100, decimals) + "%"
