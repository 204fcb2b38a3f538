"""A history row's events as JSON: the text ``encode_events`` puts together on the fire path is the JSON
encoder's (``events_json``: sorted keys, ``", "`` and ``": "``, non-ASCII kept) for every kind of event and
any value it may hold (text with quotes, line breaks, emoji or lone surrogates, None, days, big integers),
and a value of another type is left to the encoder."""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing

from hypothesis import given
from hypothesis import strategies as st

from engine.domain import events as ev
from engine.store.codecs import decode_events, encode_events, events_json

TEXT = st.text(max_size=30) | st.sampled_from(["appraisal", "cv.ngô", 'a "quoted" \\ back', "🏗\n\t建設", "\ud800"])
DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))


def _values(hint: object) -> st.SearchStrategy[object]:
    args = set(typing.get_args(hint)) or {hint}
    out: list[st.SearchStrategy[object]] = []
    if str in args:
        out.append(TEXT)
    if int in args:
        out.append(st.integers(min_value=-(2**80), max_value=2**80))
    if dt.date in args:
        out.append(DAYS)
    if type(None) in args:
        out.append(st.none())
    return st.one_of(out)


def _event(cls: type[ev.DomainEvent]) -> st.SearchStrategy[ev.DomainEvent]:
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{f.name: _values(hints[f.name]) for f in dataclasses.fields(cls)})


EVENTS = st.one_of([_event(cls) for cls in ev.EVENT_TYPES.values()])


@given(st.lists(EVENTS, max_size=4))
def test_the_fire_paths_json_of_events_is_the_json_encoders(events: list[ev.DomainEvent]) -> None:
    assert encode_events(events) == events_json(events)
    assert encode_events(tuple(events)) == events_json(events)


def test_the_events_of_a_fire_read_back_as_they_were_written() -> None:
    day = dt.date(2024, 6, 3)
    events = (ev.StageFinished("intake", day, "on_time"), ev.ClockStarted("appraisal", 30, "working_days", day),
              ev.ClockExtended("appraisal", 5, "working_days", None), ev.DossierHandedOver(None, "cv.ngô"))
    text = encode_events(events)
    assert text == events_json(events)
    assert decode_events(text) == events
    assert encode_events(()) is None


def test_a_value_of_another_type_is_written_by_the_json_encoder() -> None:
    odd = (ev.ClockPaused("a", dt.datetime(2024, 1, 1, tzinfo=dt.UTC)), ev.SupplementRequested(True),  # type: ignore[arg-type]
           ev.ClockExtended("a", 1.5, "days", None))  # type: ignore[arg-type]
    assert encode_events(odd) == events_json(odd)
    assert encode_events(odd) == ('[{"on": "2024-01-01T00:00:00+00:00", "stage": "a", "type": "clock_paused"}, '
                                  '{"count": true, "type": "supplement_requested"}, '
                                  '{"due_date": null, "stage": "a", "type": "clock_extended", "unit": "days", '
                                  '"units": 1.5}]')
