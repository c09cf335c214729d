"""The node's Ed25519 signing key. The private key lives in the data directory, readable by
the installation's system user only; the database holds only public keys."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from django.conf import settings
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

__all__ = ["SigningKey", "VerifyKey"]

KEY_FILE = "node.key"


def key_directory() -> Path:
    return Path(settings.DATA_DIR) / "exchange"


def signing_key_write(key: SigningKey) -> Path:
    """Write the private key with owner-only permissions (0600 in a 0700 directory)."""
    directory = key_directory()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)
    path = directory / KEY_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(base64.b64encode(bytes(key)) + b"\n")
    os.chmod(path, 0o600)
    return path


def signing_key_read() -> SigningKey | None:
    path = key_directory() / KEY_FILE
    if not path.exists():
        return None
    return SigningKey(base64.b64decode(path.read_bytes().strip()))


def public_key_text(key: VerifyKey) -> str:
    return base64.b64encode(bytes(key)).decode("ascii")


def public_key_parse(text: str) -> VerifyKey | None:
    """A public key as `node show --public-key` writes it (base64 of 32 bytes), else None."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return VerifyKey(raw) if len(raw) == 32 else None
    except (ValueError, TypeError):
        return None


def sign(data: bytes, key: SigningKey) -> str:
    return base64.b64encode(key.sign(data).signature).decode("ascii")


def signature_valid(data: bytes, signature: str, public_key: str) -> bool:
    verify = public_key_parse(public_key)
    if verify is None:
        return False
    try:
        verify.verify(data, base64.b64decode(signature, validate=True))
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True
