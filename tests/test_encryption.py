"""Notebook 10, section 1: payloads are encrypted everywhere they are stored, and read back only with the key.

Unit checks of the codec and of where the key comes from, then real Worker
processes on the embedded server: one with the key (the stored history holds
only ciphertext, and the notebook's client and the CLI read it back), one
without (it stops at start-up and says why), one with another key (its
Workflow Task fails, naming both keys).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from temporalio.api.common.v1 import Payload

from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow
from shared import (
    Connection,
    CookbookError,
    EncryptionCodec,
    create_key_file,
    first_workflow_task_failure,
    history_table,
    new_key,
    payloads_in,
    setup,
    start_codec_server,
    start_worker_process,
    temporal_cli,
)
from shared._extras.codec import KEY_ENV, KEY_FILE_ENV, key_id, load_key, parse_key

PROMPT = "What's the weather in Lima?"


def payload(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=f'"{text}"'.encode())


async def test_the_codec_round_trips_and_leaves_plain_payloads_alone():
    codec = EncryptionCodec(parse_key(new_key(), "test"))
    [sealed] = await codec.encode([payload("Lima")])
    assert sealed.metadata["encoding"] == EncryptionCodec.ENCODING and b"Lima" not in sealed.SerializeToString()
    assert sealed.metadata["encryption-key-id"] == codec.key_id.encode()
    assert await codec.decode([sealed]) == [payload("Lima")]
    [again] = await codec.encode([payload("Lima")])
    assert again.data != sealed.data, "a fresh nonce per payload: equal plaintexts do not look equal"
    assert await codec.decode([payload("from before encryption")]) == [payload("from before encryption")]


async def test_a_wrong_key_or_an_altered_payload_is_one_clear_line():
    writer, reader = (EncryptionCodec(parse_key(new_key(), "test")) for _ in range(2))
    [sealed] = await writer.encode([payload("Lima")])
    with pytest.raises(CookbookError, match=f"encrypted with key {writer.key_id}, but this process holds key"):
        await reader.decode([sealed])
    sealed.data = sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    with pytest.raises(CookbookError, match="failed its integrity check"):
        await writer.decode([sealed])


def test_the_key_comes_from_the_environment_or_a_key_file(tmp_path: Path):
    key_file = create_key_file(tmp_path / "keys" / "codec.key")
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert create_key_file(key_file).read_text() == key_file.read_text(), "an existing key is never replaced"
    from_file = load_key({KEY_FILE_ENV: str(key_file)})
    from_env = load_key({KEY_ENV: key_file.read_text(), KEY_FILE_ENV: "/nowhere"})
    assert from_file == from_env and len(from_file) == 32
    with pytest.raises(CookbookError, match="has no key: set COOKBOOK_CODEC_KEY"):
        load_key({KEY_FILE_ENV: ""})
    with pytest.raises(CookbookError, match="Cannot read the key file"):
        load_key({KEY_FILE_ENV: str(tmp_path / "missing.key")})
    with pytest.raises(CookbookError, match="not a 256-bit key"):
        load_key({KEY_ENV: "too-short"})


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh key, named by COOKBOOK_CODEC_KEY_FILE for this test and the processes it starts."""
    path = create_key_file(tmp_path / "codec.key")
    monkeypatch.setenv(KEY_FILE_ENV, str(path))
    monkeypatch.delenv(KEY_ENV, raising=False)
    return path


async def test_clients_and_worker_processes_agree_and_the_server_stores_only_ciphertext(
    conn: Connection, task_queue: str, key_file: Path
):
    encrypted = await setup(encrypt=True, quiet=True)
    worker = await start_worker_process(
        "recipes.nb10_agents_in_production.encrypted_worker", task_queue=task_queue, name=task_queue
    )
    codec_server = await start_codec_server()
    try:
        handle = await encrypted.client.start_workflow(
            WeatherAgentWorkflow.run, PROMPT, id=f"enc-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        assert await handle.result() == "(offline model) Weather in Lima: Overcast, 18 °C."
        history = await handle.fetch_history()
        stored = b"".join(e.SerializeToString() for e in history.events)
        assert b"Lima" not in stored and b"Overcast" not in stored, "no prompt, tool result or answer in the clear"
        payloads = [p for e in history.events for p in payloads_in(e)]
        plain = [p for p in payloads if p.metadata["encoding"] != EncryptionCodec.ENCODING]
        assert len(payloads) - len(plain) >= 10
        assert all(b"spanId" in p.data for p in plain), "only the tracing headers stay plain"
        assert {p.metadata["encryption-key-id"] for p in payloads if p not in plain} == {key_id(load_key()).encode()}

        table = await history_table(encrypted.client.get_workflow_handle(handle.id))
        assert table.count("tool", "get_weather") == 1, "the notebook's client decodes its own history"
        cli = await temporal_cli("workflow", "show", "--workflow-id", handle.id, "--detailed")
        assert "Lima" not in cli
        decoded = await temporal_cli(
            "workflow", "show", "--workflow-id", handle.id, "--detailed", *codec_server.cli_options()
        )
        assert f"input[0]: {PROMPT}" in decoded
    finally:
        await codec_server.stop()
        await worker.stop()


async def test_a_worker_process_without_a_key_stops_at_start_up_and_says_why(task_queue: str, key_file: Path):
    with pytest.raises(CookbookError, match="exited during start-up .*this process has no key"):
        await start_worker_process(
            "recipes.nb10_agents_in_production.encrypted_worker",
            task_queue=task_queue,
            name=task_queue,
            env={KEY_FILE_ENV: ""},
        )


async def test_a_worker_process_with_another_key_fails_its_task_naming_both_keys(
    conn: Connection, task_queue: str, key_file: Path
):
    encrypted = await setup(encrypt=True, quiet=True)
    other_key = new_key()
    worker = await start_worker_process(
        "recipes.nb10_agents_in_production.encrypted_worker",
        task_queue=task_queue,
        name=task_queue,
        env={KEY_ENV: other_key},
    )
    try:
        handle = await encrypted.client.start_workflow(
            WeatherAgentWorkflow.run, PROMPT, id=f"wrong-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        failure = await first_workflow_task_failure(handle, timeout=30)
        ours, theirs = key_id(load_key()), key_id(parse_key(other_key, "test"))
        assert failure.message == (
            f"A payload was encrypted with key {ours}, but this process holds key {theirs}: "
            f"give it the same {KEY_ENV} or {KEY_FILE_ENV} as the client."
        )
        await handle.terminate("test over")
    finally:
        await worker.stop()
    assert not os.environ.get(KEY_ENV)
