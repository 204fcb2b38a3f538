"""Settings: one frozen object, read once from the environment (THAMDINH_*)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_DB = "sqlite:///thamdinh.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DB
    #: extra folders of province rule files (workflows, calendars) layered over the shipped ones
    rules_path: tuple[Path, ...] = ()
    base_url: str = "http://localhost:8000"
    mail_dir: Path = Path("thu-di")
    mail_from: str = "thamdinh@soxaydung.local"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_security: str = "none"  # none | starttls | ssl
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_max_tries: int = 8
    #: PEM file of the CA(s) that signed the SMTP server's certificate (a department's own CA); default:
    #: the system's CAs
    smtp_ca_file: Path | None = None
    digest_time: str = "07:30"
    department_name: str = "SỞ XÂY DỰNG"
    province_name: str = "TỈNH ĐỒNG NAI"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        s = cls()
        updates: dict[str, object] = {}
        if env.get("THAMDINH_DATABASE_URL"):
            updates["database_url"] = env["THAMDINH_DATABASE_URL"]
        if env.get("THAMDINH_RULES_PATH"):
            updates["rules_path"] = tuple(Path(p) for p in env["THAMDINH_RULES_PATH"].split(os.pathsep) if p)
        for key, name in (("base_url", "THAMDINH_BASE_URL"), ("mail_from", "THAMDINH_MAIL_FROM"),
                          ("smtp_host", "THAMDINH_SMTP_HOST"), ("smtp_security", "THAMDINH_SMTP_SECURITY"),
                          ("smtp_user", "THAMDINH_SMTP_USER"), ("smtp_password", "THAMDINH_SMTP_PASSWORD"),
                          ("digest_time", "THAMDINH_DIGEST_TIME"),
                          ("department_name", "THAMDINH_DEPARTMENT_NAME"),
                          ("province_name", "THAMDINH_PROVINCE_NAME")):
            if env.get(name):
                updates[key] = env[name]
        if env.get("THAMDINH_MAIL_DIR"):
            updates["mail_dir"] = Path(env["THAMDINH_MAIL_DIR"])
        if env.get("THAMDINH_SMTP_CA_FILE"):
            updates["smtp_ca_file"] = Path(env["THAMDINH_SMTP_CA_FILE"])
        for key, name in (("smtp_port", "THAMDINH_SMTP_PORT"), ("smtp_max_tries", "THAMDINH_SMTP_MAX_TRIES")):
            if env.get(name):
                updates[key] = int(env[name])
        return replace(s, **updates)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
