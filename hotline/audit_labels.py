"""How the audit log page reads: Chinese labels for actions, objects and details.

The stored record (action codes, JSON detail) is unchanged and stays in the CSV export; this module
only renders it for a reader. An action or key this module does not know is shown as its code (in a
<code> element on the page), never dropped, so a new action is visible before it gets a label.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import models.bulletins
import models.cases
import models.clues
import models.complaints
import models.divisions
import models.findings
import models.offices
import models.outcomes
import models.taxonomy
import models.users
from hotline.cases.panel import EVENT_LABELS
from models.base import LabelledEnum

ACTION_LABELS = {
    "attachment.add": "举报人上传附件", "attachment.view": "查看附件", "complaint.followup": "举报人补充材料",
    "attachment.refused": "附件未能保存", "receipt.lookup_locked": "查询码错误次数过多暂停查询", "public.spam_review": "标记无效举报",
    "audit.export": "导出审计日志", "audit.sealed_from_here": "审计链自此封存",
    "bulletin.correction": "通报更正", "bulletin.publish": "发布通报",
    "calendar.set": "设置工作日历", "calendar.delete": "删除工作日历设置",
    "clue.export": "导出线索登记簿", "clue.register": "登记问题线索",
    "complaint.create": "登记来电", "complaint.labels": "修改分类", "complaint.sms_part_joined": "合并分段短信",
    "conflict.declare": "申报利害关系", "conflict.home_village": "登记户籍村（回避）",
    "crosscheck.run": "运行大数据比对", "division.import": "导入行政区划",
    "division.add": "新增区划", "division.rename": "区划更名", "division.merge": "区划撤并",
    "division.retire": "撤销区划", "division.restore": "恢复区划", "division.recode": "区划改码",
    "finding.attach": "疑点关联到线索", "finding.clue": "疑点转为线索", "finding.export": "导出比对疑点",
    "finding.confirm": "确认疑点", "finding.dismiss": "排除疑点",
    "grant.request": "申请授予身份信息角色", "grant.save": "保存补助项目规则",
    "grant.pending": "角色授予待批准", "grant.approved": "批准角色授予", "grant.refused": "驳回角色授予",
    "grant.withdrawn": "撤回角色授予申请",
    "identity.view": "查看举报人身份", "identity.denied": "拒绝查看举报人身份", "identity.rotate": "轮换身份加密密钥",
    "identity.recording": "收听来电录音",
    "office.create": "新建机构", "office.update": "修改机构",
    "open311.request_create": "12345平台转入", "open311.client_add": "新增12345平台接入",
    "open311.client_revoke": "撤销12345平台接入",
    "retention.hold": "保全（暂停清除）", "retention.release": "解除保全", "retention.purge": "到期清除",
    "roll.import": "导入名册", "roll.withdraw": "撤回名册",
    "routing.create": "新建分流规则", "routing.move": "调整分流规则顺序",
    "token.issue": "签发接口令牌",
    "tolerance.condition_added": "新增容错情形", "tolerance.condition_revised": "修改容错情形",
    "tolerance.condition_retired": "停用容错情形",
    "user.create": "新建用户", "user.update": "修改用户", "user.role": "变更角色", "user.login": "登录",
    "user.logout": "退出", "user.locked": "账号锁定", "user.password_reset": "重置密码",
    "user.totp_enrolled": "绑定动态口令", "user.totp_failed": "动态口令错误",
}

ENTITY_LABELS = {
    "attachment": "附件", "caller": "来电（短信）人", "audit": "审计日志", "bulletin": "通报", "calendar_day": "工作日历", "case": "案件", "clue": "线索",
    "clue_register": "线索登记簿", "complainant": "举报人", "complaint": "来电", "crosscheck_grant": "补助项目",
    "crosscheck_run": "比对批次", "database": "数据库", "division": "区划", "township": "乡镇", "village": "村",
    "finding": "比对疑点", "office": "机构", "roll_import": "名册", "routing_rule": "分流规则",
    "tolerance_condition": "容错情形", "user": "用户",
}

KEY_LABELS = {
    "reason": "理由", "note": "说明", "rows": "行数", "kind": "类型", "name": "名称", "role": "角色",
    "version": "版本", "key": "键", "grant_id": "授予申请", "filename": "文件名", "complaint_id": "来电",
    "complaint_ids": "来电", "username": "用户名", "township_ids": "乡镇", "to": "改为", "from": "原为",
    "source": "来源", "rule": "规则", "office_id": "机构", "hold_id": "保全", "day": "日期", "code": "编码",
    "contact_id": "联系方式", "workday": "工作日", "village_id": "村", "value": "值", "trigger": "触发",
    "period": "期间", "path": "路径", "number": "编号", "old_name": "原名称", "new_name": "新名称",
    "label": "标签", "inspector": "承办人", "found": "发现", "format": "格式", "filters": "筛选条件",
    "file": "文件", "figure": "数据项", "fields": "字段", "failures": "失败次数", "channel": "渠道",
    "case_id": "案件", "before": "修改前", "after": "修改后", "added": "新增", "removed": "删除",
    "active": "启用", "disposition": "处置方式", "outcome": "办理结果", "satisfaction": "满意度",
    "days": "天数", "inspector_id": "承办人", "to_office_id": "转至机构", "from_office_id": "原机构",
    "clue_number": "线索编号", "person": "人员", "method": "方式", "date": "日期", "measures": "处理措施",
    "measure_kind": "措施种类", "destination": "去向", "referring_body": "交办单位", "effective_on": "生效日期",
    "doc_number": "文号", "retention_days": "保存天数", "relation": "关系", "direction": "方向",
    "named": "实名", "chars": "字数", "merged_into_id": "并入", "order": "顺序", "correction": "更正",
    "service_code": "服务代码", "recording_id": "录音", "recordings": "录音", "totp": "动态口令",
    "interval_days": "间隔天数", "assignee_id": "承办人", "finding": "核实结论", "status": "状态",
}


def _vocabulary() -> dict[str, str]:
    """Every enum value the models label in Chinese, by its stored text."""
    words: dict[str, str] = {}
    for module in (models.taxonomy, models.cases, models.clues, models.complaints, models.divisions,
                   models.findings, models.offices, models.outcomes, models.users, models.bulletins):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, LabelledEnum) and value is not LabelledEnum:
                for member in value:
                    words.setdefault(str(member.value), member.label)
    from hotline.crosscheck.rules import RULES  # the cross-check rules' codes, by their names
    for code, rule in RULES.items():
        words.setdefault(code, rule.name)
    return words


VOCABULARY = _vocabulary()


# Values that are identifiers to copy, not words to read (shown as code).
CODE_KEYS = {"username", "filename", "file", "key", "key_id", "key_prefix", "path", "code", "service_code",
             "client_id", "number", "doc_number", "clue_number", "format"}


@dataclass(frozen=True)
class Item:
    """One detail of an audit entry: its label (or its key, when `known` is false) and its value."""
    label: str
    known: bool
    value: str
    code: bool = False


def action_label(action: str) -> str | None:
    """The Chinese name of an audit action, or None when it has none yet."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    prefix, _, rest = action.partition(".")
    if prefix == "case" and rest in EVENT_LABELS:
        return "案件：" + EVENT_LABELS[rest]
    return None


def entity_label(entity: str | None) -> str:
    return ENTITY_LABELS.get(entity or "", entity or "")


def value_text(value: object) -> str:
    """A detail value as a reader reads it: no JSON quotes, no None, enum codes in Chinese."""
    if value is None or value == "" or value == "None":
        return "无"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, str):
        return VOCABULARY.get(value, value)
    if isinstance(value, list):
        return "、".join(value_text(v) for v in value) if value else "无"
    if isinstance(value, dict):
        return "；".join(f"{KEY_LABELS.get(k, k)}：{value_text(v)}" for k, v in value.items())
    return str(value)


_CODE_LIKE = re.compile(r"[a-z_]{4,}")


def detail_items(detail: object) -> list[Item]:
    """The entry's detail as labelled items (the raw JSON stays in the export)."""
    if not detail:
        return []
    if not isinstance(detail, dict):
        return [Item("详情", True, value_text(detail))]
    items = []
    for key, value in detail.items():
        text = value_text(value)
        # A value still holding a code (a field or rule name without a label) is shown as code.
        items.append(Item(KEY_LABELS.get(key, key), key in KEY_LABELS, text,
                          key in CODE_KEYS or bool(_CODE_LIKE.search(text))))
    return items


def raw_json(detail: object) -> str:
    return json.dumps(detail, ensure_ascii=False) if detail else ""
