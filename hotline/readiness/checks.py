"""The first-run checklist: is this installation ready to take real complaints?

Each check answers with a status and, in Chinese, what is wrong and what to do next. The same
list is printed by `python -m hotline doctor` (exit status 1 while anything fails) and shown on
the admin's landing page, where each line links to the screen that fixes it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from hotline.readiness import heartbeat
from hotline.settings import PLACEHOLDER_SECRETS, Settings
from models.audit import AuditEntry
from models.base import LabelledEnum, utcnow
from models.divisions import Township, Village
from models.offices import Office, OfficeJurisdiction, OfficeKind
from models.routing import RoutingRule
from models.taxonomy import ProblemType
from models.users import Role, User

DEMO_COMMISSION = "青溪县纪委监委"  # the demo county's: a real one sets its own
SCHEDULER_STALE = dt.timedelta(minutes=5)
BACKUP_STALE = dt.timedelta(days=1)
BACKUP_ACTION = "backup.create"


class Status(LabelledEnum):
    ok = "ok", "就绪"
    off = "off", "已关闭"  # deliberately switched off, and shown so
    fail = "fail", "待处理"


@dataclass
class Check:
    key: str
    title: str
    status: Status
    detail: str  # what is the case, and what to do next
    endpoint: str | None = None  # the admin screen that fixes it

    @property
    def ok(self) -> bool:
        return self.status is not Status.fail


def run(session: Session, settings: Settings, *, now: dt.datetime | None = None) -> list[Check]:
    now = now or utcnow()
    return [schema(session, settings), identity_of(settings), divisions(session, settings), coverage(session),
            routing(session),
            users(session), keys(settings), telephony(settings), scheduler(session, settings, now),
            intake_backlog(session, settings, now), backup(session, now)]


def ready(checks: list[Check]) -> bool:
    return all(c.ok for c in checks)


def schema(session: Session, settings: Settings) -> Check:
    """The database is at every migration head this code ships (a forgotten `db upgrade`)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from hotline.migrate import alembic_config

    heads = set(ScriptDirectory.from_config(alembic_config(settings.DATABASE_URL)).get_heads())
    current = set(MigrationContext.configure(session.connection()).get_current_heads())
    missing = heads - current
    if missing:
        return Check("schema", "数据库结构", Status.fail,
                     f"数据库未迁移到最新（缺 {len(missing)} 个迁移）：请运行 python -m hotline db upgrade")
    return Check("schema", "数据库结构", Status.ok, "已迁移到最新")


def identity_of(settings: Settings) -> Check:
    missing = []
    if not settings.COMMISSION_NAME.strip() or settings.COMMISSION_NAME == DEMO_COMMISSION:
        missing.append("COMMISSION_NAME（本机关名称，现为演示县的名称）")
    if not settings.HOTLINE_NUMBER.strip():
        missing.append("HOTLINE_NUMBER（热线号码）")
    if missing:
        return Check("identity", "机关名称和热线号码", Status.fail, "请在环境配置中设置 " + "、".join(missing) + "，然后重启服务")
    return Check("identity", "机关名称和热线号码", Status.ok, f"{settings.COMMISSION_NAME}，热线 {settings.HOTLINE_NUMBER}")


def divisions(session: Session, settings: Settings) -> Check:
    title = "乡镇和村（社区）"
    if not settings.COUNTY_CODE:
        return Check("divisions", title, Status.fail,
                     "请设置 COUNTY_CODE（本县6位区划代码），再运行 python -m hotline county import 区划代码表.csv")
    towns = session.exec(select(Township).where(Township.active == True)).all()  # noqa: E712
    villages = session.exec(select(Village.id).where(Village.active == True)).all()  # noqa: E712
    if not towns or not villages:
        return Check("divisions", title, Status.fail,
                     "尚未导入区划：运行 python -m hotline county import 区划代码表.csv（统计用区划和城乡划分代码），"
                     "或在“区划管理”中逐个添加", "admin_divisions.index")
    foreign = [t.name for t in towns if not t.code.startswith(settings.COUNTY_CODE)]
    if foreign:
        return Check("divisions", title, Status.fail,
                     f"{len(foreign)} 个乡镇的代码不属于本县（{settings.COUNTY_CODE}）：" + "、".join(foreign[:10])
                     + "。请核对 COUNTY_CODE，或在“区划管理”中撤销这些乡镇", "admin_divisions.index")
    return Check("divisions", title, Status.ok, f"{len(towns)} 个乡镇，{len(villages)} 个村（社区）")


def _kinds_routed_by_jurisdiction(session: Session) -> set[OfficeKind]:
    kinds = {r.lead_by_jurisdiction for r in session.exec(select(RoutingRule).where(RoutingRule.active == True))  # noqa: E712
             if r.lead_by_jurisdiction is not None}
    return kinds or {OfficeKind.township_commission}


def uncovered(session: Session) -> dict[OfficeKind, list[Township]]:
    """For each office kind the routing table sends by jurisdiction, the active townships no
    active office of that kind covers."""
    towns = session.exec(select(Township).where(Township.active == True).order_by(Township.code)).all()  # noqa: E712
    covered: dict[OfficeKind, set[int]] = {}
    for kind, township_id in session.exec(
            select(Office.kind, OfficeJurisdiction.township_id)
            .join(OfficeJurisdiction, OfficeJurisdiction.office_id == Office.id).where(Office.active == True)):  # noqa: E712
        covered.setdefault(kind, set()).add(township_id)
    result = {}
    for kind in sorted(_kinds_routed_by_jurisdiction(session), key=lambda k: k.value):
        missing = [t for t in towns if t.id not in covered.get(kind, set())]
        if missing:
            result[kind] = missing
    return result


def coverage(session: Session) -> Check:
    title = "每个乡镇都有承办机构"
    if session.exec(select(Township.id).where(Township.active == True)).first() is None:  # noqa: E712
        return Check("coverage", title, Status.fail, "先导入乡镇和村（社区）", "admin_divisions.index")
    gaps = uncovered(session)
    if gaps:
        parts = [f"{len(towns)} 个乡镇没有{OfficeKind(kind).label}管辖（" + "、".join(t.name for t in towns[:8])
                 + ("等" if len(towns) > 8 else "") + "）" for kind, towns in gaps.items()]
        return Check("coverage", title, Status.fail,
                     "；".join(parts) + "。请在“机构管理”中建立机构并勾选管辖乡镇，或一键生成各乡镇纪委", "admin.offices")
    return Check("coverage", title, Status.ok, "按属地分办所需的机构覆盖全部乡镇")


def _covers_every(rule: RoutingRule) -> bool:
    """A rule that takes every complaint of its problem type (or of any type)."""
    return all(getattr(rule, f) is None for f in ("township_id", "village_id", "program", "accused_level",
                                                  "min_amount_yuan", "min_repeat_count"))


def routing(session: Session) -> Check:
    title = "分办规则覆盖全部问题类型"
    rules = session.exec(select(RoutingRule).where(RoutingRule.active == True)).all()  # noqa: E712
    if not rules:
        return Check("routing", title, Status.fail, "分办规则表为空：请在“分办默认规则”中按现有机构生成默认规则，再按本县实际修改",
                     "admin_routing_defaults.index")
    general = [r for r in rules if _covers_every(r)]
    missing = [t for t in ProblemType if not any(r.problem_type in (None, t) for r in general)]
    if missing:
        return Check("routing", title, Status.fail,
                     "以下问题类型没有兜底规则，只能进案管室人工分办：" + "、".join(t.label for t in missing)
                     + "。请添加一条不设条件的规则（如“其他有属地的线索转属地乡镇纪委”）", "cases.rules")
    return Check("routing", title, Status.ok, f"{len(rules)} 条规则在用，每种问题类型都有去处")


def users(session: Session) -> Check:
    present = set(session.exec(select(User.role).where(User.active == True)).all())  # noqa: E712
    missing = [r for r in Role if r not in present]
    if missing:
        two_person = "；身份信息保管员须由一名管理员在“用户管理”中申请、另一名管理员批准（双人规则）" \
            if Role.custodian in missing else ""
        return Check("users", "每个角色至少一个用户", Status.fail,
                     "还没有以下角色的用户：" + "、".join(Role(r).label for r in missing)
                     + "。请在“用户管理”中创建，或运行 python -m hotline user add 用户名 --role 角色" + two_person,
                     "admin.users")
    return Check("users", "每个角色至少一个用户", Status.ok, "每个角色都有在用的用户")


KEY_NAMES = ("SECRET_KEY", "IDENTITY_KEY", "LOOKUP_KEY", "AUDIT_KEY")


def keys(settings: Settings) -> Check:
    title = "密钥"
    problems = []
    for name in KEY_NAMES:
        if name not in type(settings).model_fields:
            continue  # a key this version does not have yet
        value = getattr(settings, name)
        if not value or value in PLACEHOLDER_SECRETS:
            problems.append(f"{name} 未设置（正使用开发用密钥）")
        elif name == "SECRET_KEY" and len(value) < 32:
            problems.append("SECRET_KEY 太短（至少32个字符）")
    present = [getattr(settings, n) for n in KEY_NAMES[1:] if n in type(settings).model_fields and getattr(settings, n)]
    if len(set(present)) < len(present):
        problems.append("IDENTITY_KEY、LOOKUP_KEY、AUDIT_KEY 须各不相同")
    if problems:
        return Check("keys", title, Status.fail, "；".join(problems)
                     + "。用 python -m hotline identity new-key 生成，以 NAME_FILE 方式配置后重启（见 docs/operations.md）")
    return Check("keys", title, Status.ok, "各密钥均已设置，且不是开发用密钥")


def telephony(settings: Settings) -> Check:
    title = "电话线路（Twilio）"
    parts = {"TWILIO_ACCOUNT_SID": settings.TWILIO_ACCOUNT_SID, "TWILIO_AUTH_TOKEN": settings.TWILIO_AUTH_TOKEN,
             "TWILIO_FROM": settings.TWILIO_FROM, "PUBLIC_BASE_URL": settings.PUBLIC_BASE_URL}
    missing = [name for name, value in parts.items() if not value]
    if not missing:
        return Check("telephony", title, Status.ok, f"已接入 {settings.TWILIO_FROM}，回调地址 {settings.PUBLIC_BASE_URL}")
    if len(missing) == len(parts):
        return Check("telephony", title, Status.off,
                     "未接入：来电和短信不会进入系统，回复短信在发件箱等待。如需接入，设置 TWILIO_* 和 PUBLIC_BASE_URL（见 docs/twilio.md）")
    return Check("telephony", title, Status.fail, "只配置了一部分，缺少 " + "、".join(missing) + "（见 docs/twilio.md）")


def scheduler(session: Session, settings: Settings, now: dt.datetime) -> Check:
    title = "定时任务进程"
    seen = heartbeat.last_seen(session)
    if settings.is_production and settings.SCHEDULER_IN_PROCESS:
        return Check("scheduler", title, Status.fail,
                     "生产环境的网站进程不应运行定时任务：设置 SCHEDULER_IN_PROCESS=false，并单独运行一个 python -m hotline scheduler")
    if seen is None:
        return Check("scheduler", title, Status.fail, "从未运行：请启动一个 python -m hotline scheduler 进程（systemd，见 docs/operations.md）")
    age = now - seen
    if age > SCHEDULER_STALE:
        return Check("scheduler", title, Status.fail,
                     f"最近一次运行在 {_age(age)}前：请检查 python -m hotline scheduler 进程（systemctl status hotline-scheduler）")
    return Check("scheduler", title, Status.ok, f"{_age(age)}前运行过")


def intake_backlog(session: Session, settings: Settings, now: dt.datetime) -> Check:
    """Reports that came in by SMS or phone wait for the scheduler to triage and route them."""
    from hotline.intake import completion

    title = "短信、电话反映的分办"
    waiting, stale, failing = completion.backlog(session, now=now)
    if stale:
        detail = f"{stale} 件反映等待分办已超过 {int(completion.STALE_AFTER.total_seconds() // 60)} 分钟"
        if failing:
            detail += f"（其中 {failing} 件分办出错，系统在自动重试，错误见日志）"
        return Check("intake_backlog", title, Status.fail,
                     detail + "：请检查 python -m hotline scheduler 进程是否在运行（见 docs/operations.md）")
    if waiting:
        return Check("intake_backlog", title, Status.ok, f"{waiting} 件正在分办（通常几秒内完成，来电高峰时最长约"
                                                          f"{settings.INTAKE_BURST_MAX_DELAY_SECONDS}秒）")
    return Check("intake_backlog", title, Status.ok, "没有等待分办的反映")


def backup(session: Session, now: dt.datetime) -> Check:
    title = "数据库备份"
    last = session.exec(select(AuditEntry).where(AuditEntry.action == BACKUP_ACTION)
                        .order_by(AuditEntry.id.desc())).first()
    if last is None:
        return Check("backup", title, Status.fail,
                     "还没有备份：运行 python -m hotline backup /备份目录/hotline-日期.dump，并设为每日定时任务（见 docs/operations.md）")
    age = now - last.at
    if age > BACKUP_STALE:
        return Check("backup", title, Status.fail, f"最近一次备份在 {_age(age)}前：请检查每日备份任务")
    return Check("backup", title, Status.ok, f"最近一次备份在 {_age(age)}前")


def _age(delta: dt.timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} 分钟"
    if minutes < 48 * 60:
        return f"{minutes // 60} 小时"
    return f"{minutes // 1440} 天"
