"""The label definitions of `corpus/DEFINITIONS.md` as cue-word rules.

Two uses, one source of truth:

* `check_example` finds corpus items whose label contradicts the definitions (a 吃拿卡要 item
  without any demand, a 贪污侵占 item where money is only deducted, a 优亲厚友 item with no
  relative or friend, an 产业扶贫 item with no industry at all). It is deliberately a
  *contradiction* finder, not a classifier: it flags what a reviewer must look at.
* `CueCounts`, a stateless transformer, gives the model the same cue groups as features, so
  the distinctions the definitions draw (deducted vs pocketed vs demanded) are visible to a
  linear model even in wordings the corpus never used.

Cues are matched on normalised (simplified) text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin


# Every entry of every cue list, for the leak check (`cue_entries_only_in`).
CUE_ENTRIES: dict[str, None] = {}


def _re(words: Iterable[str]) -> re.Pattern[str]:
    words = list(words)
    CUE_ENTRIES.update(dict.fromkeys(words))
    return re.compile("|".join(sorted(words, key=len, reverse=True)))


# 贪污侵占: the official takes for himself money he controls (a passbook he keeps, cash he
# handles, funds he pockets).
SELF_TAKE = _re([
    "据为己有", "揣进", "揣了", "腰包", "自己花", "自己用", "自家花", "私吞", "侵吞", "侵占", "贪污",
    "私分", "瓜分", "个人消费", "个人开支", "个人使用", "归个人", "吞了", "自个儿花", "中饱私囊",
    "存折", "一卡通", "一折通", "低保卡", "社保卡", "银行卡", "代领", "代管", "保管着", "取走", "偷偷取",
    "私自取", "挥霍", "打麻将", "自己拿了",
    "自己家", "归自己", "自己的账户", "个人账户", "装进", "拿走", "被支书领", "领了去", r"被[^，。]{0,4}领了",
    "钱是会", "私下", "自己留", "个人控制", "私人账户", "帮忙领", "帮我们领", "一直是他领", "工资卡",
    "收着", "卡在", "自己公司", "全部领了", "拿去给自己", "卷走", "代收", "占有", "占用", "自己账上", "冒领我", "收款账户", "打到村", "一分没给",
    r"(?:放|拉|存|打|转)(?:到|进|回)[^，。]{0,6}(?:自己|他|村主任|书记|支书|会计)(?:家|的|私人|个人|定期)",
])
# 截留挪用: money meant for others is held back, deducted, clawed back or used elsewhere.
DEDUCT = _re([
    "扣了", "扣下", "扣掉", "扣留", "扣钱", "每户扣", "克扣", "截留", "截了", "抽头", "雁过拔毛", "统筹",
    "挪用", "挪去", "挪作", "挪到", "拿去还", "拿去搞", "拿去填", "填窟窿", "压着不", "压在", "不发",
    "迟发", "拖着不", "只发了", "到手只有", "少发", "返还", "上交", "交回", "收回", "平分", "分摊", "结余",
    "账外账", "小金库", "村里开支", "村集体", "村财", "办公经费", "日常开支", "用于", "当捐款", "当辛苦费",
    "拿去给", "提走", "借给", "借款给", "动用", "不退", "没发", "一分没", "扣", "转给村里",
    "滞留", "只给", "拿去买", "才发", "不按月", "没到", "拖了", "拖着", "拿走了", "领了发", "统一领",
])
# 吃拿卡要: something is demanded from the applicant as the price of the aid or the approval.
DEMAND = _re([
    "好处费", "辛苦费", "茶水费", "跑腿费", "红包", "请吃饭", "请吃", "吃顿饭", "送礼", "收了礼",
    "礼金", "送烟", "一条烟", "买烟", "回扣", "保证金", "赞助费", "协调费", "管理费", "索要", "索取", "要钱",
    "要好处", "意思意思", "不给钱", "不给就", "才给办", "才签字", "才盖章", "收受", "收钱", "收了钱",
    "收礼", "收费", "收取", "要五百", "要一千", "要两千", "要三百",
    r"(?:先|要|得|就得)给(?:他|她|他们|村里)[^，。]{0,6}(?:钱|块|元|百|千|万)", "打点", "拿两千", "请他们吃",
    "请吃一顿", "要交", "不交就", "交钱", "给他拿", "要给她", "要给他", "拿钱", "拿烟", "拿条烟", "拿一百",
    r"给我[^，。]{0,4}(?:百|千|块)", r"不交[^，。]{0,6}就", r"送了?[^，。]{0,3}烟", "给他家", "辛苦钱", "看你表现", "规矩",
    r"拿[^，。]{0,4}(?:百|千|块|元)出来", r"给了?(?:他|她)[^，。]{0,3}(?:百|千|块)",
])
_KIN_WORDS = [
    "亲戚", "亲属", "亲弟弟", "亲兄弟", "弟弟", "哥哥", "兄弟", "妹妹", "姐姐", "儿子", "女儿", "女婿", "儿媳",
    "老婆", "媳妇", "妻子", "爱人", "父亲", "母亲", "老母亲", "老娘", "老爸", "老妈", "小舅子",
    "侄子", "侄儿", "外甥", "家属", "自家人", "本家", "连襟", "亲家", "表弟", "表哥", "表姐", "表妹", "堂兄",
    "堂弟", "叔叔", "舅舅", "姑姑", "孙子", "哥家", "朋友", "关系好", "人情保", "关系保",
    "关系户", "人情户", "拉票", "自己和", "给自己",
]
# 优亲厚友: aid, quotas or posts go to the cadre's relatives, friends or the cadre himself.
KIN = _re(_KIN_WORDS)
# A relative *of the accused* (the cadre's brother), not any kinship word (a beneficiary's
# sister-in-law): possessive or owner words right before the kinship word.
OWN_KIN = re.compile(
    "(?:他|她|自己|自家|本人|书记|主任|村长|支书|干部|镇长|局长|校长|会计)(?:的|家的|家)?(?:" + "|".join(
        sorted(_KIN_WORDS[: _KIN_WORDS.index("朋友")], key=len, reverse=True)) + ")"
)
# 降低标准/识别不准: the unqualified admitted, or the qualified left out — no kin needed.
UNQUALIFIED = _re([
    "不符合条件", "不符合", "够不上", "不够格", "够不着", "有车", "小轿车", "轿车", "宝马", "买了车",
    "商品房", "有房", "楼房", "小洋楼", "开公司", "开店", "个体户", "工商注册", "吃财政饭",
    "年收入", "条件好", "条件较好", "识别不准", "识别不精准",     "错退", "没评上", "评不上", "把关不严", "剔除", "普发", "人人都", "不该",
])
# 违规出具证明/伪造材料: a false certificate, a forged record, a signature or seal abused.
FAKE_DOC = _re([
    "证明", "伪造", "造假", "假材料", "假资料", "假证", "编造", "编了", "代签", "代替", "替人家签", "冒签",
    "签名", "签字", "公章", "盖章", "会议记录", "评议记录", "鉴定", "假单", "假发票", "虚开", "发票",
    "假合同", "出入库单", "花名册", "名册", "工资单", "假的", "申报材料", "材料", "报告", "收入调查表",
    "乱填", "签的字", "p过", "照片", "开证明", "记录", "表上", "登记表", "签领表", "篡改", "涂改", "私刻",
])
# 虚报冒领/骗取: fictitious or ineligible claims, the dead or absent, inflated numbers.
FALSE_CLAIM = _re([
    "虚报", "冒领", "冒名", "套取", "套走", "套出", "套了", "骗取", "骗补", "骗了", "骗走", "顶名", "顶替", "虚构",
    "虚列", "虚增", "死人", "去世", "已故", "死了", "假住院", "被住院", "借羊", "借别人的", "重复申报",
    "多报", "根本没", "没建房", "没种", "凑数", "以次充好", "挂名", "用别人名义",
    "用别人的名义", "领补贴", "荒地", "根本不知道", "名单上有", "名下", "充新", "账上报",
    "报了两次", "两边都", "隐瞒", "瞒报收入", "多领", "不该领", "也在表上", "挂个名", "签到表", "补签",
    "往大了", "拿别人家", "照的相", "虚",
])
# 形式主义官僚主义: neglect, fake figures, shirking, lax supervision.
FORMAL = _re([
    "走过场", "不作为", "推诿", "扯皮", "把关不严", "不核实", "失职", "监管", "验收", "合格", "应付", "数字脱贫",
    "不开会", "没开过", "挂名", "走读", "不住村", "两头跑", "烂尾", "闲置", "打水漂", "不巡山",
    "拖延", "没人管", "不管", "乱填", "上报", "核查", "不知道", "说不清", "对不上", "督查",
    "假工程", "没通", "干池子", "没水",
])

PROGRAM_CUES: dict[str, re.Pattern[str]] = {
    "housing": _re(["危房", "危改", "危旧房", "旧房改造", "建房", "造福工程", "住房"]),
    "dibao": _re(["低保", "底保", "五保", "特困", "供养", "临时救助", "救助金", "救济", "敬老院", "民政"]),
    "education": _re(["助学金", "营养餐", "营养改善", "午餐", "雨露计划", "学杂费", "学生", "学校", "培训"]),
    "industry": _re([
        "产业", "合作社", "养殖", "种植", "种苗", "苗", "养鸡", "鸡", "牛", "羊", "果", "茶", "菜", "光伏扶贫",
        "扶贫车间", "互助社", "互助资金", "扶贫贷款", "专项贷款", "小额信贷", "基地", "大棚", "园区",
        "分红", "种养",
    ]),
    "relocation": _re(["搬迁", "安置", "彝家新寨", "造福工程"]),
    "medical": _re(["医保", "医疗", "住院", "卫生院", "大病", "新农合", "农合", "看病", "诊断"]),
    "agri_subsidy": _re([
        "粮补", "粮食", "种粮", "惠农补贴", "退耕还林", "公益林", "生态", "草原", "林地", "秧盘", "农机",
        "耕地", "林业", "种植",
    ]),
    "project_fund": _re([
        "项目", "工程", "修路", "道路", "村道", "路", "饮水", "水池", "蓄水", "供水", "改厕", "以工代赈", "水土",
        "光伏电站", "电站", "扶贫资金", "扶贫款", "专项资金", "基础设施", "结余", "普九",
    ]),
    "employment": _re(["公益性岗位", "公益岗位", "公益岗", "护林员", "保洁员", "就业", "务工"]),
}

TYPE_CUES: dict[str, re.Pattern[str]] = {
    "embezzlement": SELF_TAKE,
    "misappropriation": DEDUCT,
    "extortion": DEMAND,
    "favoritism": KIN,
    "lowered_standard": UNQUALIFIED,
    "false_certificate": FAKE_DOC,
    "false_claim": FALSE_CLAIM,
    "formalism": FORMAL,
}
# Strong signs that the accused personally pocketed the money.
POCKETED = _re([
    "据为己有", "揣进", "腰包", "自己花", "私吞", "侵吞", "贪污", "私分", "瓜分", "中饱私囊",
    "个人消费", "自己用", "自家花", "挥霍",
])


@dataclass(frozen=True)
class Contradiction:
    """One label that the definitions contradict: which rule, and why in plain words."""

    id: str
    label: str
    rule: str  # "money" (the three money types), "type" or "program"
    reason: str


# Misspellings seen in real text messages, and what they stand for. The generator of the
# grounded corpus uses them; the checks and the cue features read through them.
TYPOS: tuple[tuple[str, str], ...] = (
    ("低保", "底保"), ("低保", "低报"), ("补助", "补主"), ("贪污", "贪乌"), ("书记", "书纪"),
    ("危房", "危方"), ("挪用", "那用"), ("扶贫", "扶平"), ("截留", "节留"), ("冒领", "冒令"),
    ("村长", "村涨"), ("举报", "举抱"), ("合作社", "合做社"), ("反映", "反应"),
)
_TYPO_RE = re.compile("|".join(wrong for _, wrong in TYPOS))
_TYPO_FIX = {wrong: right for right, wrong in TYPOS}


def untypo(text: str) -> str:
    """Known misspellings replaced by the word meant (底保 → 低保)."""
    return _TYPO_RE.sub(lambda m: _TYPO_FIX[m.group()], text)


def _has(pattern: re.Pattern[str], text: str) -> bool:
    return pattern.search(text) is not None


def _money_rules(primary: str | None, text: str) -> list[str]:
    """Where 贪污侵占, 截留挪用 and 吃拿卡要 are told apart (DEFINITIONS.md, the money types)."""
    reasons = []
    if primary == "extortion" and _has(DEDUCT, text) and not _has(DEMAND, text):
        reasons.append("money deducted or held back, nothing demanded: 截留挪用, not 吃拿卡要")
    if primary == "embezzlement" and _has(DEDUCT, text) and not _has(SELF_TAKE, text):
        reasons.append("money only deducted or held back: 截留挪用, not 贪污侵占")
    if primary == "misappropriation" and _has(DEMAND, text) and not _has(DEDUCT, text):
        reasons.append("money demanded from the applicant: 吃拿卡要, not 截留挪用")
    return reasons


def _type_rules(primary: str | None, text: str) -> list[str]:
    """Each primary type needs the cue its definition names."""
    needs = {
        "extortion": (DEMAND, "吃拿卡要 without any demand on the applicant"),
        "embezzlement": (SELF_TAKE, "贪污侵占 without the official taking or controlling the money"),
        "misappropriation": (DEDUCT, "截留挪用 without money held back, deducted or diverted"),
        "favoritism": (KIN, "优亲厚友 without a relative, friend or the cadre himself"),
        "false_certificate": (FAKE_DOC, "违规出具证明 without any certificate, record or signature"),
        "false_claim": (FALSE_CLAIM, "虚报冒领 without a false, inflated or ineligible claim"),
    }
    reasons = []
    if primary in needs and not _has(needs[primary][0], text):
        reasons.append(needs[primary][1])
    if primary == "lowered_standard" and _has(OWN_KIN, text) and not _has(UNQUALIFIED, text):
        reasons.append("the beneficiary is the accused's relative: 优亲厚友")
    if primary == "formalism" and _has(POCKETED, text):
        reasons.append("money pocketed: a corruption type, not 形式主义, is primary")
    return reasons


def _program_rules(program: str | None, text: str) -> list[str]:
    """A programme must be named or described; 'other' must not name a specific one."""
    if program in PROGRAM_CUES and not _has(PROGRAM_CUES[program], text):
        return [f"programme {program} named nowhere in the text"]
    if program == "other" and not _has(PROGRAM_CUES["industry"], text):
        named = [code for code in ("housing", "dibao", "education", "medical", "relocation", "employment")
                 if _has(PROGRAM_CUES[code], text)]
        if named:
            return [f"programme 'other' but the text names {named[0]}"]
    return []


def check_labels(text: str, problem_types: Sequence[str], program: str | None) -> list[tuple[str, str, str]]:
    """(label, rule, reason) for each label of one item that its text contradicts."""
    primary = problem_types[0] if problem_types else None
    return (
        [(primary, "money", r) for r in _money_rules(primary, text)]
        + [(primary, "type", r) for r in _type_rules(primary, text)]
        + [(program, "program", r) for r in _program_rules(program, text)]
    )


def check_example(example: object) -> list[Contradiction]:
    """Contradictions between one corpus `Example` and the definitions."""
    from .normalize import normalize

    text = untypo(normalize(getattr(example, "text")))
    labels = getattr(example, "problem_types")
    return [
        Contradiction(getattr(example, "id"), label, rule, reason)
        for label, rule, reason in check_labels(text, labels, getattr(example, "program"))
    ]


# The cue groups the model sees, in a fixed order (its feature names).
CUE_GROUPS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("self_take", SELF_TAKE), ("pocketed", POCKETED), ("deduct", DEDUCT), ("demand", DEMAND),
    ("kin", KIN), ("own_kin", OWN_KIN), ("unqualified", UNQUALIFIED), ("fake_doc", FAKE_DOC),
    ("false_claim", FALSE_CLAIM), ("formal", FORMAL),
    *((f"program_{code}", pattern) for code, pattern in PROGRAM_CUES.items()),
)


# Who the unqualified are (DEFINITIONS.md, from DOMAIN.md's registry rules): public payroll,
# vehicles, a business or shop, commercial property, a high income.
UNQUALIFIED_WHO = _re([
    "财政供养", "公职人员", "车辆", "汽车", "营运车", "个体工商户", "商铺", "门面", "经商", "商品房", "收入高", "收入较高",
])
# The paper itself is the wrong (DEFINITIONS.md, 违规出具证明 as primary).
FORGED = _re([
    "出具虚假证明", "虚假证明", "假证明", "开假证明", "伪造", "私刻", "篡改", "涂改", "冒名签字", "虚假材料",
])


def _unqualified_without_kin(text: str, hits: dict[str, int] | None = None) -> bool:
    """An unqualified household is admitted and no relative or friend is named: the
    降低标准-over-优亲厚友 primary rule of DEFINITIONS.md."""
    if hits["kin"] if hits else _has(KIN, text):
        return False
    return bool(hits["unqualified"] if hits else _has(UNQUALIFIED, text)) or _has(UNQUALIFIED_WHO, text)


def _forged_masked(text: str) -> str:
    """The text with its forged-paper phrases blanked out, same length: the 虚 of 虚假证明 or 虚假材料
    (DEFINITIONS.md's own phrases) is the certificate's cue, not a false claim's (虚报)."""
    return FORGED.sub(lambda m: "\x00" * len(m.group()), text)


def _forged_without_claim(text: str, hits: dict[str, int] | None = None) -> bool:
    """A paper is forged or falsely issued and no false claim is named: 违规出具证明 rather
    than 虚报冒领 as primary (DEFINITIONS.md)."""
    if not _has(FORGED, text):
        return False
    if not (hits["false_claim"] if hits else _has(FALSE_CLAIM, text)):
        return True
    # A claim must be named outside the paper's own words (read in place, their 虚 switched this rule off).
    return not _has(FALSE_CLAIM, _forged_masked(text))


# The primary-type rules of DEFINITIONS.md as model columns: each is RULE_HIT when it holds,
# else 0 (then log1p and the cue weight, as every cue column). Chosen, with RULE_HIT, by
# case-grouped cross-validation on the training side (bench/tune_triage.py; docs/triage.md).
RULE_GROUPS: tuple[tuple[str, object], ...] = (
    ("unqualified_without_kin", _unqualified_without_kin),
    ("forged_without_claim", _forged_without_claim),
)
RULE_HIT = 6.0


def _deducted_not_pocketed(text: str, hits: object = None) -> int:
    """1 when money is deducted or held back and nobody is said to have pocketed it (截留挪用
    rather than 贪污侵占, DEFINITIONS.md's money types)."""
    return int(_has(DEDUCT, text) and not _has(POCKETED, text))


def _demanded_not_deducted(text: str, hits: object = None) -> int:
    """1 when something is demanded from the applicant and nothing is deducted on the way
    (吃拿卡要 rather than 截留挪用)."""
    return int(_has(DEMAND, text) and not _has(DEDUCT, text))


def _neglect_without_money(text: str, hits: object = None) -> int:
    """1 when neglect is named and no money is taken, deducted or demanded (形式主义 primary
    only when no money type applies)."""
    return int(_has(FORMAL, text) and not (_has(SELF_TAKE, text) or _has(DEDUCT, text) or _has(DEMAND, text)))


def _no_programme_named(text: str, hits: dict[str, int] | None = None) -> int:
    """1 when no programme is named or described: 其他 (DEFINITIONS.md, "a text that names no
    programme gets 其他")."""
    if hits:
        return int(not any(hits[f"program_{code}"] for code in PROGRAM_CUES))
    return int(not any(_has(pattern, text) for pattern in PROGRAM_CUES.values()))


def _project_without_production(text: str, hits: dict[str, int] | None = None) -> int:
    """1 when a project or fund is named and no production by households (扶贫项目资金 rather
    than 产业扶贫, DEFINITIONS.md)."""
    project = hits["program_project_fund"] if hits else _has(PROGRAM_CUES["project_fund"], text)
    industry = hits["program_industry"] if hits else _has(PROGRAM_CUES["industry"], text)
    return int(bool(project) and not industry)


_LEAD_TYPES = ("embezzlement", "misappropriation", "extortion", "favoritism", "lowered_standard",
               "false_certificate", "false_claim", "formalism")
_lead_cache: list[object] = [None, None]


def _leading_type(text: str) -> str | None:
    """The type whose cue comes first in the text ("the primary is the one the complainant
    leads with", DEFINITIONS.md); None when no type cue occurs."""
    if _lead_cache[0] is text:
        return _lead_cache[1]  # type: ignore[return-value]
    best, where = None, len(text) + 1
    forged = FORGED.search(text)
    masked = _forged_masked(text) if forged else text  # positions kept: the first cue still wins
    for name in _LEAD_TYPES:
        match = TYPE_CUES[name].search(masked)
        start = match.start() if match else len(text) + 1
        if name == "false_certificate" and forged:
            start = min(start, forged.start())
        if start < where:
            best, where = name, start
    _lead_cache[0], _lead_cache[1] = text, best
    return best


def _leads(name: str):
    def rule(text: str, hits: object = None) -> int:
        return int(_leading_type(text) == name)
    rule.__name__ = f"_leads_{name}"
    return rule


# Cue groups and rules tried by cross-validation and not chosen (bench/tune_triage.py
# --variants '{"cue_groups": [...]}'; figures in docs/triage.md). The model never sees them.
OPTIONAL_CUE_GROUPS: dict[str, object] = {
    "unqualified_who": UNQUALIFIED_WHO,
    "forged": FORGED,
    "deducted_not_pocketed": _deducted_not_pocketed,
    "demanded_not_deducted": _demanded_not_deducted,
    "neglect_without_money": _neglect_without_money,
    **{f"leads_{name}": _leads(name) for name in _LEAD_TYPES},
    "no_programme_named": _no_programme_named,
    "project_without_production": _project_without_production,
}
_ENABLED_OPTIONAL: tuple[str, ...] = ()
_RULES_ON = True


def enable_optional_cue_groups(names: Iterable[str], *, rules: bool = True) -> None:
    """Tuning only: CueCounts fitted from now on add the named optional groups as columns
    (and leave out the RULE_GROUPS columns when `rules` is false, the model before them)."""
    global _ENABLED_OPTIONAL, _RULES_ON
    _ENABLED_OPTIONAL, _RULES_ON = tuple(names), rules


_GROUP_OF = {name: group for name, group in (*CUE_GROUPS, *RULE_GROUPS, *OPTIONAL_CUE_GROUPS.items())}
_BASE_NAMES = tuple(name for name, _ in CUE_GROUPS)


def _count(group: object, text: str, hits: dict[str, int], rule_hit: float) -> float:
    if isinstance(group, re.Pattern):
        return len(group.findall(text))
    return rule_hit * group(text, hits)  # type: ignore[operator]


class CueCounts(TransformerMixin, BaseEstimator):
    """Stateless: prepared texts in, one column per cue group out (log1p of the hits), then
    one per primary-type rule of DEFINITIONS.md (log1p of `rule_hit` when it holds, else 0).

    Parameters
    ----------
    weight : float
        Scale of the columns relative to the l2-normalised TF-IDF blocks beside them.
    rule_hit : float
        The count a rule's column takes when the rule holds.

    `fit` records the column names (`columns_`), so a model fitted before a rule was added
    keeps its own columns.
    """

    def __init__(self, weight: float = 0.3, rule_hit: float = RULE_HIT) -> None:
        self.weight = weight
        self.rule_hit = rule_hit

    def __setstate__(self, state: dict[str, object]) -> None:
        # Models pickled before the rules have no rule_hit (and no columns_: groups only).
        state.setdefault("rule_hit", RULE_HIT)
        super().__setstate__(state)

    def fit(self, X: object, y: object = None) -> "CueCounts":
        """Nothing to learn but the column list."""
        rules = tuple(name for name, _ in RULE_GROUPS) if _RULES_ON else ()
        self.columns_ = _BASE_NAMES + rules + _ENABLED_OPTIONAL
        self.n_features_out_ = len(self.columns_)
        return self

    def transform(self, X: Iterable[object]) -> sp.csr_matrix:
        """Cue-group hit counts and rule columns per text (`PreparedText` or str)."""
        columns = getattr(self, "columns_", _BASE_NAMES)  # models pickled before rules: groups only
        extra = [_GROUP_OF[name] for name in columns[len(_BASE_NAMES):]]
        rule_hit = float(getattr(self, "rule_hit", RULE_HIT))
        rows = []
        for text in (untypo(getattr(doc, "text", doc) or "") for doc in X):
            counts = [len(pattern.findall(text)) for _, pattern in CUE_GROUPS]
            if extra:
                hits = dict(zip(_BASE_NAMES, counts))
                counts += [_count(group, text, hits, rule_hit) for group in extra]
            rows.append(counts)
        values = np.log1p(np.asarray(rows, dtype=np.float32).reshape(len(rows), len(columns)))
        return sp.csr_matrix(values * np.float32(self.weight))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """`cue__<group>` for every column."""
        return np.array([f"cue__{name}" for name in getattr(self, "columns_", _BASE_NAMES)], dtype=object)


def cue_entries_only_in(held_out: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """Cue entries that match some held-out text and no allowed text (a leak suspect).

    The cue lists must come from DEFINITIONS.md and the training side only. An entry found in
    held-out texts (complaints or facts of held-out cases, the original held-out items) but in
    no training-side text and not in DEFINITIONS.md can only have been learnt from the held-out
    side, so it must not be in the lists. Texts are compared normalised and with known
    misspellings read as the word meant, as the features see them.
    """
    from .normalize import normalize

    held_text = "\n".join(untypo(normalize(t)) for t in held_out)
    allowed_text = "\n".join(untypo(normalize(t)) for t in allowed)
    return [
        entry for entry in CUE_ENTRIES
        if re.search(entry, held_text) and not re.search(entry, allowed_text)
    ]


def leak_suspects() -> list[str]:
    """`cue_entries_only_in` for the committed corpus and its two held-out sets."""
    from .corpus import CORPUS_DIR, held_out_cases, load_corpus, split_corpus
    from .grounded import load_cases

    examples = load_corpus()
    split = split_corpus(examples)
    held_cases = held_out_cases(examples)
    cases = load_cases()
    held = [e.text for e in split.test + split.source_test] + [c["facts"] for c in cases if c["case"] in held_cases]
    allowed = (
        [e.text for e in split.train]
        + [c["facts"] for c in cases if c["case"] not in held_cases]
        + [(CORPUS_DIR / "DEFINITIONS.md").read_text(encoding="utf-8")]
    )
    return cue_entries_only_in(held, allowed)


def main(argv: list[str] | None = None) -> None:
    """`python -m classifiers.definitions [--rule money|type|program] [--leaks]`: the reviewer's worklist."""
    import argparse
    from collections import Counter

    from .corpus import load_corpus

    parser = argparse.ArgumentParser(description="Corpus items whose labels contradict DEFINITIONS.md.")
    parser.add_argument("--rule", choices=("money", "type", "program"), default=None)
    parser.add_argument("--leaks", action="store_true", help="cue entries found only in held-out texts")
    args = parser.parse_args(argv)
    if args.leaks:
        suspects = leak_suspects()
        print("\n".join(suspects) or "no cue entry occurs only in held-out texts")
        return
    found = [c for e in load_corpus() for c in check_example(e) if args.rule in (None, c.rule)]
    for c in found:
        print(f"{c.id}\t{c.rule}\t{c.label}\t{c.reason}")
    print(dict(Counter(c.rule for c in found)))


if __name__ == "__main__":
    main()
