"""The exchange's status page over `katalog.exchange.selectors`: this node, each peer's
position and lag, and the events that wait for a person."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from katalog.exchange import feed
from katalog.exchange.selectors import exchange_status, local_node_or_none, problem_list


@login_required
def exchange_status_page(request: HttpRequest) -> HttpResponse:
    node = local_node_or_none()
    context = {
        "node": node,
        "last_seq": feed.origins().get(node.name, 0) if node else 0,
        "peers": exchange_status(),
        "problems": problem_list(limit=100),
    }
    return render(request, "web/exchange_status.html", context)
