"""The investor's contact as the receipt prints it: each part optional, cleaned, a wrong one named."""

from __future__ import annotations

import pytest

from engine.domain.contact import InvestorContact
from engine.domain.errors import BadInput


def test_parts_are_cleaned_and_optional() -> None:
    c = InvestorContact.build("  Số 2 Nguyễn Văn Trị ", "+84 251 3822 123", "bqlda@dongnai.gov.vn")
    assert (c.address, c.phone, c.email, c.empty) == ("Số 2 Nguyễn Văn Trị", "+84 251 3822 123",
                                                      "bqlda@dongnai.gov.vn", False)
    assert InvestorContact.build("", None, "  ").empty


@pytest.mark.parametrize(("phone", "email", "words"), [
    ("0251", None, "Số điện thoại chủ đầu tư «0251»"),          # too few digits
    ("0251 3822 123 4567 89", None, "Số điện thoại"),           # too many
    ("gọi 0251 3822 123", None, "Số điện thoại"),               # letters
    (None, "bqlda@dongnai", "E-mail chủ đầu tư «bqlda@dongnai»"),
    (None, "a b@c.vn", "E-mail chủ đầu tư"),
])
def test_a_wrong_part_is_named(phone: str | None, email: str | None, words: str) -> None:
    with pytest.raises(BadInput) as exc:
        InvestorContact.build(None, phone, email)
    assert words in exc.value.message and exc.value.hint


def test_a_control_character_is_refused() -> None:
    with pytest.raises(BadInput):
        InvestorContact.build("Ấp 3\x00", None, None)
