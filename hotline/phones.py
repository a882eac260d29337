"""Chinese phone numbers: normalising, validating, hashing for look-up, masking for display."""
from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")


class PhoneError(ValueError):
    """A phone number that is not one."""


def normalize(raw: str) -> str:
    """Digits only, without +86/0086, full-width digits folded; raises PhoneError if invalid."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    digits = re.sub(r"[\s\-()（）]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not digits.isdigit() or not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        raise PhoneError("电话号码格式不正确：请输入11位手机号或带区号的固定电话")
    return digits


def try_normalize(raw: str | None) -> str | None:
    try:
        return normalize(raw or "")
    except PhoneError:
        return None


def lookup_hash(number: str, key: bytes) -> str:
    """A keyed hash of a normalised number: finds a caller's history without storing the number."""
    return hmac.new(key, number.encode("utf-8"), hashlib.sha256).hexdigest()  # ASCII for real numbers


def mask(number: str | None) -> str:
    """138****5678 for a mobile; keep only area code and last 2 digits for a landline."""
    if not number:
        return ""
    if len(number) == 11 and number.startswith("1"):
        return f"{number[:3]}****{number[-4:]}"
    return f"{number[:4]}****{number[-2:]}"


def mask_name(name: str | None) -> str:
    """张* / 欧阳** — the surname only."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1 if len(name) > 1 else 1)
