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
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from agents import (
    AgentOutputSchemaBase,
    Handoff,
    Model,
    ModelProvider,
    ModelResponse,
    ModelSettings,
    OpenAIProvider,
    Tool,
    TResponseInputItem,
    set_tracing_disabled,
)
from agents.mcp import MCPServer
from openai import APIConnectionError, APIStatusError, AsyncOpenAI
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin

from shared._core.errors import CookbookError
from shared._core.model_faults import FaultInjectingProvider
from shared._core.offline_model import OfflineModelProvider
from shared._core.runner_stack import keep_newest_installed
from shared._core.server_quirks import compatible_http_client, refusal, tool_call_in_text
from shared._core.wrapped_model import WrappedModel

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

OFFLINE_WAIT_S = 60.0
"""How long a wait that includes offline model calls may take: they take milliseconds; this covers a loaded machine."""

MAX_TOKENS = 1024
"""The longest reply a real model may write, unless an agent's ``ModelSettings(max_tokens=...)`` says otherwise."""


class RealModel(WrappedModel):
    """A real model's calls with a cap on each reply, servers' differences smoothed over, and readable failures.

    * A reply is capped at ``MAX_TOKENS`` tokens unless the agent's
      ``ModelSettings(max_tokens=...)`` says otherwise: a small model that
      rambles would otherwise write for minutes, past ``MODEL_TIMEOUT``, on
      every retry.
    * The OpenAI client raises ``APIConnectionError`` with a chain of
      transport errors below it, each with its stack trace. Temporal keeps at
      most about 4 KB of an Activity's last failure and replaces a larger one
      with "Failure exceeds size limit.", so the reason would be lost. This
      wrapper raises one short ``ApplicationError`` naming the server and the
      root cause.
    * A tool call written as JSON text becomes the tool call, and a request
      the server refuses fails at once with its reason and the fix
      (``shared._core.server_quirks``).
    """

    def __init__(self, inner: Model, server: str) -> None:
        super().__init__(inner)
        self._server = server

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        *args: Any,
        **kwargs: Any,
    ) -> ModelResponse:
        """The inner model's response; a failure becomes one short line (retryable unless refused)."""
        capped = self._capped(model_settings)
        try:
            response = await self._inner.get_response(
                system_instructions, input, capped, tools, output_schema, handoffs, *args, **kwargs
            )
        except APIConnectionError as err:
            failure = self._unreachable(err)
        except APIStatusError as err:
            if err.status_code == 429 or err.status_code >= 500:
                raise  # the plugin retries these, after the server's Retry-After
            failure = refusal(err, self._server)
        else:
            return tool_call_in_text(response, {t.name for t in tools} | {h.tool_name for h in handoffs})
        raise failure

    async def stream_response(  # type: ignore[override]
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        *args: Any,
        **kwargs: Any,
    ) -> AsyncIterator[Any]:
        """The inner model's stream; a connection failure becomes a short, retryable error."""
        capped = self._capped(model_settings)
        try:
            async for event in self._inner.stream_response(system_instructions, input, capped, *args, **kwargs):
                yield event
        except APIConnectionError as err:
            failure = self._unreachable(err)
        else:
            return
        raise failure

    def _capped(self, settings: ModelSettings) -> ModelSettings:
        """The agent's settings, with the cookbook's reply cap if the agent set none."""
        return settings if settings.max_tokens is not None else replace(settings, max_tokens=MAX_TOKENS)

    def _unreachable(self, err: APIConnectionError) -> ApplicationError:
        root: BaseException = err
        while root.__cause__ is not None:
            root = root.__cause__
        cause = str(root) or type(root).__name__
        return ApplicationError(f"Cannot reach the model server at {self._server}: {cause}", type=type(err).__name__)


class FixedModelProvider(ModelProvider):
    """Serve the chosen model as a ``RealModel``.

    With ``every_agent``, agents that name a model of their own (``gpt-4o``)
    run on the chosen one too: a local server does not serve OpenAI's names.
    """

    def __init__(self, inner: ModelProvider, model_name: str, server: str, *, every_agent: bool) -> None:
        self._inner = inner
        self._model_name = model_name
        self._server = server
        self._every_agent = every_agent

    def get_model(self, model_name: str | None) -> Model:
        """The chosen model, or the agent's own if it names one and ``every_agent`` is off."""
        name = self._model_name if self._every_agent or not model_name else model_name
        return RealModel(self._inner.get_model(name), self._server)


@dataclass(frozen=True)
class ModelChoice:
    """The model provider for the plugin, its name, a line saying what it is, and whether traces may go to OpenAI."""

    provider: ModelProvider
    name: str
    """A short name for messages: "the offline model", "llama3.2", "OpenAI gpt-4o-mini"."""
    description: str
    offline: bool
    export_traces: bool = False
    """True only for OpenAI's own API: its trace dashboard is where the user sent the calls."""


def select_model(env: Mapping[str, str] | None = None) -> ModelChoice:
    """Pick the model from ``OPENAI_BASE_URL``, ``OPENAI_API_KEY`` and ``OPENAI_MODEL``."""
    env = os.environ if env is None else env
    base_url = env.get("OPENAI_BASE_URL", "").strip()  # uses_real_model reads the same two variables
    api_key = env.get("OPENAI_API_KEY", "").strip()
    model_name = env.get("OPENAI_MODEL", "").strip()
    if base_url:
        if not model_name:
            raise CookbookError(
                f"OPENAI_BASE_URL is set ({base_url}), so set OPENAI_MODEL to a model that server "
                "serves, for example `export OPENAI_MODEL=llama3.2` for Ollama."
            )
        http = compatible_http_client()
        client = AsyncOpenAI(base_url=base_url, api_key=api_key or "not-needed", max_retries=0, http_client=http)
        provider = OpenAIProvider(openai_client=client, use_responses=False)
        return ModelChoice(
            FixedModelProvider(provider, model_name, base_url, every_agent=True),
            model_name,
            f"{model_name} on the OpenAI-compatible server at {base_url} (Chat Completions), for every agent, "
            f"even one that names another model; replies up to {MAX_TOKENS} tokens",
            offline=False,
        )
    if api_key:
        model_name = model_name or DEFAULT_OPENAI_MODEL
        client = AsyncOpenAI(api_key=api_key, max_retries=0)
        provider = OpenAIProvider(openai_client=client, use_responses=True)
        return ModelChoice(
            FixedModelProvider(provider, model_name, str(client.base_url).rstrip("/"), every_agent=False),
            f"OpenAI {model_name}",
            f"OpenAI {model_name}; replies up to {MAX_TOKENS} tokens",
            offline=False,
            export_traces=True,
        )
    return offline_model("set OPENAI_API_KEY to use a real model")


def offline_model(why: str) -> ModelChoice:
    """The offline model, a deterministic stand-in; ``why`` ends its description line."""
    description = f"the offline model, a deterministic stand-in ({why})"
    return ModelChoice(OfflineModelProvider(), "the offline model", description, offline=True)


def uses_real_model(env: Mapping[str, str] | None = None) -> bool:
    """Whether ``select_model`` picks a real model: ``OPENAI_BASE_URL`` or ``OPENAI_API_KEY`` is set."""
    env = os.environ if env is None else env
    return bool(env.get("OPENAI_BASE_URL", "").strip() or env.get("OPENAI_API_KEY", "").strip())


def model_wait_s(model_calls: int = 1, env: Mapping[str, str] | None = None) -> float:
    """How long to wait for something that includes ``model_calls`` model calls, with the model in use.

    ``OFFLINE_WAIT_S`` with the offline model. A real model's call may take
    every attempt ``MODEL_RETRY_POLICY`` allows, each up to ``MODEL_TIMEOUT``
    and a pause; a wait gives each call all of that. It still ends the moment
    what it waits for happens, or the run closes.
    """
    if not uses_real_model(env):
        return OFFLINE_WAIT_S
    policy = MODEL_RETRY_POLICY
    assert policy.maximum_interval is not None
    per_attempt = MODEL_TIMEOUT + policy.maximum_interval  # the attempt, then at most the longest pause
    return OFFLINE_WAIT_S + model_calls * policy.maximum_attempts * per_attempt.total_seconds()


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
    use ``MODEL_TIMEOUT`` and ``MODEL_RETRY_POLICY`` where ``model_params``
    leaves them unset (``bounded``). Each model is wrapped so that a notebook
    can inject faults into its calls (``inject_model_fault``). Trace export
    follows the model (see the module docstring).
    ``mcp_servers`` names worker-side MCP server factories; a Workflow reaches
    one with ``temporal_mcp_server(name)`` and each MCP operation becomes an
    Activity too. With ``tracing``, agent runs become OpenTelemetry spans
    (``start_tracing``). Workers built with it may stop in any order
    (``shared._core.runner_stack``).
    """
    model = model or select_model()
    if not model.export_traces:
        disable_trace_export()
    plugin = OpenAIAgentsPlugin(
        model_params=bounded(model_params or ModelActivityParameters()),
        model_provider=FaultInjectingProvider(model.provider),
        mcp_servers=mcp_servers,
        use_otel_instrumentation=tracing,
    )
    plugin.run_context = keep_newest_installed(plugin.run_context)
    return plugin


def bounded(params: ModelActivityParameters) -> ModelActivityParameters:
    """The caller's parameters, with the cookbook's timeout and a bounded retry policy wherever they left them open.

    A retry policy without ``maximum_attempts`` would retry a model server
    that is down forever; it keeps its intervals and gets
    ``MODEL_RETRY_POLICY``'s attempts.
    """
    policy = params.retry_policy or MODEL_RETRY_POLICY
    if not policy.maximum_attempts:
        policy = replace(policy, maximum_attempts=MODEL_RETRY_POLICY.maximum_attempts)
    timeout = params.start_to_close_timeout or MODEL_TIMEOUT
    return replace(params, retry_policy=policy, start_to_close_timeout=timeout)


def disable_trace_export() -> None:
    """Keep Agents SDK traces in this process: no upload to OpenAI.

    The environment variable reaches every trace provider, including the one
    the plugin installs in each Worker; ``set_tracing_disabled`` covers the one
    already in place. A value you set yourself wins.
    """
    os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")
    if os.environ["OPENAI_AGENTS_DISABLE_TRACING"].lower() in ("1", "true"):
        set_tracing_disabled(True)
