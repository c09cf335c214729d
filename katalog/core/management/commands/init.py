"""`katalog init`: migrate, load reference data, and load the demo catalogue. Idempotent."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.db import transaction

from katalog.accounts.loaders import load_bureaus
from katalog.accounts.models import Bureau, User
from katalog.core.management.base import KatalogCommand
from katalog.core.models import LoadMarker
from katalog.names.loaders import load_dictionary
from katalog.refdata.loaders import load_reference_data

DEMO_PASSWORD = os.environ.get("KATALOG_DEMO_PASSWORD", "katalog-demo")
DEMO_USERS = [
    # username, bureau, is_superuser
    ("demo", "RU", True),
    ("approver", "RU", False),
    ("kz-cataloguer", "KZ", False),
    ("centre", "MC", False),
]


class Command(KatalogCommand):
    help = "Create or upgrade the database and load reference and demo data (safe to re-run)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--reference-only", action="store_true", help="skip demo users and data"
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="assume the schema is current"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        self.say(f"reference data (rows added or changed): {load_reference_data()}")
        self.say(f"bureaus and bureau codes added or changed: {load_bureaus()}")
        self.say(f"item names in the dictionary: {load_dictionary()}")
        self.load_classifiers()
        if options["reference_only"]:
            return
        self.create_demo_users()
        self.load_once("demo-catalogue", self.load_demo_catalogue)
        self.load_once("public-sample", self.load_public_sample)

    def say(self, text: str) -> None:
        if self.verbosity > 0:
            self.stdout.write(text)

    def load_classifiers(self) -> None:
        try:
            from katalog.classifiers.loaders import load_shipped_classifiers
        except ImportError:
            return
        result = load_shipped_classifiers()
        findings = result.get("findings", []) if isinstance(result, dict) else []
        created = result.get("created", result) if isinstance(result, dict) else result
        self.say(f"classifiers: {created}; {len(findings)} source-data findings reported")

    def load_once(self, name: str, loader: Any) -> None:
        if LoadMarker.objects.filter(name=name).exists():
            self.say(f"{name}: already loaded")
            return
        with transaction.atomic():
            details = loader()
            LoadMarker.objects.create(name=name, details=details)
        self.say(f"{name}: {details}")

    @staticmethod
    def load_demo_catalogue() -> dict:
        from katalog.catalog.demo import load_demo_catalogue

        return load_demo_catalogue()

    @staticmethod
    def load_public_sample() -> dict:
        from katalog.catalog.demo_public import load_public_sample

        return load_public_sample()

    @staticmethod
    def create_demo_users() -> None:
        bureaus = {b.key: b for b in Bureau.objects.all()}
        for username, bureau, superuser in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user = User(
                username=username,
                bureau=bureaus[bureau],
                is_staff=superuser,
                is_superuser=superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
