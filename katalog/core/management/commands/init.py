"""`katalog init [--demo]`: migrate, load the shipped reference data and, with `--demo`, the
demonstration users and catalogue. Idempotent.

A production installation gets no users from here: the command says how to create the first
administrator (`katalog user create`), who then creates the others and grants their roles.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext as _

from katalog.accounts.loaders import load_bureaus
from katalog.accounts.models import Bureau, Role, User
from katalog.accounts.services import role_grant, user_create, user_set_operator
from katalog.audit.services import audit_record
from katalog.catalog.selectors import forget_code_tables
from katalog.core.actors import SYSTEM_INIT, SYSTEM_OPERATOR, Interface, acting_through
from katalog.core.loading import load_once
from katalog.core.management.base import KatalogCommand
from katalog.names.loaders import load_dictionary
from katalog.nomenclature.loaders import load_documents
from katalog.refdata.loaders import load_reference_data

DEMO_PASSWORD = os.environ.get("KATALOG_DEMO_PASSWORD", "katalog-demo")
# username, bureau, roles, operator of the installation (admin site)
DEMO_USERS = [
    ("demo", "RU", [Role.CATALOGUER, Role.BUREAU_ADMIN], True),
    ("approver", "RU", [Role.APPROVER], False),
    ("ru-viewer", "RU", [Role.VIEWER], False),
    ("kz-author", "KZ", [Role.CATALOGUER], False),
    ("kz-approver", "KZ", [Role.APPROVER], False),
    ("centre", "MC", [Role.CENTRE_CATALOGUER, Role.CENTRE_ADMIN], False),
]


class Command(KatalogCommand):
    help = _("Create or upgrade the database and load reference data (safe to re-run).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help=_("also create the demonstration users and load the demonstration catalogue"),
        )
        parser.add_argument(
            "--reference-only", action="store_true", help=_("load reference data only")
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help=_("assume the schema is current")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        with acting_through(Interface.SYSTEM):
            self.load_reference()
            if options["reference_only"]:
                return
            if options["demo"]:
                self.create_demo_users()
                self.load_once("demo-catalogue", self.load_demo_catalogue)
                self.load_once("public-sample", self.load_public_sample)
            self.search_index_ready()
            if not options["demo"]:
                self.advise_first_administrator()

    def search_index_ready(self) -> None:
        """Search answers from its index from the start: built here when missing (in seconds
        for a new catalogue), else brought up to the change log."""
        from katalog.search import tantivy_index

        if tantivy_index.present() and tantivy_index.position() is not None:
            tantivy_index.catch_up()
            return
        count = tantivy_index.rebuild()
        self.say(f"search index: {count} items")

    def say(self, text: str) -> None:
        if self.verbosity > 0:
            self.stdout.write(text)

    def load_reference(self) -> None:
        """The shipped reference data, each load recorded in the audit log when it changed
        something."""
        for name, loader in (
            ("reference data", load_reference_data),
            ("bureaus", load_bureaus),
            ("item names", load_dictionary),
        ):
            with transaction.atomic():
                changed = loader()
                if changed:
                    audit_record(
                        actor=SYSTEM_INIT,
                        action="reference_data_loaded",
                        object_type="reference_data",
                        object_key=name,
                        changes={"changed": changed},
                    )
            self.say(f"{name}: {changed}")
        forget_code_tables()
        self.load_classifiers()
        self.say(f"normative documents: {load_documents()}")

    def load_classifiers(self) -> None:
        from katalog.classifiers.loaders import load_shipped_classifiers

        result = load_shipped_classifiers()
        findings = result.get("findings", []) if isinstance(result, dict) else []
        created = result.get("created", result) if isinstance(result, dict) else result
        self.say(f"classifiers: {created}; {len(findings)} source-data findings reported")

    def advise_first_administrator(self) -> None:
        if User.objects.filter(is_active=True).exists():
            return
        self.say(
            _(
                "No users yet. Create the first administrator, for example:\n"
                "  katalog user create admin --bureau MC --role centre_admin\n"
                "(the password is read from standard input, or generated and printed once)"
            )
        )

    def load_once(self, name: str, loader: Any) -> None:
        details = load_once(name, loader)
        self.say(f"{name}: already loaded" if details is None else f"{name}: {details}")

    @staticmethod
    def load_demo_catalogue() -> dict:
        from katalog.synthetic.demo import load_demo_catalogue

        return load_demo_catalogue()

    @staticmethod
    def load_public_sample() -> dict:
        from katalog.synthetic.demo_public import load_public_sample

        return load_public_sample()

    @staticmethod
    def create_demo_users() -> None:
        """The demonstration's people, with the published password; each gets their roles
        again if they lost them."""
        bureaus = {b.key: b for b in Bureau.objects.all()}
        for username, bureau, roles, operator in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = user_create(
                    actor=SYSTEM_OPERATOR,
                    username=username,
                    bureau=bureaus[bureau],
                    password=DEMO_PASSWORD,
                )
            if operator and not user.is_superuser:
                user_set_operator(actor=SYSTEM_OPERATOR, user=user, operator=True)
            for role in roles:
                role_grant(actor=SYSTEM_OPERATOR, user=user, role=role)
