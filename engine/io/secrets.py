"""Password hashes and random tokens.

Passwords: Argon2id through argon2-cffi at OWASP's parameters (19 MiB of memory, two passes, one
lane); a hash made with older parameters is replaced at the next successful sign-in. Session cookies,
CSRF tokens and personal API tokens: 32 random bytes; what is stored is their SHA-256, so a copy of
the database opens no session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

#: OWASP Password Storage Cheat Sheet, Argon2id: m=19456 (19 MiB), t=2, p=1
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)
TOKEN_PREFIX = "td_"


def hash_password(password: str) -> str:
    return HASHER.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return HASHER.hash(secrets.token_urlsafe(16))


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; with no stored hash it still spends the same time, so
    an unknown login cannot be told from a wrong password by the clock."""
    try:
        return HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return HASHER.check_needs_rehash(stored)


def new_secret() -> str:
    """A random value for a cookie or a CSRF token (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(value: str) -> str:
    """The SHA-256 (hex) under which a cookie's value or a token is stored."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))
