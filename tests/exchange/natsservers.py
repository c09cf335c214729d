"""NATS servers for the exchange's tests: the machine's server (KATALOG_NATS_URL, by default
127.0.0.1:4222) and extra `nats-server` processes started as a hub and its leaf nodes, each with
a JetStream domain of its own.

Without a server the tests are skipped on a developer's machine; under CI=true, where the
server must be there, they fail."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

# How long a started server or a re-established leaf link may take; waits end as soon as the
# condition holds.
START_WAIT = 20.0


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"NATS tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition, timeout: float = START_WAIT, every: float = 0.2) -> bool:
    """Poll `condition` until it holds or `timeout` seconds passed; say whether it held."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return True
        except Exception:  # noqa: S110 - not up yet: try again
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(every)


def published_seq(report: str) -> int:
    """The last sequence number in `exchange nats-publish`'s report: the stream holds the
    node's events up to it."""
    return int(report.split()[-1])


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class NatsServer:
    """A `nats-server` process with JetStream in domain `domain`, a hub (accepting leaf nodes)
    or a leaf of `hub`. Its store survives `stop()`, so `start()` brings the same server back."""

    def __init__(self, root: Path, name: str, domain: str, hub: NatsServer | None = None):
        self.name, self.domain, self.hub = name, domain, hub
        self.port = free_port()
        self.leaf_port = free_port() if hub is None else 0
        self.store = root / name / "store"
        self.config = root / name / "server.conf"
        self.log = root / name / "server.log"
        self.store.mkdir(parents=True)
        self.config.write_text(self._config_text(), encoding="utf-8")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def _config_text(self) -> str:
        lines = [
            f"server_name: {self.name}",
            f"listen: 127.0.0.1:{self.port}",
            f'jetstream {{ store_dir: "{self.store}", domain: {self.domain} }}',
        ]
        if self.hub is None:
            lines.append(f"leafnodes {{ listen: 127.0.0.1:{self.leaf_port} }}")
        else:
            remote = f"nats-leaf://127.0.0.1:{self.hub.leaf_port}"
            # A leaf retries its hub every second, so the link is back soon after the hub.
            lines.append(f'leafnodes {{ reconnect: 1, remotes: [ {{ url: "{remote}" }} ] }}')
        return "\n".join(lines) + "\n"

    def start(self) -> None:
        binary = shutil.which("nats-server")
        if binary is None:
            unavailable("the nats-server program is not installed")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [binary, "-c", str(self.config)], stdout=log, stderr=subprocess.STDOUT
            )
        if not wait_until(lambda: _port_open(self.port)):
            self.stop()
            pytest.fail(f"nats-server {self.name} did not start: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
