"""Encrypt every payload before it leaves the process: an AES-GCM payload codec.

A codec runs on the client and on every Worker, after the payload converter
has turned values into bytes: prompts, model replies, tool arguments and
results are encrypted before they reach the Temporal server, so the Event
History holds only ciphertext. Whoever holds the key (your Workers, your
clients, the codec server behind the Web UI) reads it back.

The key is 32 random bytes, written as URL-safe base64, and comes from the
environment, so a notebook kernel and the Worker processes it starts agree:

* ``COOKBOOK_CODEC_KEY``: the key itself;
* ``COOKBOOK_CODEC_KEY_FILE``: a file holding the key (``create_key_file``
  makes one, readable only by you).

Each encrypted payload records the id of its key (a fingerprint, never the
key), so a process holding the wrong key says which key it needs.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from shared._core.errors import CookbookError

KEY_ENV = "COOKBOOK_CODEC_KEY"
KEY_FILE_ENV = "COOKBOOK_CODEC_KEY_FILE"
NONCE_BYTES = 12
TAG_BYTES = 16
"""AES-GCM's authentication tag, at the end of every sealed payload."""


def new_key() -> str:
    """A fresh random 256-bit key, as URL-safe base64 text."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def create_key_file(path: str | os.PathLike[str]) -> Path:
    """Write a new key to ``path`` (only you may read it) unless the file exists; return the path.

    An existing file is kept only if it is yours and no one else may read or
    write it: on a shared machine, a key another user planted or can read is
    no secret.
    """
    path = Path(path)
    if path.exists():
        check_private_file(path)
        return path
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(new_key() + "\n")
    return path


def check_private_file(path: Path) -> None:
    """Refuse a key file that another user owns, or that others may read or write, in one line with the fix."""
    info = path.stat()
    if info.st_uid != os.getuid():
        raise CookbookError(
            f"The key file {path} belongs to another user (uid {info.st_uid}), who may know the key: "
            "delete it and make a new one with shared.create_key_file(path)."
        )
    if info.st_mode & 0o077:
        raise CookbookError(
            f"The key file {path} may be read or written by others (mode {info.st_mode & 0o777:o}): "
            f"run chmod 600 {path}, or make a new one with shared.create_key_file(path)."
        )


def key_id(key: bytes) -> str:
    """A short fingerprint that names a key without revealing it."""
    return hashlib.sha256(key).hexdigest()[:8]


def parse_key(text: str, source: str) -> bytes:
    """Decode a base64 key, saying where it came from if it is not 32 bytes."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except ValueError:
        key = b""
    if len(key) != 32:
        raise CookbookError(
            f"The encryption key in {source} is not a 256-bit key in URL-safe base64 "
            "(make one with shared.create_key_file(path) or shared.new_key())."
        )
    return key


def load_key(env: Mapping[str, str] | None = None) -> bytes:
    """The key from ``COOKBOOK_CODEC_KEY``, else from the file named by ``COOKBOOK_CODEC_KEY_FILE``."""
    env = os.environ if env is None else env
    if env.get(KEY_ENV, "").strip():
        return parse_key(env[KEY_ENV], KEY_ENV)
    key_file = env.get(KEY_FILE_ENV, "").strip()
    if not key_file:
        raise CookbookError(
            f"Encryption is on but this process has no key: set {KEY_ENV}, or {KEY_FILE_ENV} "
            "to a key file (shared.create_key_file(path) makes one)."
        )
    try:
        check_private_file(Path(key_file))
        text = Path(key_file).read_text()
    except OSError as err:
        raise CookbookError(f"Cannot read the key file named by {KEY_FILE_ENV} ({err.strerror}).") from None
    except UnicodeDecodeError:
        text = ""  # binary: not a key in base64, which parse_key says
    return parse_key(text, f"the file named by {KEY_FILE_ENV}")


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM over each whole payload (its metadata and data), with a fresh nonce per payload."""

    ENCODING: ClassVar[bytes] = b"binary/encrypted"
    """The ``encoding`` metadata of an encrypted payload."""
    KEY_ID: ClassVar[str] = "encryption-key-id"
    """The metadata key under which an encrypted payload names its key's id."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        self.key_id = key_id(key)

    @classmethod
    def from_environment(cls) -> EncryptionCodec:
        """The codec for the key this process's environment names."""
        return cls(load_key())

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Encrypt each payload; the result records only the encoding and the key's id."""
        return [self._encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Decrypt the payloads this codec encrypted; leave plain ones (from before encryption) as they are."""
        return [self._decrypt(p) if p.metadata.get("encoding") == self.ENCODING else p for p in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, payload.SerializeToString(), self.key_id.encode())
        return Payload(metadata={"encoding": self.ENCODING, self.KEY_ID: self.key_id.encode()}, data=nonce + sealed)

    def _decrypt(self, payload: Payload) -> Payload:
        used = payload.metadata.get(self.KEY_ID, b"").decode(errors="replace")
        if used != self.key_id:
            raise CookbookError(
                f"A payload was encrypted with key {used}, but this process holds key {self.key_id}: "
                f"give it the same {KEY_ENV} or {KEY_FILE_ENV} as the client."
            )
        if len(payload.data) < NONCE_BYTES + TAG_BYTES:
            raise CookbookError(
                f"A payload under key {used} is {len(payload.data)} bytes, too short to hold a nonce and a tag: "
                "it was cut or altered."
            )
        try:
            plain = self._aead.decrypt(payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:], used.encode())
        except InvalidTag:
            raise CookbookError(f"A payload under key {used} failed its integrity check: it was altered.") from None
        return Payload.FromString(plain)
