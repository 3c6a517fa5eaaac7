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
the SDK.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from agents import Model, ModelProvider, OpenAIProvider
from agents.mcp import MCPServer
from openai import AsyncOpenAI
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin

from shared.errors import CookbookError
from shared.offline_model import OfflineModelProvider

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


class FixedModelProvider(ModelProvider):
    """Serve one named model whenever an agent does not name its own."""

    def __init__(self, inner: ModelProvider, model_name: str) -> None:
        self._inner = inner
        self._model_name = model_name

    def get_model(self, model_name: str | None) -> Model:
        """Return the agent's model if it names one, else the configured one."""
        return self._inner.get_model(model_name or self._model_name)


@dataclass(frozen=True)
class ModelChoice:
    """The model provider to give the plugin, and a line that says what it is."""

    provider: ModelProvider
    description: str
    offline: bool


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
            FixedModelProvider(provider, model_name),
            f"{model_name} on the OpenAI-compatible server at {base_url} (Chat Completions)",
            offline=False,
        )
    if api_key:
        model_name = model_name or DEFAULT_OPENAI_MODEL
        provider = OpenAIProvider(openai_client=AsyncOpenAI(api_key=api_key, max_retries=0), use_responses=True)
        return ModelChoice(FixedModelProvider(provider, model_name), f"OpenAI {model_name}", offline=False)
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
    routes ``Runner.run`` inside a Workflow through that Activity.
    ``mcp_servers`` names worker-side MCP server factories; a Workflow reaches
    one with ``temporal_mcp_server(name)`` and each MCP operation becomes an
    Activity too. With ``tracing``, agent runs become OpenTelemetry spans
    (``shared.tracing``).
    """
    model = model or select_model()
    params = model_params or ModelActivityParameters(start_to_close_timeout=timedelta(seconds=60))
    return OpenAIAgentsPlugin(
        model_params=params,
        model_provider=model.provider,
        mcp_servers=mcp_servers,
        use_otel_instrumentation=tracing,
    )
