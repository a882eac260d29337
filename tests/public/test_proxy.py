"""TRUSTED_PROXY_HOPS: one setting for the whole app (werkzeug ProxyFix), so every throttle and the
audit trail see the client's address behind a proxy, and no forged X-Forwarded-For otherwise."""
from __future__ import annotations

import pytest

WRONG = {"code": "12345678901234", "key": "ABCDEF"}


@pytest.fixture
def make_app(settings_overrides, county):
    from hotline import create_app

    made = []

    def make(hops: int):
        app = create_app({**settings_overrides, "TRUSTED_PROXY_HOPS": hops})
        app.config["WTF_CSRF_ENABLED"] = False
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["db_engine"].dispose()


def _wrong_lookups(app, forwarded: list[str]) -> list[str]:
    client = app.test_client()
    pages = []
    for address in forwarded:
        response = client.post("/status", data=WRONG, headers={"X-Forwarded-For": address},
                               environ_base={"REMOTE_ADDR": "10.0.0.1"})
        pages.append(response.get_data(as_text=True))
    return pages


def test_with_no_trusted_proxy_a_forged_forwarded_address_is_ignored(make_app):
    app = make_app(0)
    # Six wrong codes, each claiming another address: all count against the one real address.
    pages = _wrong_lookups(app, [f"198.51.100.{n}" for n in range(6)])
    assert "错误次数过多" not in pages[0]
    assert "错误次数过多" in pages[-1]


def test_behind_one_proxy_each_client_address_has_its_own_counter(make_app):
    app = make_app(1)
    pages = _wrong_lookups(app, [f"6.6.6.6, 203.0.113.{n}" for n in range(6)])
    assert all("错误次数过多" not in page for page in pages)
    # The same client (the proxy's entry) six times is locked out, whatever it writes before it.
    pages = _wrong_lookups(app, [f"{n}.{n}.{n}.{n}, 203.0.113.50" for n in range(1, 7)])
    assert "错误次数过多" in pages[-1]


def test_behind_a_proxy_the_audit_trail_records_the_forwarded_address(make_app, factory):
    from sqlmodel import Session, select

    from models.audit import AuditEntry

    app = make_app(1)
    user = factory.user("operator")
    client = app.test_client()
    client.post("/login", data={"username": user.username, "password": factory.PASSWORD},
                headers={"X-Forwarded-For": "203.0.113.9"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    with Session(app.extensions["db_engine"]) as session:
        addresses = {row.remote_addr for row in session.exec(select(AuditEntry)).all()}
    assert "203.0.113.9" in addresses and "10.0.0.1" not in addresses
