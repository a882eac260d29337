"""`python -m hotline outcomes ...`: the 容错免责 conditions in force, and the four-forms table."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from hotline.cases import four_forms, tolerance
from hotline.db import get_session


@click.group("outcomes", help="处理结果：容错免责条件、四种形态统计")
def outcomes_group() -> None:
    pass


@outcomes_group.command("conditions", help="列出现行的容错免责/减责情形（首次使用时载入默认清单）")
@with_appcontext
def conditions_command() -> None:
    session = get_session()
    if tolerance.ensure_defaults(session):
        session.commit()
    for number, condition in enumerate(tolerance.current_conditions(session), start=1):
        basis = "（须写明依据）" if condition.requires_basis and "须写明依据" not in condition.wording else ""
        click.echo(f"{number}. {condition.wording}{basis}  [{condition.key} 第{condition.version}版]")


def _day(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{what}格式应为年-月-日，如2026-01-01") from None


@outcomes_group.command("forms", help="按登记日期统计四种形态（人、人次），日期含首尾")
@click.option("--from", "start", required=True, help="开始日期，如2026-01-01")
@click.option("--to", "end", required=True, help="结束日期（含），如2026-12-31")
@with_appcontext
def forms_command(start: str, end: str) -> None:
    first, last = _day(start, "开始日期"), _day(end, "结束日期")
    if last < first:
        raise click.BadParameter("结束日期不能早于开始日期")
    zone = ZoneInfo(current_app.config["SETTINGS"].TIMEZONE)
    since = dt.datetime.combine(first, dt.time(), zone).astimezone(dt.timezone.utc)
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.timezone.utc)
    session = get_session()
    click.echo(f"四种形态 {first:%Y-%m-%d} 至 {last:%Y-%m-%d}（按措施登记日期）")
    click.echo(f"{'形态':<8}\t人\t人次")
    rows = four_forms.forms_table(session, since, until)
    for row in rows:
        click.echo(f"{row.label:<8}\t{row.people}\t{row.measures}")
    click.echo(f"{'合计':<8}\t{sum(r.people for r in rows)}\t{sum(r.measures for r in rows)}")
    click.echo(f"党纪政务处分 {four_forms.sanctioned_people(session, since, until)}人"
               f"（{four_forms.sanctions_count(session, since, until)}人次）")
