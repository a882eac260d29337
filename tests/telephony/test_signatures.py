"""Every Twilio endpoint checks X-Twilio-Signature; only a development setting turns that off."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline.settings import SettingsError, load_settings
from models.complaints import Complaint

from tests.telephony.conftest import BASE, new_sid, sign

WEBHOOKS = ["/twilio/sms", "/twilio/voice", "/twilio/voice/menu", "/twilio/voice/report",
            "/twilio/voice/recorded", "/twilio/voice/query", "/twilio/voice/dialed", "/twilio/status",
            "/twilio/fallback"]


def _params():
    return {"MessageSid": new_sid("SM"), "CallSid": new_sid("CA"), "From": "+8613812345678",
            "Body": "低保被村干部亲属冒领", "Digits": "1"}


@pytest.mark.parametrize("path", WEBHOOKS)
def test_it_refuses_a_request_without_a_signature(client, factory, db, path):
    factory.county()
    response = client.post(path, data=_params())
    assert response.status_code == 403
    assert db.exec(select(Complaint)).all() == []


@pytest.mark.parametrize("path", WEBHOOKS)
def test_it_refuses_a_wrong_signature(client, factory, db, path):
    factory.county()
    params = _params()
    response = client.post(path, data=params, headers={"X-Twilio-Signature": sign(path, params, "another-token")})
    assert response.status_code == 403
    assert db.exec(select(Complaint)).all() == []


def test_it_refuses_a_signature_for_other_parameters(client, factory):
    factory.county()
    params = _params()
    signature = sign("/twilio/sms", params)
    params["Body"] = "被篡改的内容"
    assert client.post("/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}).status_code == 403


def test_it_checks_the_signature_against_the_public_url_behind_a_proxy(client, factory):
    factory.county()
    params = _params()
    # The request reaches the app as http://localhost/..., Twilio signed https://hotline.example.cn/...
    response = client.post("/twilio/sms", data=params, headers={"X-Twilio-Signature": sign("/twilio/sms", params)})
    assert response.status_code == 200
    assert BASE.startswith("https://")


def test_it_refuses_everything_when_no_auth_token_is_configured(app, client, factory):
    factory.county()
    app.config["SETTINGS"].TWILIO_AUTH_TOKEN = ""
    params = _params()
    response = client.post("/twilio/sms", data=params, headers={"X-Twilio-Signature": sign("/twilio/sms", params)})
    assert response.status_code == 403


def test_the_development_switch_accepts_unsigned_requests_and_says_so(settings_overrides, caplog, factory):
    from hotline import create_app

    dev = create_app({**settings_overrides, "TWILIO_SKIP_SIGNATURE": True})
    assert "TWILIO_SKIP_SIGNATURE" in caplog.text
    with dev.test_client() as unsigned:
        factory.county()
        assert unsigned.post("/twilio/sms", data=_params()).status_code == 200
    dev.extensions["db_engine"].dispose()


def test_the_development_switch_is_refused_in_production():
    with pytest.raises(SettingsError):
        load_settings({"HOTLINE_ENV": "production", "SECRET_KEY": "a-real-secret-of-some-length",
                       "IDENTITY_KEY": "A" * 44, "TWILIO_SKIP_SIGNATURE": True}, environ={})
