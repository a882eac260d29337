"""No complainant identity in URLs or logs: caller history by POST, phones and ID numbers masked in logs."""
from __future__ import annotations

import logging
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from hotline import logmask
from hotline.settings import ROOT
from models.users import Role

PHONE, ID_NUMBER = "13812345678", "11010519491231002X"


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def collected():
    handler = Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous)


def test_caller_history_is_not_reachable_with_the_number_in_the_url(factory, login):
    client = login.as_(factory.user(Role.operator))
    assert client.get(f"/intake/history?phone={PHONE}").status_code == 405
    assert client.post("/intake/history", data={"phone": PHONE}).status_code == 200


def test_the_intake_form_posts_the_number_for_its_history(factory, login):
    page = login.as_(factory.user(Role.operator)).get("/intake/new").get_data(as_text=True)
    assert 'data-history-url="/intake/history"' in page
    source = (ROOT / "static" / "intake.js").read_text(encoding="utf-8")
    assert 'method: "POST"' in source and '"?phone="' not in source


def test_the_dev_servers_access_log_masks_a_number_in_a_query(app, collected):
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{server.port}/login?q={PHONE}&id={ID_NUMBER}").read()
    finally:
        thread.join(timeout=10)
        server.server_close()
    access = [line for line in collected.lines if "/login?q=" in line]
    assert access and PHONE not in access[0] and ID_NUMBER not in access[0]
    assert "138****5678" in access[0] and "110*************2X" in access[0]


def test_gunicorns_access_log_and_the_app_logs_are_masked(app, collected):
    logmask.install()  # the collecting handler arrived after create_app installed the filter
    logging.getLogger("gunicorn.access").info('%(r)s %(s)s', {"r": f"GET /complaints?q={PHONE} HTTP/1.1", "s": "200"})
    app.logger.warning("来电号码 %s 身份证 %s", PHONE, ID_NUMBER)
    logging.getLogger("hotline.intake.views").error("号码 138 1234 5678 无法处理")
    text = "\n".join(collected.lines)
    assert PHONE not in text and ID_NUMBER not in text and "138 1234 5678" not in text
    assert text.count("138****5678") == 3


def test_a_traceback_is_masked_too(app, collected):
    logmask.install()
    try:
        raise ValueError(f"bad phone {PHONE}")
    except ValueError:
        logging.getLogger("hotline.errors").exception("请求失败")
    assert PHONE not in "\n".join(collected.lines)


@pytest.mark.parametrize("text, masked", [
    ("0571-88123456", "0571******56"),
    ("+86 139 1234 5678", "139****5678"),
    ("q=138%201234%205678", "q=138****5678"),
    ("receipt 12345678901234", "receipt 12345678901234"),  # a 14-digit receipt code is not a phone
])
def test_the_mask_keeps_what_identifies_nobody(text, masked):
    assert logmask.mask(text) == masked
