"""Exchange packages: the events for a peer as one compressed file, for links that do not exist
(approved media between networks).

A package is gzip-compressed JSON lines: first a manifest signed by the sending node (sender,
addressee, each origin's range of sequence numbers, the count and the SHA-256 of the event
lines), then one signed event per line. A package is checked whole before anything of it is
applied: a changed byte fails the digest (or the compression's own check) and nothing is
applied. Applying is idempotent and ordered per origin, so packages may be imported twice, out
of order or overlapping.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.audit import chain
from katalog.core.errors import NotFound, ValidationFailed
from katalog.exchange import feed, keys
from katalog.exchange.errors import ExchangeError
from katalog.exchange.inbox import ReceiveReport, events_receive
from katalog.exchange.models import Node
from katalog.exchange.selectors import local_node

FORMAT = "katalog-exchange-package/1"
APPLY_BATCH = 1_000


def _peer(name: str) -> Node:
    node = Node.objects.filter(name=name, is_local=False).first()
    if node is None:
        raise NotFound(
            _("No registered node %(name)s") % {"name": name}, code=ExchangeError.PEER_NOT_FOUND
        )
    return node


def _manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return chain.canonical_json({k: v for k, v in manifest.items() if k != "signature"}).encode()


def package_export(*, to: str, path: Path, since: int = 0) -> dict[str, Any]:
    """Write every event the peer `to` may lack: this node's after `since` and those of the
    other origins this node holds (not the peer's own)."""
    target = _peer(to)
    local = local_node()
    signing = keys.signing_key_read()
    if signing is None:
        raise NotFound(
            _("This node's signing key is missing"), code=ExchangeError.NODE_NOT_INITIALISED
        )
    ranges: dict[str, list[int]] = {}
    digest = hashlib.sha256()
    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=path.parent) as body:
        for origin in feed.origins():
            if origin == target.name:
                continue
            after = since if origin == local.name else 0
            for payload in feed.events_iter(origin, after):
                line = chain.canonical_json(payload).encode("utf-8") + b"\n"
                digest.update(line)
                body.write(line)
                count += 1
                first_last = ranges.setdefault(origin, [payload["seq"], payload["seq"]])
                first_last[1] = payload["seq"]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "from": local.name,
            "to": target.name,
            "created": timezone.now().isoformat(),
            "ranges": ranges,
            "count": count,
            "sha256": digest.hexdigest(),
        }
        manifest["signature"] = keys.sign(_manifest_bytes(manifest), signing)
        body.seek(0)
        _write_atomically(path, manifest, body)
    return manifest


def _write_atomically(path: Path, manifest: dict[str, Any], body: IO[bytes]) -> None:
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as out:
            out.write(chain.canonical_json(manifest).encode("utf-8") + b"\n")
            while chunk := body.read(1 << 20):
                out.write(chunk)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _damaged(detail: str) -> ValidationFailed:
    return ValidationFailed(
        _("The package is damaged or not an exchange package (%(detail)s); nothing was applied")
        % {"detail": detail},
        code=ExchangeError.PACKAGE_DAMAGED,
    )


def _lines(path: Path) -> Iterator[bytes]:
    try:
        with gzip.open(path, "rb") as handle:
            yield from handle
    except (OSError, EOFError, zlib.error) as exc:
        raise _damaged(type(exc).__name__) from exc


def package_check(path: Path) -> dict[str, Any]:
    """Verify a package whole: its sender, the manifest's signature, the events' digest."""
    lines = _lines(path)
    try:
        manifest = json.loads(next(lines))
    except (StopIteration, ValueError, UnicodeDecodeError) as exc:
        raise _damaged(_("no manifest")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(_("no manifest"))
    sender = Node.objects.filter(name=str(manifest.get("from", "")), is_local=False).first()
    if sender is None:
        raise ValidationFailed(
            _("The package comes from %(name)s, which is not a registered node")
            % {"name": manifest.get("from", "—")},
            code=ExchangeError.PACKAGE_SENDER_UNKNOWN,
        )
    if not keys.signature_valid(
        _manifest_bytes(manifest), str(manifest.get("signature", "")), sender.public_key
    ):
        raise ValidationFailed(
            _("The package's signature does not verify with the key of %(name)s")
            % {"name": sender.name},
            code=ExchangeError.PACKAGE_SIGNATURE_INVALID,
        )
    digest = hashlib.sha256()
    count = 0
    for line in lines:
        digest.update(line)
        count += 1
    if count != manifest.get("count") or digest.hexdigest() != manifest.get("sha256"):
        raise _damaged(_("its events do not match its manifest"))
    return manifest


def package_import(path: Path) -> tuple[dict[str, Any], ReceiveReport]:
    manifest = package_check(path)
    report = ReceiveReport()
    batch: list[Any] = []
    lines = _lines(path)
    next(lines)
    for line in lines:
        batch.append(json.loads(line))
        if len(batch) >= APPLY_BATCH:
            report.add(events_receive(batch, transport="file"))
            batch = []
    report.add(events_receive(batch, transport="file"))
    return manifest, report
