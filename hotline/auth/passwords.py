"""Password hashing with Argon2id (argon2-cffi's defaults follow RFC 9106)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 10
# Tests hash hundreds of passwords: a cheap profile, refused outside HOTLINE_ENV=test.
_TEST_PROFILE = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def use_profile(test_profile: bool) -> None:
    """Switch between the standard RFC 9106 profile and the cheap test one (create_app calls this)."""
    global _hasher
    _hasher = PasswordHasher(**_TEST_PROFILE) if test_profile else PasswordHasher()


class WeakPassword(ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"密码至少{MIN_LENGTH}位")
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
