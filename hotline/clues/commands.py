"""Clue register commands: `python -m hotline clues export OUT.xlsx|OUT.csv [--from DATE --to DATE]`,
`clues remind`."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlmodel import select

from hotline import audit
from hotline.db import get_session


@click.group("clues")
def clues_group() -> None:
    """Clue register (问题线索台账)."""


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期格式不正确：{value}（例如 2026-01-31）", param_hint=name) from None


@clues_group.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "start", help="受理日期起（含），如 2026-01-01")
@click.option("--to", "end", help="受理日期止（含），如 2026-12-31")
@click.option("--as", "username", help="只导出该用户职责范围内的线索")
@with_appcontext
def export_command(out: Path, start: str | None, end: str | None, username: str | None) -> None:
    """Write the register (台账 columns, no reporter identity) to an XLSX or CSV file."""
    from hotline import scope
    from hotline.clues import export
    from hotline.clues.register import RegisterFilter
    from models.users import User

    first, last = _date(start, "--from"), _date(end, "--to")
    if first and last and last < first:
        raise click.BadParameter("截止日期不能早于起始日期", param_hint="--to")
    session = get_session()
    f = RegisterFilter(start=first, end=last)
    user = None
    if username:
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None:
            raise click.ClickException(f"用户不存在：{username}")
        f.scope = scope.complaint_filter(session, user)
    try:
        count = export.write(session, f, out)
    except export.ExportError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"无法写入文件 {out}：{exc.strerror}") from None
    audit.record(session, actor=None, action="clue.export", entity="clue_register",
                 detail={"file": out.name, "from": start, "to": end, "as": username, "rows": count})
    session.commit()
    click.echo(f"已导出问题线索台账 {count} 条：{out}")


@clues_group.command("remind")
@with_appcontext
def remind_command() -> None:
    """Remind of the register's duties due soon (受理告知, 受理或转办, 报结) and escalate overdue ones."""
    from hotline.clues import reminders

    session = get_session()
    report = reminders.run(session)
    session.commit()
    click.echo(f"催办 {report.reminded}，超期上报 {report.escalated}，已由其他进程处理 {report.skipped}")


def register(app: Flask) -> None:
    app.cli.add_command(clues_group)
