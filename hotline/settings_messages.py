"""What each setting must hold, in Chinese, for the one-line message that stops a misconfigured start.

`explain(error)` turns pydantic's validation error into lines like
  配置错误：SESSION_MINUTES（会话空闲时长，分钟 / idle session lifetime）须为不小于 1 的整数，现为“abc”
A setting missing here is still named, with pydantic's own reason.
"""
from __future__ import annotations

# name: (Chinese meaning / English meaning, what it must hold)
MEANINGS: dict[str, tuple[str, str]] = {
    "HOTLINE_ENV": ("运行环境 / environment", "development、test 或 production 之一"),
    "DATABASE_URL": ("数据库地址 / database URL", "SQLAlchemy 地址，如 postgresql://user@host/db"),
    "SECRET_KEY": ("会话签名密钥 / session signing key", "足够长的随机字符串"),
    "HOTLINE_NUMBER": ("热线号码 / hotline number", "热线电话号码，如 965888"),
    "TIMEZONE": ("时区 / time zone", "IANA 时区名，如 Asia/Shanghai"),
    "COMMISSION_NAME": ("纪委监委名称 / commission name", "本机关全称，如 青溪县纪委监委"),
    "COUNTY_CODE": ("本县区划代码 / county division code", "6 位数字（统计用区划代码前 6 位），如 511234"),
    "INSTANCE_DIR": ("实例目录 / instance folder", "可写的目录路径"),
    "MODELS_DIR": ("分类模型目录 / classifier models folder", "可写的目录路径"),
    "SPOOL_DIR": ("来电暂存目录 / webhook spool folder", "可写的目录路径"),
    "SESSION_MINUTES": ("会话空闲时长（分钟） / idle session lifetime", "不小于 1 的整数"),
    "MAX_REPORT_CHARS": ("举报内容最大字数 / longest report", "正整数"),
    "IDENTITY_KEY": ("举报人身份加密密钥 / identity encryption key", "32 字节随机数的 base64（python -m hotline identity new-key）"),
    "IDENTITY_OLD_KEYS": ("旧身份密钥 / previous identity keys", "逗号分隔的 32 字节 base64 密钥"),
    "LOOKUP_KEY": ("电话查询密钥 / phone look-up key", "32 字节随机数的 base64，设定后不再更换"),
    "AUDIT_KEY": ("审计链密钥 / audit chain MAC key", "32 字节随机数的 base64"),
    "AUDIT_CHECKPOINT_FILE": ("审计检查点文件 / audit checkpoint file", "可追加写入的文件路径"),
    "AUDIT_CHECKPOINT_MINUTES": ("审计检查点间隔（分钟） / audit checkpoint interval", "1 到 60 的整数"),
    "TWILIO_ACCOUNT_SID": ("Twilio 账号 / Twilio account SID", "以 AC 开头的账号 SID"),
    "TWILIO_AUTH_TOKEN": ("Twilio 令牌 / Twilio auth token", "Twilio 控制台中的 Auth Token"),
    "TWILIO_FROM": ("Twilio 号码 / Twilio number", "E.164 格式号码，如 +8612345678901"),
    "PUBLIC_BASE_URL": ("对外地址 / public base URL", "Twilio 访问本系统的 https 地址"),
    "TWILIO_SKIP_SIGNATURE": ("跳过 Twilio 签名校验 / skip Twilio signatures", "true 或 false（仅开发环境可为 true）"),
    "OFFICE_HOURS": ("接听时段 / office hours", "如 08:30-12:00,14:00-17:30"),
    "TWILIO_OPERATOR_NUMBERS": ("接线员电话 / operator numbers", "逗号分隔的 E.164 号码"),
    "SMS_JOIN_MINUTES": ("短信合并间隔（分钟） / SMS join window", "不小于 0 的整数"),
    "SCHEDULER_IN_PROCESS": ("进程内定时任务 / in-process scheduler", "true 或 false"),
    "DEMO": ("演示模式 / demo mode", "true 或 false"),
    "RETENTION_DAYS": ("身份信息保存天数 / identity retention", "不小于 1 的整数（天）"),
    "BULLETIN_NUMBER_PREFIX": ("通报文号前缀 / bulletin number prefix", "如 青纪热线"),
    "BULLETIN_FONT": ("通报图表字体 / bulletin chart font", "中文字体文件路径，或留空自动查找"),
    "BULLETIN_TYPICAL_CASES": ("通报典型案例数 / typical cases told", "0 到 10 的整数"),
    "CROSSCHECK_REVIEW_THRESHOLD": ("比对复核阈值 / review threshold", "0 到 1 之间的小数"),
    "CROSSCHECK_MIN_SCORE": ("比对最低分 / minimum match score", "0 到 1 之间的小数"),
    "CROSSCHECK_AGE_LIMITS": ("项目年龄限制 / age limits", "JSON，如 {\"education\": [3, 30]}"),
    "CROSSCHECK_MAX_UPLOAD_MB": ("比对上传上限（MB） / largest upload", "不小于 1 的整数"),
    "DEADLINE_ASSIGNMENT_DAYS": ("分办时限（工作日） / assignment deadline", "不小于 1 的整数"),
    "DEADLINE_SEND_BACK_DAYS": ("退单时限（工作日） / send-back deadline", "不小于 1 的整数"),
    "DEADLINE_DISPOSITION_DAYS": ("处置时限（工作日） / disposition deadline", "不小于 1 的整数"),
    "DEADLINE_VERIFICATION_DAYS": ("核实时限（工作日） / verification deadline", "不小于 1 的整数"),
    "DEADLINE_INVESTIGATION_DAYS": ("审查调查时限（工作日） / investigation deadline", "不小于 1 的整数"),
    "DEADLINE_FEEDBACK_DAYS": ("反馈时限（工作日） / feedback deadline", "不小于 1 的整数"),
    "REMIND_BEFORE_DAYS": ("提前催办天数 / remind before", "不小于 0 的整数"),
    "SUPERVISE_REPEAT_THRESHOLD": ("督办重复次数 / repeats for 督办", "不小于 2 的整数"),
    "CLUE_NUMBER_PATTERN": ("线索编号格式 / clue number pattern", "含 {year} 和 {seq} 的格式，如 青纪线〔{year}〕{seq:04d}号"),
    "CLUE_ACK_DAYS": ("受理告知时限（工作日） / acknowledgement deadline", "不小于 1 的整数"),
    "CLUE_ACCEPT_DAYS": ("转办受理时限（工作日） / referral acceptance deadline", "不小于 1 的整数"),
}


def line(name: str, problem: str) -> str:
    """One line naming the variable, what it is, and what it must hold."""
    meaning, must = MEANINGS.get(name, ("", ""))
    what = f"（{meaning}）" if meaning else ""
    hold = f"须为{must}" if must else ""
    return f"配置错误：{name}{what}{problem}{'；' if problem and hold else ''}{hold}"


def explain(error) -> str:
    """pydantic's ValidationError as Chinese lines, one per bad setting."""
    lines = []
    for item in error.errors():
        name = str(item["loc"][0]) if item.get("loc") else "?"
        value = item.get("input")
        secret = any(part in name for part in ("KEY", "TOKEN", "DATABASE_URL"))  # never echo a secret
        shown = f"现为“{str(value)[:40]}”" if isinstance(value, (str, int, float)) and not secret else ""
        reason = item.get("ctx", {}).get("error") if item.get("type") == "value_error" else None
        problem = f"不正确（{reason}）" if reason else ("值不正确" + (f"，{shown}" if shown else ""))
        lines.append(line(name, problem) + f" [{item.get('msg', '')}]")
    return "\n".join(lines)
