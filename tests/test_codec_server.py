"""The codec server process: Temporal's codec protocol, its token, CORS for the Web UI, and a real browser.

Every test talks HTTP to a real ``python -m shared._extras.codec_server`` process.
The browser test starts its own dev server with ``--ui-codec-endpoint``,
opens a run in the real Web UI in Chromium and reads the decoded prompt; then
it stops the codec server and sees the UI's own "could not connect" banner
over ciphertext. The last test restarts a real kernel that runs notebook 10's
setup and checks that nothing it started is left running.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.client import Client
from temporalio.converter import DataConverter

from recipes.nb01_durable_agent.weather_agent import ACTIVITIES, WORKFLOWS, WeatherAgentWorkflow
from shared import (
    CodecServer,
    CookbookError,
    EncryptionCodec,
    agents_plugin,
    create_key_file,
    decode_with,
    start_codec_server,
    start_worker,
)
from shared._core.server import DevServer
from shared._extras.codec import KEY_ENV, KEY_FILE_ENV
from tests.browser import CHROMIUM_FLAGS, chromium_or_skip
from tests.kernels import kernel
from tests.processes import wait_gone

ROOT = Path(__file__).resolve().parent.parent
UI_ORIGIN = "http://127.0.0.1:8233"


@pytest.fixture
async def codec_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(KEY_FILE_ENV, str(create_key_file(tmp_path / "codec.key")))
    monkeypatch.delenv(KEY_ENV, raising=False)
    server = await start_codec_server()
    yield server
    await server.stop()


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def options(url: str, origin: str) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(
        url,
        method="OPTIONS",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers)


async def test_only_requests_with_the_token_are_decoded(codec_server: CodecServer):
    codec = EncryptionCodec.from_environment()
    sealed = Payloads(payloads=await codec.encode([Payload(metadata={"encoding": b"json/plain"}, data=b'"Lima"')]))
    body = json_format.MessageToJson(sealed).encode()
    bearer = {"Authorization": f"Bearer {codec_server.token}"}

    assert post(f"{codec_server.url}/decode", body)[0] == 401
    assert post(f"{codec_server.url}/decode", body, {"Authorization": "Bearer not-the-token"})[0] == 401
    assert post(f"{codec_server.url}/decode", body, {"Authorization": codec_server.token})[0] == 401
    assert post(f"{codec_server.url}/wrong-token/decode", body)[0] == 401
    status, error = post(f"{codec_server.url}/decode", body)
    assert error == {"error": "Missing or wrong token: send 'Authorization: Bearer <token>'."}

    for url, headers in ((f"{codec_server.url}/decode", bearer), (f"{codec_server.ui_endpoint}/decode", {})):
        status, answer = post(url, body, headers)
        assert status == 200
        assert json_format.ParseDict(answer, Payloads()).payloads[0].data == b'"Lima"'

    status, answer = post(
        f"{codec_server.url}/encode", json.dumps({"payloads": [{"data": "IkxpbWEi"}]}).encode(), bearer
    )
    encoded = json_format.ParseDict(answer, Payloads())
    assert status == 200 and encoded.payloads[0].metadata["encoding"] == b"binary/encrypted"
    assert (await codec.decode(list(encoded.payloads)))[0].data == b'"Lima"'
    assert post(f"{codec_server.url}/decode", b"not json", bearer)[0] == 400
    assert post(f"{codec_server.url}/elsewhere", body, bearer)[0] == 404


async def test_cors_preflights_are_answered_for_the_web_ui_origin_only(codec_server: CodecServer):
    status, headers = options(f"{codec_server.ui_endpoint}/decode", UI_ORIGIN)
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == UI_ORIGIN
    assert "authorization" in headers["Access-Control-Allow-Headers"].lower()
    assert "x-namespace" in headers["Access-Control-Allow-Headers"].lower()
    status, headers = options(f"{codec_server.url}/decode", "https://evil.example")
    assert status == 403 and "Access-Control-Allow-Origin" not in headers


async def test_a_codec_server_that_is_down_is_one_clear_line(codec_server: CodecServer):
    sealed = Payloads(payloads=await EncryptionCodec.from_environment().encode([Payload(data=b'"x"')]))
    assert len((await decode_with(codec_server, sealed)).payloads) == 1
    await codec_server.stop()
    with pytest.raises(CookbookError, match=r"The codec server at http://127.0.0.1:\d+ is not answering \(connection"):
        await decode_with(codec_server, sealed)
    restarted = await start_codec_server()
    assert restarted.port == codec_server.port, "a restart keeps the port the Web UI was given"
    assert restarted.ui_endpoint == codec_server.ui_endpoint, "and the token in its endpoint"
    assert len((await decode_with(restarted, sealed)).payloads) == 1


async def test_the_web_ui_shows_encrypted_runs_decoded_and_says_when_the_codec_server_is_down(
    codec_server: CodecServer, task_queue: str
):
    chromium = chromium_or_skip()
    from playwright.async_api import async_playwright, expect

    server = DevServer(None, codec_server.ui_endpoint)  # its own server: the session's has no codec endpoint
    await server.start()
    try:
        converter = DataConverter(payload_codec=EncryptionCodec.from_environment())
        client = await Client.connect(server.address, plugins=[agents_plugin()], data_converter=converter)
        worker = await start_worker(client, task_queue=task_queue, workflows=WORKFLOWS, activities=ACTIVITIES)
        workflow_id = f"ui-{uuid.uuid4().hex[:8]}"
        handle = await client.start_workflow(
            WeatherAgentWorkflow.run, "What's the weather in Lima?", id=workflow_id, task_queue=task_queue
        )
        await handle.result()
        await worker.stop()
        url = f"{server.ui_url}/namespaces/default/workflows/{workflow_id}/{handle.result_run_id}/history"
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS, headless=True)
            try:
                page = await browser.new_page(viewport={"width": 1400, "height": 1000})
                await page.goto(url)
                await expect(page.get_by_text("What's the weather in Lima?").first).to_be_visible(timeout=60_000)
                await codec_server.stop()
                await page.reload()
                banner = page.get_by_text("Codec Server could not connect").filter(visible=True)
                await expect(banner.first).to_be_visible(timeout=60_000)
                assert await page.get_by_text("What's the weather in Lima?").count() == 0
            finally:
                await browser.close()
    finally:
        server.stop()


SETUP_CELL = """
import os
from pathlib import Path
from shared import create_key_file, setup, start_codec_server, start_worker_process
os.environ["COOKBOOK_CODEC_KEY_FILE"] = str(create_key_file(Path({key!r})))
codec_server = await start_codec_server()
conn = await setup(ui_codec_endpoint=codec_server.ui_endpoint, encrypt=True, quiet=True)
from recipes.nb10_agents_in_production import encrypted_worker
worker = await start_worker_process(encrypted_worker, task_queue="restart-09", name="restart-09")
print(conn.server.process.pid, codec_server.process.pid, worker.pid)
"""


async def test_a_kernel_restart_leaves_nothing_running(tmp_path: Path):
    async with kernel(cwd=str(ROOT)) as k:
        printed = await k.run(SETUP_CELL.format(key=str(tmp_path / "codec.key")))
        started = {int(pid) for pid in printed.split()}
        assert len(started) == 3
        k.kill_hard()  # what Kernel > Restart does to the old kernel: SIGKILL, no clean-up code runs
        left = await wait_gone(started)
        assert not left, f"still running after the kernel restart: {sorted(left)}"
