"""Settings: one frozen object, read once from the environment (THAMDINH_*) and validated then.

A value the software cannot use is refused when it is read, naming the variable and what it accepts
(SettingsError, exit 2): an SMTP security mode other than ``none``, ``starttls`` or ``ssl``; a port
outside 1–65535; a time that is not HH:MM; an empty path. SMTP AUTH is never sent over an unencrypted
connection unless ``THAMDINH_SMTP_ALLOW_PLAIN_AUTH=yes`` says so.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..domain.errors import SettingsError

DEFAULT_DB = "sqlite:///thamdinh.db"
SECURITY = ("none", "starttls", "ssl")
_TRUE, _FALSE = ("1", "yes", "true", "on", "có"), ("0", "no", "false", "off", "không")


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
    smtp_allow_plain_auth: bool = False
    smtp_max_tries: int = 8
    #: PEM file of the CA(s) that signed the SMTP server's certificate (a department's own CA); default:
    #: the system's CAs
    smtp_ca_file: Path | None = None
    digest_time: str = "07:30"
    department_name: str = "SỞ XÂY DỰNG"
    province_name: str = "TỈNH ĐỒNG NAI"
    #: a signed-in browser's session ends after this many hours without a request
    session_idle_hours: float = 8.0
    #: failed sign-ins in a row that lock an account, and for how long
    signin_max_failures: int = 5
    signin_lock_minutes: int = 15
    #: behind an authenticating reverse proxy: the header naming the signed-in person, and the proxy
    #: addresses (IPs or networks) it is trusted from; empty: no proxy is trusted
    trusted_proxy_header: str | None = None
    trusted_proxies: tuple[str, ...] = ()
    #: the scheduler's nightly backup: its folder (None: no nightly backup), its time, how many are kept
    backup_dir: Path | None = None
    backup_time: str = "02:00"
    backup_keep: int = 14
    #: the server's secret for the investors' look-up keys (HMAC; engine/services/public.py): at least
    #: 32 characters, kept as long as receipts with keys are in investors' hands; None: no public look-up
    secret_key: str | None = field(default=None, repr=False)
    #: the day (and time) "now" stands at when the server starts: a demo database's simulated end
    #: (engine/demo); the clock then runs on from it. None: the machine's clock
    as_of: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.smtp_security not in SECURITY:
            raise SettingsError(f"THAMDINH_SMTP_SECURITY «{self.smtp_security}» không hợp lệ.",
                                hint="Chọn một trong: none, starttls, ssl.")
        if not 1 <= self.smtp_port <= 65535:
            raise SettingsError(f"THAMDINH_SMTP_PORT {self.smtp_port} nằm ngoài 1–65535.")
        if self.smtp_max_tries < 1:
            raise SettingsError(f"THAMDINH_SMTP_MAX_TRIES {self.smtp_max_tries} phải từ 1 trở lên.")
        parse_hhmm(self.digest_time, "THAMDINH_DIGEST_TIME")
        parse_hhmm(self.backup_time, "THAMDINH_BACKUP_TIME")
        if self.backup_keep < 1:
            raise SettingsError(f"THAMDINH_BACKUP_KEEP {self.backup_keep} phải từ 1 trở lên.",
                                hint="Số bản sao lưu hằng đêm được giữ lại, ví dụ 14.")
        if self.smtp_user and self.smtp_host and self.smtp_security == "none" and not self.smtp_allow_plain_auth:
            raise SettingsError(
                "Không gửi tên đăng nhập và mật khẩu SMTP qua kết nối không mã hóa (THAMDINH_SMTP_SECURITY=none).",
                hint="Đặt THAMDINH_SMTP_SECURITY=starttls hoặc ssl; nếu máy chủ thư chỉ nghe trong mạng nội bộ "
                     "và cố ý như vậy, đặt THAMDINH_SMTP_ALLOW_PLAIN_AUTH=yes.")
        if self.session_idle_hours <= 0 or self.signin_max_failures < 1 or self.signin_lock_minutes < 1:
            raise SettingsError("THAMDINH_SESSION_IDLE_HOURS, THAMDINH_SIGNIN_MAX_FAILURES và "
                                "THAMDINH_SIGNIN_LOCK_MINUTES phải lớn hơn 0.")
        _networks(self.trusted_proxies)
        if self.trusted_proxy_header and not self.trusted_proxies:
            raise SettingsError("THAMDINH_TRUSTED_PROXY_HEADER được đặt nhưng THAMDINH_TRUSTED_PROXIES trống.",
                                hint="Ghi địa chỉ của máy chủ xác thực, ví dụ THAMDINH_TRUSTED_PROXIES=10.0.0.5; "
                                     "tiêu đề chỉ được tin khi yêu cầu đến từ địa chỉ đó.")
        if not self.base_url.startswith(("http://", "https://")):
            raise SettingsError(f"THAMDINH_BASE_URL «{self.base_url}» phải bắt đầu bằng http:// hoặc https://.")
        if self.secret_key is not None and len(self.secret_key) < 32:
            raise SettingsError("THAMDINH_SECRET_KEY phải dài ít nhất 32 ký tự.",
                                hint="Tạo một khóa ngẫu nhiên, ví dụ: python3 -c \"import secrets; "
                                     "print(secrets.token_urlsafe(32))\"; giữ nguyên khóa khi đã in phiếu tra cứu.")

    @property
    def digest_at(self) -> dt.time:
        return parse_hhmm(self.digest_time, "THAMDINH_DIGEST_TIME")

    @property
    def backup_at(self) -> dt.time:
        return parse_hhmm(self.backup_time, "THAMDINH_BACKUP_TIME")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings in ``env`` (default: the process environment); raises SettingsError."""
        env = os.environ if env is None else env
        updates: dict[str, Any] = {}
        for name, (key, parse) in _READERS.items():
            raw = env.get(name, "").strip()
            if raw:
                updates[key] = parse(raw, name)
        return replace(cls(), **updates)

    @property
    def proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return _networks(self.trusted_proxies)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _networks(values: tuple[str, ...]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    try:
        return [ipaddress.ip_network(v, strict=False) for v in values]
    except ValueError as exc:
        raise SettingsError(f"THAMDINH_TRUSTED_PROXIES: {exc}.",
                            hint="Ghi các địa chỉ IP hoặc mạng, cách nhau bằng dấu phẩy: "
                                 "10.0.0.5,10.1.0.0/24") from None


def parse_hhmm(raw: str, name: str) -> dt.time:
    try:
        hour, minute = (int(x) for x in raw.split(":"))
        return dt.time(hour, minute)
    except ValueError:
        raise SettingsError(f"{name} «{raw}» không phải giờ dạng HH:MM.", hint="Ví dụ: 07:30") from None


def _text(raw: str, name: str) -> str:
    return raw


def _int(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} «{raw}» không phải số nguyên.") from None


def _bool(raw: str, name: str) -> bool:
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise SettingsError(f"{name} «{raw}» không hợp lệ.", hint="Dùng yes hoặc no.")


def _path(raw: str, name: str) -> Path:
    if "\x00" in raw:
        raise SettingsError(f"{name} chứa ký tự NUL.")
    return Path(raw).expanduser()


def _paths(raw: str, name: str) -> tuple[Path, ...]:
    return tuple(_path(p, name) for p in raw.split(os.pathsep) if p.strip())


def _instant(raw: str, name: str) -> dt.datetime:
    from ..domain.clock import parse_at
    from ..domain.errors import BadInput

    try:
        return parse_at(raw)
    except BadInput:
        raise SettingsError(f"{name} «{raw}» không phải ngày hoặc thời điểm ISO 8601.",
                            hint="Ví dụ: 2025-01-24 hoặc 2025-01-24T17:30.") from None


def _float(raw: str, name: str) -> float:
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        raise SettingsError(f"{name} «{raw}» không phải số.") from None


def _list(raw: str, name: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in raw.split(",") if v.strip())


def _security(raw: str, name: str) -> str:
    return raw.lower()


_READERS: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "THAMDINH_DATABASE_URL": ("database_url", _text),
    "THAMDINH_RULES_PATH": ("rules_path", _paths),
    "THAMDINH_BASE_URL": ("base_url", _text),
    "THAMDINH_MAIL_DIR": ("mail_dir", _path),
    "THAMDINH_MAIL_FROM": ("mail_from", _text),
    "THAMDINH_SMTP_HOST": ("smtp_host", _text),
    "THAMDINH_SMTP_PORT": ("smtp_port", _int),
    "THAMDINH_SMTP_SECURITY": ("smtp_security", _security),
    "THAMDINH_SMTP_USER": ("smtp_user", _text),
    "THAMDINH_SMTP_PASSWORD": ("smtp_password", _text),
    "THAMDINH_SMTP_ALLOW_PLAIN_AUTH": ("smtp_allow_plain_auth", _bool),
    "THAMDINH_SMTP_MAX_TRIES": ("smtp_max_tries", _int),
    "THAMDINH_SMTP_CA_FILE": ("smtp_ca_file", _path),
    "THAMDINH_DIGEST_TIME": ("digest_time", _text),
    "THAMDINH_DEPARTMENT_NAME": ("department_name", _text),
    "THAMDINH_PROVINCE_NAME": ("province_name", _text),
    "THAMDINH_SESSION_IDLE_HOURS": ("session_idle_hours", _float),
    "THAMDINH_SIGNIN_MAX_FAILURES": ("signin_max_failures", _int),
    "THAMDINH_SIGNIN_LOCK_MINUTES": ("signin_lock_minutes", _int),
    "THAMDINH_TRUSTED_PROXY_HEADER": ("trusted_proxy_header", _text),
    "THAMDINH_TRUSTED_PROXIES": ("trusted_proxies", _list),
    "THAMDINH_BACKUP_DIR": ("backup_dir", _path),
    "THAMDINH_BACKUP_TIME": ("backup_time", _text),
    "THAMDINH_BACKUP_KEEP": ("backup_keep", _int),
    "THAMDINH_SECRET_KEY": ("secret_key", _text),
    "THAMDINH_AS_OF": ("as_of", _instant),
}
