"""Case workflow commands: `python -m hotline cases remind | calendar YEAR`."""
from __future__ import annotations

import datetime as dt

import click
from flask import Flask
from flask.cli import with_appcontext

from hotline.db import get_session


@click.group("cases")
def cases_group() -> None:
    """Case workflow (办理流程)."""


@cases_group.command("remind")
@with_appcontext
def remind_command() -> None:
    """Send due reminders (催办), escalate overdue cases, chase supervised progress (safe to re-run)."""
    from hotline.cases import reminders

    session = get_session()
    report = reminders.run_all(session)
    session.commit()
    click.echo(f"催办 {report.reminded}，超期上报 {report.escalated}，督办催报 {report.chased}，"
               f"已由其他进程处理 {report.skipped}")


@cases_group.command("calendar")
@click.argument("year", type=int)
@with_appcontext
def calendar_command(year: int) -> None:
    """Show a year's non-standard days and where the calendar's answer comes from."""
    from hotline.cases import deadlines

    cal = deadlines.calendar_for(get_session())
    day, odd = dt.date(year, 1, 1), []
    while day.year == year:
        if cal.is_workday(day) != (day.weekday() < 5):
            odd.append(f"{day.isoformat()} {'班' if cal.is_workday(day) else '休'}（{cal.source(day)}）")
        day += dt.timedelta(days=1)
    source = cal.source(dt.date(year, 6, 1))
    click.echo(f"{year}年：{'节假日安排来自 chinese-calendar' if source == 'package' else '超出已知年份，按周一至周五加管理员录入的节假日计算'}")
    for line in odd:
        click.echo("  " + line)


def register(app: Flask) -> None:
    from hotline.cases.outcome_commands import outcomes_group

    app.cli.add_command(cases_group)
    app.cli.add_command(outcomes_group)
