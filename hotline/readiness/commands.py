"""`python -m hotline doctor`: the first-run checklist for operators (exit status 1 until ready)."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from hotline.db import get_session

MARKS = {"ok": "✓", "off": "–", "fail": "✗"}


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check that this installation is ready for production; each line says what to do next."""
    from hotline.readiness import checks

    results = checks.run(get_session(), current_app.config["SETTINGS"])
    for check in results:
        label = check.status.label
        click.echo(f"{MARKS[check.status.value]} {check.title}【{label}】{check.detail}")
    if checks.ready(results):
        click.echo("可以投入使用。")
        return
    failed = sum(not c.ok for c in results)
    click.echo(f"尚未就绪：{failed} 项待处理。", err=True)
    sys.exit(1)


def register(app: Flask) -> None:
    app.cli.add_command(doctor_command)
