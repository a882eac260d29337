"""The one registry of the bulletin's figures: code, Chinese name, exact definition, unit.

Every table row, the text, the trend series, the dashboard cards, the .xlsx and figures.json take a
figure's name and value from here (`Figures.values[code]`), so one document can never show two
values for one figure. docs/bulletin.md lists the same registry (a test keeps them in step).
"""
from __future__ import annotations

from dataclasses import dataclass

COUNT, PEOPLE, TIMES, RATE, YUAN = "件", "人", "人次", "%", "元"


@dataclass(frozen=True)
class Figure:
    code: str
    name: str
    definition: str
    unit: str
    point: bool = False  # a point in time (the period's end), not a sum over the period


FIGURES: tuple[Figure, ...] = (
    Figure("contacts", "来电来信", "收到的来电、短信、来信、来访、网络举报（含跟进来电），按收到时间计", COUNT),
    Figure("clues", "问题线索",
           "登记的问题线索（按受理时间计），减去本期并入其他线索的重复举报（按并单时间计）", COUNT),
    Figure("cases_opened", "新受理案件", "开始办理的案件（按开始时间计），减去本期并单的案件（按并单时间计）", COUNT),
    Figure("cases_assigned", "已分办", "本期有分办记录的案件数（同一案件计一次）", COUNT),
    Figure("cases_disposed", "已作出处置", "本期处置意见获批的案件数", COUNT),
    Figure("cases_filed", "立案审查调查", "本期立案审查调查的案件数", COUNT),
    Figure("cases_concluded", "已出结论", "本期登记核查结论的案件数", COUNT),
    Figure("cases_closed", "已办结", "本期办结的案件数（按办结时间计；重新办理后再次办结的，在再次办结的期间再计）", COUNT),
    Figure("cases_reopened", "重新办理", "本期重新办理（回访不满意等）的已办结案件数", COUNT),
    Figure("overdue", "逾期未办", "期末时点仍有环节期限已过（按当时有效的期限）而未完成的案件数", COUNT, point=True),
    Figure("substantiated", "查处",
           "核查结论为属实或部分属实的线索（按结论登记时间计；重新办理或改变结论的，在其发生的期间冲减）", COUNT),
    Figure("response_rate", "响应率", "到期的分办期限中按期分办的比例；分母为0时记“—”", RATE),
    Figure("resolution_rate", "解决率", "办结案件中办结时已有核查结论（属实、部分属实、不实）的比例", RATE),
    Figure("satisfaction_rate", "满意率", "回访中满意和基本满意的比例", RATE),
    Figure("on_time_rate", "按期办理率", "到期的各环节期限中按期完成的比例", RATE),
    Figure("supervised", "挂牌督办", "本期内处于督办状态的挂牌督办（期内下达或仍在督办）", COUNT),
    Figure("supervised_ordered", "新挂牌督办", "本期下达的挂牌督办", COUNT),
    Figure("supervised_open", "督办未办结", "期末时点在督办中且尚未办结的案件数", COUNT, point=True),
    Figure("measure_times", "处理人次", "登记的处理措施（一人受两项措施计两人次），按登记时间计，期末前已撤销的不计", TIMES),
    Figure("money_recovered", "追缴退还资金",
           "案件结论所载追缴、退还金额的变动（按结论登记时间计；改变的金额在其发生的期间计入，可为负）", YUAN),
    Figure("money_cases", "追缴涉及案件", "本期追缴、退还金额有变动的案件数", COUNT),
    Figure("findings_raised", "比对疑点", "大数据比对发现的疑点（按发现时间计）", COUNT),
    Figure("findings_confirmed", "比对疑点确认", "核查确认的比对疑点（按确认时间计）", COUNT),
    Figure("false_poverty", "纠出假扶贫问题",
           "核查结论为属实或部分属实、问题类型为降低标准/识别不准、虚报冒领、优亲厚友、违规出具证明的线索"
           "（按结论登记时间计，重新办理的冲减），加上核查确认的大数据比对疑点（按确认时间计）", COUNT),
    Figure("disciplined_people", "党纪政务处分",
           "受到党纪处分或政务处分的人数（同一案件中同一人计一次；按登记时间计，期末前已撤销的不计）", PEOPLE),
    Figure("form_1", "第一种形态", "按一案中最重的处理措施（见处理措施档次表）归入第一种形态的人数", PEOPLE),
    Figure("form_2", "第二种形态", "按一案中最重的处理措施归入第二种形态（轻处分、一般组织调整）的人数", PEOPLE),
    Figure("form_3", "第三种形态", "按一案中最重的处理措施归入第三种形态（重处分、重大职务调整）的人数", PEOPLE),
    Figure("form_4", "第四种形态", "按一案中最重的处理措施归入第四种形态（移送司法）的人数", PEOPLE),
    Figure("form_unspecified", "未注明档次", "处分或组织处理未注明档次、无法确定形态的人数（不推定）", PEOPLE),
    Figure("name_cleared", "澄清正名", "登记澄清正名的人数（按登记时间计）", PEOPLE),
    Figure("exonerated", "容错免责、减责", "决定免责或减责的人数（按决定时间计）", PEOPLE),
    Figure("typical_published", "通报典型案例", "经审定并在已发布通报中通报的典型案例（按发布时间计）", COUNT),
)

BY_CODE = {figure.code: figure for figure in FIGURES}


def figure(code: str) -> Figure:
    return BY_CODE[code]


def name(code: str) -> str:
    return BY_CODE[code].name
