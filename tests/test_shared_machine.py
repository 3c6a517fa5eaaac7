"""Safe on a machine a workshop room shares: another user can neither plant nor read the key, the logs or the token.

We run as root here, so "another user" is a file or folder ``chown``ed to uid
12345 in the test; "readable by others" is its mode bits. Proves: the state
folder is per user, private (0700) and refused if someone else owns it; every
log in it is 0600; a key file another user owns, or others may read, is
refused by ``create_key_file`` and by ``setup(encrypt=True)``'s key loading,
and a binary one is one line; the codec server never writes its token to its
log, answers other methods, oversized and malformed requests with 4xx and a
short payload with its real cause, and drops idle connections; a Web UI
published beyond loopback says, in the setup line, that it has no login.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from shared import CodecServer, Connection, CookbookError, EncryptionCodec, create_key_file, start_codec_server
from shared._core import server as server_module
from shared._core.server import STATE_DIR, DevServer, private_state_dir
from shared._extras.codec import KEY_ENV, KEY_FILE_ENV, load_key
from shared._extras.codec_server import IDLE_TIMEOUT_S, MAX_BODY_BYTES

OTHER_UID = 12345
"""Another user of the machine, who owns what the test ``chown``s to it."""


def request(url: str, method: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> int:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


# --- the state folder and its logs ---------------------------------------------------------------


def test_the_state_folder_is_per_user_and_private(conn: Connection):
    assert STATE_DIR.name == f"durable-agents-cookbook-{os.getuid()}"
    info = STATE_DIR.stat()
    assert info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) == 0o700
    assert conn.server is not None
    logs = [conn.server.log_path, *STATE_DIR.glob(f"temporal-{os.getpid()}.log")]
    assert len(logs) == 2
    for log in logs:
        assert stat.S_IMODE(log.stat().st_mode) == 0o600, f"{log.name} may be read by others"


def test_a_state_folder_another_user_owns_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    planted = tmp_path / "durable-agents-cookbook"
    planted.mkdir(mode=0o777)
    os.chown(planted, OTHER_UID, OTHER_UID)
    monkeypatch.setattr(server_module, "STATE_DIR", planted)
    with pytest.raises(CookbookError, match=r"is not a folder of yours \(owner uid 12345\).*set TMPDIR"):
        private_state_dir()


def test_a_state_folder_of_ours_left_open_is_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    opened = tmp_path / "durable-agents-cookbook"
    opened.mkdir()
    opened.chmod(0o755)
    monkeypatch.setattr(server_module, "STATE_DIR", opened)
    assert stat.S_IMODE(private_state_dir().stat().st_mode) == 0o700


def test_a_log_made_open_before_is_closed_when_it_is_opened_again(conn: Connection):
    assert conn.server is not None
    log = STATE_DIR / "widened.log"
    log.write_text("x")
    log.chmod(0o644)
    server_module.open_log(log).close()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    log.unlink()


# --- the key -------------------------------------------------------------------------------------


def planted_key(tmp_path: Path) -> Path:
    """A key file that another user wrote where ours would be: they know the key."""
    path = create_key_file(tmp_path / "codec.key")
    os.chown(path, OTHER_UID, OTHER_UID)
    return path


def test_a_key_file_another_user_owns_is_refused(tmp_path: Path):
    path = planted_key(tmp_path)
    with pytest.raises(CookbookError, match=r"belongs to another user \(uid 12345\), who may know the key"):
        create_key_file(path)
    with pytest.raises(CookbookError, match=r"belongs to another user"):
        load_key({KEY_FILE_ENV: str(path)})


def test_a_key_file_others_may_read_is_refused(tmp_path: Path):
    path = create_key_file(tmp_path / "codec.key")
    path.chmod(0o644)
    with pytest.raises(CookbookError, match=r"may be read or written by others \(mode 644\): run chmod 600"):
        create_key_file(path)
    with pytest.raises(CookbookError, match=r"may be read or written by others"):
        load_key({KEY_FILE_ENV: str(path)})


def test_a_binary_key_file_is_one_line(tmp_path: Path):
    path = tmp_path / "binary.key"
    path.write_bytes(bytes(range(256)))
    path.chmod(0o600)
    with pytest.raises(CookbookError, match=r"^The encryption key in the file named by .* is not a 256-bit key"):
        load_key({KEY_FILE_ENV: str(path)})


# --- the codec server ----------------------------------------------------------------------------


@pytest.fixture
async def codec_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(KEY_FILE_ENV, str(create_key_file(tmp_path / "codec.key")))
    monkeypatch.delenv(KEY_ENV, raising=False)
    server = await start_codec_server()
    yield server
    await server.stop()


async def test_the_token_never_reaches_the_codec_servers_log(codec_server: CodecServer):
    for method in ("GET", "PUT", "DELETE", "HEAD"):
        for url in (codec_server.ui_endpoint, f"{codec_server.ui_endpoint}/decode", f"{codec_server.ui_endpoint}/x"):
            assert request(url, method) == 405
    with socket.create_connection(("127.0.0.1", codec_server.port), timeout=5) as sock:
        sock.sendall(f"BREW /{codec_server.token} HTTP/1.1 extra\r\n\r\n".encode())  # a malformed request line
        sock.recv(4096)
    await codec_server.stop()
    log = codec_server.log_path.read_text()
    assert "GET - 405" in log and codec_server.token not in log, log
    assert stat.S_IMODE(codec_server.log_path.stat().st_mode) == 0o600


async def test_bad_requests_get_4xx_and_a_short_payload_its_real_cause(codec_server: CodecServer):
    bearer = {"Authorization": f"Bearer {codec_server.token}", "Content-Type": "application/json"}
    decode = f"{codec_server.url}/decode"
    huge = {**bearer, "Content-Length": str(MAX_BODY_BYTES + 1)}
    with socket.create_connection(("127.0.0.1", codec_server.port), timeout=5) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in huge.items())
        sock.sendall(f"POST /decode HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode())
        assert sock.recv(4096).startswith(b"HTTP/1.0 413"), "an oversized body is refused before it is read"
    with socket.create_connection(("127.0.0.1", codec_server.port), timeout=5) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in {**bearer, "Content-Length": "many"}.items())
        sock.sendall(f"POST /decode HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode())
        assert sock.recv(4096).startswith(b"HTTP/1.0 411")
    short = Payload(metadata={"encoding": b"binary/encrypted", "encryption-key-id": b"abc"}, data=b"tiny")
    body = json_format.MessageToJson(Payloads(payloads=[short])).encode()
    req = urllib.request.Request(decode, data=body, headers=bearer)
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(req, timeout=5)
    answer = json.loads(error.value.read())["error"]
    assert error.value.code == 400 and "encrypted with key abc" in answer, answer
    codec = EncryptionCodec.from_environment()
    short.metadata["encryption-key-id"] = codec.key_id.encode()
    body = json_format.MessageToJson(Payloads(payloads=[short])).encode()
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(urllib.request.Request(decode, data=body, headers=bearer), timeout=5)
    answer = json.loads(error.value.read())["error"]
    assert error.value.code == 400 and "is 4 bytes, too short to hold a nonce and a tag" in answer, answer


async def test_an_idle_connection_is_dropped(codec_server: CodecServer):
    with socket.create_connection(("127.0.0.1", codec_server.port), timeout=IDLE_TIMEOUT_S + 10) as sock:
        started = time.monotonic()
        assert sock.recv(1) == b"", "the server closed the connection"
        assert time.monotonic() - started < IDLE_TIMEOUT_S + 5


# --- a Web UI published beyond loopback ----------------------------------------------------------


def test_a_published_web_ui_says_it_has_no_login(conn: Connection, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COOKBOOK_UI_IP", "0.0.0.0")
    published = DevServer(None)
    line = Connection(conn.client, conn.model, published, published.ui_url).describe()
    assert "(published on 0.0.0.0: it has no login, so anyone who reaches that port can read" in line
    assert "no login" not in conn.describe(), "a Web UI on loopback says nothing more"
