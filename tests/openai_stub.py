"""A tiny OpenAI-compatible HTTP server on loopback that answers from a script of canned replies."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = tuple[int, dict[str, Any]] | tuple[int, dict[str, Any], dict[str, str]]
"""A status and a JSON body, and optionally headers (``Retry-After``)."""


@dataclass
class StubOpenAI:
    """Replies to POSTs in order; records every request body it receives, and when.

    With ``refuse_null_content`` it answers an assistant message whose content
    is null with HTTP 500, as llama-cpp-python's server does.
    """

    replies: list[Reply]
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    base_url: str = ""
    refuse_null_content: bool = False

    def handle(self, path: str, body: dict[str, Any]) -> Reply:
        self.requests.append((path, body))
        self.times.append(time.monotonic())
        if self.refuse_null_content and any(
            m.get("role") == "assistant" and m.get("content") is None for m in body.get("messages", [])
        ):
            return 500, {"error": {"message": "'NoneType' object is not iterable", "type": "server_error"}}
        if not self.replies:
            return 500, {"error": {"message": "stub has no more replies", "type": "server_error"}}
        return self.replies.pop(0)


@contextmanager
def serve(stub: StubOpenAI) -> Iterator[StubOpenAI]:
    """Serve the stub on a free loopback port for the duration of the block."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("content-length", 0))
            status, body, *headers = stub.handle(self.path, json.loads(self.rfile.read(length) or b"{}"))
            payload = json.dumps(body).encode()
            self.send_response(status)
            for name, value in (headers[0] if headers else {}).items():
                self.send_header(name, value)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


SERVER_ERROR = (500, {"error": {"message": "boom", "type": "server_error"}})
USAGE = {
    "input_tokens": 1,
    "output_tokens": 1,
    "total_tokens": 2,
    "input_tokens_details": {"cached_tokens": 0},
    "output_tokens_details": {"reasoning_tokens": 0},
}


def responses_reply(*output: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A Responses API reply with the given output items."""
    return 200, {
        "id": "resp_stub",
        "object": "response",
        "created_at": 0,
        "model": "gpt-4o-mini",
        "status": "completed",
        "output": list(output),
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": USAGE,
    }


def responses_tool_call(name: str, arguments: dict[str, Any], call_id: str) -> dict[str, Any]:
    """A function_call output item."""
    return {
        "type": "function_call",
        "id": f"fc_{call_id}",
        "call_id": call_id,
        "name": name,
        "arguments": json.dumps(arguments),
        "status": "completed",
    }


def responses_message(text: str) -> dict[str, Any]:
    """An assistant message output item."""
    return {
        "type": "message",
        "id": "msg_stub",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def chat_reply(message: dict[str, Any], finish_reason: str) -> tuple[int, dict[str, Any]]:
    """A Chat Completions reply."""
    return 200, {
        "id": "chatcmpl_stub",
        "object": "chat.completion",
        "created": 0,
        "model": "llama3.2",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class NoToolsModel(StubOpenAI):
    """A Chat Completions server whose model never calls a tool, as small local models often do.

    Every request gets a plain-text answer, or, when it asks for JSON that fits
    a schema (structured output), the simplest JSON that fits, as llama.cpp's
    grammar would give.
    """

    def __init__(self) -> None:
        super().__init__(replies=[])

    def handle(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append((path, body))
        schema = (body.get("response_format") or {}).get("json_schema", {}).get("schema")
        if schema is not None:
            text = json.dumps(fitting(schema, schema.get("$defs", {})))
        else:
            asked = next((m.get("content") for m in reversed(body["messages"]) if m.get("role") == "user"), "")
            text = f"I answer without tools: {asked}"
        return chat_reply({"role": "assistant", "content": text}, "stop")


def fitting(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """The simplest value that fits a JSON schema: the first enum value, empty text, zero, false."""
    if "$ref" in schema:
        return fitting(defs[schema["$ref"].split("/")[-1]], defs)
    if "anyOf" in schema:
        return fitting(schema["anyOf"][0], defs)
    if "enum" in schema:
        return schema["enum"][0]
    simplest: dict[str, Any] = {"string": "", "integer": 0, "number": 0, "boolean": False, "array": [], "null": None}
    if schema.get("type") == "object":
        return {name: fitting(prop, defs) for name, prop in schema.get("properties", {}).items()}
    return simplest.get(schema.get("type", "null"))
