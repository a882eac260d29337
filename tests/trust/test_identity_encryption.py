"""Complainant identity is encrypted at rest with authenticated encryption, and keys rotate."""
from __future__ import annotations

import base64
import os

import pytest
import sqlalchemy as sa
from sqlmodel import select

from hotline.intake.identity import open_identity
from hotline.vault import Vault, VaultError, dev_key
from models.complainants import Complainant


def _key() -> bytes:
    return os.urandom(32)


def test_a_sealed_value_opens_only_for_its_own_field():
    box = Vault(_key())
    token = box.seal("13812345678", field="phone")
    assert "13812345678" not in token and box.open(token, field="phone") == "13812345678"
    with pytest.raises(VaultError):
        box.open(token, field="name")


def test_an_altered_ciphertext_is_detected():
    box = Vault(_key())
    token = box.seal("王小五", field="name")
    prefix, kid, body = token.split(".", 2)
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(VaultError, match="altered"):
        box.open(f"{prefix}.{kid}.{base64.urlsafe_b64encode(bytes(raw)).decode()}", field="name")


def test_an_unknown_key_is_refused():
    token = Vault(_key()).seal("x", field="name")
    with pytest.raises(VaultError, match="unknown key"):
        Vault(_key()).open(token, field="name")


def test_the_database_holds_no_plaintext_identity(factory, db):
    complaint = factory.complaint("危房改造资金被截留", phone="13812345678", name="王小五")
    raw = db.execute(sa.text("SELECT name_enc, phone_enc, name_masked, phone_masked FROM complainant")).one()
    assert "王小五" not in raw[0] and "13812345678" not in raw[1]
    assert (raw[2], raw[3]) == ("王**", "138****5678")
    with factory.app.app_context():
        person = db.get(Complainant, complaint.complainant_id)
        assert open_identity(person).phone == "13812345678"


def test_rotation_reseals_every_identity_with_the_new_key(app, factory, db, runner):
    factory.complaint("某线索", phone="13812345678", name="王小五")
    old_key, new_key = dev_key(app.config["SETTINGS"].SECRET_KEY), _key()
    app.extensions["vault"] = Vault(new_key, [old_key])  # as IDENTITY_KEY + IDENTITY_OLD_KEYS configure it
    result = runner.invoke(args=["identity", "rotate"])
    assert result.exit_code == 0 and "1 位" in result.output
    db.expire_all()
    person = db.exec(select(Complainant)).one()
    assert Vault(new_key).open(person.phone_enc, field="phone") == "13812345678"
    with pytest.raises(VaultError):
        Vault(old_key).open(person.phone_enc, field="phone")
    assert "0 位" in runner.invoke(args=["identity", "rotate"]).output
