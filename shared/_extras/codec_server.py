"""A codec server: the HTTP endpoint that lets the Temporal Web UI and CLI show encrypted payloads.

The server never sees your key; the codec server does. It speaks Temporal's
codec protocol: ``POST .../decode`` (and ``.../encode``) with a body
``{"payloads": [...]}`` in protobuf JSON, answering in the same form. Only
the last path segment names the operation, so the endpoint may sit under any
path.

Every request must carry the server's token, either as
``Authorization: Bearer <token>`` (the CLI's ``--codec-auth``, scripts, and a
production Web UI that logs users in and forwards their access token with
``passAccessToken``) or as the first path segment, ``/<token>/decode``. The
second form exists for the embedded dev server's Web UI: it has no login, so it
has no token to send, and its ``--ui-codec-endpoint`` can only be a URL.

Browsers ask before they send: the server answers CORS preflights for the
origins it allows (``--allow-origin``; by default any ``http://127.0.0.1`` or
``http://localhost`` port, where the embedded Web UI runs). In production,
allow exactly your Web UI's origin.

Run it as a process, with the key and the token in its environment::

    export COOKBOOK_CODEC_KEY_FILE=... COOKBOOK_CODEC_SERVER_TOKEN=...
    python -m shared._extras.codec_server --port 8081

It prints ``ready <port>`` once it listens, and stops on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import json
import os
import re
import secrets
import signal
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from shared._core.errors import CookbookError
from shared._core.processes import OwnedProcess, own, owned
from shared._core.server import free_port
from shared._extras.codec import EncryptionCodec

TOKEN_ENV = "COOKBOOK_CODEC_SERVER_TOKEN"
LOOPBACK_ORIGIN = re.compile(r"^http://(127\.0\.0\.1|localhost)(:\d+)?$")
ALLOWED_HEADERS = "Authorization, Content-Type, X-Namespace"
NAME = "server"
"""A kernel owns one codec server, under this name."""
MAX_BODY_BYTES = 16 * 1024 * 1024
"""The largest request body answered: a few of Temporal's 2 MB payloads; more is refused with 413."""
IDLE_TIMEOUT_S = 10.0
"""How long a connection may sit idle (or send its body) before the server drops it."""
OPERATIONS = ("encode", "decode")


class CodecRequestHandler(BaseHTTPRequestHandler):
    """Answers ``/encode`` and ``/decode`` for holders of the token, and CORS preflights."""

    server: CodecHTTPServer
    timeout = IDLE_TIMEOUT_S  # a client that connects and says nothing does not hold a thread for ever

    def do_OPTIONS(self) -> None:  # noqa: N802 (the http.server naming)
        """A browser's preflight: say which methods and headers this origin may use."""
        if not self._cors_origin():
            self._reply(HTTPStatus.FORBIDDEN, {"error": "This origin may not call the codec server."})
            return
        self.send_response(HTTPStatus.NO_CONTENT)
        self._cors_headers()
        self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", ALLOWED_HEADERS)
        self.send_header("Access-Control-Max-Age", "600")
        self.end_headers()

    def do_POST(self) -> None:  # noqa: N802
        """Encode or decode the payloads in the body, if the request carries the token."""
        segments = [s for s in urlsplit(self.path).path.split("/") if s]
        operation = segments[-1] if segments else ""
        if operation not in OPERATIONS:
            self._reply(HTTPStatus.NOT_FOUND, {"error": "POST to .../encode or .../decode."})
            return
        if not self._authorized(segments[:-1]):
            self._reply(
                HTTPStatus.UNAUTHORIZED, {"error": "Missing or wrong token: send 'Authorization: Bearer <token>'."}
            )
            return
        body = self._read_body()
        if body is None:
            return
        try:
            payloads = json_format.Parse(body, Payloads())
        except (json_format.ParseError, ValueError) as err:
            self._reply(HTTPStatus.BAD_REQUEST, {"error": f"The body is not Payloads JSON: {err}"})
            return
        codec = self.server.codec
        run = codec.encode if operation == "encode" else codec.decode
        try:
            result = Payloads(payloads=asyncio.run(run(list(payloads.payloads))))
        except CookbookError as err:
            self._reply(HTTPStatus.BAD_REQUEST, {"error": str(err)})
            return
        self._reply(HTTPStatus.OK, json_format.MessageToDict(result))

    def do_GET(self) -> None:  # noqa: N802
        """Any method but POST and OPTIONS: 405, never the default page that echoes the path."""
        self._reply(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "POST to .../encode or .../decode."})

    do_HEAD = do_PUT = do_DELETE = do_PATCH = do_GET  # noqa: N815

    def _read_body(self) -> bytes | None:
        """The request body, or None after answering 4xx: a missing, bad or oversized length, or a body that stalls."""
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True  # the unread body must not be taken for the next request
            status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE if length > MAX_BODY_BYTES else HTTPStatus.LENGTH_REQUIRED
            self._reply(status, {"error": f"Send a Content-Length of at most {MAX_BODY_BYTES} bytes."})
            return None
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            body = b""
        if len(body) < length:
            self.close_connection = True
            self._reply(HTTPStatus.REQUEST_TIMEOUT, {"error": f"The body stopped short of {length} bytes."})
            return None
        return body

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the http.server signature)
        """One line per request on stderr (the process's log file): method, operation, status; never a path.

        The path may hold the token (``/<token>/decode``), and so may a malformed
        request line, so neither is ever written, whatever the request.
        """
        segment = urlsplit(getattr(self, "path", "")).path.rsplit("/", 1)[-1]
        operation = segment if segment in OPERATIONS else "-"
        status = next((str(a) for a in args if isinstance(a, (int, HTTPStatus)) or str(a).isdigit()), "-")
        method = getattr(self, "command", None) or "-"
        sys.stderr.write(f"{method if method.isalpha() else '-'} {operation} {status}\n")

    def _authorized(self, prefix: list[str]) -> bool:
        token = self.server.token.encode()
        header = self.headers.get("Authorization", "")
        if header.startswith("Bearer ") and hmac.compare_digest(header[len("Bearer ") :].encode(), token):
            return True
        return len(prefix) == 1 and hmac.compare_digest(prefix[0].encode(), token)

    def _cors_origin(self) -> str | None:
        origin = self.headers.get("Origin")
        if origin is None:
            return None
        allowed = self.server.allowed_origins
        return origin if (origin in allowed if allowed else LOOPBACK_ORIGIN.match(origin)) else None

    def _cors_headers(self) -> None:
        origin = self._cors_origin()
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Credentials", "true")
            self.send_header("Vary", "Origin")

    def _reply(self, status: HTTPStatus, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self._cors_headers()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class CodecHTTPServer(ThreadingHTTPServer):
    """An HTTP server that holds the codec, the token and the allowed origins."""

    daemon_threads = True

    def __init__(self, port: int, codec: EncryptionCodec, token: str, allowed_origins: list[str]) -> None:
        super().__init__(("127.0.0.1", port), CodecRequestHandler)
        self.codec = codec
        self.token = token
        self.allowed_origins = allowed_origins


class CodecServer(OwnedProcess):
    """A codec server process this kernel started, and how to reach it."""

    kind = "codec"
    ready_timeout = 20.0

    def __init__(self, port: int, token: str, allow_origins: Sequence[str] = ()) -> None:
        origins = [arg for origin in allow_origins for arg in ("--allow-origin", origin)]
        super().__init__(("shared._extras.codec_server", "--port", str(port), *origins), NAME, {TOKEN_ENV: token})
        self.port = port
        self.token = token

    @property
    def url(self) -> str:
        """The endpoint for clients that send the token in the Authorization header (the CLI)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def ui_endpoint(self) -> str:
        """The endpoint for the embedded Web UI, which has no login: the token is its first path segment."""
        return f"{self.url}/{self.token}"

    def cli_options(self) -> list[str]:
        """The ``temporal`` CLI options that decode payloads through this server."""
        return ["--codec-endpoint", self.url, "--codec-auth", f"Bearer {self.token}"]

    def _not_ready_message(self) -> str:
        return f"The codec server did not start within {self.ready_timeout:.0f} s."

    def _exited_message(self, reason: str) -> str:
        return f"The codec server exited during start-up: {reason}"

    def __repr__(self) -> str:
        state = "running" if self.alive else f"stopped ({self.returncode})"
        return f"<CodecServer {self.url}: {state}>"


async def start_codec_server(*, allow_origins: Sequence[str] = ()) -> CodecServer:
    """Run ``python -m shared._extras.codec_server`` with a new token and this process's key; wait until it listens.

    A second call replaces the running server on the same port and with the
    same token, so a Web UI already pointed at it keeps working. The key comes
    from this process's environment (``COOKBOOK_CODEC_KEY`` or
    ``COOKBOOK_CODEC_KEY_FILE``).
    """
    previous = owned(CodecServer.kind, NAME)
    if isinstance(previous, CodecServer):
        return await own(CodecServer(previous.port, previous.token, allow_origins))
    return await own(CodecServer(free_port(), secrets.token_urlsafe(24), allow_origins))


async def decode_with(server: CodecServer, payloads: Payloads, *, timeout: float = 5.0) -> Payloads:
    """Ask a codec server to decode payloads, as the Web UI does; a server that is down is one clear line."""
    request = urllib.request.Request(
        f"{server.url}/decode",
        data=json_format.MessageToJson(payloads).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {server.token}"},
    )
    try:
        body = await asyncio.to_thread(_fetch, request, timeout)
    except (urllib.error.URLError, OSError) as err:
        cause = getattr(err, "reason", err)
        reason = (getattr(cause, "strerror", None) or str(cause)).lower()
        raise CookbookError(
            f"The codec server at {server.url} is not answering ({reason}), so the Web UI and the CLI show "
            "encrypted payloads as ciphertext. Start it again with start_codec_server()."
        ) from None
    return json_format.Parse(body, Payloads())


def _fetch(request: urllib.request.Request, timeout: float) -> bytes:
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def main() -> None:
    """Serve until SIGTERM, after printing ``ready <port>``."""
    parser = argparse.ArgumentParser(description="Temporal codec server for the cookbook's AES-GCM codec.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--allow-origin", action="append", default=[], help="a Web UI origin allowed by CORS")
    args = parser.parse_args()
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        sys.exit(f"Set {TOKEN_ENV}: the codec server answers only requests that carry it.")
    try:
        codec = EncryptionCodec.from_environment()
    except CookbookError as err:
        sys.exit(str(err))
    try:
        server = CodecHTTPServer(args.port, codec, token, args.allow_origin)
    except OSError as err:
        sys.exit(f"Cannot listen on 127.0.0.1:{args.port}: {err.strerror}.")
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"ready {server.server_address[1]}", flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
