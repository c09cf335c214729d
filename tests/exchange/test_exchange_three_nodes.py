"""Three installations as separate processes: the interstate centre (PostgreSQL in the PostgreSQL
pass, else SQLite) and two national bureaus, RU and KZ (SQLite). Every node makes rounds of
random edits through its services (items, references, registrations, management data,
cancellations with replacement at the bureaus; supply classes and item names at the centre).
RU and the centre exchange over HTTP in both directions. KZ's server is a NATS leaf node of the
centre's hub, each with a JetStream domain of its own; its events reach the centre through NATS
and again as package files, which arrive duplicated, out of order, one lost and sent again
later, and one import is killed with SIGKILL while applying. In the middle round the hub is
stopped: KZ works and publishes to its own server, and once the hub is back the centre catches
up through NATS alone. At the end all three print the same digest, no node has an exchange
problem, and every edit a node accepted is held by the others.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

import pytest

from katalog.exchange.nats_transport import Layout
from tests.test_readme import free_port, wait_for

from .natsservers import NatsServer, published_seq, wait_until

# The centre's database fixture is the installations test's: imported, it serves here too.
from .test_exchange_installations import Installation, _applied, centre_database_url  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROUNDS = 3
EDITS_PER_ROUND = 20

# Run in each node's own process (`katalog shell -c`), through the services with the node's
# cataloguer as actor. Foreign registrations and management data go only to items of odd
# serial and cancellations only to items of even serial: changes of one item's rows by two
# nations at once are settled by the order a node receives them (docs/exchange.md), which a
# random run must not depend on. Prints the catalogue numbers of the items it created.
BUREAU_EDITS = """
import random
from decimal import Decimal
from katalog.accounts.models import User
from katalog.catalog import services
from katalog.catalog.models import Item, ItemStatus, Manufacturer, Registration
from katalog.catalog.services.life_cycle import CANCELLATION_REASON_TABLE
from katalog.core.errors import KatalogError
from katalog.names.models import ItemName
from katalog.refdata.models import CodeValue

rng = random.Random(SEED)
actor = User.objects.get(username=USERNAME)
own = actor.bureau
names = list(ItemName.objects.order_by("code").values_list("code", flat=True)[:30])
reasons = sorted(
    CodeValue.objects.filter(table_id=CANCELLATION_REASON_TABLE).values_list("code", flat=True)
)
created = []


def maker():
    mine = list(Manufacturer.objects.filter(bureau=own).order_by("code"))
    if mine and rng.random() < 0.8:
        return rng.choice(mine)
    code = PATTERN.replace("***", f"{rng.randrange(1000):03d}")
    found = Manufacturer.objects.filter(code=code).first()
    return found or services.manufacturer_create(
        actor=actor, code=code, names={"en": f"Works {code}"}, country=own.country_id
    )


def active(**filters):
    return list(Item.objects.filter(status=ItemStatus.ACTIVE, **filters).order_by("niin"))


def create():
    item = services.item_create(
        actor=actor, bureau=own, supply_class=rng.choice(["5305", "5306", "5310", "5330"]),
        item_name_code=rng.choice(names), name_text=f"edit {rng.randrange(10**6)}",
    )
    services.reference_add(
        actor=actor, item=item, manufacturer=maker(), number=f"{own.key}-{rng.randrange(10**8)}"
    )
    created.append(item.catalogue_number)


def reference():
    items = active(bureau=own)
    if items:
        services.reference_add(
            actor=actor, item=rng.choice(items), manufacturer=maker(),
            number=f"{own.key}R{rng.randrange(10**8)}",
        )


def register():
    items = [i for i in active() if i.serial % 2 == 1 or i.bureau_id == own.pk]
    taken = set(Registration.objects.filter(bureau=own, effective_to__isnull=True)
                .values_list("item_id", flat=True))
    free = [i for i in items if i.pk not in taken]
    if free:
        services.registration_add(actor=actor, item=rng.choice(free), bureau=own)


def manage():
    used = Registration.objects.filter(bureau=own, effective_to__isnull=True)
    items = [i for i in active(pk__in=used.values("item_id"))
             if i.serial % 2 == 1 or i.bureau_id == own.pk]
    if items:
        services.management_set(
            actor=actor, item=rng.choice(items), bureau=own, unit_of_issue="EA",
            price=Decimal(rng.randrange(100, 100000)) / 100, currency="RUB", released=True,
        )


def cancel():
    items = [i for i in active(bureau=own) if i.serial % 2 == 0]
    if len(items) >= 2:
        item, replacement = rng.sample(items, 2)
        services.item_cancel(
            actor=actor, item=item, reason=rng.choice(reasons), replacement=replacement
        )


for _ in range(3 if ROUND == 0 else 0):
    create()
steps = [create] * 3 + [reference] * 2 + [register] * 3 + [manage] * 2 + [cancel]
for _ in range(EDITS):
    try:
        rng.choice(steps)()
    except KatalogError:
        pass  # refused by a rule of the catalogue: nothing was written
print("created:", " ".join(created))
"""

CENTRE_EDITS = """
import random
from katalog.core.actors import SYSTEM_INIT
from katalog.names.models import ItemName
from katalog.names.services import item_name_update
from katalog.refdata.models import SupplyClass
from katalog.refdata.services import supply_class_update

rng = random.Random(SEED)
for _ in range(EDITS):
    if rng.random() < 0.5:
        row = rng.choice(list(SupplyClass.objects.filter(valid_to__isnull=True).order_by("code")))
        titles = {**row.titles, "ru": f"Класс {row.code}, редакция {rng.randrange(10**6)}"}
        supply_class_update(actor=SYSTEM_INIT, supply_class=row, titles=titles)
    else:
        name = rng.choice(list(ItemName.objects.order_by("code")[:30]))
        names = {**name.names, "en": f"{name.names.get('en', name.code)} (rev. {rng.randrange(99)})"}
        item_name_update(actor=SYSTEM_INIT, item_name=name, names=names)
"""

PATTERNS = {"RU": "A***F", "KZ": "K***Q"}


def shell(node: Installation, script: str) -> str:
    """The last line a script printed in the node's shell (which may first say what it
    imported)."""
    lines = node.run("shell", "-c", script).stdout.strip().splitlines()
    return lines[-1] if lines else ""


def edits(node: Installation, script: str, **values: object) -> str:
    header = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    return shell(node, header + script)


class Network:
    """The three nodes, their identities and links; RU and the centre serve over HTTP."""

    def __init__(self, tmp_path: Path, centre_url: str) -> None:
        self.tmp = tmp_path
        self.ru = Installation(tmp_path / "ru", f"sqlite:///{tmp_path / 'ru' / 'k.sqlite3'}")
        self.kz = Installation(tmp_path / "kz", f"sqlite:///{tmp_path / 'kz' / 'k.sqlite3'}")
        self.centre = Installation(tmp_path / "centre", centre_url)
        self.centre_url = centre_url
        self.hub = NatsServer(tmp_path / "nats", "hub", domain="centre")
        self.leaf = NatsServer(tmp_path / "nats", "kz", domain="kz", hub=self.hub)
        prefix = Layout("t" + uuid.uuid4().hex[:12]).prefix
        self.kz.env |= {"KATALOG_NATS_URL": self.leaf.url, "KATALOG_NATS_DOMAIN": "kz"}
        self.centre.env |= {"KATALOG_NATS_URL": self.hub.url, "KATALOG_NATS_DOMAIN": "centre"}
        for node in (self.kz, self.centre):
            node.env["KATALOG_NATS_PREFIX"] = prefix
        self.ru_port, self.centre_port = free_port(), free_port()
        self.servers: list = []
        self.packages = 0

    @property
    def nodes(self) -> list[Installation]:
        return [self.centre, self.ru, self.kz]

    def set_up(self) -> None:
        names = {"centre": ("MC", "centre"), "ru": ("RU", "ru-main"), "kz": ("KZ", "kz-main")}
        urls = {"centre": self._url(self.centre_port), "ru": self._url(self.ru_port), "kz": None}
        for label, node in self._labelled():
            node.run("init")
            bureau, name = names[label]
            node.run("node", "init", "--bureau", bureau, "--name", name)
            node.run("node", "show", "--public-key", str(self.tmp / f"{label}.pub"))
        # Every node knows every other one's key (it verifies the events the centre relays);
        # only RU and the centre have addresses of each other, KZ has no link at all.
        links = {("centre", "ru"), ("ru", "centre")}
        for label, node in self._labelled():
            for other in names.keys() - {label}:
                bureau, name = names[other]
                link = ["--url", str(urls[other])] if (label, other) in links else []
                node.run(
                    "node", "add", name, "--bureau", bureau,
                    "--key", str(self.tmp / f"{other}.pub"), *link,
                )  # fmt: skip
        for label, node in (("ru", self.ru), ("kz", self.kz)):
            node.run("user", "create", f"{label}-cataloguer", "--bureau", label.upper(),
                     "--role", "cataloguer")  # fmt: skip
        self.hub.start()
        self.leaf.start()
        self.kz.run("exchange", "nats-setup")
        self.centre.run("exchange", "nats-setup", "--source", "kz-main@kz")
        self.servers = [
            self.ru.start("serve", "--bind", f"127.0.0.1:{self.ru_port}", "--workers", "1",
                          "--no-job-worker"),
            self.centre.start("serve", "--bind", f"127.0.0.1:{self.centre_port}",
                              "--workers", "1", "--no-job-worker"),
        ]  # fmt: skip
        for port in (self.ru_port, self.centre_port):
            wait_for(f"{self._url(port)}/api/v1/openapi.json")

    def _labelled(self) -> list[tuple[str, Installation]]:
        return [("centre", self.centre), ("ru", self.ru), ("kz", self.kz)]

    @staticmethod
    def _url(port: int) -> str:
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        for server in self.servers:
            server.terminate()
            server.wait(timeout=30)
        self.leaf.stop()
        self.hub.stop()

    def kz_by_nats(self) -> None:
        """KZ publishes to its leaf server; the centre reads its stream (which sources KZ's
        across the domains) until it has applied every KZ event, then publishes its own, which
        KZ reads through the hub's domain."""
        last = published_seq(self.kz.run("exchange", "nats-publish").stdout)

        def caught_up() -> bool:
            pulled = self.centre.run("exchange", "nats-pull").stdout
            assert pulled.rstrip().endswith("0 problems"), pulled
            return _applied(self.centre_url, "kz-main") >= last

        assert wait_until(caught_up, timeout=120, every=1.0), "the centre did not catch up"
        self.centre.run("exchange", "nats-publish")
        pulled = self.kz.run("exchange", "nats-pull", "--from", "centre@centre").stdout
        assert pulled.rstrip().endswith("0 problems"), pulled

    def package(self, sender: Installation, addressee: str) -> Path:
        self.packages += 1
        path = self.tmp / f"package-{self.packages}.katalog.gz"
        sender.run("exchange", "export", "--to", addressee, "-o", str(path))
        return path

    def pull(self, node: Installation) -> None:
        pulled = node.run("exchange", "pull").stdout
        assert "0 problems" in pulled, pulled

    def imported(self, node: Installation, package: Path) -> str:
        done = node.run("exchange", "import", str(package)).stdout
        assert "0 problems" in done, done
        return done


def killed_import(centre: Installation, database_url: str, package: Path) -> None:
    """Import in runs of five events and kill the process once it has applied some."""
    before = _applied(database_url)
    importing = centre.start(
        "exchange", "import", str(package), env={"KATALOG_EXCHANGE_APPLY_RUN": "5"}
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and importing.poll() is None:
        if _applied(database_url) > before:
            os.kill(importing.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    importing.wait(timeout=30)


def test_three_nodes_converge_through_random_edits_and_unreliable_deliveries(tmp_path, request):
    centre_url = request.getfixturevalue("centre_database_url")
    net = Network(tmp_path, centre_url)
    net.set_up()
    created: dict[str, list[str]] = {"RU": [], "KZ": []}
    held_back: list[Path] = []
    try:
        for round_ in range(ROUNDS):
            for key, node in (("RU", net.ru), ("KZ", net.kz)):
                numbers = edits(
                    node, BUREAU_EDITS, SEED=round_ * 10 + len(key) + ord(key[0]),
                    USERNAME=f"{key.lower()}-cataloguer", PATTERN=PATTERNS[key],
                    ROUND=round_, EDITS=EDITS_PER_ROUND,
                )  # fmt: skip
                assert numbers.startswith("created:"), numbers
                created[key] += numbers.removeprefix("created:").split()
            edits(net.centre, CENTRE_EDITS, SEED=round_, EDITS=4)

            # KZ and the centre through NATS; in the middle round the hub is down while KZ
            # works, and it catches up once the hub is back, before any file arrives.
            if round_ == 1:
                net.hub.stop()
                kz_seq = published_seq(net.kz.run("exchange", "nats-publish").stdout)
                assert _applied(centre_url, "kz-main") < kz_seq
                net.hub.start()
            if round_ < ROUNDS - 1:
                net.kz_by_nats()
            # The same events again as files: the first round's package is lost, the middle
            # one imported twice, the last one killed while applying and imported again (and
            # only then do its events come through NATS as well).
            kz_package = net.package(net.kz, "centre")
            if round_ == 0:
                held_back.append(kz_package)
            elif round_ < ROUNDS - 1:
                net.imported(net.centre, kz_package)
                net.imported(net.centre, kz_package)
            else:
                killed_import(net.centre, centre_url, kz_package)
                net.imported(net.centre, kz_package)
                net.kz_by_nats()
            # RU and the centre over HTTP, both ways.
            net.pull(net.centre)
            net.pull(net.ru)
            # The centre to KZ by file: the older package arrives after the newer one.
            to_kz = net.package(net.centre, "kz-main")
            net.imported(net.kz, to_kz)
            if round_ > 0:
                net.imported(net.kz, net.tmp / f"package-{net.packages - 2}.katalog.gz")

        # The lost package turns up at last: it holds nothing the centre lacks by now.
        late = net.imported(net.centre, held_back[0])
        assert late.splitlines()[-1].startswith("0 applied, "), late
        # Once more around, so that what the centre received last reaches everybody.
        net.pull(net.ru)
        net.imported(net.kz, net.package(net.centre, "kz-main"))
        net.pull(net.centre)

        digests = {node.home.name: node.digest() for node in net.nodes}
        assert len(set(digests.values())) == 1, digests
        for node in net.nodes:
            peers = node.run("exchange", "status").stdout.splitlines()[1:]
            assert len(peers) == 2, peers  # every node applies the other two origins' events
            for line in peers:
                assert "lag 0 events" in line, line
                assert line.endswith("problems 0"), line
        for key, numbers in created.items():
            assert numbers, f"{key} created no item"
            for node in net.nodes:
                held = shell(node, HELD.format(numbers=numbers))
                assert held == "all", (node.home.name, key, held)
    finally:
        net.stop()


HELD = """
from katalog.catalog.models import Item
numbers = {numbers!r}
have = {{i.catalogue_number for i in Item.objects.all()}}
missing = [n for n in numbers if n not in have]
print("all" if not missing else " ".join(missing))
"""
