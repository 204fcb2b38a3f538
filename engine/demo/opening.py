"""Opening the demo in a browser: accounts for the sample organisation, and ``OUT/demo.json``, what
``thamdinh web --demo OUT`` reads to serve the demo's database as a working department.

The simulated history ends on the period's last working day; ``demo.json`` records that moment
(``as_of``), so the web application's clock starts there and runs on (``THAMDINH_AS_OF``,
engine/domain/clock.py ``ShiftedClock``): due dates, overdue days and this month's figures are those
of the department on that day, whatever day the demo is opened. It also holds the demo's secret for
the investors' look-up keys and the one password of every demo account (a demo's, never a real one).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path
from typing import Any

from ..bootstrap import App
from ..domain.errors import BadInput
from ..io.settings import Settings
from ..services.public import lookup_key

FILE = "demo.json"
#: every demo account's password (at least 12 characters, as the sign-in rule asks)
PASSWORD = "thamdinh-demo-2024"


def open_demo(app: App, out: Path, as_of: dt.datetime) -> dict[str, Any]:
    """Set every active person's password, write ``out/demo.json``; returns what the summary says."""
    people = [p for p in app.services.people() if p.active]
    for p in people:
        app.accounts.set_password(p.id, PASSWORD)
    secret = secrets.token_urlsafe(32)
    with app.database.reading() as uow:
        row = uow.execute("SELECT code FROM dossier WHERE closed_at IS NULL ORDER BY received_at DESC, code "
                          "LIMIT 1").fetchone()
    example = row[0] if row else None
    accounts = [{"id": p.id, "name": p.name, "roles": app.roles.labels(p.roles)} for p in people]
    doc = {"database": "thamdinh.db", "as_of": as_of.isoformat(), "secret_key": secret, "password": PASSWORD,
           "accounts": accounts,
           "lookup_example": {"code": example, "key": lookup_key(secret, example)} if example else None}
    (out / FILE).write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return {"as_of": doc["as_of"], "password": PASSWORD, "accounts": accounts, "lookup_example": doc["lookup_example"]}


def demo_settings(folder: Path, base: Settings) -> Settings:
    """The settings that serve the demo in ``folder`` (its database, its day, its secret); raises BadInput
    when the folder holds no demo."""
    file = folder / FILE
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
        as_of = dt.datetime.fromisoformat(doc["as_of"])
        db = (folder / doc["database"]).resolve()
    except (OSError, ValueError, KeyError, TypeError):
        raise BadInput(f"Thư mục {folder} không có kết quả chạy thử (thiếu hoặc hỏng {FILE}).",
                       hint="Chạy trước: thamdinh demo (mặc định tạo thư mục thamdinh-demo).") from None
    return base.with_(database_url=f"sqlite:///{db.as_posix()}", as_of=as_of, secret_key=doc["secret_key"])
