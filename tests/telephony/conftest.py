"""Fixtures for the phone line: Twilio settings, signed requests, TwiML parsing, canned HTTP."""
from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from twilio.http import HttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.request_validator import RequestValidator

from hotline.db import make_engine

TOKEN = "test-twilio-auth-token-0123456789"
BASE = "https://hotline.example.cn"
CALLER = "+8613812345678"
_sids = itertools.count(1)

# A closed port: connecting fails at once, as with a real outage.
DEAD_DATABASE = "postgresql://postgres@127.0.0.1:1/hotline"


def new_sid(prefix: str) -> str:
    return f"{prefix}{next(_sids):032x}"


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_FROM": "+8610690000", "PUBLIC_BASE_URL": BASE, "SMS_JOIN_MINUTES": 5}


def sign(path: str, params: dict, token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(BASE + path, params)


class Twilio:
    """Posts to the webhooks as Twilio would: form-encoded and signed."""

    def __init__(self, client):
        self.client = client

    def post(self, path: str, params: dict, *, signature: str | None = None, headers: dict | None = None):
        headers = {"X-Twilio-Signature": sign(path, params) if signature is None else signature, **(headers or {})}
        return self.client.post(path, data=params, headers=headers)

    def sms(self, body: str, *, sid: str | None = None, sender: str = CALLER, **extra):
        params = {"MessageSid": sid or new_sid("SM"), "AccountSid": "AC" + "a" * 32, "From": sender,
                  "To": "+8610690000", "Body": body, "NumMedia": "0", **extra}
        return self.post("/twilio/sms", params)

    def settle(self) -> int:
        """What the scheduler does within a second of a webhook: triage and route the reports the
        webhooks stored (hotline.intake.completion). Returns how many were completed."""
        from hotline.db import get_session
        from hotline.intake import completion

        with self.client.application.app_context():
            report = completion.drain(get_session())
        assert report.failed == 0
        return report.done

    def call(self, step: str = "", *, sid: str, sender: str = CALLER, **extra):
        params = {"CallSid": sid, "AccountSid": "AC" + "a" * 32, "From": sender, "To": "+8610690000",
                  "CallStatus": "in-progress", **extra}
        return self.post("/twilio/voice" + (f"/{step}" if step else ""), params)


@pytest.fixture
def twilio(client) -> Twilio:
    return Twilio(client)


def twiml(response) -> ET.Element:
    """The reply parsed as XML (fails the test if it is not TwiML)."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.get_data())
    assert root.tag == "Response"
    return root


def verbs(root: ET.Element) -> list[str]:
    return [child.tag for child in root]


def said(root: ET.Element) -> str:
    return "".join(el.text or "" for el in root.iter("Say"))


def message_text(response) -> str:
    root = twiml(response)
    return "".join(el.text or "" for el in root.iter("Message"))


class CannedHttp(HttpClient):
    """Answers the REST client with queued responses (or raises queued exceptions): no network."""

    def __init__(self, *answers):
        super().__init__(logging.getLogger("tests.twilio"), False)
        self.answers = list(answers)
        self.requests: list[dict] = []

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        self.requests.append({"method": method, "uri": uri, "data": dict(data or {})})
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def accepted(sid: str = None) -> TwilioResponse:
    sid = sid or new_sid("SM")
    return TwilioResponse(201, json.dumps({"sid": sid, "status": "queued", "account_sid": "AC" + "a" * 32}))


def twilio_error(status: int, code: int, message: str = "error") -> TwilioResponse:
    return TwilioResponse(status, json.dumps({"status": status, "code": code, "message": message}))


@pytest.fixture
def http(app) -> CannedHttp:
    """Install a canned HTTP client for the app's Twilio REST calls."""
    client = CannedHttp()
    app.extensions["twilio_http_client"] = client
    return client


@pytest.fixture
def database_down(app, db):
    """Point the app at a database that refuses connections; yields a function to bring it back."""
    live = app.extensions["db_engine"]
    dead = make_engine(DEAD_DATABASE)
    app.extensions["db_engine"] = dead

    def restore():
        app.extensions["db_engine"] = live

    yield restore
    app.extensions["db_engine"] = live
    dead.dispose()


def local_noon_today(zone: str = "Asia/Shanghai") -> dt.date:
    return dt.datetime.now(ZoneInfo(zone)).date()
