"""Every notebook that calls a model, run against the real model that ``tools/real_model.py`` serves.

``make test-real-model`` runs this with ``OPENAI_BASE_URL`` and ``OPENAI_MODEL``
pointing at a small instruct model on llama.cpp's server. A notebook passes
when no cell fails: its own asserts check the Event History (calls recorded
once, resumed without repeats, approvals applied, guardrails tripped), and
where the model did not take a step a lesson needs, the notebook says so in a
"Note:" line, which this test prints so a run's log shows what the real model
did differently from the offline one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
WITH_A_MODEL = ["01", "02", "03", "04", "07", "08", "09", "10", "11", "12", "13"]
"""The notebooks whose lessons call a model (05 scripts its models; 06 and 10's section 2 measure offline)."""


@pytest.fixture(scope="module", autouse=True)
def served_model() -> None:
    """This test is only meaningful against a real model: fail, never skip, without one."""
    if not (os.environ.get("OPENAI_BASE_URL") and os.environ.get("OPENAI_MODEL")):
        pytest.fail("OPENAI_BASE_URL and OPENAI_MODEL are not set: run `make test-real-model`.", pytrace=False)


@pytest.mark.timeout(1800)  # a real model on 2 cores: seconds per call, dozens of calls
@pytest.mark.parametrize("number", WITH_A_MODEL)
def test_the_notebook_runs_against_the_real_model(number: str) -> None:
    [path] = NOTEBOOKS.glob(f"{number}_*.ipynb")
    notebook = nbformat.read(path, as_version=4)
    began = time.monotonic()
    where = {"metadata": {"path": str(NOTEBOOKS)}}
    NotebookClient(notebook, timeout=1800, kernel_name="python3", resources=where).execute()
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    outputs = [o for cell in cells for o in cell.outputs]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    notes = [line for line in text.splitlines() if line.startswith(("Note:", "Checked in the Event History"))]
    print(f"\n{path.name}: {time.monotonic() - began:.0f} s with {os.environ['OPENAI_MODEL']}")
    print("\n".join(f"  {line}" for line in notes))
    meant = [cell for cell in cells if "raises-exception" in cell.metadata.get("tags", [])]
    errors = [f"{o.ename}: {o.evalue}" for c in cells if c not in meant for o in c.outputs if o.output_type == "error"]
    assert errors == []
