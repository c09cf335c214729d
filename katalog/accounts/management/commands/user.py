"""`katalog user create|grant|revoke|password|deactivate|list`: people and their roles.

Run at the installation's console, these act as its operator, who may create the first
administrators of any bureau; a bureau's administrator then manages the bureau's people on the
pages or through these commands with `--actor`.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from katalog.accounts import services
from katalog.accounts.errors import AccountsErrorCode as E
from katalog.accounts.models import Role, RoleGrant, User
from katalog.accounts.selectors import bureau_by_key
from katalog.core.actors import SYSTEM_OPERATOR, Actor
from katalog.core.errors import NotFound
from katalog.core.management.base import KatalogCommand


def user_get(username: str) -> User:
    user = User.objects.filter(username=username).select_related("bureau").first()
    if user is None:
        raise NotFound(_("No user %(name)s") % {"name": username}, code=E.USER_NOT_FOUND)
    return user


class Command(KatalogCommand):
    help = _("Create people, grant and revoke their roles, set passwords.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help=_("create a person in a bureau"))
        create.add_argument("username")
        create.add_argument("--bureau", required=True, help=_("bureau key, e.g. KZ"))
        create.add_argument(
            "--role", action="append", default=[], choices=Role.values, help=_("role (repeatable)")
        )
        create.add_argument("--email", default="")
        create.add_argument(
            "--password-stdin",
            action="store_true",
            help=_(
                "read the password from standard input (else one is generated and printed once)"
            ),
        )
        for name, text in (("grant", _("give a role")), ("revoke", _("take a role back"))):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("username")
            sub.add_argument("role", choices=Role.values)
        password = actions.add_parser("password", help=_("set a new password (read from stdin)"))
        password.add_argument("username")
        deactivate = actions.add_parser("deactivate", help=_("end a person's access"))
        deactivate.add_argument("username")
        actions.add_parser("list", help=_("people, their bureaus and roles"))
        for sub in actions.choices.values():
            # Only when named: at the console the operator acts, whatever KATALOG_ACTOR says.
            self.add_actor_argument(sub, from_environment=False)

    def actor(self, options: dict[str, Any]) -> Actor:
        """The named administrator, or the operator at the console."""
        return self.acting_user(options) if options.get("actor") else SYSTEM_OPERATOR

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "handle_" + options["action"])(options)

    def handle_create(self, options: dict[str, Any]) -> None:
        generated = not options["password_stdin"]
        password = services.generated_password() if generated else sys.stdin.readline().rstrip("\n")
        user = services.user_create(
            actor=self.actor(options),
            username=options["username"],
            bureau=bureau_by_key(options["bureau"]),
            password=password,
            roles=options["role"],
            email=options["email"],
        )
        self.stdout.write(
            _("User %(name)s created in bureau %(bureau)s")
            % {"name": user.username, "bureau": user.bureau.key if user.bureau else "—"}
        )
        if generated:
            self.stderr.write(_("Password (shown only now):"))
            self.stdout.write(password)

    def handle_grant(self, options: dict[str, Any]) -> None:
        services.role_grant(
            actor=self.actor(options), user=user_get(options["username"]), role=options["role"]
        )
        self.stdout.write(_("Role granted"))

    def handle_revoke(self, options: dict[str, Any]) -> None:
        services.role_revoke(
            actor=self.actor(options), user=user_get(options["username"]), role=options["role"]
        )
        self.stdout.write(_("Role revoked"))

    def handle_password(self, options: dict[str, Any]) -> None:
        password = sys.stdin.readline().rstrip("\n")
        services.user_set_password(
            actor=self.actor(options), user=user_get(options["username"]), password=password
        )
        self.stdout.write(_("Password changed; the person's tokens no longer work"))

    def handle_deactivate(self, options: dict[str, Any]) -> None:
        services.user_deactivate(actor=self.actor(options), user=user_get(options["username"]))
        self.stdout.write(_("User deactivated"))

    def handle_list(self, options: dict[str, Any]) -> None:
        roles: dict[int, list[str]] = {}
        for grant in RoleGrant.objects.active().order_by("role"):
            roles.setdefault(grant.user_id, []).append(grant.role)
        for user in User.objects.select_related("bureau").order_by("username"):
            state = "" if user.is_active else " (" + _("deactivated") + ")"
            bureau = user.bureau.key if user.bureau else "—"
            self.stdout.write(
                f"{user.username}\t{bureau}\t{', '.join(roles.get(user.pk, []))}{state}"
            )
