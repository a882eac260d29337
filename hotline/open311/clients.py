"""Partner platforms and their api_keys: issued once, kept only as a hash, revocable."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from types import SimpleNamespace

from sqlmodel import Session, select

from hotline import audit
from models.base import utcnow
from models.open311 import Open311Client

KEY_PREFIX = "o311_"
# last_used_at is refreshed at most this often, so polling partners do not write on every GET.
TOUCH_EVERY = dt.timedelta(minutes=10)


class ClientError(ValueError):
    """A client cannot be added or changed; the message is in Chinese."""


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def actor_for(client: Open311Client) -> SimpleNamespace:
    """How a partner appears in the audit trail (it is not a user: no user id)."""
    return SimpleNamespace(id=None, username=f"open311:{client.name}")


def add_client(session: Session, *, name: str, note: str = "") -> tuple[Open311Client, str]:
    """Register a partner platform; returns the row and its api_key, which is never shown again."""
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise ClientError("平台名称不能为空，且不超过60字")
    if session.exec(select(Open311Client.id).where(Open311Client.name == name)).first() is not None:
        raise ClientError(f"平台已存在：{name}")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    client = Open311Client(name=name, key_hash=key_digest(key), key_prefix=key[:12], note=note[:200],
                           created_at=utcnow())
    session.add(client)
    session.flush()
    audit.record(session, actor=None, action="open311.client_add", entity="open311client",
                 entity_id=client.id, detail={"name": name, "key_prefix": client.key_prefix})
    return client, key


def revoke_client(session: Session, *, name: str) -> Open311Client:
    """Refuse the client's key from now on (its requests stay, tracked by the commission)."""
    client = session.exec(select(Open311Client).where(Open311Client.name == name)).first()
    if client is None:
        raise ClientError(f"平台不存在：{name}")
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        session.add(client)
        audit.record(session, actor=None, action="open311.client_revoke", entity="open311client",
                     entity_id=client.id, detail={"name": name})
    return client


def client_for_key(session: Session, key: str | None) -> Open311Client | None:
    """The active client holding this key, or None; notes when it was last used."""
    key = (key or "").strip()
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    client = session.exec(select(Open311Client).where(Open311Client.key_hash == key_digest(key))).first()
    if client is None or client.revoked_at is not None:
        return None
    now = utcnow()
    if client.last_used_at is None or now - client.last_used_at > TOUCH_EVERY:
        client.last_used_at = now
        session.add(client)
    return client
