"""Two-factor login (TOTP, RFC 6238) for the roles that approve and administer."""
from __future__ import annotations

import time

import pyotp

from models.users import Role, User

TWO_FACTOR_ROLES = frozenset({Role.supervisor, Role.admin})
ISSUER = "扶贫举报热线"


def required(user: User) -> bool:
    return user.role in TWO_FACTOR_ROLES


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def check(user: User, secret: str, code: str, now: float | None = None) -> int | None:
    """The matched time step if the code is right (±1 step of clock drift) and not reused."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    current = int(now // totp.interval)
    for step in (current - 1, current, current + 1):
        if totp.at(step * totp.interval) == code:
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return None  # replayed
            return step
    return None
