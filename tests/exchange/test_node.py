"""`katalog node init|show|add`: the node's identity, its private key and its peers."""

from __future__ import annotations

import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from katalog.audit.models import AuditEntry
from katalog.exchange import keys
from katalog.exchange.models import Node

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path


def test_init_creates_a_key_pair_whose_private_half_only_the_owner_reads(tmp_path, capsys):
    call_command("node", "init", "--bureau", "KZ", "--name", "kz-main")
    node = Node.objects.get(is_local=True)
    assert (node.name, node.bureau.key) == ("kz-main", "KZ")
    key_file = tmp_path / "exchange" / "node.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    signing = keys.signing_key_read()
    assert keys.public_key_text(signing.verify_key) == node.public_key
    assert keys.signature_valid(b"x", keys.sign(b"x", signing), node.public_key)
    assert not keys.signature_valid(b"y", keys.sign(b"x", signing), node.public_key)
    assert AuditEntry.objects.filter(action="node.init", object_key="kz-main").exists()


def test_init_twice_is_refused_and_keeps_the_key():
    call_command("node", "init", "--bureau", "KZ", "--name", "kz-main")
    first = keys.signing_key_read()
    with pytest.raises(CommandError, match="NODE_EXISTS"):
        call_command("node", "init", "--bureau", "KZ", "--name", "kz-other")
    assert bytes(keys.signing_key_read()) == bytes(first)
    assert Node.objects.count() == 1


def test_unknown_bureau_writes_nothing(tmp_path):
    with pytest.raises(CommandError, match="BUREAU_NOT_FOUND"):
        call_command("node", "init", "--bureau", "XX", "--name", "kz-main")
    assert not Node.objects.exists()
    assert not (tmp_path / "exchange" / "node.key").exists()


def test_a_peer_is_registered_from_its_exported_public_key(tmp_path, capsys):
    call_command("node", "init", "--bureau", "KZ", "--name", "kz-main")
    exported = tmp_path / "kz.pub"
    call_command("node", "show", "--public-key", str(exported))
    own = Node.objects.get(is_local=True).public_key
    assert exported.read_text().strip() == own
    peer_key = tmp_path / "ru.pub"
    peer_key.write_text(keys.public_key_text(keys.SigningKey.generate().verify_key))
    call_command(
        "node",
        "add",
        "ru-main",
        "--bureau",
        "RU",
        "--key",
        str(peer_key),
        "--url",
        "http://127.0.0.1:18401",
    )
    peer = Node.objects.get(name="ru-main")
    assert (peer.bureau.key, peer.is_local, peer.url) == ("RU", False, "http://127.0.0.1:18401")
    capsys.readouterr()
    call_command("node", "show")
    shown = capsys.readouterr().out
    assert "* kz-main  KZ" in shown
    assert "  ru-main  RU" in shown


def test_a_file_without_a_key_is_refused(tmp_path):
    bad = tmp_path / "bad.pub"
    bad.write_text("not a key")
    with pytest.raises(CommandError, match="NODE_KEY_INVALID"):
        call_command("node", "add", "ru-main", "--bureau", "RU", "--key", str(bad))
    assert not Node.objects.exists()
