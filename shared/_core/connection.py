"""One call that gives a notebook its Temporal client, the right server and the right model."""

from __future__ import annotations

import asyncio
import gc
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from agents.mcp import MCPServer
from temporalio.client import Client, WorkflowHandle
from temporalio.converter import DataConverter, ExternalStorage, PayloadCodec
from temporalio.envconfig import ClientConfigProfile
from temporalio.openai_agents import ModelActivityParameters

from shared._core.errors import CookbookError, check_type
from shared._core.logs import route_temporal_logs_to_file
from shared._core.models import ModelChoice, agents_plugin, select_model
from shared._core.models import offline_model as _offline_model
from shared._core.server import DevServer, check_server_options, start_dev_server

CONNECT_TIMEOUT_S = 5.0


@dataclass
class Connection:
    """What the setup cell gives you: a client, the server behind it and the model in use."""

    client: Client
    model: ModelChoice
    server: DevServer | None
    ui_base: str | None

    @property
    def namespace(self) -> str:
        """The Temporal Namespace the client works in."""
        return self.client.namespace

    def describe(self) -> str:
        """One line on which server and which model are in use."""
        where = (
            f"the embedded Temporal dev server at {self.server.address}"
            if self.server
            else f"Temporal at {self.client.service_client.config.target_host} (namespace {self.namespace})"
        )
        ui = f", Web UI {self.ui_base}" if self.ui_base else ""
        if self.server is not None and self.server.ui_published:
            ui += (
                f" (published on {self.server.ui_ip}: it has no login, so anyone who reaches that port can read, "
                "signal and terminate your Workflows)"
            )
        return f"Connected to {where}{ui}. Model: {self.model.description}."

    def ui_link(self, handle: WorkflowHandle) -> WebUILink | None:
        """A link to this Workflow run's Event History in the Temporal Web UI."""
        if not self.ui_base:
            return None
        run = handle.result_run_id or handle.run_id or ""
        return WebUILink(f"{self.ui_base}/namespaces/{self.namespace}/workflows/{handle.id}/{run}/history")


@dataclass(frozen=True)
class WebUILink:
    """A link that renders as a hyperlink in JupyterLab and as the URL elsewhere."""

    url: str

    def _repr_html_(self) -> str:
        return f'<a href="{self.url}" target="_blank">Open this run in the Temporal Web UI</a>'

    def __repr__(self) -> str:
        return self.url


async def setup(
    *,
    db_path: str | os.PathLike[str] | None = None,
    model_params: ModelActivityParameters | None = None,
    mcp_servers: Mapping[str, Callable[..., MCPServer]] | None = None,
    quiet: bool = False,
    encrypt: bool = False,
    external_storage: ExternalStorage | None = None,
    tracing: bool = False,
    ui_codec_endpoint: str | None = None,
    offline_model: bool = False,
) -> Connection:
    """Connect to Temporal with the OpenAI Agents plugin, starting the embedded server if needed.

    With ``TEMPORAL_ADDRESS`` set, connect there instead, reading namespace, API
    key and TLS from Temporal's standard environment configuration
    (``TEMPORAL_NAMESPACE``, ``TEMPORAL_API_KEY``, ``TEMPORAL_TLS_*`` or a
    ``temporal.toml`` profile). ``db_path`` makes the embedded server persistent.
    ``model_params`` and ``mcp_servers`` go to the OpenAI Agents plugin
    (see ``agents_plugin``), so every Worker of this client gets them.

    Notebook 10's options (a Worker process gets them from its module's
    ``SETUP_OPTIONS``, so clients and Workers agree): ``encrypt`` encrypts every
    payload with the key the environment names (``EncryptionCodec``);
    ``external_storage`` moves large payloads out of the history
    (``claim_check``); ``tracing`` records OpenTelemetry spans
    (``start_tracing``); ``ui_codec_endpoint`` points the embedded server's
    Web UI at a codec server. Each of these loads its extra only when asked for.
    ``offline_model`` runs this client's Workers on the offline model whatever
    the environment names: for a measurement of payloads, not of answers.
    Every argument is checked before anything starts or stops.
    """
    _check_setup_arguments(locals())
    route_temporal_logs_to_file()
    model = _offline_model("asked for by setup(offline_model=True)") if offline_model else select_model()
    if tracing:
        from shared._extras.tracing import start_tracing  # an extra: loaded only when asked for

        start_tracing()  # before the plugin: it checks for the replay-safe tracer provider
    plugin = agents_plugin(model, model_params, mcp_servers=mcp_servers, tracing=tracing)
    if external_storage is not None:
        _check_store(external_storage)
    converter = DataConverter(
        payload_codec=_codec_from_environment() if encrypt else None, external_storage=external_storage
    )
    identity = f"notebook@{os.getpid()}"
    if os.environ.get("TEMPORAL_ADDRESS"):
        profile = ClientConfigProfile.load()
        config = dict(profile.to_client_connect_config())
        client = await _connect(config, plugin, identity, converter)
        connection = Connection(client, model, None, _external_ui_base(config["target_host"]))
    else:
        server = await start_dev_server(db_path, ui_codec_endpoint=ui_codec_endpoint)
        client = await _connect({"target_host": server.address}, plugin, identity, converter)
        connection = Connection(client, model, server, server.ui_url)
    if not quiet:
        print(connection.describe())
    return connection


_SETUP_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "model_params": ((ModelActivityParameters, type(None)), "a ModelActivityParameters"),
    "mcp_servers": ((Mapping, type(None)), "a dict from server name to a function that makes the MCPServer"),
    "quiet": ((bool,), "True or False"),
    "encrypt": ((bool,), "True or False"),
    "external_storage": ((ExternalStorage, type(None)), "an ExternalStorage: pass claim_check(directory)"),
    "tracing": ((bool,), "True or False"),
    "offline_model": ((bool,), "True or False"),
}
"""What each ``setup()`` argument takes, and how to say so."""

_ADDRESS = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$")


def _check_setup_arguments(arguments: dict[str, object]) -> None:
    """Refuse a wrong-typed ``setup()`` argument with one line, before any server starts or stops."""
    for name, (types, what) in _SETUP_TYPES.items():
        check_type("setup", name, arguments[name], types, what)
    for name, factory in (arguments["mcp_servers"] or {}).items():  # type: ignore[attr-defined]
        if not isinstance(name, str) or not callable(factory):
            raise CookbookError(
                "setup(mcp_servers=...) maps each server's name to a function that makes it; "
                f"got {name!r}: {factory!r:.40}."
            )
    if os.environ.get("TEMPORAL_ADDRESS"):
        _check_address(os.environ["TEMPORAL_ADDRESS"])
    check_server_options(arguments["db_path"], arguments["ui_codec_endpoint"])


def _check_address(address: str) -> None:
    """Refuse a ``TEMPORAL_ADDRESS`` that is not ``host:port`` before trying to connect."""
    if not _ADDRESS.match(address.strip()):
        raise CookbookError(
            f"TEMPORAL_ADDRESS={address!r:.60} is not host:port (e.g. localhost:7233); "
            "fix it, or unset it to use the embedded dev server."
        )


def _check_store(storage: ExternalStorage) -> None:
    """Fail now, in one line, if the claim-check store cannot be written (an extra: loaded only when asked for)."""
    from shared._extras.claim_check import check_store

    check_store(storage)


def _codec_from_environment() -> PayloadCodec:
    """The encryption codec for the key this process's environment names (an extra: loaded only when asked for)."""
    from shared._extras.codec import EncryptionCodec

    return EncryptionCodec.from_environment()


async def _connect(config: dict, plugin: object, identity: str, converter: DataConverter) -> Client:
    """Connect, turning a hang or a refusal into one clear line within seconds."""
    target = config["target_host"]
    try:
        return await asyncio.wait_for(
            Client.connect(
                **config,
                plugins=[plugin],  # type: ignore[list-item]
                identity=identity,
                data_converter=converter,
                connect_timeout=timedelta(seconds=CONNECT_TIMEOUT_S),
            ),
            CONNECT_TIMEOUT_S,
        )
    except (TimeoutError, RuntimeError, OSError) as err:
        reason = _short_reason(err)
    # Raised here, outside the except block, the error keeps no reference to the failed connect. The
    # abandoned connect sits in a reference cycle with its error; collecting it now, while Python runs,
    # lets the Rust side close it, instead of panicking during interpreter exit.
    gc.collect()
    raise CookbookError(
        f"Cannot reach Temporal at {target} within {CONNECT_TIMEOUT_S:.0f} s ({reason}). "
        "Check TEMPORAL_ADDRESS, or unset it to use the embedded dev server."
    )


_KNOWN_REASONS = {  # keyed by the words of the error, lower case and without spaces
    "connectionrefused": "connection refused",
    "dnserror": "the host name does not resolve",
    "certificate": "a TLS certificate problem",
    "unauthenticated": "not authenticated: check TEMPORAL_API_KEY or the client certificate",
    "permissiondenied": "permission denied",
    "timeoutexpired": "no answer",
}
_STATUS = re.compile(r'Status \{ code: (\w+), message: "((?:[^"\\]|\\.)*)"')
REASON_WIDTH = 160


def _short_reason(err: BaseException) -> str:
    """The useful words of a connection error, without the transport's stack of wrappers.

    Known causes get a plain phrase; otherwise the gRPC status and its message,
    else the first line of the error, shortened at a word boundary.
    """
    if isinstance(err, asyncio.TimeoutError):
        return "no answer"
    text = str(err)
    squeezed = text.lower().replace(" ", "")
    for known, phrase in _KNOWN_REASONS.items():
        if known in squeezed:
            return phrase
    status = _STATUS.search(text)
    if status:
        text = f"{status.group(2)} (gRPC status {status.group(1)})"
    first = text.splitlines()[0] if text else type(err).__name__
    if len(first) <= REASON_WIDTH:
        return first
    return first[: first.rfind(" ", 0, REASON_WIDTH)] + " …"


def _external_ui_base(target: str) -> str | None:
    """The Web UI of an external cluster: Temporal Cloud's, or ``TEMPORAL_UI_URL`` if set."""
    if os.environ.get("TEMPORAL_UI_URL"):
        return os.environ["TEMPORAL_UI_URL"].rstrip("/")
    if ".tmprl.cloud" in target or "temporal.io" in target:
        return "https://cloud.temporal.io"
    return None
