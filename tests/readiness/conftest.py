"""Readiness tests run with the demo county's code and production-like keys unless a test says otherwise."""
from __future__ import annotations

import base64

import pytest

KEYS = {name: base64.b64encode(bytes([n]) * 32).decode()
        for n, name in enumerate(("IDENTITY_KEY", "LOOKUP_KEY", "AUDIT_KEY"), start=1)}


@pytest.fixture
def settings_overrides(settings_overrides):
    from hotline.settings import Settings

    keys = {k: v for k, v in KEYS.items() if k in Settings.model_fields}
    return {**settings_overrides, "COUNTY_CODE": "511234", "COMMISSION_NAME": "青山县纪委监委",
            "SECRET_KEY": "a-long-production-secret-of-forty-characters", **keys}
