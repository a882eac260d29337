"""`python -m hotline open311 add-client NAME | list-clients | revoke-client NAME`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from hotline.db import get_session

group = AppGroup("open311", help="Open311 接口的合作平台（如12345热线）")


@group.command("add-client")
@click.argument("name")
@click.option("--note", default="", help="备注，例如对接联系人")
def add_client(name: str, note: str) -> None:
    """Register a partner platform and print its api_key (shown only this once)."""
    from hotline.open311.clients import ClientError, add_client as add

    db = get_session()
    try:
        client, key = add(db, name=name, note=note)
    except ClientError as exc:
        raise click.ClickException(str(exc)) from exc
    db.commit()
    click.echo(f"已登记合作平台：{client.name}")
    click.echo("api_key（只显示这一次，请通过安全渠道交给对方）：", err=True)
    click.echo(key)


@group.command("list-clients")
def list_clients() -> None:
    """The partner platforms, their key prefixes and when they last called."""
    from sqlmodel import select

    from hotline.templating import local_time
    from models.open311 import Open311Client

    for client in get_session().exec(select(Open311Client).order_by(Open311Client.name)).all():
        state = f"已停用 {local_time(client.revoked_at)}" if client.revoked_at else "有效"
        click.echo(f"{client.name}\t{client.key_prefix}…\t{state}\t最近调用 {local_time(client.last_used_at) or '从未'}")


@group.command("revoke-client")
@click.argument("name")
def revoke_client(name: str) -> None:
    """Refuse a partner's api_key from now on."""
    from hotline.open311.clients import ClientError, revoke_client as revoke

    db = get_session()
    try:
        revoke(db, name=name)
    except ClientError as exc:
        raise click.ClickException(str(exc)) from exc
    db.commit()
    click.echo(f"已停用合作平台的 api_key：{name}")


def register(app: Flask) -> None:
    """Attach the `open311` command group (also done when the blueprint registers)."""
    app.cli.add_command(group)
