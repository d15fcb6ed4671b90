"""Files with personal data at rest (uploaded rosters, marked error files): encrypted, streamed.

The key comes from the same setting as the register's (``UNIONWORK_PII_KEY``, see docs/keys.md):
each secret yields, by HKDF-SHA256 with its own purpose, a file key unrelated to the register's
keys. The current secret encrypts; older ones (after a rotation) still decrypt, until the files
are purged (they live days, not years).

Format: ``MAGIC | key id (8) | nonce prefix (8)`` then chunks of ``length (4) | ciphertext+tag``,
each chunk AES-256-GCM with nonce ``prefix | chunk number (4)`` and the header, the chunk number
and a last-chunk flag as associated data: reordering, truncating or splicing chunks fails.
Memory stays at one chunk whatever the file's size. Files written before encryption (no magic)
are read as they are.

Core owns this so that the import mechanism needs nothing from the members module.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"UWFILE1\n"
CHUNK = 1 << 20
MIN_SECRET_LENGTH = 16


class FileKeyError(RuntimeError):
    """A stored file that no configured key opens (key rotated away, or the file altered)."""


@dataclass(frozen=True)
class FileKey:
    key_id: bytes  # 8 ASCII hex characters
    aead: AESGCM


@lru_cache(maxsize=8)
def _keys_for(setting: str, secret_key: str, debug: bool) -> tuple[FileKey, ...]:
    secrets_ = [s.strip() for s in setting.split(",") if s.strip()]
    if not secrets_:
        # The same rule as the register's keys (members.pii): a development key only in development.
        if not debug and not secret_key.startswith("dev-only-insecure"):
            raise ImproperlyConfigured("UNIONWORK_PII_KEY must be set when DEBUG is off (see docs/keys.md)")
        secrets_ = ["dev-derived:" + secret_key]
    keys = []
    for s in secrets_:
        if len(s) < MIN_SECRET_LENGTH:
            raise ImproperlyConfigured(
                f"each UNIONWORK_PII_KEY secret needs at least {MIN_SECRET_LENGTH} characters"
            )
        raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"unionwork-files-v1", info=b"files").derive(
            s.encode()
        )
        keys.append(FileKey(hashlib.sha256(b"file-key-id" + raw).hexdigest()[:8].encode(), AESGCM(raw)))
    return tuple(keys)


def keys() -> tuple[FileKey, ...]:
    """The configured file keys, the current one first."""
    return _keys_for(getattr(settings, "UNIONWORK_PII_KEY", "") or "", settings.SECRET_KEY, settings.DEBUG)


def _aad(header: bytes, number: int, last: bool) -> bytes:
    return header + struct.pack(">I?", number, last)


def encrypt_stream(src: IO[bytes], dst: IO[bytes]) -> None:
    """Write ``src`` (read to its end) encrypted under the current key to ``dst``."""
    key = keys()[0]
    prefix = os.urandom(8)
    header = MAGIC + key.key_id + prefix
    dst.write(header)
    number = 0
    chunk = src.read(CHUNK)
    while True:
        nxt = src.read(CHUNK) if chunk else b""
        last = not nxt
        nonce = prefix + struct.pack(">I", number)
        sealed = key.aead.encrypt(nonce, chunk, _aad(header, number, last))
        dst.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        chunk, number = nxt, number + 1


def is_encrypted(fh: IO[bytes]) -> bool:
    """Whether a file (positioned at its start, left there) was written by :func:`encrypt_stream`."""
    head = fh.read(len(MAGIC))
    fh.seek(0)
    return head == MAGIC


def decrypt_chunks(src: IO[bytes]) -> Iterator[bytes]:
    """The plain bytes of an encrypted file, chunk by chunk; FileKeyError if it does not open."""
    header = src.read(len(MAGIC) + 16)
    if len(header) != len(MAGIC) + 16 or not header.startswith(MAGIC):
        raise FileKeyError("not an encrypted file")
    key_id, prefix = header[len(MAGIC) : len(MAGIC) + 8], header[len(MAGIC) + 8 :]
    key = next((k for k in keys() if k.key_id == key_id), None)
    if key is None:
        raise FileKeyError("no configured key wrote this file")
    number = 0
    while True:
        size = src.read(4)
        if len(size) != 4:
            raise FileKeyError("the file ends before its last chunk")
        sealed = src.read(struct.unpack(">I", size)[0])
        nonce = prefix + struct.pack(">I", number)
        for last in (False, True):
            try:
                plain = key.aead.decrypt(nonce, sealed, _aad(header, number, last))
            except InvalidTag:
                continue
            yield plain
            if last:
                return
            break
        else:
            raise FileKeyError("a chunk does not open (altered, or wrong key)")
        number += 1


@contextmanager
def plain_copy(src: IO[bytes], *, named: bool = False) -> Iterator[IO[bytes]]:
    """A readable, seekable plain copy of a stored file (a temporary file, removed afterwards).

    A file stored before encryption is copied as it is. ``named``: the copy has a path
    (``.name``) that another process can open.
    """
    encrypted = is_encrypted(src)
    factory = tempfile.NamedTemporaryFile if named else tempfile.TemporaryFile
    with factory(prefix="uw-import-") as tmp:
        if encrypted:
            for chunk in decrypt_chunks(src):
                tmp.write(chunk)
        else:
            shutil.copyfileobj(src, tmp, CHUNK)
        tmp.flush()
        tmp.seek(0)
        yield tmp


def encrypted_copy(src: IO[bytes]) -> IO[bytes]:
    """A temporary file holding ``src`` encrypted, positioned at its start (the caller closes it)."""
    tmp = tempfile.TemporaryFile(prefix="uw-import-")
    encrypt_stream(src, tmp)
    tmp.seek(0)
    return tmp
