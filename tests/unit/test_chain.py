"""The history's hash chain: the digest the engine writes equals the frozen copy revision 0008 backfilled
the older rows with, on the same inputs (non-ASCII text, None fields, instants in other zones), and a
digest changes with every field it covers."""

from __future__ import annotations

import datetime as dt
import importlib.util
from types import ModuleType

import pytest

from engine.domain.clock import TZ
from engine.store import chain
from engine.store.migrate import MIGRATIONS


def revision_0008() -> ModuleType:
    path = next((MIGRATIONS / "versions").glob("0008_*.py"))
    spec = importlib.util.spec_from_file_location("revision_0008", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


AT = dt.datetime(2024, 3, 4, 8, 30, 15, 123456, tzinfo=TZ)
CASES = [
    ("", "HS-Đà-01", 1, "receive", None, "received", "mc.truong", AT, None, None, None, None, None),
    ("ab" * 32, "125/SXD-HTKT", 2, "request_supplement", "appraising", "awaiting_supplement", "cv.ngô",
     AT.astimezone(dt.UTC), "Thiếu hồ sơ khảo sát địa chất — bản vẽ «mặt bằng»\nđợt 2",
     '[{"on":"2024-03-04","stage":"appraisal","type":"clock_paused"}]', "web", "10.0.0.5", None),
    ("cd" * 32, "BCNCKT-2026-001", 7, "approve", "appraising", "approved", "gd.trần", AT.replace(microsecond=0),
     "Ghi chú có emoji 🏗 và chữ Hán 建設", None, "api", None, "Điều chỉnh theo văn bản số 12/SXD"),
]


@pytest.mark.parametrize("args", CASES)
def test_the_engine_digest_equals_the_frozen_copy_of_revision_0008(args: tuple[object, ...]) -> None:
    frozen = revision_0008().row_digest_v1
    assert chain.row_digest(*args) == frozen(*args)  # type: ignore[arg-type]
    assert len(chain.row_digest(*args)) == 64  # type: ignore[arg-type]


def test_the_same_instant_in_another_zone_is_the_same_digest() -> None:
    base = list(CASES[1])
    other = list(base)
    other[7] = AT.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    assert chain.row_digest(*base) == chain.row_digest(*other)  # type: ignore[arg-type]


def test_every_covered_field_changes_the_digest() -> None:
    base = list(CASES[1])
    changed = {0: "ef" * 32, 1: "HS-2", 2: 3, 3: "accept", 4: None, 5: "appraising", 6: "cv.vo",
               7: AT + dt.timedelta(microseconds=1), 8: "Thiếu", 9: None, 10: "cli", 11: "10.0.0.6", 12: "lý do"}
    digests = {chain.row_digest(*base)}  # type: ignore[arg-type]
    for i, value in changed.items():
        args = list(base)
        args[i] = value
        digests.add(chain.row_digest(*args))  # type: ignore[arg-type]
    assert len(digests) == len(changed) + 1


def test_a_checkpoint_is_order_sensitive() -> None:
    a, b = "1" * 64, "2" * 64
    assert chain.checkpoint([a, b]) != chain.checkpoint([b, a])
    assert chain.checkpoint([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


TRICKY = ["", "\"quoted\" \\ back", "tab\tnew\nline\r\x00\x1f", "Đà Nẵng – «ngoặc»", "emoji 🏗", "\u2028\u2029",
          "\ud800 lone surrogate", "</script>", "null", "1e5"]


@pytest.mark.parametrize("text", TRICKY)
def test_the_digest_hashes_exactly_the_json_encoders_payload(text: str) -> None:
    import hashlib

    args: list[object] = list(CASES[1])
    for i in (1, 3, 6, 8, 9, 11, 12):
        args[i] = text
    expected = hashlib.sha256(chain.payload(*args).encode("utf-8", "surrogatepass")).hexdigest()  # type: ignore[arg-type]
    assert chain.row_digest(*args) == expected == revision_0008().row_digest_v1(*args)  # type: ignore[arg-type]
