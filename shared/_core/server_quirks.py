"""What differs between the OpenAI-compatible servers learners bring, smoothed over or explained in one line.

The differences seen with Ollama, vLLM, LM Studio, llama.cpp and
llama-cpp-python, and what the cookbook does about each:

* llama-cpp-python's server answers HTTP 500 to an assistant message whose
  ``content`` is null, which the Agents SDK sends after every tool call:
  ``compatible_http_client`` sends ``""`` instead.
* Small models often write a tool call as JSON text,
  ``{"name": ..., "arguments": ...}`` (sometimes in a ```json fence), instead of
  ``tool_calls``: ``tool_call_in_text`` reads such an answer as the call it
  means, when it names one of the agent's tools or handoffs.
* Some servers refuse a parameter (``tool_choice``, ``response_format``) or a
  model name with a 4xx: ``refusal`` turns it into one non-retryable line that
  quotes the server and names the setting that fixes it.
* A 429 with ``Retry-After``: the plugin already waits as long as the server
  asks before the next attempt, within the model call's retry policy.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import httpx2
from agents import ModelResponse
from openai import APIStatusError, DefaultAsyncHttpxClient
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText
from temporalio.exceptions import ApplicationError

_FENCED = re.compile(r"```(?:json)?\s*(.*?)\s*```", re.DOTALL)

HINTS = {
    "tool_choice": "this server cannot force a tool call: leave ModelSettings.tool_choice unset, or serve the model "
    "with tool support (llama.cpp: llama-server --jinja)",
    "response_format": "this server has no structured output: use a server that has it (llama.cpp, vLLM, Ollama "
    "0.5 or newer) or an agent without output_type",
    "model": "set OPENAI_MODEL to a model this server serves",
}
"""What fixes a refusal, by the word of the server's message that names what it refused."""


class NullContentAsEmpty(httpx2.AsyncBaseTransport):
    """Send ``""`` where a Chat Completions request has an assistant message with ``content: null``."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Rewrite the request's body if it has a null assistant content, then send it."""
        if request.method == "POST" and request.url.path.endswith("/chat/completions"):
            body = json.loads(await request.aread() or b"{}")
            nulls = [m for m in body.get("messages", []) if m.get("role") == "assistant" and m.get("content") is None]
            if nulls:
                for message in nulls:
                    message["content"] = ""
                headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
                request = httpx2.Request(request.method, request.url, headers=headers, json=body)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the transport it wraps."""
        await self._inner.aclose()


def compatible_http_client() -> httpx2.AsyncClient:
    """The OpenAI client's default HTTP client, sending ``""`` for null assistant content."""
    return DefaultAsyncHttpxClient(transport=NullContentAsEmpty(httpx2.AsyncHTTPTransport()))


def tool_call_in_text(response: ModelResponse, names: set[str]) -> ModelResponse:
    """The response, with an answer that is only a tool call written as JSON turned into that tool call."""
    messages = [item for item in response.output if isinstance(item, ResponseOutputMessage)]
    if len(messages) != 1 or len(response.output) != 1:
        return response
    text = "".join(part.text for part in messages[0].content if isinstance(part, ResponseOutputText)).strip()
    fenced = _FENCED.fullmatch(text)
    try:
        call = json.loads(fenced.group(1) if fenced else text)
    except ValueError:
        return response
    if not isinstance(call, dict) or call.get("name") not in names:
        return response
    arguments = call.get("arguments", call.get("parameters", {}))
    arguments = arguments if isinstance(arguments, str) else json.dumps(arguments)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    tool_call = ResponseFunctionToolCall(
        arguments=arguments, call_id=f"call_{digest}", name=call["name"], type="function_call",
        id=f"fc_{digest}", status="completed",
    )  # fmt: skip
    return ModelResponse(output=[tool_call], usage=response.usage, response_id=response.response_id)


def refusal(err: APIStatusError, server: str) -> ApplicationError:
    """A request the server refused (a 4xx other than 429), as one line no retry will change."""
    message = _server_message(err)
    hint = next((fix for word, fix in HINTS.items() if word in message.lower()), "")
    return ApplicationError(
        f"The model server at {server} refused the request ({err.status_code}: {message})"
        + (f": {hint}." if hint else "."),
        type="ModelServerRefused",
        non_retryable=True,
    )


def _server_message(err: APIStatusError) -> str:
    """The server's own words: the body's error message, else the client's."""
    body: Any = err.body
    if isinstance(body, dict):
        body = body.get("error", body)
    if isinstance(body, dict) and body.get("message"):
        return " ".join(str(body["message"]).split())
    return " ".join(err.message.split())
