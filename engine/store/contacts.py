"""The investor's contact on a dossier (``dossier_contact``, revision 0012): written with the receipt,
read by the printed receipt and the dossier's view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.contact import InvestorContact

if TYPE_CHECKING:
    from .database import UnitOfWork

INSERT_CONTACT = ("INSERT INTO dossier_contact (dossier_id, investor_address, investor_phone, investor_email) "
                  "VALUES (?, ?, ?, ?)")
SELECT_CONTACT = "SELECT investor_address, investor_phone, investor_email FROM dossier_contact WHERE dossier_id = ?"


class Contacts:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def add(self, dossier_id: int, contact: InvestorContact) -> None:
        """Record ``contact`` for a dossier just received (nothing when it is empty)."""
        if not contact.empty:
            self.uow.execute(INSERT_CONTACT, (dossier_id, contact.address, contact.phone, contact.email))

    def of(self, dossier_id: int) -> InvestorContact:
        row = self.uow.execute(SELECT_CONTACT, (dossier_id,)).fetchone()
        return InvestorContact(*row) if row else InvestorContact()
