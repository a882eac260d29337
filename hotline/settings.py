"""One typed settings object, read from the environment (and NAME_FILE secret files)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "dev", "secret", "development-only-secret"}
# Settings that may be given as NAME_FILE (the path of a file holding the secret).
SECRET_NAMES = ("SECRET_KEY", "TWILIO_AUTH_TOKEN", "IDENTITY_KEY", "IDENTITY_OLD_KEYS", "LOOKUP_KEY",
                "DATABASE_URL", "AUDIT_KEY")


class SettingsError(RuntimeError):
    """A configuration that must not start: said loudly, at start."""


def _is_key(text: str) -> bool:
    """Base64 of exactly 32 bytes (the identity and look-up keys)."""
    import base64
    import binascii

    try:
        return len(base64.b64decode(text, validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


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
            raise SettingsError(f"配置错误：{name}_FILE 指向的文件无法读取（{path}：{exc.strerror or exc}）；"
                                f"须为可读的密钥文件 [{name}_FILE cannot be read]") from exc
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
    # The county's 6-digit division code (统计用区划代码): `county import` takes only its rows.
    COUNTY_CODE: str = Field(default="", pattern=r"^(\d{6})?$")
    INSTANCE_DIR: Path = ROOT / "instance"
    MODELS_DIR: Path | None = None
    # The labelled corpus retraining learns from (the weekly job and `model train`): a folder of
    # *.jsonl files and, when it has one, the split.json freezing its held-out ids.
    TRAINING_CORPUS_DIR: Path = ROOT / "classifiers" / "corpus"
    SPOOL_DIR: Path | None = None
    SESSION_MINUTES: int = Field(default=30, ge=1)
    MAX_REPORT_CHARS: int = 20_000
    # Proxies in front of the app that append to X-Forwarded-For: the public pages count reports
    # and wrong look-ups per client address, which is then the one this many hops back.
    TRUSTED_PROXY_HOPS: int = Field(default=0, ge=0, le=5)
    # Complainant identity: IDENTITY_KEY encrypts (base64 of 32 bytes; rotate with
    # IDENTITY_OLD_KEYS + `identity rotate`); LOOKUP_KEY keys the phone look-up hash (stable).
    IDENTITY_KEY: str = ""
    IDENTITY_OLD_KEYS: str = ""
    LOOKUP_KEY: str = ""
    # The audit chain's MAC key (base64 of 32 bytes, kept out of the database; derived in dev),
    # the append-only file of its checkpoints (default instance/audit-checkpoints.jsonl) and
    # how often the scheduler writes one.
    AUDIT_KEY: str = ""
    AUDIT_CHECKPOINT_FILE: Path | None = None
    AUDIT_CHECKPOINT_MINUTES: int = Field(default=5, ge=1, le=60)
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    TWILIO_FROM: str = ""
    PUBLIC_BASE_URL: str = ""
    TWILIO_SKIP_SIGNATURE: bool = False
    # Phone line: when operators answer (local time, Monday to Friday), whom calls ring
    # (comma-separated numbers; empty puts callers in the Twilio queue "operators"), and how
    # close SMS parts from one number must be to be joined into one report.
    OFFICE_HOURS: str = "08:30-12:00,14:00-17:30"
    TWILIO_OPERATOR_NUMBERS: str = ""
    SMS_JOIN_MINUTES: int = Field(default=5, ge=0)
    # Intake bursts: while reports arrive faster than this (per second; 0 never), triage and
    # routing wait so that callers are answered first — at most this many seconds per report.
    INTAKE_BURST_PER_SECOND: int = Field(default=20, ge=0)
    INTAKE_BURST_MAX_DELAY_SECONDS: int = Field(default=60, ge=1, le=600)
    SCHEDULER_IN_PROCESS: bool = True
    DEMO: bool = False
    # Identity of complainants in cases closed longer than this is purged (legal holds excepted).
    RETENTION_DAYS: int = Field(default=1826, ge=1)
    # The weekly bulletin: document number prefix (青纪热线〔2026〕47号), a CJK font file for its
    # charts (found among system fonts when empty), how many typical cases it tells.
    BULLETIN_NUMBER_PREFIX: str = "青纪热线"
    BULLETIN_FONT: str = ""
    BULLETIN_TYPICAL_CASES: int = Field(default=3, ge=0, le=10)
    # Cross-check (大数据比对): a match scoring below the review threshold is "needs review",
    # below the minimum it is not reported. Age limits are per grant, in the grant table (admin screen).
    CROSSCHECK_REVIEW_THRESHOLD: float = Field(default=0.9, ge=0, le=1)
    CROSSCHECK_MIN_SCORE: float = Field(default=0.6, ge=0, le=1)
    CROSSCHECK_MAX_UPLOAD_MB: int = Field(default=512, ge=1)
    # Case deadlines, in working days (DOMAIN.md), and when reminders go out.
    DEADLINE_ASSIGNMENT_DAYS: int = Field(default=1, ge=1)
    DEADLINE_SEND_BACK_DAYS: int = Field(default=1, ge=1)
    DEADLINE_DISPOSITION_DAYS: int = Field(default=15, ge=1)
    DEADLINE_VERIFICATION_DAYS: int = Field(default=30, ge=1)
    DEADLINE_INVESTIGATION_DAYS: int = Field(default=90, ge=1)
    DEADLINE_FEEDBACK_DAYS: int = Field(default=15, ge=1)
    REMIND_BEFORE_DAYS: int = Field(default=2, ge=0)
    # Repeat reports (并单) at or above this count suggest 挂牌督办.
    SUPERVISE_REPEAT_THRESHOLD: int = Field(default=3, ge=2)
    # The clue register: the clue number's pattern ({year}, {seq} with its width), the
    # 受理告知 duty to a named reporter and the 受理或转办 step of a referred matter (working days).
    CLUE_NUMBER_PATTERN: str = "青纪线〔{year}〕{seq:04d}号"
    CLUE_ACK_DAYS: int = Field(default=15, ge=1)
    CLUE_ACCEPT_DAYS: int = Field(default=5, ge=1)

    @field_validator("CLUE_NUMBER_PATTERN")
    @classmethod
    def _clue_pattern(cls, value: str) -> str:
        from hotline.clues.numbers import check_pattern  # late: settings import nothing of the app

        check_pattern(value)
        return value

    @field_validator("IDENTITY_KEY", "LOOKUP_KEY", "IDENTITY_OLD_KEYS")
    @classmethod
    def _base64_keys(cls, value: str) -> str:
        for key in (k.strip() for k in value.split(",")):
            if key and not _is_key(key):
                raise ValueError("不是 32 字节随机数的 base64")
        return value

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
        from hotline.settings_messages import line

        if self.HOTLINE_ENV != "development" and self.SECRET_KEY in PLACEHOLDER_SECRETS:
            raise SettingsError(line("SECRET_KEY", "未设置或是开发用占位值（设置 SECRET_KEY 或 SECRET_KEY_FILE）")
                                + " [SECRET_KEY is a placeholder]")
        if self.is_production and self.TWILIO_SKIP_SIGNATURE:
            raise SettingsError(line("TWILIO_SKIP_SIGNATURE", "只能在开发环境开启")
                                + " [TWILIO_SKIP_SIGNATURE may only be set in development]")
        for name in ("IDENTITY_KEY", "LOOKUP_KEY"):
            if self.is_production and not getattr(self, name):
                raise SettingsError(line(name, "生产环境必须设置") + f" [{name} is required in production]")
        if self.is_production and not self.AUDIT_KEY:
            raise SettingsError(line("AUDIT_KEY", "生产环境必须设置（审计链的MAC密钥）") + " [AUDIT_KEY is required in production]")


def load_settings(overrides: dict | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Settings from the environment, secret files, then explicit overrides (tests)."""
    environ = dict(os.environ if environ is None else environ)
    values = _read_secret_files(environ)
    values.update(overrides or {})
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        from hotline.settings_messages import explain

        raise SettingsError(explain(exc)) from None
    settings.check()
    return settings


def current() -> Settings:
    """The running app's settings; outside an app (a script, a unit test) the declared defaults.

    Domain code reads a setting here instead of keeping its own copy of the default.
    """
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app.config["SETTINGS"]
    return Settings.model_construct()
