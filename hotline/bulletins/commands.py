"""`python -m hotline bulletin`: build (and with --publish, publish) a bulletin for a period, write its
files; `bulletin campaign` records a campaign period; `bulletin correct` records a correction.

  python -m hotline bulletin --week 2026-W49 --out DIR
  python -m hotline bulletin --month 2026-11 --out DIR
  python -m hotline bulletin --quarter 2026-Q4 | --year 2026
  python -m hotline bulletin --from 2025-11-01 --to 2026-12-06 --title "专项整治以来" --out DIR
  python -m hotline bulletin --campaign "专项整治以来" [--to 2026-12-06]
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlmodel import select

from hotline.bulletins import archive, campaigns, charts, periods
from hotline.bulletins.periods import PeriodError
from hotline.bulletins.weeks import WeekError, last_complete_week
from hotline.db import get_session
from models.base import utcnow
from models.bulletins import Bulletin


def _period(settings, *, week, month, quarter, year, first, last, title, campaign):
    zone = settings.TIMEZONE
    chosen = [name for name, value in (("--week", week), ("--month", month), ("--quarter", quarter),
                                       ("--year", year), ("--from", first), ("--campaign", campaign)) if value]
    if len(chosen) > 1:
        raise click.UsageError(f"只能选择一种统计期间（{'、'.join(chosen)}）")
    if month:
        return periods.month(month, zone)
    if quarter:
        return periods.quarter(quarter, zone)
    if year:
        return periods.year(year, zone)
    if campaign:
        return campaigns.period_of(get_session(), campaign, zone, last=periods.parse_date(last, "--to") if last else None)
    if first:
        if not last:
            raise click.UsageError("--from 须与 --to 同时使用")
        return periods.span(periods.parse_date(first, "--from"), periods.parse_date(last, "--to"), zone, title)
    if last:
        raise click.UsageError("--to 须与 --from 或 --campaign 同时使用")
    return periods.week(week, zone) if week else periods.Period.of(last_complete_week(utcnow(), zone), zone)


@click.group("bulletin", invoke_without_command=True)
@click.option("--week", default="", help="ISO周，如 2026-W47（默认：上一周）")
@click.option("--month", default="", help="月份，如 2026-11")
@click.option("--quarter", default="", help="季度，如 2026-Q4")
@click.option("--year", default="", help="年度（本年累计），如 2026")
@click.option("--from", "first", default="", help="起始日期，如 2025-11-01（与 --to 同用）")
@click.option("--to", "last", default="", help="截止日期（含），如 2026-12-06")
@click.option("--title", default="", help="期间名称，如 专项整治以来")
@click.option("--campaign", default="", help="已登记的专项期间名称")
@click.option("--publish", is_flag=True, help="作为正式通报发布（编文号、以今天为印发日期）")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="把 Word、Excel、HTML、figures.json 和图表写入此目录")
@click.pass_context
@with_appcontext
def bulletin_command(ctx, week, month, quarter, year, first, last, title, campaign, publish, out_dir) -> None:
    """Build a bulletin for a period (a period not ended: an interim report), archive it, write its files."""
    if ctx.invoked_subcommand is not None:
        return
    settings = current_app.config["SETTINGS"]
    try:
        period = _period(settings, week=week, month=month, quarter=quarter, year=year, first=first, last=last,
                         title=title, campaign=campaign)
    except (PeriodError, WeekError, campaigns.CampaignError) as exc:
        raise click.BadParameter(str(exc)) from exc
    now = utcnow()
    if period.start > now:
        raise click.BadParameter(f"{period.label()}尚未开始，不能生成通报")
    period = period.cut(now)
    db = get_session()
    try:
        bulletin = archive.build(session=db, period=period, settings=settings, trigger="cli", publish=publish)
    except archive.PublishError as exc:
        db.rollback()
        raise click.ClickException(str(exc)) from exc
    except charts.FontMissing as exc:
        db.rollback()
        raise click.ClickException(str(exc)) from exc
    db.commit()
    kind = "正式通报" if publish else ("阶段性统计" if period.interim else "草稿")
    click.echo(f"已生成 {period.label()} {kind}第{bulletin.version}版（{bulletin.number}），编号 {bulletin.id}")
    if out_dir is not None:
        for path in archive.write_out(db, bulletin, out_dir):
            click.echo(f"  {path}")


@bulletin_command.command("campaign")
@click.argument("title")
@click.option("--start", required=True, help="开始日期，如 2025-11-01")
@click.option("--end", default="", help="结束日期（含；不填：仍在进行）")
@with_appcontext
def campaign_command(title: str, start: str, end: str) -> None:
    """Record a campaign period (专项期间) to report on cumulatively."""
    db = get_session()
    try:
        row = campaigns.record(db, title=title, start=start, end=end or None, actor=None)
    except (campaigns.CampaignError, PeriodError) as exc:
        db.rollback()
        raise click.BadParameter(str(exc)) from exc
    db.commit()
    click.echo(f"已登记专项期间“{row.title}”，自{row.start}起")


@bulletin_command.command("correct")
@click.argument("bulletin_id", type=int)
@click.option("--figure", default="", help="更正的指标代码（见 figures.json），可不填")
@click.option("--text", required=True, help="更正内容：原数据与更正后的数据")
@with_appcontext
def correct_command(bulletin_id: int, figure: str, text: str) -> None:
    """Record a correction of a published bulletin; it is issued with the next bulletin published."""
    db = get_session()
    original = db.get(Bulletin, bulletin_id)
    if original is None:
        raise click.BadParameter(f"没有编号为{bulletin_id}的通报")
    try:
        archive.add_correction(session=db, original=original, figure=figure, text=text)
    except archive.PublishError as exc:
        db.rollback()
        raise click.ClickException(str(exc)) from exc
    db.commit()
    click.echo(f"已登记对{original.number}的更正，将随下一期正式通报发布")


def register(app: Flask) -> None:
    app.cli.add_command(bulletin_command)
