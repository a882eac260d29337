"""Running Alembic from code (the CLI and the tests use the same path)."""
from __future__ import annotations

from alembic import command
from alembic.config import Config

from hotline.settings import ROOT


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    # "heads": every branch of the history, so independently written migrations apply together
    # until a merge revision joins them.
    command.upgrade(alembic_config(database_url), revision)
