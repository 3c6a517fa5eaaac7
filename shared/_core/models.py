"""Which model the agents talk to: OpenAI, an OpenAI-compatible server, or the offline stand-in.

The choice is made from the environment, the same way in a notebook kernel
and in a worker process, so every worker of a run uses the same model:

* ``OPENAI_BASE_URL`` set: any OpenAI-compatible server (Ollama, vLLM, LM
  Studio) over Chat Completions, with ``OPENAI_MODEL`` naming the model;
* ``OPENAI_API_KEY`` set: OpenAI over the Responses API, model
  ``OPENAI_MODEL`` (default ``gpt-4o-mini``);
* neither: the offline model, a deterministic stand-in.

Every client is built with ``max_retries=0``: Temporal's Activity retries own
retrying, so a failure is visible in the Event History instead of hidden in
the SDK. Those retries are bounded (``MODEL_RETRY_POLICY``), so a model server
that is down ends the run with a clear failure instead of retrying forever.

Agents SDK traces are exported only where the user sent the model calls:
to OpenAI when the model is OpenAI's. With ``OPENAI_BASE_URL`` (another
server) or the offline model, export is off, so no prompt is ever uploaded to
a service the user did not choose.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from agents import Model, ModelProvider, OpenAIProvider, set_tracing_disabled
from agents.mcp import MCPServer
from openai import APIConnectionError, AsyncOpenAI
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin

from shared._core.errors import CookbookError
from shared._core.offline_model import OfflineModelProvider
from shared._core.runner_stack import keep_newest_installed

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"

MODEL_TIMEOUT = timedelta(seconds=60)
"""How long one model call may take before Temporal gives up on that attempt."""

MODEL_RETRY_POLICY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=5,
)
"""Five attempts, 1, 2, 4 and 8 s apart: a blip is retried, a server that is down fails the call in about 15 s.

A rate limit's ``Retry-After`` still sets the delay before the next attempt,
and errors that no retry can fix (a bad request, a wrong key) are not retried.
"""


class ReadableFailures(Model):
    """A model whose connection failures reach the Event History as one readable line.

    The OpenAI client raises ``APIConnectionError`` with a chain of transport
    errors below it, each with its stack trace. Temporal keeps at most about
    4 KB of an Activity's last failure and replaces a larger one with
    "Failure exceeds size limit.", so the reason would be lost. This wrapper
    raises one short ``ApplicationError`` naming the server and the root cause.
    """

    def __init__(self, inner: Model, server: str) -> None:
        self._inner = inner
        self._server = server

    async def get_response(self, *args: Any, **kwargs: Any) -> Any:
        """The inner model's response; a connection failure becomes a short, retryable error."""
        try:
            return await self._inner.get_response(*args, **kwargs)
        except APIConnectionError as err:
            failure = self._unreachable(err)
        raise failure

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:  # type: ignore[override]
        """The inner model's stream; a connection failure becomes a short, retryable error."""
        try:
            async for event in self._inner.stream_response(*args, **kwargs):
                yield event
        except APIConnectionError as err:
            failure = self._unreachable(err)
        else:
            return
        raise failure

    async def close(self) -> None:
        """Close the inner model."""
        await self._inner.close()

    def get_retry_advice(self, request: Any) -> Any:
        """The inner model's retry advice."""
        return self._inner.get_retry_advice(request)

    def _unreachable(self, err: APIConnectionError) -> ApplicationError:
        root: BaseException = err
        while root.__cause__ is not None:
            root = root.__cause__
        cause = str(root) or type(root).__name__
        return ApplicationError(f"Cannot reach the model server at {self._server}: {cause}", type=type(err).__name__)


class FixedModelProvider(ModelProvider):
    """Serve one named model whenever an agent does not name its own, with readable connection failures."""

    def __init__(self, inner: ModelProvider, model_name: str, server: str) -> None:
        self._inner = inner
        self._model_name = model_name
        self._server = server

    def get_model(self, model_name: str | None) -> Model:
        """Return the agent's model if it names one, else the configured one."""
        return ReadableFailures(self._inner.get_model(model_name or self._model_name), self._server)


@dataclass(frozen=True)
class ModelChoice:
    """The model provider to give the plugin, a line that says what it is, and whether traces may go to OpenAI."""

    provider: ModelProvider
    description: str
    offline: bool
    export_traces: bool = False
    """True only for OpenAI's own API: its trace dashboard is where the user sent the calls."""


def select_model(env: Mapping[str, str] | None = None) -> ModelChoice:
    """Pick the model from ``OPENAI_BASE_URL``, ``OPENAI_API_KEY`` and ``OPENAI_MODEL``."""
    env = os.environ if env is None else env
    base_url = env.get("OPENAI_BASE_URL", "").strip()
    api_key = env.get("OPENAI_API_KEY", "").strip()
    model_name = env.get("OPENAI_MODEL", "").strip()
    if base_url:
        if not model_name:
            raise CookbookError(
                f"OPENAI_BASE_URL is set ({base_url}), so set OPENAI_MODEL to a model that server "
                "serves, for example `export OPENAI_MODEL=llama3.2` for Ollama."
            )
        client = AsyncOpenAI(base_url=base_url, api_key=api_key or "not-needed", max_retries=0)
        provider = OpenAIProvider(openai_client=client, use_responses=False)
        return ModelChoice(
            FixedModelProvider(provider, model_name, base_url),
            f"{model_name} on the OpenAI-compatible server at {base_url} (Chat Completions)",
            offline=False,
        )
    if api_key:
        model_name = model_name or DEFAULT_OPENAI_MODEL
        client = AsyncOpenAI(api_key=api_key, max_retries=0)
        provider = OpenAIProvider(openai_client=client, use_responses=True)
        return ModelChoice(
            FixedModelProvider(provider, model_name, str(client.base_url).rstrip("/")),
            f"OpenAI {model_name}",
            offline=False,
            export_traces=True,
        )
    return ModelChoice(
        OfflineModelProvider(),
        "the offline model, a deterministic stand-in (set OPENAI_API_KEY to use a real model)",
        offline=True,
    )


def agents_plugin(
    model: ModelChoice | None = None,
    model_params: ModelActivityParameters | None = None,
    *,
    mcp_servers: Mapping[str, Callable[..., MCPServer]] | None = None,
    tracing: bool = False,
) -> OpenAIAgentsPlugin:
    """The OpenAI Agents plugin: every model call becomes a Temporal Activity.

    The plugin sets the Pydantic data converter (agents' inputs and outputs
    are Pydantic models), registers the model-call Activity on workers, and
    routes ``Runner.run`` inside a Workflow through that Activity. Model calls
    use ``MODEL_TIMEOUT`` and ``MODEL_RETRY_POLICY`` unless ``model_params``
    says otherwise. Trace export follows the model (see the module docstring).
    ``mcp_servers`` names worker-side MCP server factories; a Workflow reaches
    one with ``temporal_mcp_server(name)`` and each MCP operation becomes an
    Activity too. With ``tracing``, agent runs become OpenTelemetry spans
    (``start_tracing``). Workers built with it may stop in any order
    (``shared._core.runner_stack``).
    """
    model = model or select_model()
    if not model.export_traces:
        disable_trace_export()
    params = model_params or ModelActivityParameters(
        start_to_close_timeout=MODEL_TIMEOUT, retry_policy=MODEL_RETRY_POLICY
    )
    plugin = OpenAIAgentsPlugin(
        model_params=params,
        model_provider=model.provider,
        mcp_servers=mcp_servers,
        use_otel_instrumentation=tracing,
    )
    plugin.run_context = keep_newest_installed(plugin.run_context)
    return plugin


def disable_trace_export() -> None:
    """Keep Agents SDK traces in this process: no upload to OpenAI.

    The environment variable reaches every trace provider, including the one
    the plugin installs in each Worker; ``set_tracing_disabled`` covers the one
    already in place. A value you set yourself wins.
    """
    os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")
    if os.environ["OPENAI_AGENTS_DISABLE_TRACING"].lower() in ("1", "true"):
        set_tracing_disabled(True)
