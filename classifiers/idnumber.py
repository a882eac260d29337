"""Resident identity numbers (居民身份证号码, GB 11643-1999).

Shared by complaint extraction and the subsidy-roll importer, which joins registries on this
number, so the API is small and independent of the rest of the package:

    >>> result = validate("11010519491231002x")
    >>> result.valid, result.normalized, result.birth_date, result.sex
    (True, '11010519491231002X', datetime.date(1949, 12, 31), 'female')

Layout: 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit sequence (odd for men),
one check character computed with ISO 7064 MOD 11-2 (0-9 or X). Old 15-digit numbers
(before 1999) have a 2-digit year and no check character; they are upgraded to 18 digits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Weights 2^(17-i) mod 11 for positions 1..17; check = (12 - sum mod 11) mod 11, 10 → X.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)

# First two digits: province-level divisions of GB/T 2260 (plus 71 Taiwan, 81/82 HK/Macao).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_SEPARATORS_RE = re.compile(r"[\s\-_]+")
_EARLIEST_BIRTH = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class IdNumberResult:
    """The outcome of validating one ID number.

    `normalized` is the 18-character form (uppercase X, 15-digit numbers upgraded) when the
    structure allows it, even if the check character is wrong, so people can still search
    by it; `error` is a reason in Chinese for the operator, None when valid.
    """

    raw: str
    valid: bool
    normalized: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None  # "male" / "female"
    region_code: str | None = None
    upgraded_from_15: bool = False
    error: str | None = None
    expected_check: str | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly form (dates as ISO strings)."""
        return {
            "valid": self.valid,
            "normalized": self.normalized,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "region_code": self.region_code,
            "upgraded_from_15": self.upgraded_from_15,
            "error": self.error,
        }


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def clean(raw: str) -> str:
    """Remove spaces and dashes, map full-width digits and x/ｘ/×, uppercase X."""
    text = "".join(
        chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" or c in "\uff38\uff58" else c
        for c in str(raw)
    )
    text = _SEPARATORS_RE.sub("", text).replace("×", "X").upper()
    return text


def upgrade_15(number15: str) -> str:
    """Upgrade a 15-digit number: insert the century 19 and append the check character."""
    first17 = number15[:6] + "19" + number15[6:15]
    return first17 + check_character(first17)


def _birth_date(digits8: str, today: dt.date) -> dt.date | None:
    try:
        date = dt.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None
    return date if _EARLIEST_BIRTH <= date <= today else None


def validate(raw: object, *, today: dt.date | None = None) -> IdNumberResult:
    """Validate an ID number as typed: tolerant of spaces, lowercase x and full-width digits."""
    raw_text = "" if raw is None else str(raw)
    number = clean(raw_text)
    today = today or dt.date.today()

    upgraded = False
    if len(number) == 15:
        if not number.isdigit():
            return IdNumberResult(raw_text, False, error="15位身份证号码只能由数字组成")
        number = upgrade_15(number)
        upgraded = True
    elif len(number) != 18:
        return IdNumberResult(
            raw_text, False, error=f"身份证号码应为18位（或旧版15位），实际为{len(number)}位"
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return IdNumberResult(raw_text, False, error="身份证号码含有非法字符（前17位须为数字，末位为数字或X）")

    region = number[:6]
    birth = _birth_date(number[6:14], today)
    sex = "male" if int(number[16]) % 2 == 1 else "female"
    expected = check_character(number[:17])
    common = dict(normalized=number, region_code=region, upgraded_from_15=upgraded)
    if region[:2] not in PROVINCES:
        return IdNumberResult(raw_text, False, error=f"地区码无效：{region[:2]}不是省级行政区代码", **common)
    if birth is None:
        return IdNumberResult(raw_text, False, error=f"出生日期无效：{number[6:14]}", **common)
    if number[17] != expected:
        return IdNumberResult(
            raw_text,
            False,
            birth_date=birth,
            sex=sex,
            error=f"校验码错误：末位应为{expected}，实际为{number[17]}",
            expected_check=expected,
            **common,
        )
    return IdNumberResult(raw_text, True, birth_date=birth, sex=sex, **common)


def is_valid(raw: object) -> bool:
    """Shortcut for `validate(raw).valid`."""
    return validate(raw).valid
