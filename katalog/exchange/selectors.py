"""Reads of the exchange's nodes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from katalog.core.errors import NotFound
from katalog.exchange.errors import ExchangeError
from katalog.exchange.models import Node


def local_node() -> Node:
    node = Node.objects.filter(is_local=True).select_related("bureau").first()
    if node is None:
        raise NotFound(
            _("This installation has no node identity yet: run katalog node init"),
            code=ExchangeError.NODE_NOT_INITIALISED,
        )
    return node


def node_list() -> list[Node]:
    return list(Node.objects.select_related("bureau"))
