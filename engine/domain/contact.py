"""The investor's contact on a dossier, as the receipt prints it (Circular 01/2018/TT-VPCP, form of the
receipt and appointment slip: the investor's name, address, phone and e-mail): each part optional,
checked when built."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import text
from .errors import BadInput

PHONE_MAX, EMAIL_MAX = 32, 254
#: digits with the usual separators, an optional leading +; 8 to 15 digits in all (E.164)
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class InvestorContact:
    address: str | None = None
    phone: str | None = None
    email: str | None = None

    @classmethod
    def build(cls, address: str | None, phone: str | None, email: str | None) -> InvestorContact:
        """Raises BadInput naming the part that is wrong (its Vietnamese words: «địa chỉ», «điện thoại», «e-mail»)."""
        address = text.clean(address, "địa chỉ chủ đầu tư", limit=text.NAME_MAX)
        phone = text.clean(phone, "điện thoại chủ đầu tư", limit=PHONE_MAX)
        email = text.clean(email, "e-mail chủ đầu tư", limit=EMAIL_MAX)
        if phone is not None and (not _PHONE.match(phone) or not 8 <= sum(ch.isdigit() for ch in phone) <= 15):
            raise BadInput(f"Số điện thoại chủ đầu tư «{phone}» không hợp lệ.",
                           hint="Nhập 8–15 chữ số, có thể có dấu cách, dấu chấm, gạch nối, dấu + ở đầu; "
                                "ví dụ 0251 3822 123.")
        if email is not None and not _EMAIL.match(email):
            raise BadInput(f"E-mail chủ đầu tư «{email}» không hợp lệ.", hint="Ví dụ: bqlda@dongnai.gov.vn")
        return cls(address, phone, email)

    @property
    def empty(self) -> bool:
        return self.address is None and self.phone is None and self.email is None
