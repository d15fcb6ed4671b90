"""Personal data at rest: the citizen ID is stored encrypted, found by a keyed hash, shown masked.

- ``encrypt``: AES-256-GCM with a random 96-bit nonce; the stored value is
  ``version (1 byte) | nonce (12) | ciphertext + tag``. A copy of the database without the key
  reveals no ID number.
- ``id_hash``: HMAC-SHA256 of the number (128 bits, hex). ID numbers are few enough (about
  10^11) to be found by trying them all against a plain hash; a keyed one cannot be.
  It serves exact search, duplicate checks and the one-person-one-union constraint.
- The keys come from ``settings.UNIONWORK_PII_KEY``: one secret, or several separated by
  commas, the current one first (older ones are kept only to read and find records written
  before a rotation). Each secret yields an encryption key and a hash key (HKDF-SHA256) and a
  short key id stored beside each record. See ``docs/keys.md``.
- Without a configured key a development key is derived from ``SECRET_KEY``, with a warning;
  in production (``DEBUG`` off with a real ``SECRET_KEY``) that is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

VERSION = b"\x01"
AAD = b"unionwork.members.id_number"
HASH_BYTES = 16  # 128 bits: no collision among billions of numbers
MIN_SECRET_LENGTH = 16


class PiiKeyError(RuntimeError):
    """A stored value that no configured key opens (wrong key, or tampered data)."""


@dataclass(frozen=True)
class PiiKey:
    key_id: str  # 8 hex characters, stored with each record
    aead: AESGCM
    hash_key: bytes


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"unionwork-pii-v1", info=purpose).derive(
        secret.encode()
    )


def _make_key(secret: str) -> PiiKey:
    enc = _derive(secret, b"encrypt")
    mac = _derive(secret, b"hmac")
    key_id = hashlib.sha256(b"key-id" + enc + mac).hexdigest()[:8]
    return PiiKey(key_id=key_id, aead=AESGCM(enc), hash_key=mac)


@lru_cache(maxsize=8)
def _keyring_for(setting: str, secret_key: str, debug: bool) -> tuple[PiiKey, ...]:
    secrets_ = [s.strip() for s in setting.split(",") if s.strip()]
    if not secrets_:
        if not debug and not secret_key.startswith("dev-only-insecure"):
            raise ImproperlyConfigured("UNIONWORK_PII_KEY must be set when DEBUG is off (see docs/keys.md)")
        log.warning(
            "UNIONWORK_PII_KEY is not set: personal data is encrypted with a development key derived from "
            "SECRET_KEY. Set UNIONWORK_PII_KEY before storing real data (docs/keys.md)."
        )
        secrets_ = ["dev-derived:" + secret_key]
    for s in secrets_:
        if len(s) < MIN_SECRET_LENGTH:
            raise ImproperlyConfigured(
                f"each UNIONWORK_PII_KEY secret needs at least {MIN_SECRET_LENGTH} characters"
            )
    return tuple(_make_key(s) for s in secrets_)


def keyring() -> tuple[PiiKey, ...]:
    """The configured keys, the current one first."""
    return _keyring_for(getattr(settings, "UNIONWORK_PII_KEY", "") or "", settings.SECRET_KEY, settings.DEBUG)


def current_key() -> PiiKey:
    return keyring()[0]


def encrypt(number: str, key: PiiKey | None = None) -> bytes:
    """The stored form of an ID number, under the current key."""
    key = key or current_key()
    nonce = os.urandom(12)
    return VERSION + nonce + key.aead.encrypt(nonce, number.encode(), AAD)


def decrypt(blob: bytes | memoryview, key_id: str = "") -> str:
    """The ID number of a stored value; tries the key named by ``key_id`` first, then the others."""
    blob = bytes(blob)
    if not blob or blob[:1] != VERSION:
        raise PiiKeyError("unknown format of an encrypted value")
    nonce, body = blob[1:13], blob[13:]
    keys = sorted(keyring(), key=lambda k: k.key_id != key_id)
    for key in keys:
        try:
            return key.aead.decrypt(nonce, body, AAD).decode()
        except InvalidTag:
            continue
    raise PiiKeyError("no configured key opens this value (key rotated away, or data tampered)")


def id_hash(number: str, key: PiiKey | None = None) -> str:
    """The keyed hash of an ID number under the current key (or ``key``)."""
    key = key or current_key()
    return hmac.digest(key.hash_key, number.encode(), "sha256")[:HASH_BYTES].hex()


def id_hashes(number: str) -> list[str]:
    """The hash of a number under every configured key: records not yet rotated are found too."""
    return [id_hash(number, k) for k in keyring()]


def hasher(key: PiiKey | None = None):
    """A fast function number -> hash for bulk work (binds the key once)."""
    hk = (key or current_key()).hash_key
    digest = hmac.digest

    def h(number: str) -> str:
        return digest(hk, number.encode(), "sha256")[:HASH_BYTES].hex()

    return h


def encryptor(key: PiiKey | None = None):
    """A fast function number -> stored bytes for bulk work."""
    aead = (key or current_key()).aead
    urandom = os.urandom

    def enc(number: str) -> bytes:
        nonce = urandom(12)
        return VERSION + nonce + aead.encrypt(nonce, number.encode(), AAD)

    return enc
