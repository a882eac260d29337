"""Configuration: typed settings from the environment, secrets from files, unsafe values refused."""
from __future__ import annotations

import pytest

from hotline.settings import SettingsError, load_settings


def test_defaults_suit_a_developer(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("HOTLINE_ENV", "development")
    settings = load_settings({"INSTANCE_DIR": tmp_path})
    assert settings.DATABASE_URL == f"sqlite:///{tmp_path / 'hotline.sqlite3'}"
    assert settings.HOTLINE_NUMBER == "965888" and settings.TIMEZONE == "Asia/Shanghai"


@pytest.mark.parametrize("env", ["production", "test"])
def test_a_placeholder_secret_is_refused_outside_development(monkeypatch, env):
    monkeypatch.setenv("HOTLINE_ENV", env)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings()


def test_secrets_may_come_from_files(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("a-long-and-real-secret\n")
    monkeypatch.setenv("HOTLINE_ENV", "test")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert load_settings().SECRET_KEY == "a-long-and-real-secret"


def test_an_unreadable_secret_file_fails_loudly(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(SettingsError, match="SECRET_KEY_FILE"):
        load_settings()


def test_environment_values_are_typed(monkeypatch):
    monkeypatch.setenv("HOTLINE_ENV", "development")
    monkeypatch.setenv("SESSION_MINUTES", "45")
    monkeypatch.setenv("HOTLINE_NUMBER", "12388")
    settings = load_settings()
    assert settings.SESSION_MINUTES == 45 and settings.HOTLINE_NUMBER == "12388"


def test_signature_checks_cannot_be_skipped_in_production(monkeypatch):
    monkeypatch.setenv("HOTLINE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-production-secret")
    monkeypatch.setenv("IDENTITY_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
    monkeypatch.setenv("LOOKUP_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
    monkeypatch.setenv("TWILIO_SKIP_SIGNATURE", "true")
    with pytest.raises(SettingsError, match="TWILIO_SKIP_SIGNATURE"):
        load_settings()


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    from hotline import create_app

    monkeypatch.setenv("IDENTITY_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
    monkeypatch.setenv("LOOKUP_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
    monkeypatch.setenv("AUDIT_KEY", "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=")  # required in production too
    app = create_app({"HOTLINE_ENV": "production", "SECRET_KEY": "a-real-production-secret",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "INSTANCE_DIR": tmp_path})
    assert app.config["SESSION_COOKIE_SECURE"] is True
