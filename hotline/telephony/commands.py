"""`python -m hotline spool replay|status` and `python -m hotline outbox send`."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from hotline.telephony import service


@click.group("spool")
def spool_group() -> None:
    """Twilio requests kept on disk while the database was unavailable."""


@spool_group.command("replay")
@with_appcontext
def spool_replay() -> None:
    """Ingest the spooled requests (idempotent: safe to run again)."""
    report = service.replay_spool(current_app._get_current_object())
    if report.busy:
        click.echo("另一个导入进程正在运行，本次跳过")
        return
    click.echo(f"已导入 {report.ingested} 条，拒收 {report.rejected} 条，剩余 {report.remaining} 条")
    if report.database_down:
        raise click.ClickException("数据库仍不可用，剩余请求保留在暂存目录中")


@spool_group.command("status")
@with_appcontext
def spool_status() -> None:
    """How many requests wait in the spool."""
    from hotline.telephony import spool

    click.echo(f"暂存待导入：{spool.pending(current_app.config['SETTINGS'].SPOOL_DIR)} 条")


@click.group("outbox")
def outbox_group() -> None:
    """Outbound SMS."""


@outbox_group.command("send")
@with_appcontext
def outbox_send() -> None:
    """Send the queued SMS that are due."""
    report = service.send_outbox(current_app._get_current_object())
    if report.disabled:
        raise click.ClickException("短信发送未启用：请配置 TWILIO_ACCOUNT_SID、TWILIO_AUTH_TOKEN、TWILIO_FROM")
    click.echo(f"已发送 {report.sent} 条，稍后重试 {report.retried} 条，失败 {report.failed} 条，"
               f"状态不明 {report.uncertain} 条")


def register(app: Flask) -> None:
    app.cli.add_command(spool_group)
    app.cli.add_command(outbox_group)
