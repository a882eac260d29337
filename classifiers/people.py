"""People: 张某 / 李某某, titles with names (村支书王某, 会计刘德明), names after 叫/户主,
surname plus title (王书记), 老周."""

from __future__ import annotations

import re

from .entity import Entity
from .lexicon import COMPOUND_SURNAMES, SURNAMES, TITLE_LEVELS

_SURNAME_ALT = "|".join(sorted(COMPOUND_SURNAMES, key=len, reverse=True)) + "|[" + "".join(SURNAMES) + "]"
_TITLE_ALT = "|".join(sorted(map(re.escape, TITLE_LEVELS), key=len, reverse=True))
# Characters that cannot be the last character of a given name in running text: after a
# title, "村支书王德把钱..." must give 王德, not 王德把.
_NAME_STOP = set(
    "把的给在说是和跟让私收将家等他她也就都又还拿要向从对为被以一了着不没利用找带多去来开领扣贪挪截冒骗吃"
    "每亲女儿子老妻媳弟兄哥姐妹父母爸妈今前后年月日们曾已竟却才只便刚经通过上下里中与及或虽但而因所之其此这那"
    "个位名户村镇乡县该书记主任会计长自硬私偷竟非擅以按替代帮负骗虚谎瞒多少很太最更再并早"
    "，。、；：！？,.;:!?（）() \n\"'“”"
)
_MOU_NAME = rf"(?:{_SURNAME_ALT})(?:某某|某[甲乙丙丁]?|X+|x+|\*+|×+)"
# Surnames that are also everyday words (学生和农户, 村主任于是...): only trusted with 某.
_AMBIGUOUS_SURNAMES = "和于向时成全应常连安明文高从"
_SHORT_TITLES = "书记|支书|主任|会计|村长|镇长|乡长|所长|站长|局长|校长|老师|组长|队长|文书|专干|科长|股长|经理|医生|院长|老板|师傅"
# One regex per way a person is written. Each starts with a small set of characters, which
# lets the regex engine skip most positions (one alternation starting with "any surname"
# tried every branch at every common character). Matches are then merged left to right
# in this order, as one alternation would.
_PERSON_RES = (
    # 村支书王某 / 张某某 (only texts containing 某, X or * need this one)
    ("mou", re.compile(rf"(?:(?P<title>{_TITLE_ALT}))?(?P<name>{_MOU_NAME})")),
    # 村主任李德福
    ("full", re.compile(
        rf"(?P<title>{_TITLE_ALT})(?![{_AMBIGUOUS_SURNAMES}])"
        rf"(?P<name>(?:{_SURNAME_ALT})(?!{_SHORT_TITLES})[\u4e00-\u9fff]{{1,2}})"
    )),
    # 我叫张桂兰
    ("cued", re.compile(
        rf"(?:叫|名叫|户主|村民|贫困户|低保户|老人|学生|家长|反映人|举报人|妻子|丈夫)(?![{_AMBIGUOUS_SURNAMES}])"
        rf"(?P<name>(?:{_SURNAME_ALT})[\u4e00-\u9fff]{{1,2}})"
    )),
    # 王书记
    ("surname_title", re.compile(rf"(?P<name>{_SURNAME_ALT})(?P<title>{_SHORT_TITLES})")),
    # 老周家
    ("old", re.compile(rf"老(?P<name>[{''.join(SURNAMES)}])(?=家|头|汉|太|婆|两口|一家|他|她|说|的|[，。,])")),
)
_MOU_MARKS = ("某", "X", "x", "*", "×")


def _trim_given_name(full: str) -> str:
    """Cut a greedy 3-character candidate back when its last character reads as a word."""
    if len(full) == 3 and full[2] in _NAME_STOP:
        full = full[:2]
    if len(full) >= 2 and full[1] in _NAME_STOP:
        return ""
    return full


def _person_matches(text: str) -> list[tuple[int, int, str, re.Match[str]]]:
    """Matches of every person pattern, merged left to right without overlaps."""
    candidates = []
    for order, (form, regex) in enumerate(_PERSON_RES):
        if form == "mou" and not any(mark in text for mark in _MOU_MARKS):
            continue
        for match in regex.finditer(text):
            candidates.append((match.start(), order, form, match))
    candidates.sort(key=lambda c: (c[0], c[1]))
    chosen, taken_until = [], 0
    for start, _, form, match in candidates:
        if start >= taken_until:
            chosen.append((start, match.end(), form, match))
            taken_until = match.end()
    return chosen


def _people(text: str) -> list[Entity]:
    found = []
    for start, end, form, match in _person_matches(text):
        title = match.groupdict().get("title")
        name = match.group("name")
        if form in ("full", "cued"):
            name = _trim_given_name(name)
            if not name:
                continue
            end = match.start("name") + len(name)
            if form == "cued":
                start = match.start("name")
        elif form == "surname_title":
            if start > 0 and text[start - 1] in "副正":
                start -= 1
        elif form == "old":
            name = "老" + name
        attrs = {"title": title, "level": TITLE_LEVELS.get(title) if title else None}
        found.append(Entity("person", text[start:end], start, end, name, attrs))
    return found


def find_people(text: str) -> list[Entity]:
    """Every person mention, with the name as value and the title in attrs."""
    return _people(text)
