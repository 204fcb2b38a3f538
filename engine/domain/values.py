"""Building and copying the domain's frozen dataclasses on the fire path, without their per-field cost.

A frozen dataclass sets each field through ``object.__setattr__`` when built, and ``dataclasses.replace``
reads every field again and calls the constructor by keyword: about 5 µs for a stage clock. ``build``
and ``evolve`` fill the instance's ``__dict__`` at once instead. The result is the same value (equal,
same hash and repr, still frozen); they are for the plain frozen dataclasses only (no ``__post_init__``,
no ``InitVar``, no ``init=False`` field, no slots).
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


def build(cls: type[T], fields: dict[str, Any]) -> T:
    """An instance of the frozen dataclass ``cls`` holding ``fields``, which names every one of its fields
    (trusted values, as a mapper decodes them from a row: nothing is checked and no default is filled)."""
    obj: T = object.__new__(cls)
    obj.__dict__.update(fields)
    return obj


def evolve(obj: T, **changes: Any) -> T:
    """A copy of the frozen dataclass ``obj`` with ``changes`` (what ``dataclasses.replace`` does);
    a name that is not one of its fields raises TypeError, as it does there."""
    current = obj.__dict__
    if not changes.keys() <= current.keys():
        unknown = sorted(changes.keys() - current.keys())
        raise TypeError(f"{type(obj).__name__} has no field {unknown[0]!r}")
    new: T = object.__new__(type(obj))
    new.__dict__.update(current, **changes)
    return new
