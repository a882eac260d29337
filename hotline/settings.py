"""One typed settings object, read from the environment (and NAME_FILE secret files)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "dev", "secret", "development-only-secret"}
# Settings that may be given as NAME_FILE (the path of a file holding the secret).
SECRET_NAMES = ("SECRET_KEY", "TWILIO_AUTH_TOKEN", "IDENTITY_KEY", "DATABASE_URL")


class SettingsError(RuntimeError):
    """A configuration that must not start: said loudly, at start."""


def _read_secret_files(environ: dict[str, str]) -> dict[str, str]:
    """Values for NAME from the file named by NAME_FILE; an unreadable file is fatal."""
    found = {}
    for name in SECRET_NAMES:
        path = environ.get(f"{name}_FILE")
        if not path:
            continue
        try:
            found[name] = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingsError(f"{name}_FILE={path} cannot be read: {exc}") from exc
    return found


class Settings(BaseSettings):
    """Everything the app, the CLI and the scheduler are configured by."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=True, extra="ignore")

    HOTLINE_ENV: Literal["development", "production", "test"] = "development"
    DATABASE_URL: str = ""
    SECRET_KEY: str = "development-only-secret"
    HOTLINE_NUMBER: str = "965888"
    TIMEZONE: str = "Asia/Shanghai"
    COMMISSION_NAME: str = "青溪县纪委监委"
    INSTANCE_DIR: Path = ROOT / "instance"
    MODELS_DIR: Path | None = None
    SPOOL_DIR: Path | None = None
    SESSION_MINUTES: int = Field(default=30, ge=1)
    MAX_REPORT_CHARS: int = 20_000
    # Keyed-hash and encryption key for complainant identity (base64 32 bytes).
    IDENTITY_KEY: str = ""
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    TWILIO_FROM: str = ""
    PUBLIC_BASE_URL: str = ""
    TWILIO_SKIP_SIGNATURE: bool = False
    SCHEDULER_IN_PROCESS: bool = True
    DEMO: bool = False

    @model_validator(mode="after")
    def _fill_paths(self) -> "Settings":
        if not self.DATABASE_URL:
            self.DATABASE_URL = f"sqlite:///{self.INSTANCE_DIR / 'hotline.sqlite3'}"
        if self.MODELS_DIR is None:
            self.MODELS_DIR = self.INSTANCE_DIR / "models"
        if self.SPOOL_DIR is None:
            self.SPOOL_DIR = self.INSTANCE_DIR / "spool"
        return self

    @property
    def is_production(self) -> bool:
        return self.HOTLINE_ENV == "production"

    def check(self) -> None:
        """Refuse settings that are unsafe outside development."""
        if self.HOTLINE_ENV != "development" and self.SECRET_KEY in PLACEHOLDER_SECRETS:
            raise SettingsError("SECRET_KEY is a placeholder: set SECRET_KEY or SECRET_KEY_FILE")
        if self.is_production and self.TWILIO_SKIP_SIGNATURE:
            raise SettingsError("TWILIO_SKIP_SIGNATURE may only be set in development")
        if self.is_production and not self.IDENTITY_KEY:
            raise SettingsError("IDENTITY_KEY is required in production")


def load_settings(overrides: dict | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Settings from the environment, secret files, then explicit overrides (tests)."""
    environ = dict(os.environ if environ is None else environ)
    values = _read_secret_files(environ)
    values.update(overrides or {})
    settings = Settings(**values)
    settings.check()
    return settings
