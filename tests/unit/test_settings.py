"""Settings are validated when read: a value the software cannot use is named, with what it accepts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.domain.errors import SettingsError
from engine.io.settings import Settings


@pytest.mark.parametrize("env, words", [
    ({"THAMDINH_SMTP_SECURITY": "tls"}, "THAMDINH_SMTP_SECURITY «tls» không hợp lệ"),
    ({"THAMDINH_SMTP_PORT": "smtp"}, "THAMDINH_SMTP_PORT «smtp» không phải số nguyên"),
    ({"THAMDINH_SMTP_PORT": "70000"}, "nằm ngoài 1–65535"),
    ({"THAMDINH_SMTP_MAX_TRIES": "0"}, "THAMDINH_SMTP_MAX_TRIES 0"),
    ({"THAMDINH_DIGEST_TIME": "7h30"}, "THAMDINH_DIGEST_TIME «7h30» không phải giờ dạng HH:MM"),
    ({"THAMDINH_DIGEST_TIME": "25:00"}, "HH:MM"),
    ({"THAMDINH_MAIL_DIR": "thu\x00di"}, "THAMDINH_MAIL_DIR chứa ký tự NUL"),
    ({"THAMDINH_BASE_URL": "soxaydung.local"}, "THAMDINH_BASE_URL"),
    ({"THAMDINH_SMTP_ALLOW_PLAIN_AUTH": "maybe"}, "THAMDINH_SMTP_ALLOW_PLAIN_AUTH «maybe»"),
])
def test_a_setting_the_software_cannot_use_is_refused_by_name(env: dict[str, str], words: str) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env(env)
    assert words in str(err.value) and err.value.exit_code == 2


def test_a_login_is_never_sent_over_an_unencrypted_connection_unless_the_operator_says_so() -> None:
    env = {"THAMDINH_SMTP_HOST": "mail.soxaydung.local", "THAMDINH_SMTP_USER": "thamdinh",
           "THAMDINH_SMTP_PASSWORD": "bí mật"}
    with pytest.raises(SettingsError, match="không mã hóa"):
        Settings.from_env(env)  # security defaults to none
    assert Settings.from_env({**env, "THAMDINH_SMTP_SECURITY": "STARTTLS"}).smtp_security == "starttls"
    allowed = Settings.from_env({**env, "THAMDINH_SMTP_ALLOW_PLAIN_AUTH": "yes"})
    assert allowed.smtp_allow_plain_auth and allowed.smtp_security == "none"


def test_good_values_are_read_and_typed() -> None:
    s = Settings.from_env({"THAMDINH_SMTP_PORT": "587", "THAMDINH_DIGEST_TIME": "06:45",
                           "THAMDINH_MAIL_DIR": "~/thu-di", "THAMDINH_RULES_PATH": "/a:/b"})
    assert s.smtp_port == 587 and s.digest_at == dt.time(6, 45)
    assert s.mail_dir == Path("~/thu-di").expanduser() and s.rules_path == (Path("/a"), Path("/b"))
