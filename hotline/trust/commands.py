"""Trust commands: `identity rotate|new-key`, `retention purge`, `backup OUT`, `restore IN`."""
from __future__ import annotations

import base64
import os
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from hotline.db import get_session


@click.group("identity")
def identity_group() -> None:
    """Complainant identity encryption."""


@identity_group.command("new-key")
def new_key() -> None:
    """Print a fresh random key for IDENTITY_KEY or LOOKUP_KEY."""
    click.echo(base64.b64encode(os.urandom(32)).decode())


@identity_group.command("rotate")
@with_appcontext
def rotate() -> None:
    """Re-seal every identity with the current IDENTITY_KEY (old keys in IDENTITY_OLD_KEYS)."""
    from hotline.trust.keys import reseal_all

    count = reseal_all(get_session(), current_app.extensions["vault"])
    click.echo(f"已用新密钥重新加密 {count} 位举报人的身份信息")


@click.group("retention")
def retention_group() -> None:
    """Retention of complainants' identity data (RETENTION_DAYS) and legal holds."""


@retention_group.command("purge")
@click.option("--dry-run", is_flag=True, help="只列出将清除的内容，不作改动")
@with_appcontext
def retention_purge(dry_run: bool) -> None:
    """Purge the identity data of cases closed longer than RETENTION_DAYS (legal holds excepted)."""
    from hotline.trust import retention

    session = get_session()
    report = retention.purge(session=session, days=retention.retention_days(current_app.config["SETTINGS"]),
                             dry_run=dry_run)
    session.commit()
    click.echo(report.summary())
    if report.cases:
        click.echo("涉及案件：" + "、".join(f"第{i}号" for i in report.cases[:50])
                   + ("等" if len(report.cases) > 50 else ""))
    if report.held:
        click.echo("依法留存：" + "、".join(f"第{i}号" for i in report.held[:50]))


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(out: Path) -> None:
    """Back up the database to OUT (SQLite: online backup; PostgreSQL: pg_dump custom format)."""
    from hotline import audit
    from hotline.db import engine
    from hotline.trust import backup

    # Seal pending audit entries first, so the copy holds a chain that verifies on its own and the
    # database differs from it afterwards only by the entry recording this backup.
    audit.seal(engine(), current_app.config["AUDIT_KEY"])
    try:
        result = backup.backup(current_app.config["SETTINGS"].DATABASE_URL, out)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    _record_backup(result)
    click.echo(f"已备份到 {result.path}（{result.kind}，{result.tables} 张表，{result.rows} 行）")


def _record_backup(result) -> None:
    """Audited, so the first-run checklist (`doctor`) can tell the last backup's age."""
    from hotline import audit
    from hotline.db import get_session
    from hotline.readiness.checks import BACKUP_ACTION

    db = get_session()
    audit.record(db, actor=None, action=BACKUP_ACTION, entity="database", entity_id=None,
                 detail={"path": str(result.path), "kind": result.kind, "rows": result.rows})
    db.commit()


@click.command("restore")
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="目标数据库不为空时仍然恢复（覆盖全部数据）")
@with_appcontext
def restore_command(source: Path, force: bool) -> None:
    """Restore the backup IN into the configured database (refuses a non-empty one without --force)."""
    from hotline.db import engine
    from hotline.trust import backup

    engine().dispose()  # no pooled connection of ours holds the database while it is replaced
    try:
        result = backup.restore(current_app.config["SETTINGS"].DATABASE_URL, source, force=force)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已从 {source} 恢复（{result.kind}，{result.tables} 张表，{result.rows} 行）；"
               "请运行 `python -m hotline db upgrade` 和 `python -m hotline audit verify`")


def register(app: Flask) -> None:
    for command in (identity_group, retention_group, backup_command, restore_command):
        app.cli.add_command(command)
