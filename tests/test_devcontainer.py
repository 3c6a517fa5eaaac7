"""The devcontainer: its forwarded ports match what the embedded server uses, and the Web UI is reachable."""

from __future__ import annotations

import json
import re
import socket
import urllib.request
from pathlib import Path

import pytest

from shared import CookbookError
from shared._core.server import DevServer, free_port, web_ui_port

ROOT = Path(__file__).resolve().parent.parent
DEVCONTAINER = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text())


def outside_address() -> str | None:
    """This machine's address on its first non-loopback interface, as another host would reach it."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # UDP connect sends nothing; it only picks the outgoing interface
        except OSError:
            return None
        address = sock.getsockname()[0]
    return None if address.startswith("127.") else address


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def test_the_forwarded_ports_are_jupyterlab_and_the_web_ui() -> None:
    env = DEVCONTAINER["containerEnv"]
    assert set(DEVCONTAINER["forwardPorts"]) == {8888, int(env["COOKBOOK_UI_PORT"])}
    assert env["COOKBOOK_UI_IP"] == "0.0.0.0"
    makefile = (ROOT / "Makefile").read_text()
    for target in re.findall(r"make (\w+)", DEVCONTAINER["postCreateCommand"]):
        assert re.search(rf"^{target}:", makefile, re.M), f"postCreateCommand runs a missing target: make {target}"


async def test_the_web_ui_listens_where_the_container_publishes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    monkeypatch.setenv("COOKBOOK_UI_PORT", str(port))
    monkeypatch.setenv("COOKBOOK_UI_IP", "0.0.0.0")
    server = DevServer(None)
    assert server.ui_port == port
    await server.start()
    try:
        assert answers(server.ui_url), "the Web UI answers on loopback"
        outside = outside_address()
        if outside is None:
            pytest.skip("this machine has no non-loopback IPv4 address to check the published Web UI on")
        assert answers(f"http://{outside}:{port}"), "the Web UI answers on the container's own interface"
        with pytest.raises(OSError):  # the gRPC frontend stays private to the container
            socket.create_connection((outside, server.port), timeout=2).close()
    finally:
        server.stop()


def test_a_taken_ui_port_falls_back_to_a_free_one(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        monkeypatch.setenv("COOKBOOK_UI_PORT", str(busy))
        assert web_ui_port() != busy, "a second kernel in the container must still start its server"


def test_a_bad_ui_port_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOKBOOK_UI_PORT", "eighty")
    with pytest.raises(CookbookError, match="COOKBOOK_UI_PORT='eighty' is not a port number"):
        web_ui_port()
