"""`python -m hotline county import FILE | list`: the county's divisions from the code list."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from hotline.db import get_session


@click.group("county")
def county_group() -> None:
    """The county's townships and villages (统计用区划代码)."""


@county_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--date", "effective", default=None, help="变更生效日期 YYYY-MM-DD（默认今天）")
@click.option("--merge", "merges", multiple=True, help="撤并：旧代码=新代码（可重复）")
@click.option("--retire-missing", is_flag=True, help="新表中没有的区划作撤销处理")
@click.option("--skip-other-counties", is_flag=True, help="跳过不属于本县的行（否则整表拒收）")
@with_appcontext
def import_command(path: Path, effective: str | None, merges: tuple[str, ...], retire_missing: bool,
                   skip_other_counties: bool) -> None:
    """Import or update the divisions from a CSV/XLSX code list; nothing is applied on any error."""
    from zoneinfo import ZoneInfo

    from hotline.county.codelist import CodeListError
    from hotline.county.importer import import_file, parse_merges

    settings = current_app.config["SETTINGS"]
    try:
        effective_on = dt.date.fromisoformat(effective) if effective else \
            dt.datetime.now(ZoneInfo(settings.TIMEZONE)).date()
    except ValueError:
        raise click.BadParameter("日期应写成 YYYY-MM-DD", param_hint="--date")
    db = get_session()
    try:
        result = import_file(db, path, county_code=settings.COUNTY_CODE, effective_on=effective_on,
                             merges=parse_merges(merges), retire_missing=retire_missing,
                             skip_other_counties=skip_other_counties)
    except CodeListError as exc:
        db.rollback()
        click.echo(f"区划代码表未导入（未作任何改动）：\n{exc}", err=True)
        sys.exit(1)
    db.commit()
    click.echo(("区划已更新：" if result.changed else "区划无变化：") + result.summary())
    for title, items in (("更名", result.renamed), ("改码", result.recoded), ("撤并", result.merged),
                         ("撤销", result.retired)):
        for item in items:
            click.echo(f"  {title}：{item}")


@county_group.command("list")
@with_appcontext
def list_command() -> None:
    """Print the townships with their village counts."""
    from hotline.county.listing import townships

    rows = townships(get_session())
    if not rows:
        click.echo("尚未导入区划：运行 python -m hotline county import 区划代码表.csv")
        return
    for row in rows:
        state = "" if row.township.active else "（已撤并/撤销）"
        ended = f"，已撤并/撤销 {row.ended_villages} 个" if row.ended_villages else ""
        click.echo(f"{row.township.code}  {row.township.name}{state}  村（社区）{row.villages} 个{ended}")
    click.echo(f"共 {sum(r.township.active for r in rows)} 个乡镇，{sum(r.villages for r in rows)} 个村（社区）")


def register(app: Flask) -> None:
    app.cli.add_command(county_group)
