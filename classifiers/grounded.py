"""Complaints written from the facts of real published cases (`corpus/cases/cases.jsonl`).

Each case record holds what a published 通报 (or a citizen's published complaint) says: who
(title, level, surname), where, which programme, what was done (`facts`, a complaint-ready
paraphrase written by hand from the source), the amount, and the source address. This module
turns every case into `PER_CASE` complaints as a caller, a text message, a web form or a
letter would put them, deterministically (the random generator is seeded by the case id):

* the accused is named the way people name them (村支书田某, 田书记, 姓田的支书, 那个村主任), and in
  about a third of the items without a title: a unit, role or collective at the case's level
  (镇上的干部, 县民政局的人, 村里管低保的) or nobody at all (他们, 有人); the gold level stays the
  case's, so the level must be read from what the text does say or stay unknown;
* places are the case's real village and township, sometimes only one of them;
* the facts go through paraphrase rules (synonyms, spoken and dialect forms), and the amount
  is said in Arabic or Chinese numerals, spoken (五千七, 两万多) or written (1.23万元);
* registers differ: fillers and dialect words for calls, terse and typo-prone texts, form
  fields, formal letters; some items are converted to traditional characters;
* labels come from the case (its types, programme and accused level, checked against
  `definitions.py`), so every item is grounded in one real case and says which one.

`python -m classifiers.grounded` rewrites `corpus/grounded.jsonl`.
"""

from __future__ import annotations

import functools
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cn2an

from .corpus import CORPUS_DIR
from .definitions import TYPOS

CASES_DIR = CORPUS_DIR / "cases"
CASES_FILE = CASES_DIR / "cases.jsonl"
OUTPUT_FILE = CORPUS_DIR / "grounded.jsonl"
PER_CASE = 11
SEED = "grounded-v1"
# The channel of each of a case's items, so every case is heard in every register.
CHANNELS = ("call", "sms", "letter", "web", "call", "sms", "call", "web", "sms", "letter", "call")


def case_files() -> list[Path]:
    """cases.jsonl, then every further batch of cases (cases/*.jsonl) in name order."""
    return [CASES_FILE] + sorted(p for p in CASES_DIR.glob("*.jsonl") if p != CASES_FILE)


def load_cases(path: Path | str | None = None) -> list[dict[str, Any]]:
    """The case records, in file order (all case files when no path is given)."""
    records: list[dict[str, Any]] = []
    for one in [Path(path)] if path is not None else case_files():
        with open(one, encoding="utf-8") as handle:
            records.extend(json.loads(line) for line in handle if line.strip())
    return records


# --- places and people --------------------------------------------------------------------

_PROVINCES = re.compile(
    r"^(?:贵州|云南|四川|湖南|湖北|江西|福建|广东|广西|甘肃|安徽|河南|河北|山西|陕西|山东|江苏|浙江|吉林|宁夏|新疆|"
    r"重庆|天津|海南|内蒙古|黑龙江|辽宁|青海|西藏)"
)
_VILLAGE_END = re.compile(r"(?:村|社区|渔场|敬老院)$")
_TOWN_END = re.compile(r"(?:镇|乡|街道|工业园区)$")


def split_place(place: str) -> tuple[str, str, str]:
    """(county, township, village) from a place like 贵州松桃县孟溪镇白泥凼村 ('' if absent).

    Read from the right: the village is what follows the last township, county or city
    character; the township what follows the last county or city character; the county the
    last three characters or so before it, without the province.
    """
    rest, village, town = place, "", ""
    if _VILLAGE_END.search(rest):
        cut = max(rest.rfind(c) for c in "镇乡道区县市州")
        village, rest = _PROVINCES.sub("", rest[cut + 1 :]), rest[: cut + 1]
        if len(village) < 2:
            village = ""
    match = _TOWN_END.search(rest)
    if match:
        cut = max(rest.rfind(c, 0, match.start()) for c in "区县市州")
        town, rest = rest[cut + 1 :], rest[: cut + 1]
    county = _PROVINCES.sub("", rest)
    if "市" in county[:-1]:
        county = county[county.index("市") + 1 :]
    if len(county) > 4:
        county = county[-3:]
    return (county if len(county) >= 2 else ""), town, village


# Spoken short forms of titles; each keeps the word that tells the accused's level.
_TITLE_FORMS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("党总支书记", ("村支书", "村党总支书记", "村书记"), "书记"),
    ("党支部书记", ("村支书", "村党支部书记", "村书记"), "书记"),
    ("支部书记", ("村支书", "村支部书记"), "书记"),
    ("村支书", ("村支书", "村书记"), "书记"),
    ("村委会主任", ("村主任", "村委会主任", "村长"), "主任"),
    ("村主任", ("村主任", "村长"), "主任"),
)


def title_forms(title: str) -> tuple[list[str], str]:
    """Ways to say the accused's title, and the short honorific (书记, 主任, 校长 …)."""
    for key, forms, short in _TITLE_FORMS:
        if key in title:
            forms_list = list(forms)
            if title.startswith("社区"):
                forms_list = ["社区书记", "社区党支部书记"]
            return forms_list, short
    for short in ("镇长", "乡长", "校长", "院长", "站长", "所长", "局长", "主任", "会计", "文书", "出纳", "组长",
                  "书记", "县长", "市长", "专干", "协理员", "报账员"):
        if title.endswith(short):
            return [title], short
    return [title], ""


def accused_phrases(case: dict[str, Any], rng: random.Random) -> tuple[str, str]:
    """(full, short): how this item names the accused the first time and afterwards."""
    forms, short = title_forms(case["accused_title"])
    title = rng.choice(forms)
    surname = case.get("surname")
    if not surname:
        return rng.choice([f"那个{title}", title, f"我们那的{title}"]), "他们" if "干部" in title else "他"
    options = [f"{title}{surname}某", f"{title}{surname}某某", f"{title}{surname}某"]
    if short and len(short) <= 2 and short not in ("专干",):
        options += [f"姓{surname}的{title}", f"{title}，就是{surname}{short}"]
    return rng.choice(options), (f"{surname}{short}" if short and rng.random() < 0.5 else "他")


# How often an item blurs the accused (no title, only a unit or a role) or names no one: real
# callers often do not know or say the title, and the accused level must then come from other
# words (镇上, 县民政局的人, 管低保的) or stay unknown. The gold level is still the case's.
BLUR_SHARE = 0.28
NO_ACCUSED_SHARE = 0.10
_ROLES = {
    "dibao": "低保", "housing": "危房", "education": "助学", "industry": "产业", "relocation": "搬迁",
    "medical": "医保", "agri_subsidy": "补贴", "project_fund": "项目", "employment": "公益岗",
}
_UNIT_TITLE_END = re.compile(
    r"(?:党组书记|党委书记|副局长|局长|副主任|主任|副书记|书记|科长|股长|副所长|所长|站长|工作人员|干部|会计|出纳|专干|"
    r"职工|负责人|院长|副院长|经理|工程师|技术员|干事|部长|协理员|报账员)$"
)


def blurred_accused(case: dict[str, Any], town: str, rng: random.Random) -> str:
    """The accused without a title: a unit, a role or a collective at the case's level."""
    role = _ROLES.get(case["program"], "钱")
    level = case["accused_level"]
    if level == "township_cadre":
        unit = town[-1] if town[-1:] in ("镇", "乡") else "镇"
        options = [f"{unit}上的干部", f"{unit}里的人", f"{unit}里管{role}的", f"{unit}政府的人", f"{unit}上那几个干部",
                   f"{unit}里的领导"]
    elif level == "county_department":
        unit = _UNIT_TITLE_END.sub("", case["accused_title"])
        options = ["县里的人", f"县里管{role}的", "县上的干部", "县上那些部门"]
        if len(unit) >= 3 and unit[0] in "县市区州":
            options += [f"{unit}的人", f"{unit}的工作人员", f"{unit}那边"]
    elif level == "teacher_school":
        options = ["学校的老师", "学校领导", f"学校里管{role}的", "学校"]
    else:
        options = ["村干部", "村里的干部", "村上管事的", "村里那几个干部", "村里当官的", "村委会的人", f"村里管{role}的"]
    return rng.choice(options)


# --- paraphrase ----------------------------------------------------------------------------

# (phrase, alternatives): applied to the facts, each with some probability.
PARAPHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("低保金", ("低保钱", "低保的钱", "低保金")),
    ("补助款", ("补助款", "补贴款", "补助的钱", "补助")),
    ("补助资金", ("补助资金", "补助款", "补贴")),
    ("危房改造", ("危房改造", "危改", "危房改造")),
    ("贫困户", ("贫困户", "困难户", "建档立卡户", "贫困户")),
    ("据为己有", ("据为己有", "揣进自己腰包", "自己拿了")),
    ("自己花", ("自己花", "自个儿花了", "拿去自己用")),
    ("私自", ("私自", "偷偷", "悄悄")),
    ("截留", ("截留", "截了", "扣下")),
    ("套取", ("套取", "套走", "骗走")),
    ("骗取", ("骗取", "骗了", "骗走")),
    ("不符合条件", ("不符合条件", "够不上条件", "根本不够格")),
    ("老婆", ("老婆", "媳妇", "爱人")),
    ("村里", ("村里", "村上", "村里")),
    ("知道", ("知道", "晓得")),
    ("没有", ("没有", "没得", "没")),
    ("什么", ("什么", "啥", "啥子")),
    ("怎么", ("怎么", "咋", "咋个")),
    ("这笔钱", ("这笔钱", "这个钱", "这钱")),
    ("一直", ("一直", "一直都", "老是")),
)
DIALECT = (("知道", "晓得"), ("没有", "莫得"), ("什么", "啥子"), ("怎么", "咋个"), ("我们", "俺们"), ("这样", "这么着"))
def paraphrase(text: str, rng: random.Random, *, dialect: bool = False) -> str:
    """Apply synonym rules (and dialect words for a dialect speaker) to a phrase."""
    for phrase, options in PARAPHRASES:
        if phrase in text and rng.random() < 0.6:
            text = text.replace(phrase, rng.choice(options))
    if dialect:
        for phrase, local in DIALECT:
            text = text.replace(phrase, local)
    return text


def add_typos(text: str, rng: random.Random, rate: float) -> str:
    """Replace some words with common misspellings."""
    for right, wrong in TYPOS:
        if right in text and rng.random() < rate:
            text = text.replace(right, wrong, 1)
    return text


# --- amounts ---------------------------------------------------------------------------------

def _spoken(amount: int) -> str:
    """三千五 for 3500, 五千七 for 5700, 六百 for 600: trailing unit dropped as people say it."""
    words = cn2an.an2cn(amount)
    words = words.replace("二千", "两千").replace("二万", "两万")
    if words.startswith("二百"):
        words = "两百" + words[2:]
    return re.sub(r"([一二三四五六七八九两])(千|百|万)([一二三四五六七八九])(百|十|千)$", r"\1\2\3", words)


def say_amount(amount: int | None, rng: random.Random) -> str:
    """The amount as a complainant would say or write it ('' when the case has none)."""
    if not amount:
        return ""
    options = [f"{amount}元", f"{amount}块", f"{amount:,}元"]
    if amount < 100000:
        options += [_spoken(amount) + rng.choice(["块", "块钱", "元", ""]), cn2an.an2cn(amount) + "元"]
    if amount >= 10000:
        wan = amount / 10000
        options.append(
            (cn2an.an2cn(int(wan)) if wan < 100 else str(int(wan))) + "万多" if amount % 10000 else f"{int(wan)}万"
        )
        if amount % 100 == 0:
            options.append(f"{wan:.2f}".rstrip("0").rstrip(".") + "万元")
    if amount >= 1000 and amount % 1000:
        options.append(f"{amount // 1000 * 1000}多元")
    choice = rng.choice(options)
    return re.sub(r"^二(?=[万千])", "两", choice)


# --- registers -------------------------------------------------------------------------------

_CALL = (
    "喂，是纪委吗？{filler}我要反映个事，{where}那个{acc}，{fact}。{money}{tail}",
    "{filler}我是{where}的，就是说，我们那的{acc}，{fact}，{money}这个事好久了，你们能不能来查一下？",
    "你好，我反映{where}的问题啊。{acc}{sep}{fact}。{money}我们老百姓意见大得很，你们记一下。",
    "我跟你说哈，{acc}这个人，{fact}。{money}我不敢说名字，怕他报复。{where}的。",
    "喂喂，听得到不？我再反映一下，{where}{acc}的事，{fact}，{money}上回打了电话没人管。",
    "嗯，我是替我老娘打的电话，{where}的，{acc}{sep}{fact}。{money}{tail}",
)
_SMS = (
    "举报{where}{acc}{fact}{money_sms}请查",
    "{where}{acc}{sep}{fact} {money_sms}希望纪委查一下",
    "反映：{acc}{fact}，{money_sms}匿名",
    "{acc}{fact} {where}",
    "纪委你好 {where}{acc} {fact} {money_sms}",
    "我再反映一下{where}{acc}{fact}",
)
_WEB = (
    "举报对象：{acc}（{where}）\n主要问题：{fact}。{money}\n诉求：请依法调查处理。",
    "本人反映{where}{acc}的问题：{fact}。{money}以上情况属实，请予核查。",
    "问题描述：{where}{acc}{sep}{fact}。{money}希望有关部门尽快调查，给群众一个交代。",
    "反映{acc}问题。{fact}。{money}地点：{where}。",
)
_LETTER = (
    "尊敬的县纪委领导：\n您好！我是{where}的村民，现反映{acc}的问题。{fact}。{money}群众对此反映强烈，"
    "恳请领导派人调查核实。\n此致\n敬礼！\n一村民\n{date}",
    "县纪委监委：\n我们是{where}的几户群众，联名反映{acc}的问题。据我们了解，{fact}。{money}"
    "请组织调查，还我们一个公道。\n此致 敬礼\n{date}",
    "纪委领导：\n我实名反映一个问题，{where}{acc}{sep}{fact}。{money}我愿意配合调查。\n反映人 某某\n{date}",
)
_FILLERS = ("嗯，", "那个，", "就是，", "呃，", "", "")
_TAILS = ("村里人都晓得，就是没人敢说。", "你们管不管嘛？", "希望你们来查一下。", "", "麻烦你们了。")
_MONEY = ("涉及的钱大概{amt}。", "一共{amt}左右。", "钱有{amt}。", "前后{amt}。", "听说{amt}。", "金额{amt}。")
_VERB_START = re.compile(
    r"^(?:把|私自|偷偷|悄悄|伪造|用|利用|以|和|伙同|替|帮|给|向|让|指使|不|在|办|开|拿|瞒|为|将|收|套|虚|冒|借|截|扣|"
    r"先|每|动用|编|强行|对|授意|当|做|违规|明知|搞|五十|验收|截留|组织|指|乱|办理|侵占|贪污|挪|立|揽|强|说|"
    r"驻村|护林员|精准|村里|低保|学校|镇里|乡里|县里)"
)


def where(county: str, town: str, village: str, rng: random.Random) -> str:
    """The place as this complainant gives it: village and township, sometimes one only."""
    choices = [f"{town}{village}", village or town, f"{county}{town}{village}", f"{town}{village}"]
    return rng.choice([c for c in choices if c]) if (town or village or county) else "我们村"


def render(case: dict[str, Any], k: int) -> dict[str, Any]:
    """The k-th complaint written from one case, with its labels and source."""
    rng = random.Random(f"{SEED}:{case['case']}:{k}")
    channel = CHANNELS[k % len(CHANNELS)]
    county, town, village = split_place(case["place"])
    acc, _short = accused_phrases(case, rng)
    blur = random.Random(f"{SEED}:blur:{case['case']}:{k}")  # its own stream: other items stay as they were
    share = blur.random()
    if share < NO_ACCUSED_SHARE:
        acc = blur.choice(["他们", "有人", "上面的人", "管这个事的"])
    elif share < NO_ACCUSED_SHARE + BLUR_SHARE:
        acc = blurred_accused(case, town, blur)
    dialect = channel == "call" and rng.random() < 0.35
    fact = paraphrase(case["facts"], rng, dialect=dialect)
    amount = say_amount(case.get("amount_yuan"), rng) if rng.random() < 0.75 else ""
    money = rng.choice(_MONEY).format(amt=amount) if amount else ""
    fields = {
        "where": where(county, town, village, rng),
        "acc": acc,
        "fact": fact,
        "sep": "" if _VERB_START.match(fact) else "，",
        "money": money,
        "money_sms": f"{amount} " if amount else "",
        "filler": rng.choice(_FILLERS),
        "tail": rng.choice(_TAILS),
        "date": f"{rng.randint(2016, 2024)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
    }
    templates = {"call": _CALL, "sms": _SMS, "web": _WEB, "letter": _LETTER}[channel]
    text = rng.choice(templates).format(**fields).replace("的的", "的")
    if channel == "sms":
        text = add_typos(text.replace("。", " ").replace("，", " ") if rng.random() < 0.5 else text, rng, 0.35)
    elif channel == "call":
        text = add_typos(text, rng, 0.08)
    if dialect:
        for phrase, local in DIALECT:
            text = text.replace(phrase, local)
    if rng.random() < 0.1:
        text = to_traditional(text)
    return {
        "id": f"g-{case['case'][5:]}-{k:02d}",
        "text": re.sub(r"\s{2,}", " ", text).strip(),
        "problem_types": case["problem_types"],
        "program": case["program"],
        "accused_level": case["accused_level"],
        "channel": channel,
        "case": case["case"],
        "source_url": case["source_url"],
    }


def to_traditional(text: str) -> str:
    """Simplified → traditional (opencc s2t), as Hong Kong and Taiwan keyboards type it."""
    return _s2t().convert(text)


@functools.lru_cache(maxsize=1)
def _s2t():
    """One converter for the whole run: building one reads opencc's dictionaries (~0.25 s, 97% of
    generating the corpus when it was built per item); converting does not change it."""
    from opencc import OpenCC

    return OpenCC("s2t")


def generate(cases: list[dict[str, Any]], per_case: int = PER_CASE) -> Iterator[dict[str, Any]]:
    """`per_case` complaints per case, no two with the same text (a repeat draws again)."""
    seen: set[str] = set()
    for case in cases:
        made = 0
        for k in range(per_case * 3):
            item = render(case, k)
            if item["text"] in seen:
                continue
            seen.add(item["text"])
            item["id"] = f"g-{case['case'][5:]}-{made:02d}"
            yield item
            made += 1
            if made == per_case:
                break


def main(argv: list[str] | None = None) -> None:
    """`python -m classifiers.grounded`: rewrite corpus/grounded.jsonl from the cases."""
    cases = load_cases()
    items = list(generate(cases))
    with open(OUTPUT_FILE, "w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"wrote {len(items)} complaints from {len(cases)} cases to {OUTPUT_FILE}")


if __name__ == "__main__":
    main()
