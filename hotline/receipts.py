"""Receipt codes (查询码): digits only, unguessable, with a check digit against mistyping."""
from __future__ import annotations

import re
import secrets

RANDOM_DIGITS = 13  # 10^13 codes: guessing one in a county's few thousand is hopeless
LENGTH = RANDOM_DIGITS + 1


def _luhn_check_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def new_code() -> str:
    """A fresh code from the system's cryptographic random source (uniqueness is the DB's job)."""
    body = f"{secrets.randbelow(10 ** RANDOM_DIGITS):0{RANDOM_DIGITS}d}"  # every digit uniform, as drawn one by one
    return body + _luhn_check_digit(body)


def clean(raw: str | None) -> str:
    """Drop spaces and dashes a caller or operator may add when reading a code back."""
    return re.sub(r"[\s\-]", "", raw or "")


def is_well_formed(code: str) -> bool:
    """Right length, digits only, and the check digit holds."""
    return (len(code) == LENGTH and code.isascii() and code.isdigit()
            and _luhn_check_digit(code[:-1]) == code[-1])


def spaced(code: str) -> str:
    """1234 5678 9012 34: easier to read back over the phone."""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))
