"""Shared fixtures: an injected clock, an App on a fresh database (SQLite, and PostgreSQL for the
tests marked or parametrised with it), the sample organisation, a dossier factory.

PostgreSQL is required, not optional: the server named by THAMDINH_TEST_PG_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/test) must be reachable, or those tests fail.
Deselect them explicitly with ``-m "not postgres"`` on a machine without one.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from engine.bootstrap import App
from engine.domain.clock import TZ, FixedClock
from engine.domain.commands import Receive
from engine.io.resources import workflows_dir
from engine.io.settings import Settings

PG_URL = os.environ.get("THAMDINH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SAMPLE_ORG = workflows_dir() / "org" / "sample-department.yaml"


@pytest.fixture
def clock() -> FixedClock:
    """Injected clock, set to a working day; tests move it explicitly."""
    return FixedClock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=TZ))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    app = App(Settings().with_(database_url=f"sqlite:///{path}"))
    app.init()
    with app.engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    app.close()
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A private PostgreSQL database for this test session, migrated once."""
    import sqlalchemy as sa

    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"thamdinh_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # pragma: no cover - the environment is broken
        pytest.fail(f"PostgreSQL at {PG_URL} is required for these tests and is unreachable: {exc}")
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    app = App(Settings().with_(database_url=url))
    app.init()
    app.close()
    yield url
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _truncate_pg(url: str) -> None:
    import sqlalchemy as sa

    eng = sa.create_engine(url)
    with eng.begin() as c:
        names = [r[0] for r in c.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")]
        if names:
            c.exec_driver_sql("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE")
    eng.dispose()


class Transaction:
    """Raw SQL in a test, on the app's own database API (placeholders ``?``), committed at the end."""

    def __init__(self, uow: Any) -> None:
        self.uow = uow
        self._cur: Any = None

    def execute(self, sql: str, params: Any = ()) -> Any:
        self._cur = self.uow.execute(sql, params)
        return self._cur

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    def fetchall(self) -> Any:
        return self._cur.fetchall()

    @property
    def rowcount(self) -> int:
        return int(self._cur.rowcount)


@contextmanager
def transaction(app: App) -> Iterator[Transaction]:
    with app.database.unit_of_work() as uow:
        yield Transaction(uow)
        uow.commit()


def make_app_for(backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock,
                 **settings: Any) -> App:
    if backend == "sqlite":
        db = tmp_path / "thamdinh.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), db)
        url = f"sqlite:///{db}"
    else:
        url = request.getfixturevalue("pg_database")
        _truncate_pg(url)
    base = Settings().with_(database_url=url, mail_dir=tmp_path / "thu-di", **settings)
    return App(base, clock)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Parametrise a test over both backends (contract tests)."""
    return str(request.param)


@pytest.fixture
def app(backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock) -> Iterator[App]:
    a = make_app_for(backend, request, tmp_path, clock)
    a.services.load_org(SAMPLE_ORG)
    yield a
    a.close()


@pytest.fixture
def sqlite_app(request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock) -> Iterator[App]:
    a = make_app_for("sqlite", request, tmp_path, clock)
    a.services.load_org(SAMPLE_ORG)
    yield a
    a.close()


@pytest.fixture
def make_dossier(app: App) -> Callable[..., dict[str, Any]]:
    """Factory: receive a dossier with sensible defaults, overridable by keyword."""
    counter = iter(range(1, 10**6))

    def make(**overrides: Any) -> dict[str, Any]:
        n = next(counter)
        kw: dict[str, Any] = dict(workflow="project-appraisal", code=f"HS-{n:04d}", name=f"Dự án mẫu số {n}",
                                  investor="Ban QLDA tỉnh", group="C", grade="III", division="QLXD",
                                  officer="cv.pham", at="2024-06-03")
        kw.update(overrides)
        return app.services.receive(Receive(**kw))

    return make
