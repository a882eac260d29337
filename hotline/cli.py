"""Command line: `python -m hotline run | db upgrade | demo | user add | scheduler | ...`.

Capabilities add their own commands in `register`, so this module stays a table of contents.
"""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from hotline.db import get_session


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="heads")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the configured database to REVISION (default: every head)."""
    from hotline.migrate import upgrade

    upgrade(current_app.config["SETTINGS"].DATABASE_URL, revision)
    click.echo(f"数据库已迁移到 {revision}")


@db_group.command("revision")
@click.argument("message")
@with_appcontext
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (developers; read it before committing)."""
    from alembic import command

    from hotline.migrate import alembic_config

    command.revision(alembic_config(current_app.config["SETTINGS"].DATABASE_URL), message=message,
                     autogenerate=True)


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo county (safe to run twice)."""
    from hotline.demo.loader import load_demo

    settings = current_app.config["SETTINGS"]
    if settings.is_production:
        raise click.ClickException("生产环境不能加载演示数据")
    session = get_session()
    summary = load_demo(session, lookup_key=current_app.config["LOOKUP_KEY"])
    if any(summary.values()):
        click.echo("演示县数据已加载：" + "，".join(f"{k} {v}" for k, v in summary.items()))
    else:  # a restart: say what is there, not a row of zeros that reads as an empty county
        click.echo("演示县数据此前已加载，本次未改动：" + "，".join(f"{k} {v}" for k, v in _demo_contents(session).items()))


def _demo_contents(session) -> dict[str, int]:
    import sqlalchemy as sa

    from models.complaints import Complaint
    from models.divisions import Township, Village
    from models.offices import Office
    from models.users import User

    count = lambda model: session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()  # noqa: E731
    return {"乡镇": count(Township), "村": count(Village), "机构": count(Office), "用户": count(User),
            "问题线索": count(Complaint)}


@click.command("demo-code")
def demo_code_command() -> None:
    """Print the current two-factor code of the demo supervisors and admins (demo mode only)."""
    # Added to the command group itself (see main), so it answers without building the app:
    # no database, model or blueprint is needed to print a code.
    import os

    import pyotp

    from hotline.demo.totp import DEMO_TOTP_SECRET

    if os.environ.get("DEMO", "").lower() not in {"1", "true", "yes", "on"}:
        raise click.ClickException("仅演示模式（DEMO=1）可用")
    click.echo(pyotp.TOTP(DEMO_TOTP_SECRET).now())


@click.group("user")
def user_group() -> None:
    """User accounts."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["operator", "inspector", "supervisor",
                                                          "admin", "auditor", "custodian"]))
@click.option("--office", "office_name", default=None, help="机构名称")
@click.option("--full-name", default="")
@click.password_option()
@with_appcontext
def user_add(username: str, role: str, office_name: str | None, full_name: str, password: str) -> None:
    """Create a user with a role and (optionally) an office."""
    from sqlmodel import select

    from hotline.auth.accounts import AccountError, create_user
    from hotline.auth.passwords import WeakPassword
    from models.offices import Office

    db = get_session()
    office = None
    if office_name:
        office = db.exec(select(Office).where(Office.name == office_name)).first()
        if office is None:
            raise click.ClickException(f"机构不存在：{office_name}")
    from hotline.auth import grants
    from models.users import IDENTITY_ROLES, Role

    if Role(role) in IDENTITY_ROLES and not grants.bootstrap_allowed(db):
        # Only the first custodian is appointed here; later ones need two admins (docs/security.md).
        raise click.ClickException("已有身份信息保管员：新的保管员须以其他角色创建后，在“用户管理”中由一名管理员申请、另一名管理员批准")
    try:
        create_user(db, username=username, full_name=full_name, role=role, password=password, office=office)
    except (AccountError, WeakPassword) as exc:
        raise click.ClickException(str(exc)) from exc
    db.commit()
    click.echo(f"已创建用户 {username}（{role}）")


@user_group.command("token")
@click.argument("username")
@click.option("--label", default="cli")
@with_appcontext
def user_token(username: str, label: str) -> None:
    """Issue an API token for a user (printed once)."""
    from sqlmodel import select

    from hotline.auth.accounts import issue_token
    from models.users import User

    db = get_session()
    user = db.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise click.ClickException(f"用户不存在：{username}")
    token = issue_token(db, user=user, label=label)
    db.commit()
    click.echo(token)


@click.group("audit")
def audit_group() -> None:
    """The audit trail."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Seal pending entries, check the keyed chain against every checkpoint, then write a checkpoint.

    Exit 1 naming every problem: an altered or re-chained row, rows deleted after a checkpoint,
    a checkpoint that no longer matches, an edited checkpoint file.
    """
    from hotline import audit_checkpoints

    settings = current_app.config["SETTINGS"]
    path = audit_checkpoints.checkpoint_path(settings)
    report = audit_checkpoints.verify_and_checkpoint(get_session().get_bind(), current_app.config["AUDIT_KEY"], path)
    for line in audit_checkpoints.describe(report, path):
        click.echo(line, err=not report.ok)
    if not report.ok:
        sys.exit(1)


@click.command("run")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--no-scheduler", is_flag=True, help="不在进程内启动定时任务")
@with_appcontext
def run_command(host: str, port: int, no_scheduler: bool) -> None:
    """Run the development server with the scheduler in-process."""
    from hotline import scheduler
    from hotline.demo.loader import DEMO_TOTP_SECRET, DEMO_USERS

    app = current_app._get_current_object()
    settings = app.config["SETTINGS"]
    if settings.DEMO:
        click.echo("演示账号（仅演示模式有效）：")
        for username, _name, role, _office, password in DEMO_USERS:
            click.echo(f"  {role:<10} {username:<12} 密码 {password}")
        click.echo("  督办领导和管理员登录需动态验证码：另开终端运行 `DEMO=1 .venv/bin/python -m hotline demo-code`，"
                   f"或在验证器中添加密钥 {DEMO_TOTP_SECRET}")
        from hotline.demo.staff_accounts import staff_lines

        for line in staff_lines():
            click.echo(line)
    if settings.TWILIO_SKIP_SIGNATURE:
        click.secho("警告：TWILIO_SKIP_SIGNATURE 已开启，Twilio 签名校验已关闭（仅限开发）", fg="red", bold=True)
    if not no_scheduler and settings.SCHEDULER_IN_PROCESS:
        scheduler.start_background(app)
    from hotline.warmup import warm_up

    click.echo(f"预加载分类模型、分词词典和页面模板……（用时 {warm_up(app):.1f} 秒）")
    click.echo(f"热线系统已启动：http://{host}:{port}/")
    # Flask ignores app.run() inside its own CLI, so serve with Werkzeug directly.
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False)


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduled jobs as their own process (production)."""
    from hotline import scheduler

    scheduler.run_blocking(current_app._get_current_object())


def register(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    for command in (db_group, demo_command, demo_code_command, user_group, audit_group, run_command, scheduler_command):
        app.cli.add_command(command)
    for module in _capability_commands():
        module.register(app)


def _capability_commands():
    """Capabilities that bring commands (each module has `register(app)`)."""
    import importlib

    for name in ("hotline.triage.commands", "hotline.telephony.commands", "hotline.crosscheck.commands",
                 "hotline.cases.commands", "hotline.clues.commands", "hotline.bulletins.commands", "hotline.trust.commands",
                 "hotline.open311.commands", "hotline.county.commands", "hotline.readiness.commands",
                 "hotline.public.commands"):
        yield importlib.import_module(name)  # a broken capability fails the start, loudly


def main() -> None:
    from hotline import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), add_default_commands=False,
                     add_version_option=False, load_dotenv=False,
                     help="扶贫领域投诉举报热线系统命令行")
    cli.add_command(demo_code_command)
    cli.main(args=sys.argv[1:], prog_name="python -m hotline")
