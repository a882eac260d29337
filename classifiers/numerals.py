"""Amounts of money written the way callers write them: 2.5万, 三千五, 1,200元, 叁仟元, 三百多.

Parsing the numeral itself is delegated to cn2an (maintained, handles financial capitals
壹贰叁, colloquial 三千五 = 3500 and mixed 1万2). This module finds the amount in the text
and deals with what cn2an does not: thousands separators, approximate words (多, 余, 来,
几), the currency unit, and measure words that mean the number is not money (三千五百亩).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

CN_DIGITS = "零〇一二两俩三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億幺"
_ARABIC = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MULTIPLIER = r"[十百千万亿拾佰仟萬億wWkK]"
_APPROX = r"(?:多|余|来|几)"
_UNIT = r"(?:元钱|元|块钱|块|圆|rmb|RMB)"

# A number followed by a unit; or a bare number that has a magnitude (三千五, 2.5万), which
# is only accepted as money when the context says so (see is_money_context).
AMOUNT_RE = re.compile(
    rf"(?P<num>(?:{_ARABIC})(?:{_MULTIPLIER}(?:[0-9一二三四五六七八九])?)*"
    rf"|[{CN_DIGITS}]+)"
    rf"(?P<approx>{_APPROX}?)"
    rf"(?P<mult2>万|千)?"
    rf"(?P<approx2>{_APPROX}?)"
    rf"(?P<unit>{_UNIT})?"
)

# What may follow a number that is not money (三千五百亩, 两万多斤, 五十户, 三百多人).
NOT_MONEY_AFTER = re.compile(
    r"^(?:亩|斤|公斤|吨|人|户|口|平方|平米|米|头|只|个|天|年|月|日|号|次|公里|间|套|家|名|岁|"
    r"组|层|栋|辆|台|份|张|本|所|条|项|批|期|届|分|秒|点|周|小时|棵|株|袋|箱|瓶|包|件|位|"
    r"匹|趟|处|座|片|级|倍|遍|步|样|种|成|%|％|度|寸|尺|里|克|kg|斤)"
)
_PAUSE_RE = re.compile(r"$|[，。,.;；!！?？、\s]")
_MONEY_VERB_RE = re.compile(r"(?:交|给|收|扣|要|送|罚|花|拿|领|退|赔|凑|付)了?$")
MONEY_CONTEXT = re.compile(
    r"钱|款|金|资|费|补|助|给|收|交|扣|拿|要|领|贪|骗|罚|花|退|送|凑|赔|借|贷|拨|发|付|欠|挣|亏|工资|红包|现金|元|块"
)


@dataclass(frozen=True)
class Amount:
    """An amount of money found in text."""

    start: int
    end: int
    text: str
    yuan: float
    approximate: bool


def parse_number(numeral: str) -> float | None:
    """Value of an Arabic or Chinese numeral (with 万/千 multipliers), None if unparseable."""
    text = numeral.replace(",", "").replace("w", "万").replace("W", "万")
    text = text.replace("k", "千").replace("K", "千").replace("俩", "两")
    if not text:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def is_money_context(text: str, start: int, end: int, window: int = 8) -> bool:
    """Whether words just before (or a unit just after) suggest the number is money."""
    before = text[max(0, start - window) : start]
    return bool(MONEY_CONTEXT.search(before))


def find_amounts(text: str) -> list[Amount]:
    """All amounts of money in `text`, with their value in yuan."""
    found: list[Amount] = []
    for match in AMOUNT_RE.finditer(text):
        numeral = match.group("num")
        unit = match.group("unit")
        mult2 = match.group("mult2") or ""
        if not numeral or (not unit and len(numeral) + len(mult2) == 1):
            continue  # the commonest candidate by far: 一 in 一个, 一直 ...
        start, end = match.start(), match.end()
        approximate = bool(match.group("approx") or match.group("approx2"))
        if NOT_MONEY_AFTER.match(text[end : end + 2]) and not unit:
            continue
        if unit == "块" and text[end : end + 1] in ("地", "田", "砖", "板", "石"):
            continue
        has_magnitude = bool(re.search(r"[百千万亿佰仟萬億wWkK]", numeral + mult2))
        if not unit:
            # A bare number is money when it has a magnitude word (三千五, 2.5万) and either
            # money words just before it or a pause just after it ("应该三千六，只拿到两千"),
            # or when it directly follows a money verb ("交300"). Dates, counts and phone
            # fragments stay out.
            if has_magnitude:
                if not (is_money_context(text, start, end) or _PAUSE_RE.match(text, end)):
                    continue
            elif not (numeral.isdigit() and len(numeral) <= 6 and _MONEY_VERB_RE.search(text[max(0, start - 2) : start])):
                continue
        if numeral.isdigit() and text[end : end + 1] in ("年", "-", "/") and not unit:
            continue
        value = parse_number(numeral.replace("几", "").replace("多", "") or numeral)
        if value is None:
            continue
        if mult2 == "万":
            value *= 10_000
        elif mult2 == "千":
            value *= 1_000
        if value <= 0:
            continue
        found.append(Amount(start, end, text[start:end], value, approximate))
    return found
