"""Trust commands: `identity rotate`, `identity new-key`."""
from __future__ import annotations

import base64
import os

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


def register(app: Flask) -> None:
    app.cli.add_command(identity_group)
