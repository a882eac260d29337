"""Label vocabularies shared by the classifiers, the corpus loader and the app.

The code names come from shared/DOMAIN.md; the Chinese labels are what the UI shows.
"""

from __future__ import annotations

PROBLEM_TYPES: dict[str, str] = {
    "false_certificate": "违规出具证明/伪造材料",
    "false_claim": "虚报冒领/骗取",
    "favoritism": "优亲厚友",
    "lowered_standard": "降低标准/识别不准",
    "embezzlement": "贪污侵占",
    "misappropriation": "截留挪用",
    "extortion": "吃拿卡要",
    "formalism": "形式主义官僚主义",
    "other": "其他",
}

PROGRAMS: dict[str, str] = {
    "housing": "危房改造",
    "dibao": "低保/特困供养",
    "education": "教育资助",
    "industry": "产业扶贫",
    "relocation": "易地扶贫搬迁",
    "medical": "医疗救助/健康扶贫",
    "agri_subsidy": "惠农补贴",
    "project_fund": "扶贫项目资金/基础设施",
    "employment": "就业扶贫/公益岗位",
    "other": "其他",
}

ACCUSED_LEVELS: dict[str, str] = {
    "village_cadre": "村干部",
    "township_cadre": "乡镇干部",
    "county_department": "县直部门",
    "teacher_school": "教师/学校",
}

TARGETS = ("problem_type", "program")
