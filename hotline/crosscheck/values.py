"""Cell values as government exports write them: amounts, dates, ID numbers, names.

Each parser is fast on the common form and tolerant of the rest; a value it cannot read raises
ValueError with a Chinese reason. Name keys make homophones and traditional characters meet:
`name_key` is simplified and stripped, `name_pinyin` is its toneless pinyin.
"""
from __future__ import annotations

import datetime as dt
import decimal
import functools
import re

from classifiers import idnumber
from hotline import controlchars, money

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20




def clean_str(value: str) -> str:
    """A text cell stripped and without control characters (str.translate: the fast path)."""
    return value.translate(controlchars.DELETE_TABLE).strip()


def text(value: object) -> str:
    """A cell as stripped text; numbers without a spurious '.0'; control characters dropped."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return clean_str(str(value))


# --- amounts -------------------------------------------------------------------------------

def amount(value: object) -> decimal.Decimal:
    """'1,200元', '￥1200.00', '1.2万', '三千五', 1200 → Decimal('1200.00'), by the one money parser.

    A roll is typed by hand before it is exported, so the forms an operator types at intake
    (hotline.money) are the forms a roll holds; an explicit '+' sign is tolerated as before.
    """
    if isinstance(value, str):
        value = value.strip().removeprefix("+")
    return money.parse_yuan(value)


# --- dates ---------------------------------------------------------------------------------
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?)?\s*(?:月)?"
                      r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@functools.lru_cache(maxsize=65536)
def _date_text(raw: str) -> dt.date:
    raw = raw.translate(_FULLWIDTH).strip()
    match = _DATE_RE.match(raw)
    if match:
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    elif re.fullmatch(r"\d{8}", raw):
        year, month, day = int(raw[:4]), int(raw[4:6]), int(raw[6:])
    elif re.fullmatch(r"\d{6}", raw):  # 202603: a month
        year, month, day = int(raw[:4]), int(raw[4:]), 1
    elif re.fullmatch(r"\d{1,5}(\.0+)?", raw):  # an Excel serial number that lost its format
        return excel_serial(float(raw))
    else:
        raise ValueError(f"日期格式不正确：“{raw}”")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"日期不存在：“{raw}”") from None


def excel_serial(number: float) -> dt.date:
    if not 1 <= number < 2958466:
        raise ValueError(f"日期格式不正确：“{number}”")
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


def date(value: object) -> dt.date:
    """'2026-03-01', '2026/3/1', '2026.3.1', '2026年3月1日', '20260301', 46082, a datetime → date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 19000101 <= value <= 21001231:
            return _date_text(str(int(value)))
        return excel_serial(float(value))
    return _date_text(str(value or ""))


# --- ID numbers ----------------------------------------------------------------------------
_ID18 = re.compile(r"[1-9]\d{16}[\dX]")
_WEIGHTS = idnumber.WEIGHTS
_CHECK = idnumber.CHECK_CHARS
# The latest birth date an ID may carry: the day the process started (`_birth_ok` is cached by value).
BIRTHS_UNTIL = dt.date.today()


@functools.lru_cache(maxsize=65536)
def _birth_ok(digits8: str) -> dt.date | None:
    try:
        born = dt.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:]))
    except ValueError:
        return None
    return born if dt.date(1900, 1, 1) <= born <= BIRTHS_UNTIL else None


def id_cell(value: object) -> str:
    """The cell as an ID string: an Excel number loses its '.0', an apostrophe prefix goes."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return str(value or "").strip().lstrip("'")


def check_id(value: object) -> tuple[str | None, str, str | None, dt.date | None]:
    """(valid 18-char number or None, cleaned text, Chinese error or None, birth date).

    The common case (18 ASCII characters) is checked here without allocation-heavy work; anything
    else goes through `classifiers.idnumber.validate`, which also upgrades 15-digit numbers and
    explains every failure.
    """
    raw = id_cell(value)
    if len(raw) == 18:
        upper = raw.upper() if raw[17] == "x" else raw
        if _ID18.fullmatch(upper) and upper[:2] in idnumber.PROVINCES:
            born = _birth_ok(upper[6:14])
            if born is not None:
                total = 0
                for digit, weight in zip(upper, _WEIGHTS):
                    total += (ord(digit) - 48) * weight
                if _CHECK[total % 11] == upper[17]:
                    return upper, upper, None, born
    if not raw:
        return None, "", "身份证号为空", None
    result = idnumber.validate(raw)
    cleaned = result.normalized or idnumber.clean(raw)
    if result.valid:
        return result.normalized, cleaned, None, result.birth_date
    return None, cleaned[:40], result.error, result.birth_date


_BIRTH = range(6, 14)  # the birth date's digits
_INVERSE = {w: pow(w, -1, 11) for w in set(_WEIGHTS)}  # weight × inverse ≡ 1 (mod 11)


def id_variants(number: str, *, keep_birth: bool = False) -> set[str]:
    """Valid IDs one digit or one adjacent transposition away from an 18-character number.

    Only candidates whose MOD 11-2 check character fits are built (a valid ID needs it): for a
    changed digit at position i the weighted sum changes by weight[i] × (new - old), so at most one
    new digit per position fits. Every candidate built so is valid by construction but for its
    province and birth date, which are checked here (the registry side calls this for every
    mistyped row of every run: `check_id` on each candidate cost 5× the arithmetic).
    `keep_birth`: only candidates with the same birth date digits.
    """
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit():
        return set()
    if keep_birth and _birth_ok(number[6:14]) is None:
        return set()
    digits = [ord(c) - 48 for c in number[:17]]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS))
    target = _CHECK.find(number[17])  # the weighted sum (mod 11) the check character asks for
    candidates = []
    if _CHECK[total % 11] != number[17]:  # the check character itself mistyped
        candidates.append(number[:17] + _CHECK[total % 11])
    if target >= 0:
        for i, (old, weight) in enumerate(zip(digits, _WEIGHTS)):
            if keep_birth and i in _BIRTH:
                continue
            # The one digit that makes the sum fit: old + (target - total) / weight (mod 11).
            new = (old + (target - total) * _INVERSE[weight]) % 11
            if new != old and new < 10:
                candidates.append(number[:i] + chr(48 + new) + number[i + 1:])
        for i in range(16):
            if keep_birth and (i in _BIRTH or i + 1 in _BIRTH):
                continue
            a, b = digits[i], digits[i + 1]
            if a != b and (total + (_WEIGHTS[i] - _WEIGHTS[i + 1]) * (b - a)) % 11 == target:
                candidates.append(number[:i] + number[i + 1] + number[i] + number[i + 2:])
    # The last digit swapped with the check character: the check character must be a digit and fit.
    if number[16] != number[17] and number[17] != "X":
        swapped = total + (ord(number[17]) - 48 - digits[16]) * _WEIGHTS[16]
        if _CHECK[swapped % 11] == number[16]:
            candidates.append(number[:16] + number[17] + number[16])
    # Only a candidate that changed the province or birth digits needs them checked again.
    provinces, found = idnumber.PROVINCES, set()
    province_ok = number[:2] in provinces
    birth_ok = _birth_ok(number[6:14]) is not None
    for c in candidates:
        if (c[:2] in provinces if c[:2] != number[:2] else province_ok) and \
                (_birth_ok(c[6:14]) is not None if c[6:14] != number[6:14] else birth_ok):
            found.add(c)
    return found


def _id_variants_slow(number: str) -> set[str]:
    """Every one-digit change and adjacent transposition, each checked (the reference for tests)."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit():
        return set()
    candidates = []
    for i in range(18):
        for d in "0123456789X" if i == 17 else "0123456789":
            if d != number[i]:
                candidates.append(number[:i] + d + number[i + 1:])
    for i in range(17):
        if number[i] != number[i + 1]:
            candidates.append(number[:i] + number[i + 1] + number[i] + number[i + 2:])
    return {v for v in (check_id(c)[0] for c in candidates) if v}


def id_difference(a: str, b: str) -> str:
    """How two 18-character numbers differ, in words."""
    diffs = [i for i in range(min(len(a), len(b))) if a[i] != b[i]]
    if len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]:
        return f"第{diffs[0] + 1}、{diffs[1] + 1}位数字颠倒"
    if len(diffs) == 1:
        return f"第{diffs[0] + 1}位相差一个数字（{a[diffs[0]]}/{b[diffs[0]]}）"
    return f"{len(diffs)}位不同"


# --- names ---------------------------------------------------------------------------------
_NAME_JUNK = re.compile(r"[\s·•・.．\-_()（）0-9]+")


@functools.lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@functools.lru_cache(maxsize=None)
def _char(ch: str) -> tuple[str, str]:
    """(simplified character, toneless pinyin) of one character, cached: names reuse few characters."""
    from pypinyin import Style, lazy_pinyin

    simple = _simple(ch)
    pinyin = "".join(lazy_pinyin(simple, style=Style.NORMAL, errors="default")).lower()
    return simple, pinyin


_CHARS: dict[str, tuple[str, str]] = {}


@functools.lru_cache(maxsize=None)
def _simple(ch: str) -> str:
    """`_char(ch)[0]` without the pinyin: pypinyin costs ~0.9 s to load (its phrase dictionary),
    and the grant table and the rules need only OpenCC."""
    return _t2s().convert(ch) or ch


def simplified(ch: str) -> str:
    """One character in simplified form ('學' → '学'), cached."""
    return _simple(ch) if ch.isalpha() else ch


def _stripped(name: str) -> str:
    """The name's characters without spaces, dots, digits and brackets."""
    return name if name.isalpha() else _NAME_JUNK.sub("", name)


def name_key(name: str) -> str:
    """`name_keys(name)[0]` without working out the pinyin."""
    return "".join([_simple(ch) for ch in _stripped(name)])[:NAME_KEY_MAX]


# Column widths of name_key and name_py (models/rolls.py): a hostile 60-character name must fit.
NAME_KEY_MAX, NAME_PY_MAX = 60, 240


def name_keys(name: str) -> tuple[str, str]:
    """(name_key, name_py): '張 三' → ('张三', 'zhangsan'), cut to their column widths."""
    stripped = _stripped(name)
    try:
        pairs = [_CHARS[ch] for ch in stripped]
    except KeyError:
        pairs = [_CHARS.get(ch) or _CHARS.setdefault(ch, _char(ch)) for ch in stripped]
    return "".join([p[0] for p in pairs])[:NAME_KEY_MAX], " ".join([p[1] for p in pairs])[:NAME_PY_MAX]
