"""Benchmark of the cost of knowing who is acting: one command, well under a minute, one table.

    python bench/auth_bench.py
    python bench/auth_bench.py --requests 400 --rounds 5

On a fresh SQLite file with the sample organisation and one dossier per request, through the whole
application as served (``engine.web.asgi``, in-process client):

1. a signed-in page (``GET /ho-so/CODE``, the session cookie checked: one indexed read of the session
   joined with the person and the account, a write at most once a minute) against the same page with
   the check replaced by a fixed person;
2. an API fire (``POST /api/dossiers/CODE/events``, the bearer token checked the same way) against the
   same fire with the check replaced by a fixed person;
3. the checks alone (``AccountService.session`` and ``token_person``), and one Argon2id password check
   (slow on purpose: OWASP's 19 MiB, two passes).

Rounds interleave "with" and "without", each on its own dossiers; the table shows medians per request
over the rounds and the difference, the cost of the check. The machines are noisy: read the difference
within one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from engine.bootstrap import App  # noqa: E402
from engine.domain.caller import Via  # noqa: E402
from engine.domain.clock import TZ, FixedClock  # noqa: E402
from engine.domain.commands import Receive  # noqa: E402
from engine.io import secrets  # noqa: E402
from engine.io.resources import workflows_dir  # noqa: E402
from engine.io.settings import Settings  # noqa: E402
from engine.web import asgi  # noqa: E402
from engine.web.identity import Caller, Identity  # noqa: E402

PASSWORD = "một câu mật khẩu đủ dài"
PERSON = "cv.pham"
NOW = dt.datetime(2024, 6, 4, 9, 0, tzinfo=TZ)


def build(folder: Path, n: int) -> App:
    db = folder / "auth.db"
    db.touch()
    app = App(Settings().with_(database_url=f"sqlite:///{db}", mail_dir=folder / "thu-di"), FixedClock(NOW))
    app.init()
    app.services.load_org(workflows_dir() / "org" / "sample-department.yaml")
    for i in range(n):
        app.services.receive(Receive(workflow="project-appraisal", code=f"B-{i:05d}", name=f"Dự án {i}",
                                     investor="Ban QLDA", group="C", grade="III", division="QLXD", officer=PERSON,
                                     at="2024-06-03"))
    app.accounts.set_password(PERSON, PASSWORD)
    return app


def _per_request(fn: Callable[[int], Any], codes: range) -> float:
    start = time.perf_counter()
    for i in codes:
        fn(i)
    return (time.perf_counter() - start) / len(codes) * 1000


def run(requests: int, rounds: int) -> list[tuple[str, float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp), requests * rounds * 2)
        person = next(p for p in app.services.people() if p.id == PERSON)
        fixed = Caller(person, Via("web", "127.0.0.1"), csrf="x")
        client = TestClient(asgi(app))
        form = client.get("/dang-nhap")
        token_field = form.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        client.post("/dang-nhap", data={"login": PERSON, "password": PASSWORD, "csrf": token_field})
        token, _ = app.accounts.create_token(PERSON, "đo")
        api = TestClient(asgi(app), headers={"Authorization": f"Bearer {token}"})
        real_page, real_api = Identity.page_caller, Identity.api_caller
        results: dict[str, list[float]] = {k: [] for k in ("page+", "page-", "fire+", "fire-")}
        n = 0
        for _ in range(rounds):
            for checked in (True, False):
                if not checked:
                    Identity.page_caller = lambda self, request: fixed  # type: ignore[method-assign,assignment]
                    Identity.api_caller = lambda self, request, c: Caller(person, Via("api"))  # type: ignore
                block = range(n, n + requests)
                n += requests
                results["page" + "+-"[not checked]].append(
                    _per_request(lambda i: client.get(f"/ho-so/B-{i:05d}").raise_for_status(), block))
                results["fire" + "+-"[not checked]].append(_per_request(
                    lambda i: api.post(f"/api/dossiers/B-{i:05d}/events", json={"event": "accept"}).raise_for_status(),
                    block))
                Identity.page_caller, Identity.api_caller = real_page, real_api  # type: ignore[method-assign]
        cookie = client.cookies["thamdinh_session"]
        checks = [("session check alone", _per_request(lambda i: app.accounts.session(cookie), range(2000)), 0.0),
                  ("token check alone", _per_request(lambda i: app.accounts.token_person(token, Via("api")),
                                                     range(2000)), 0.0)]
        stored = secrets.hash_password(PASSWORD)
        argon = _per_request(lambda i: secrets.verify_password(stored, PASSWORD), range(20))
        app.close()
    med = {k: statistics.median(v) for k, v in results.items()}
    return [("signed-in page GET /ho-so/CODE", med["page+"], med["page-"]),
            ("API fire POST /api/dossiers/CODE/events", med["fire+"], med["fire-"]), *checks,
            ("Argon2id password check (sign-in only)", argon, 0.0)]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=300, help="requests per round and variant (300)")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (5)")
    args = ap.parse_args(argv)
    rows = run(args.requests, args.rounds)
    print(f"{'what':<44} {'with check ms':>14} {'without ms':>11} {'check costs ms':>15}")
    for name, with_, without in rows:
        if without:
            print(f"{name:<44} {with_:>14.3f} {without:>11.3f} {with_ - without:>15.3f}")
        else:
            print(f"{name:<44} {with_:>14.3f} {'':>11} {with_:>15.3f}")


if __name__ == "__main__":
    main()
