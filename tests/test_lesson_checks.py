"""Lessons that notice what the model did: one line either way, naming the model, and notebooks that carry on.

Proves: ``model_called`` and ``model_handed_off`` read the history table and
say in one line what happened, naming the model in use; and notebooks 01, 03,
07 and 08, run against a model server whose model never calls a tool, finish
with no error cell and say plainly which of their steps did not happen.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from shared import HistoryTable, model_called, model_handed_off
from shared._views.history import Step
from tests.openai_stub import NoToolsModel, serve

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def table_of(*steps: tuple[str, str, str]) -> HistoryTable:
    return HistoryTable([Step(i, kind, name, 1, "w", result) for i, (kind, name, result) in enumerate(steps, 1)])


ANSWERED = table_of(("model call", "Weather Assistant", "It is sunny in Lima."))
CALLED = table_of(
    ("model call", "Weather Assistant", "call get_weather(city='Lima')"),
    ("tool", "get_weather", "Sunny"),
    ("model call", "Weather Assistant", "Sunny in Lima."),
)


def test_a_step_that_happened_is_one_checked_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert model_called(CALLED, "get_weather")
    assert capsys.readouterr().out == "Checked in the Event History: the model called get_weather once.\n"


def test_a_step_that_did_not_happen_names_the_model_and_what_it_did(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_MODEL", "tiny-model")
    assert not model_called(ANSWERED, "get_weather")
    assert not model_called(CALLED, "get_weather", times=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "Note: tiny-model called get_weather 0 times, where this lesson needs once; in 1 model call(s) it called "
        "no tool, and its last reply was 'It is sunny in Lima.'. The cells below show this run as it went."
    )
    assert lines[1].startswith("Note: tiny-model called get_weather once, where this lesson needs 2 times; ")


def test_a_handoff_is_read_from_the_model_calls(capsys: pytest.CaptureFixture[str]) -> None:
    handed = table_of(("model call", "Triage", "call transfer_to_refund_specialist()"))
    assert model_handed_off(handed, "Refund Specialist")
    assert not model_handed_off(ANSWERED, "Refund Specialist")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Checked in the Event History: the model handed off to the Refund Specialist."
    assert lines[1].startswith("Note: the offline model did not hand off to the Refund Specialist; ")


@pytest.mark.parametrize(
    ("notebook", "notes"),
    [
        ("01_durable_agent.ipynb", ["called get_weather 0 times", "called get_weather 0 times"]),
        ("03_human_approval.ipynb", ["called carry_out_plan 0 times", "called issue_refund 0 times"]),
        ("07_teams_of_agents.ipynb", ["did not hand off to the Refund Specialist", "called issue_refund 0 times"]),
        ("08_keeping_agents_in_bounds.ipynb", []),  # it checks no tool call: it must just carry on
    ],
)
def test_a_notebook_carries_on_when_the_model_never_calls_a_tool(
    notebook: str, notes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(NoToolsModel()) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_MODEL", "no-tools-model")
        nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
        where = {"metadata": {"path": str(NOTEBOOKS)}}
        NotebookClient(nb, timeout=600, kernel_name="python3", resources=where).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
    assert errors == []
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    seen = [line for line in text.splitlines() if line.startswith("Note: no-tools-model ")]
    assert len(seen) == len(notes) and all(note in line for note, line in zip(notes, seen, strict=True)), seen
