"""`python -m hotline bulletin --week 2026-W47 --out DIR`: build, archive and write out a bulletin."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from hotline.bulletins import archive, charts
from hotline.bulletins.weeks import IsoWeek, WeekError, last_complete_week
from hotline.db import get_session
from models.base import utcnow


@click.command("bulletin")
@click.option("--week", "week_text", default="", help="ISO周，如 2026-W47（默认：上一周）")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="把 Word、Excel、HTML 和图表写入此目录")
@with_appcontext
def bulletin_command(week_text: str, out_dir: Path | None) -> None:
    """Build the weekly bulletin for an ISO week, archive it as a new version, write its files."""
    settings = current_app.config["SETTINGS"]
    try:
        week = IsoWeek.parse(week_text) if week_text else last_complete_week(utcnow(), settings.TIMEZONE)
    except WeekError as exc:
        raise click.BadParameter(str(exc), param_hint="--week") from exc
    if week.start(settings.TIMEZONE) > utcnow():
        raise click.BadParameter(f"{week}尚未开始，不能生成通报", param_hint="--week")
    db = get_session()
    try:
        bulletin = archive.build(session=db, week=week, settings=settings, trigger="cli")
    except charts.FontMissing as exc:
        db.rollback()
        raise click.ClickException(str(exc)) from exc
    db.commit()
    click.echo(f"已生成 {week} 通报第{bulletin.version}版（{bulletin.number}），编号 {bulletin.id}")
    if out_dir is not None:
        for path in archive.write_out(db, bulletin, out_dir):
            click.echo(f"  {path}")


def register(app: Flask) -> None:
    app.cli.add_command(bulletin_command)
