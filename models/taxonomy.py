"""The field's vocabularies: problem types, programmes, accused levels (codes and Chinese labels)."""
from __future__ import annotations

from models.base import LabelledEnum


class ProblemType(LabelledEnum):
    false_certificate = "false_certificate", "违规出具证明/伪造材料"
    false_claim = "false_claim", "虚报冒领/骗取"
    favoritism = "favoritism", "优亲厚友"
    lowered_standard = "lowered_standard", "降低标准/识别不准"
    embezzlement = "embezzlement", "贪污侵占"
    misappropriation = "misappropriation", "截留挪用"
    extortion = "extortion", "吃拿卡要"
    formalism = "formalism", "形式主义官僚主义"
    other = "other", "其他"


class Program(LabelledEnum):
    housing = "housing", "危房改造"
    dibao = "dibao", "低保/特困供养"
    education = "education", "教育资助"
    industry = "industry", "产业扶贫"
    relocation = "relocation", "易地扶贫搬迁"
    medical = "medical", "医疗救助/健康扶贫"
    agri_subsidy = "agri_subsidy", "惠农补贴"
    project_fund = "project_fund", "扶贫项目资金"
    employment = "employment", "就业扶贫/公益岗位"
    other = "other", "其他"


class AccusedLevel(LabelledEnum):
    village_cadre = "village_cadre", "村干部"
    township_cadre = "township_cadre", "乡镇干部"
    county_department = "county_department", "县直部门"
    teacher_school = "teacher_school", "教师/学校"
    other = "other", "其他人员"
    unknown = "unknown", "不详"


class Channel(LabelledEnum):
    call = "call", "电话"  # a phone call logged by an operator
    voice = "voice", "语音热线"  # a call taken by the automated voice line
    sms = "sms", "短信"
    web = "web", "网络"  # web form or JSON API
    letter = "letter", "来信"
    visit = "visit", "来访"  # in person (来访)
    crosscheck = "crosscheck", "大数据比对"  # raised from a roll cross-check (大数据比对)
    open311 = "open311", "12345平台"  # passed in from a 12345 platform


def label(mapping: dict, value: object) -> str:
    """The Chinese label of a vocabulary value, tolerant of raw strings and None."""
    for key, text in mapping.items():
        if key == value or getattr(key, "value", None) == value:
            return text
    return "" if value is None else str(value)
