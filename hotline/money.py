"""One parser for amounts of money, as people type them into a field or say them in a text.

`parse_yuan` reads one amount typed in a field — 3500, 3,500元, ￥1,200.00, 2.5万, 1.2万元,
三千五, 六百, 兩萬元, 叁仟元, 一万二 — and raises `ValueError` with a Chinese message for
anything else, including approximate amounts (三百多: not a figure to record). Numerals are
read by `classifiers.numerals.parse_number` (cn2an for Chinese numerals), the same code that
finds amounts in a complaint's text (`amounts_in_text`), so a field and a text agree on what
"三千五" is.

It joins what intake (`parse_amount`), the roll importer (`crosscheck.values.amount`),
routing rules (`min_amount_yuan`) and outcomes (money recovered) each parsed their own way.
"""

from __future__ import annotations

import decimal
import re
import unicodedata
from collections.abc import Iterable

from classifiers.numerals import Amount, find_amounts, parse_number

MAX_YUAN = decimal.Decimal("1e11")
_CENT = decimal.Decimal("0.01")
EXAMPLES = "例如：3500、3500元、2.5万、三千五"

_NOISE_RE = re.compile(r"[\s,，_]|RMB|rmb|人民币|[￥¥]")
_UNIT_RE = re.compile(r"(?:元整|元钱|块钱|元|圆|块|整)$")
_TRADITIONAL = str.maketrans({"萬": "万", "兩": "两", "億": "亿", "圓": "圆", "塊": "块", "錢": "钱", "參": "叁"})
_ARABIC_RE = re.compile(r"(\d+(?:\.\d+)?)(万|千|百|亿)?")
_CHINESE_RE = re.compile(r"[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]+")
_APPROX_RE = re.compile(r"多|余|来|几|左右|上下|大概|大约|约")
_NUMERAL_RE = re.compile(r"[\d零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]")
_MULTIPLIERS = {"万": 10_000, "千": 1_000, "百": 100, "亿": 100_000_000}


def parse_yuan(value: object) -> decimal.Decimal:
    """The amount in yuan (two decimals) of one typed value; `ValueError` in Chinese otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"金额格式不正确：“{value}”，{EXAMPLES}")
    if isinstance(value, (int, float, decimal.Decimal)):
        return _checked(decimal.Decimal(str(value)), value)
    raw = str(value or "").strip()
    text = _UNIT_RE.sub("", _NOISE_RE.sub("", unicodedata.normalize("NFKC", raw).translate(_TRADITIONAL)))
    if not text:
        raise ValueError(f"金额为空，{EXAMPLES}")
    if _APPROX_RE.search(text) and _NUMERAL_RE.search(text):
        raise ValueError(f"“{raw}”不是确切金额，请填写具体数字，{EXAMPLES}")
    match = _ARABIC_RE.fullmatch(text)
    if match:
        number = decimal.Decimal(match.group(1)) * _MULTIPLIERS.get(match.group(2) or "", 1)
        return _checked(number, raw)
    if _CHINESE_RE.fullmatch(text) or re.fullmatch(r"\d+(?:\.\d+)?[万千亿][\d一二两三四五六七八九]", text):
        number = parse_number(text)
        if number is not None:
            return _checked(decimal.Decimal(str(number)), raw)
    raise ValueError(f"金额格式不正确：“{raw}”，{EXAMPLES}")


def _checked(number: decimal.Decimal, raw: object) -> decimal.Decimal:
    if not number.is_finite() or number < 0 or number > MAX_YUAN:
        raise ValueError(f"金额超出范围：“{raw}”")
    return number.quantize(_CENT)


def amounts_in_text(text: str) -> list[Amount]:
    """Every amount of money a complaint's (normalised) text mentions, in order."""
    return find_amounts(text)


def amount_from_entities(entities: Iterable[dict]) -> tuple[decimal.Decimal, bool] | None:
    """The amount to record for a complaint from its extracted amounts: the largest one (a
    complaint names the total last and the monthly sum first, "每月600元，一年七千二"), and
    whether it is approximate (两万多). None when the text names no amount."""
    best: tuple[float, bool] | None = None
    for entity in entities:
        if entity.get("kind") != "amount" or entity.get("value") is None:
            continue
        value = float(entity["value"])
        approximate = bool((entity.get("attrs") or {}).get("approximate"))
        if best is None or value > best[0]:
            best = (value, approximate)
    if best is None or not 0 < best[0] <= float(MAX_YUAN):
        return None
    return decimal.Decimal(str(best[0])).quantize(_CENT), best[1]
