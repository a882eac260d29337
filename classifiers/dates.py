"""Dates as callers write them: 2023年4月12日, 2021-05-06, 去年3月份, 今年春节前, 2022年底."""

from __future__ import annotations

import re

from . import numerals
from .entity import Entity

_CN_NUM = "〇零一二三四五六七八九十"
_RELATIVE = r"去年|今年|前年|明年|大前年|同年|当年|次年"
_DATE_RES = (
    re.compile(r"(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![0-9])"),
    re.compile(
        rf"(?:(?P<rel>{_RELATIVE})|(?P<y>(?:19|20)\d{{2}}|[一二][〇零九][{_CN_NUM}]{{2}})年)?"
        rf"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月份?"
        rf"(?:(?P<d>3[01]|[12]\d|0?[1-9]|[{_CN_NUM}]{{1,3}})[日号])?"
        rf"(?P<part>初|中旬|下旬|上旬|底|末)?"
    ),
    re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<part>初|底|末|上半年|下半年)?"),
    re.compile(
        rf"(?P<rel>{_RELATIVE}|上个月|上月|这个月|本月)(?P<part>春节前后|春节前|春节后|年初|年底|年中)?"
        r"|(?P<part2>春节前后|春节前|春节后|国庆节?前后|年初|年底)"
    ),
)


# What a text must contain for each date pattern to match (None: a digit), checked first
# because `in` is far cheaper than running the pattern.
_DATE_NEEDS = (None, ("月",), ("年",), ("年", "月", "春节", "国庆"))
_DIGIT_RE = re.compile(r"\d")


def _cn_int(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    digits = "".join(str("〇一二三四五六七八九".index(c)) if c in "〇一二三四五六七八九" else c for c in text.replace("零", "〇"))
    if digits.isdigit() and len(digits) == 4:  # 二〇二三 → 2023
        return int(digits)
    return int(numerals.parse_number(text) or 0) or None


def _dates(text: str) -> list[Entity]:
    found: list[Entity] = []
    taken = bytearray(len(text))  # characters already inside a date (O(1) overlap checks)
    has_digit = _DIGIT_RE.search(text) is not None
    for regex, needs in zip(_DATE_RES, _DATE_NEEDS):
        if needs is None and not has_digit or needs and not any(word in text for word in needs):
            continue
        for match in regex.finditer(text):
            start, end = match.span()
            if end - start < 2 or any(taken[start:end]):
                continue
            groups = match.groupdict()
            year, month, day = _cn_int(groups.get("y")), _cn_int(groups.get("m")), _cn_int(groups.get("d"))
            if month is not None and not 1 <= month <= 12 or day is not None and not 1 <= day <= 31:
                continue
            value = None
            if year:
                value = f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
            attrs = {"relative": groups.get("rel"), "month": month, "day": day}
            found.append(Entity("date", match.group(), start, end, value, attrs))
            taken[start:end] = b"\x01" * (end - start)
    return found


def find_dates(text: str) -> list[Entity]:
    """Absolute dates (value: ISO date or partial date) and relative ones (value None)."""
    return _dates(text)
