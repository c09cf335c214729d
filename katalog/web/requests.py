"""The request type of a page behind `login_required`, so `request.user` is typed as a person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from katalog.accounts.models import User


class SignedInRequest(HttpRequest):
    """The request of a view decorated with `login_required`: `user` is the signed-in person."""

    user: User
