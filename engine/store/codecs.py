"""How values are stored, on each backend: the one place for the placeholder style and the
date/time formats, and for the JSON of counters and of a history row's events.

The project's SQL is written once, with ``?`` (positional) or ``:name`` (named) placeholders; on
PostgreSQL (psycopg) they become ``%s`` / ``%(name)s``. Timestamps are UTC: ``timestamptz`` on
PostgreSQL, on SQLite the text SQLAlchemy's DateTime type stores (``YYYY-MM-DD HH:MM:SS.ffffff``, no
offset); calendar days are ``date`` on PostgreSQL and ``YYYY-MM-DD`` text on SQLite.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from ..domain.events import EVENT_TYPES, DomainEvent

UTC = dt.UTC
#: a day and a time of day as one datetime (with ``tzinfo``): what ``replace(tzinfo=…)`` gives, at a
#: fifth of its cost (datetime.replace parses its keywords, ~1 µs a call, on every timestamp read or written)
_combine = dt.datetime.combine


def json_encoder(*, ensure_ascii: bool = True, sort_keys: bool = False,
                 separators: tuple[str, str] = (", ", ": ")) -> Callable[[Any], str]:
    """``json.JSONEncoder(…, check_circular=False).encode`` with its C encoder made once: ``encode``
    builds one (and a closure) on every call, through two Python frames (~1.5 µs a call)."""
    enc = json.JSONEncoder(ensure_ascii=ensure_ascii, sort_keys=sort_keys, separators=separators,
                           check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: the stdlib's own path
        return enc.encode
    chunks = make(None, enc.default, json.encoder.encode_basestring_ascii if ensure_ascii
                  else json.encoder.encode_basestring, None, enc.key_separator, enc.item_separator,
                  sort_keys, False, True)
    join = "".join

    def encode(o: Any) -> str:
        return join(chunks(o, 0))
    return encode


#: ``json.dumps(…, sort_keys=True)`` and ``json.dumps(…, ensure_ascii=False, sort_keys=True)`` without
#: building an encoder on every call (the counters and the events of every history row); what they encode
#: is built afresh for them, so never circular
_sorted_json = json_encoder(sort_keys=True)
_events_json = json_encoder(ensure_ascii=False, sort_keys=True)
_TOKENS = re.compile(r"'(?:[^']|'')*'|\?|(?<!:):([A-Za-z_][A-Za-z0-9_]*)|%")


@lru_cache(maxsize=512)
def _pyformat(sql: str) -> str:
    def sub(m: re.Match[str]) -> str:
        token = m.group(0)
        if token.startswith("'"):
            return token.replace("%", "%%")
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return f"%({m.group(1)})s"
    return _TOKENS.sub(sub, sql)


class Codec:
    """Parameter style and value formats of one backend."""

    def __init__(self, sqlite: bool) -> None:
        self.sqlite = sqlite

    def sql(self, text: str) -> str:
        return text if self.sqlite else _pyformat(text)

    def ts(self, value: dt.datetime | None) -> Any:
        if value is None:
            return None
        value = value.astimezone(UTC)
        if not self.sqlite:
            return value
        return _combine(value.date(), value.time()).isoformat(" ", "microseconds")  # naive: no offset written

    @staticmethod
    def read_ts(value: Any) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        zone = value.tzinfo
        if zone is UTC:  # (PostgreSQL in a session whose time zone is UTC: verify's walk)
            return value
        return _combine(value.date(), value.time(), UTC) if zone is None else value.astimezone(UTC)

    def day(self, value: dt.date | None) -> Any:
        return None if value is None else (day_text(value) if self.sqlite else value)

    def days_at(self, values: list[Any], positions: Iterable[int]) -> list[Any]:
        """``values`` with the days at ``positions`` encoded as ``day`` does, in place (a clock's five days on
        every fire: one call, not one per day)."""
        if self.sqlite:
            for i in positions:
                value = values[i]
                if value is not None:
                    values[i] = day_text(value)
        return values

    @staticmethod
    def read_day(value: Any) -> dt.date | None:
        kind = type(value)
        if kind is str:  # SQLite
            return dt.date.fromisoformat(value[:10])
        if kind is dt.date or value is None:  # PostgreSQL
            return value
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        return dt.date.fromisoformat(str(value)[:10])

    @staticmethod
    def counters(value: Mapping[str, int] | None) -> str:
        return _sorted_json(dict(value)) if value else "{}"

    @staticmethod
    def read_counters(value: str | None) -> dict[str, int]:
        if not value or value == "{}":
            return {}
        return dict(_counters(value))


@lru_cache(maxsize=1024)
def _counters(text: str) -> tuple[tuple[str, int], ...]:
    """A counters column's items, decoded once per distinct text (a few: an event's count of uses, on
    every fire's read of the dossier)."""
    return tuple((str(k), int(v)) for k, v in json.loads(text).items())


@lru_cache(maxsize=4096)
def _day_text(day: dt.date) -> str:
    return day.isoformat()


def day_text(value: dt.date) -> str:
    """``value.isoformat()``; a day's text is kept (``date.isoformat`` formats through sprintf, and a
    fire writes the same few days several times: a clock's start, due and pause days, its events')."""
    return _day_text(value) if type(value) is dt.date else value.isoformat()  # (an aware datetime: never kept)


_FIELDS: dict[str, tuple[str, ...]] = {kind: tuple(f.name for f in dataclasses.fields(cls))
                                        for kind, cls in EVENT_TYPES.items()}


def event_dict(e: DomainEvent) -> dict[str, Any]:
    """An event as plain data: ``{"type": "clock_started", "stage": …}`` (dates as ISO text)."""
    out: dict[str, Any] = {"type": e.kind}
    for name in _FIELDS[e.kind]:
        value = getattr(e, name)
        out[name] = day_text(value) if isinstance(value, dt.date) else value
    return out


_string = json.encoder.encode_basestring  # (ensure_ascii=False: the C encoder's own string function)
#: per kind, its keys in sorted order as JSON text (``"due_date": ``), each with its field's name (None: the type)
_KEYS: dict[str, tuple[tuple[str, str | None], ...]] = {
    kind: tuple((f'"{key}": ' + (_string(kind) if key == "type" else ""), None if key == "type" else key)
                for key in sorted(("type", *names))) for kind, names in _FIELDS.items()}


def _event_json(e: DomainEvent) -> str | None:
    """``e``'s JSON as ``events_json`` writes it (sorted keys, ``", "`` and ``": "``), for the values events
    hold (text, integers, None, days); None for any other value, which the JSON encoder then writes."""
    parts = []
    for key, name in _KEYS[e.kind]:
        if name is None:
            parts.append(key)
            continue
        value = getattr(e, name)
        kind = type(value)
        if kind is str:
            parts.append(key + _string(value))
        elif kind is int:
            parts.append(key + int.__repr__(value))
        elif value is None:
            parts.append(key + "null")
        elif kind is dt.date:
            parts.append(f'{key}"{_day_text(value)}"')
        else:
            return None
    return "{" + ", ".join(parts) + "}"


def events_json(events: Iterable[DomainEvent]) -> str | None:
    """A history row's events as JSON, by the JSON encoder (the definition ``encode_events`` keeps to)."""
    out = [event_dict(e) for e in events]
    return _events_json(out) if out else None


def encode_events(events: Iterable[DomainEvent]) -> str | None:
    """A history row's events as JSON (None if there are none): ``events_json``'s text, put together here
    (a third of its cost: every fire writes it; the tests keep the two equal)."""
    events = events if isinstance(events, tuple) else tuple(events)
    out = []
    for e in events:
        text = _event_json(e)
        if text is None:
            return events_json(events)
        out.append(text)
    return "[" + ", ".join(out) + "]" if out else None


def decode_events(text: str | None) -> tuple[DomainEvent, ...]:
    if not text:
        return ()
    out = []
    for item in json.loads(text):
        cls = EVENT_TYPES[item.pop("type")]
        kwargs = {}
        for f in dataclasses.fields(cls):
            value = item.get(f.name)
            kwargs[f.name] = dt.date.fromisoformat(value) if isinstance(value, str) and "date" in str(f.type) \
                else value
        out.append(cls(**kwargs))
    return tuple(out)
