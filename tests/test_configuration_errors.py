"""A missing or malformed setting stops the app with one Chinese line naming it, never a traceback."""
from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest

from hotline.settings import ROOT, SettingsError, load_settings

KEY = base64.b64encode(b"k" * 32).decode()


def _env(**values) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOTLINE_", "SECRET_", "IDENTITY_", "LOOKUP_",
                                                                    "AUDIT_", "DATABASE_URL", "TWILIO_"))}
    env.update(values)
    return env


@pytest.mark.parametrize("name, value, expected", [
    ("SESSION_MINUTES", "half an hour", "配置错误：SESSION_MINUTES（会话空闲时长（分钟） / idle session lifetime）值不正确，现为“half an hour”；须为不小于 1 的整数"),
    ("COUNTY_CODE", "51123", "配置错误：COUNTY_CODE（本县区划代码 / county division code）值不正确，现为“51123”；须为6 位数字"),
    ("HOTLINE_ENV", "prod", "须为development、test 或 production 之一"),
    ("LOOKUP_KEY", "not-base64!", "配置错误：LOOKUP_KEY（电话查询密钥 / phone look-up key）不正确（不是 32 字节随机数的 base64）"),
    ("IDENTITY_KEY", base64.b64encode(b"short").decode(), "IDENTITY_KEY（举报人身份加密密钥 / identity encryption key）不正确"),
])
def test_a_malformed_setting_is_named_in_chinese_with_what_it_must_hold(monkeypatch, name, value, expected):
    monkeypatch.setenv("HOTLINE_ENV", "development")
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert expected in str(caught.value)


def test_a_bad_key_is_never_echoed(monkeypatch):
    monkeypatch.setenv("LOOKUP_KEY", "secret-looking-value")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "secret-looking-value" not in str(caught.value)


@pytest.mark.parametrize("missing", ["IDENTITY_KEY", "LOOKUP_KEY"])
def test_production_names_each_missing_key(monkeypatch, missing):
    for name, value in (("HOTLINE_ENV", "production"), ("SECRET_KEY", "a-real-production-secret"),
                        ("IDENTITY_KEY", KEY), ("LOOKUP_KEY", KEY), ("AUDIT_KEY", KEY)):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing)
    with pytest.raises(SettingsError, match=f"配置错误：{missing}（.*生产环境必须设置"):
        load_settings()


def test_the_command_line_stops_with_the_line_and_no_traceback(tmp_path):
    env = _env(HOTLINE_ENV="production", SECRET_KEY="a-real-production-secret", IDENTITY_KEY=KEY,
               AUDIT_KEY=KEY, INSTANCE_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "hotline", "county", "list"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 3
    assert "配置错误：LOOKUP_KEY（电话查询密钥 / phone look-up key）生产环境必须设置" in result.stderr
    assert "Traceback" not in result.stderr


def test_gunicorn_halts_with_the_line_and_no_traceback(tmp_path):
    env = _env(HOTLINE_ENV="production", SECRET_KEY="changeme", INSTANCE_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "gunicorn", "-w", "1", "-b", "127.0.0.1:0",
                             "hotline:create_app()"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "配置错误：SECRET_KEY（会话签名密钥 / session signing key）未设置或是开发用占位值" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Worker failed to boot" in result.stderr  # halted, not respawning
