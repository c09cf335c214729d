"""`katalog token create USER [--name N] [--expires DAYS] [--scope read|write]`,
`katalog token list [USER]`, `katalog token revoke ID`: personal API tokens. A new token is
printed once and never again; it expires after 90 days unless `--expires` says otherwise
(0: never), and stops working when its user's password changes or the user is deactivated."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts.errors import AccountsErrorCode as E
from katalog.accounts.models import ApiToken, TokenScope, User
from katalog.accounts.services import token_expiry
from katalog.accounts.tokens import token_create, token_get, token_revoke
from katalog.core.actors import SYSTEM_OPERATOR
from katalog.core.errors import NotFound
from katalog.core.management.base import KatalogCommand


def user_get(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(_("No user %(name)s") % {"name": username}, code=E.USER_NOT_FOUND)
    return user


class Command(KatalogCommand):
    help = "Create, list and revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="make a token for a user and print it once")
        create.add_argument("user")
        create.add_argument("--name", default="cli", help="what the token is for")
        create.add_argument(
            "--expires",
            "--days",
            dest="days",
            type=int,
            default=None,
            help="days until it expires (default 90; 0: never)",
        )
        create.add_argument(
            "--scope", choices=[s.value for s in TokenScope], default=TokenScope.WRITE
        )
        listing = actions.add_parser("list", help="tokens (of one user), without their secret")
        listing.add_argument("user", nargs="?")
        revoke = actions.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "handle_" + options["action"])(options)

    def handle_create(self, options: dict[str, Any]) -> None:
        record, token = token_create(
            actor=SYSTEM_OPERATOR,
            user=user_get(options["user"]),
            name=options["name"],
            expires_at=token_expiry(options["days"]),
            never_expires=options["days"] == 0,
            scope=options["scope"],
        )
        self.stderr.write(
            _("Token %(id)s for %(user)s; it is shown only now:")
            % {"id": record.pk, "user": record.user.username}
        )
        self.stdout.write(token)

    def handle_list(self, options: dict[str, Any]) -> None:
        rows = ApiToken.objects.select_related("user").order_by("user__username", "id")
        if options["user"]:
            rows = rows.filter(user=user_get(options["user"]))
        for t in rows:
            state = (
                "revoked"
                if t.revoked_at
                else ("expired" if t.expires_at and t.expires_at <= timezone.now() else "active")
            )
            last = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "-"
            expires = t.expires_at.isoformat(timespec="seconds") if t.expires_at else "-"
            self.stdout.write(
                f"{t.pk}\t{t.user.username}\t{t.prefix}…\t{t.name}\t{state}\tlast used {last}\texpires {expires}"
            )

    def handle_revoke(self, options: dict[str, Any]) -> None:
        token = token_revoke(actor=SYSTEM_OPERATOR, token=token_get(options["id"]))
        self.stdout.write(_("Token %(id)s revoked") % {"id": token.pk})
