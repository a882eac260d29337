"""The field's vocabularies: problem types, programmes, accused levels (codes and Chinese labels)."""
from __future__ import annotations

import enum


class ProblemType(str, enum.Enum):
    false_certificate = "false_certificate"
    false_claim = "false_claim"
    favoritism = "favoritism"
    lowered_standard = "lowered_standard"
    embezzlement = "embezzlement"
    misappropriation = "misappropriation"
    extortion = "extortion"
    formalism = "formalism"
    other = "other"


PROBLEM_TYPE_LABELS = {
    ProblemType.false_certificate: "违规出具证明/伪造材料",
    ProblemType.false_claim: "虚报冒领/骗取",
    ProblemType.favoritism: "优亲厚友",
    ProblemType.lowered_standard: "降低标准/识别不准",
    ProblemType.embezzlement: "贪污侵占",
    ProblemType.misappropriation: "截留挪用",
    ProblemType.extortion: "吃拿卡要",
    ProblemType.formalism: "形式主义官僚主义",
    ProblemType.other: "其他",
}


class Program(str, enum.Enum):
    housing = "housing"
    dibao = "dibao"
    education = "education"
    industry = "industry"
    relocation = "relocation"
    medical = "medical"
    agri_subsidy = "agri_subsidy"
    project_fund = "project_fund"
    employment = "employment"
    other = "other"


PROGRAM_LABELS = {
    Program.housing: "危房改造",
    Program.dibao: "低保/特困供养",
    Program.education: "教育资助",
    Program.industry: "产业扶贫",
    Program.relocation: "易地扶贫搬迁",
    Program.medical: "医疗救助/健康扶贫",
    Program.agri_subsidy: "惠农补贴",
    Program.project_fund: "扶贫项目资金",
    Program.employment: "就业扶贫/公益岗位",
    Program.other: "其他",
}


class AccusedLevel(str, enum.Enum):
    village_cadre = "village_cadre"
    township_cadre = "township_cadre"
    county_department = "county_department"
    teacher_school = "teacher_school"
    other = "other"
    unknown = "unknown"


ACCUSED_LEVEL_LABELS = {
    AccusedLevel.village_cadre: "村干部",
    AccusedLevel.township_cadre: "乡镇干部",
    AccusedLevel.county_department: "县直部门",
    AccusedLevel.teacher_school: "教师/学校",
    AccusedLevel.other: "其他人员",
    AccusedLevel.unknown: "不详",
}


class Channel(str, enum.Enum):
    call = "call"  # a phone call logged by an operator
    voice = "voice"  # a call taken by the automated voice line
    sms = "sms"
    web = "web"  # web form or JSON API
    letter = "letter"
    visit = "visit"  # in person (来访)
    crosscheck = "crosscheck"  # raised from a roll cross-check (大数据比对)
    open311 = "open311"  # passed in from a 12345 platform


CHANNEL_LABELS = {
    Channel.call: "电话",
    Channel.voice: "语音热线",
    Channel.sms: "短信",
    Channel.web: "网络",
    Channel.letter: "来信",
    Channel.visit: "来访",
    Channel.crosscheck: "大数据比对",
    Channel.open311: "12345平台",
}


def label(mapping: dict, value: object) -> str:
    """The Chinese label of a vocabulary value, tolerant of raw strings and None."""
    for key, text in mapping.items():
        if key == value or getattr(key, "value", None) == value:
            return text
    return "" if value is None else str(value)
