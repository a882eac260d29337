"""Encryption at rest for complainant identity (AES-256-GCM, authenticated), with key rotation.

A token is `v1.<key id>.<base64url(nonce + ciphertext)>`: the key id says which key sealed
it, so after a rotation old rows still open (with IDENTITY_OLD_KEYS) until `identity rotate`
re-seals them with the current key. The associated data binds a token to its field, so a
ciphertext copied from the phone column into the name column does not decrypt.
"""
from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

PREFIX = "v1"


class VaultError(RuntimeError):
    """A token that cannot be opened: unknown key, or altered ciphertext."""


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"key-id:" + key).hexdigest()[:8]


def decode_key(text: str) -> bytes:
    """A base64 key of 32 bytes; anything else is a configuration error, said at start."""
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise VaultError("IDENTITY_KEY must be base64") from exc
    if len(key) != 32:
        raise VaultError("IDENTITY_KEY must be 32 bytes (base64 of 32 random bytes)")
    return key


class Vault:
    """Seals and opens identity fields with the current key; opens with older keys too."""

    def __init__(self, current: bytes, older: Iterable[bytes] = ()):
        self.current_id = key_id(current)
        self._keys = {key_id(k): AESGCM(k) for k in (*older, current)}

    def seal(self, plaintext: str | None, *, field: str) -> str | None:
        if plaintext is None or plaintext == "":
            return None
        nonce = os.urandom(12)
        sealed = self._keys[self.current_id].encrypt(nonce, plaintext.encode("utf-8"), field.encode())
        return f"{PREFIX}.{self.current_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, token: str | None, *, field: str) -> str | None:
        if not token:
            return None
        try:
            prefix, kid, body = token.split(".", 2)
            raw = base64.urlsafe_b64decode(body)
        except ValueError as exc:
            raise VaultError("not a sealed value") from exc
        if prefix != PREFIX or kid not in self._keys:
            raise VaultError(f"sealed with an unknown key {kid}")
        try:
            return self._keys[kid].decrypt(raw[:12], raw[12:], field.encode()).decode("utf-8")
        except InvalidTag as exc:
            raise VaultError("sealed value was altered") from exc

    def needs_reseal(self, token: str | None) -> bool:
        return bool(token) and token.split(".", 2)[1] != self.current_id


def dev_key(secret_key: str) -> bytes:
    """The development key, derived from SECRET_KEY (production requires IDENTITY_KEY)."""
    return hashlib.sha256(b"identity-encryption:" + secret_key.encode()).digest()


def from_settings(settings) -> Vault:
    """The vault for these settings (a development key is derived from SECRET_KEY)."""
    current = decode_key(settings.IDENTITY_KEY) if settings.IDENTITY_KEY else dev_key(settings.SECRET_KEY)
    older = [decode_key(k.strip()) for k in settings.IDENTITY_OLD_KEYS.split(",") if k.strip()]
    return Vault(current, older)


def vault() -> Vault:
    """The running app's vault."""
    return current_app.extensions["vault"]
