"""Writes of the exchange: this installation's identity and its registered peers."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _
from nacl.signing import SigningKey

from katalog.accounts.models import Bureau
from katalog.accounts.selectors import bureau_find
from katalog.audit.services import audit_record
from katalog.core.actors import SYSTEM_OPERATOR, Actor
from katalog.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from katalog.exchange import keys
from katalog.exchange.errors import ExchangeError
from katalog.exchange.models import Node

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def _require_operator(actor: Actor) -> None:
    # Node identities are the installation's trust roots: only its operator (who holds the
    # server) sets them, never a user through a page.
    if actor is not SYSTEM_OPERATOR:
        raise PermissionDenied(
            _("Only the installation's operator manages nodes"), code=ExchangeError.NOT_ALLOWED
        )


def _bureau(key: str) -> Bureau:
    # A node answers for a bureau named by its key only (never a user code).
    bureau = bureau_find(key, or_user_code=False)
    if bureau is None:
        raise NotFound(_("No bureau %(key)s") % {"key": key}, code=ExchangeError.BUREAU_NOT_FOUND)
    return bureau


def _name(name: str) -> str:
    name = name.strip()
    if not NAME_RE.match(name):
        raise ValidationFailed(
            _("A node name is 1 to 40 lower-case letters, digits and hyphens"),
            code=ExchangeError.NODE_NAME_INVALID,
        )
    if Node.objects.filter(name=name).exists():
        raise Conflict(
            _("A node named %(name)s exists already") % {"name": name},
            code=ExchangeError.NODE_EXISTS,
        )
    return name


def node_init(*, actor: Actor, bureau_key: str, name: str) -> Node:
    """Give this installation its identity: a name, its bureau and a new Ed25519 key pair."""
    _require_operator(actor)
    if Node.objects.filter(is_local=True).exists():
        raise Conflict(
            _("This installation has its node identity already"), code=ExchangeError.NODE_EXISTS
        )
    bureau = _bureau(bureau_key)
    name = _name(name)
    signing = SigningKey.generate()
    with transaction.atomic():
        node = Node.objects.create(
            name=name,
            bureau=bureau,
            public_key=keys.public_key_text(signing.verify_key),
            is_local=True,
        )
        audit_record(
            actor=actor,
            action="node.init",
            object_type="node",
            object_key=name,
            changes={"bureau": bureau.key, "public_key": node.public_key},
        )
        # The key file is written last, inside the transaction: a failure leaves neither.
        keys.signing_key_write(signing)
    return node


def node_add(*, actor: Actor, name: str, bureau_key: str, public_key: str, url: str = "") -> Node:
    """Register a peer installation whose signed events this one accepts."""
    _require_operator(actor)
    bureau = _bureau(bureau_key)
    name = _name(name)
    if keys.public_key_parse(public_key) is None:
        raise ValidationFailed(
            _("The file holds no Ed25519 public key"), code=ExchangeError.NODE_KEY_INVALID
        )
    if Node.objects.filter(public_key=public_key.strip()).exists():
        raise Conflict(
            _("A node with this public key exists already"), code=ExchangeError.NODE_EXISTS
        )
    with transaction.atomic():
        node = Node.objects.create(
            name=name, bureau=bureau, public_key=public_key.strip(), url=url.strip()
        )
        audit_record(
            actor=actor,
            action="node.add",
            object_type="node",
            object_key=name,
            changes={"bureau": bureau.key, "public_key": node.public_key, "url": node.url},
        )
    return node
