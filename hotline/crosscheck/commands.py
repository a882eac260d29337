"""CLI: `rolls import FILE --kind KIND`, `rolls withdraw ID --reason R`, `crosscheck run [--rule CODE]`,
`crosscheck export OUT`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from hotline.crosscheck import export, findings, importer, links
from hotline.crosscheck.kinds import KINDS
from hotline.crosscheck.rules import RULES
from hotline.db import get_session


@click.group("rolls")
def rolls_group() -> None:
    """Subsidy rolls and registries (补助名册与比对库)."""


@rolls_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", required=True, type=click.Choice(list(KINDS)), help="名册类型")
@click.option("--grant", "--programme", "grant_name", default=None, help="项目（名册无“项目”列时填写）")
@click.option("--show-problems", default=20, show_default=True, help="列出多少条问题行")
@with_appcontext
def rolls_import(file: Path, kind: str, grant_name: str | None, show_problems: int) -> None:
    """Import a roll (.xlsx/.xls/.csv): every ID checked, one transaction, repeat imports change nothing."""
    db = get_session()
    with click.progressbar(length=1000, label=f"导入{KINDS[kind].label}", file=None) as bar:
        done = [0]

        def progress(fraction: float) -> None:
            step = int(fraction * 1000) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        try:
            report = importer.process(file, kind=kind, filename=file.name, grant_name=grant_name, session=db,
                                      progress=progress)
            db.commit()
            importer.settle(db.get_bind(), report)
        except importer.DuplicateImport as exc:
            db.rollback()
            click.echo()
            click.echo(str(exc))
            return
        except importer.RollImportError as exc:
            db.rollback()
            raise click.ClickException(str(exc)) from exc
        except BaseException:
            db.rollback()
            raise
    click.echo(f"第{report.import_id}批 {report.kind_label}：{report.summary()}")
    for problem in report.problems[:show_problems]:
        status = "已拒绝" if problem.rejected else "已导入（仅模糊比对）"
        click.echo(f"  第{problem.row_no}行 {problem.column}：{problem.reason}（{status}）")
    if len(report.problems) > show_problems:
        click.echo(f"  ……另有{len(report.problems) - show_problems}条问题，见网页导入记录")


@rolls_group.command("withdraw")
@click.argument("import_id", type=int)
@click.option("--reason", required=True, help="撤销理由")
@with_appcontext
def rolls_withdraw(import_id: int, reason: str) -> None:
    """Withdraw an import (撤销): delete its rows, keep its record; the same file may be imported again."""
    db = get_session()
    try:
        deleted = importer.withdraw(db, import_id, reason=reason)
        db.commit()
    except importer.RollImportError as exc:
        db.rollback()
        raise click.ClickException(str(exc)) from exc
    links.refresh(db.get_bind())  # the rows are gone: the links the rules join with follow
    click.echo(f"已撤销第{import_id}批导入，删除{deleted}行")


@click.group("crosscheck")
def crosscheck_group() -> None:
    """Cross-check rules and findings (大数据比对)."""


@crosscheck_group.command("run")
@click.option("--rule", "rules", multiple=True, type=click.Choice(list(RULES)), help="只运行指定规则（可多次）")
@with_appcontext
def crosscheck_run(rules: tuple[str, ...]) -> None:
    """Run the rules over every imported roll; decisions on earlier findings are kept."""
    settings = current_app.config["SETTINGS"]
    db = get_session()
    run = findings.run_rules(session=db, rules=list(rules) or None, settings=settings)
    db.commit()
    for code, stat in run.stats.items():
        if code.startswith("_"):
            continue
        click.echo(f"{code:<20} {RULES[code].name:<10} 疑点{stat['found']:>7} 新增{stat['new']:>7} "
                   f"用时{stat['seconds']:.2f}秒")
    click.echo(f"准备（模糊匹配{run.stats['_prepare']['resolved']}人）{run.stats['_prepare']['seconds']:.2f}秒，"
               f"合计{run.stats['_total']['seconds']:.2f}秒")
    unmapped = run.stats.get("_grants", {})
    if unmapped.get("unmapped"):
        click.echo(f"名册中有{unmapped['unmapped']}个项目（{unmapped['unmapped_rows']}行）尚未对应补助项目，未做年龄判断；"
                   f"请管理员在“补助项目规则”中对应")


@crosscheck_group.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rule", default=None, type=click.Choice(list(RULES)))
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(["open", "needs_review", "confirmed", "dismissed"]))
@with_appcontext
def crosscheck_export(out: Path, rule: str | None, statuses: tuple[str, ...]) -> None:
    """Write the findings to OUT (.csv or .xlsx)."""
    try:
        count = export.export(get_session(), out, rule=rule, statuses=list(statuses) or None)
    except findings.FindingError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已导出{count}条疑点到 {out}")


def register(app: Flask) -> None:
    app.cli.add_command(rolls_group)
    app.cli.add_command(crosscheck_group)
