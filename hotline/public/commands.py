"""`python -m hotline public replay|pending`: web reports spooled while the database was down."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from hotline.public import spool


@click.group("public")
def public_group() -> None:
    """网上举报：数据库中断期间暂存的举报。"""


@public_group.command("replay")
@with_appcontext
def replay() -> None:
    """Store every spooled web report once (safe to run again)."""
    settings = current_app.config["SETTINGS"]
    result = spool.replay(spool.directory(settings), engine=current_app.extensions["db_engine"],
                          lookup_key=current_app.config["LOOKUP_KEY"], max_chars=settings.MAX_REPORT_CHARS)
    click.echo(f"录入 {result.stored} 件，已录入过 {result.already} 件，无法录入 {result.rejected} 件"
               f"（见 {spool.REJECTED}），待录入 {result.remaining} 件")
    if result.database_down:
        click.echo("数据库仍不可用，剩余举报留待下次录入", err=True)
        raise SystemExit(1)


@public_group.command("pending")
@with_appcontext
def pending() -> None:
    """How many web reports wait in the spool."""
    click.echo(str(spool.pending(spool.directory(current_app.config["SETTINGS"]))))


def register(app: Flask) -> None:
    app.cli.add_command(public_group)
