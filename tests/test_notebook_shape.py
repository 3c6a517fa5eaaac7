"""Each notebook is one workshop block: read in about ten minutes, at most about 40 cells, in the house shape.

Reading time is words of prose and code at 110 words a minute, the pace at which a reader took 19 minutes to reach
notebook 03's approval panel. The facilitator guide budgets its agendas from the same figures, so its table must
say what the notebooks hold.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WORDS_A_MINUTE = 110
MOST_WORDS = 1_150  # about ten and a half minutes at 110 words a minute
MOST_CELLS = 40


def words(cells: list[dict], kind: str) -> int:
    """Whitespace-separated words in the source of the cells of one kind (``markdown`` or ``code``)."""
    return sum(len("".join(c["source"]).split()) for c in cells if c["cell_type"] == kind)


def cells_of(path: Path) -> list[dict]:
    """A notebook's cells."""
    return json.loads(path.read_text())["cells"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_notebook_reads_in_about_ten_minutes(path: Path) -> None:
    cells = cells_of(path)
    prose, code = words(cells, "markdown"), words(cells, "code")
    minutes = (prose + code) / WORDS_A_MINUTE
    assert prose + code <= MOST_WORDS, (
        f"{path.name} holds {prose:,} words of prose and {code:,} of code: {minutes:.1f} minutes to read; "
        f"cut it to {MOST_WORDS:,} words (about 10 minutes)"
    )
    assert len(cells) <= MOST_CELLS, f"{path.name} has {len(cells)} cells, more than {MOST_CELLS}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_notebook_opens_and_closes_in_the_house_shape(path: Path) -> None:
    cells = cells_of(path)
    first, text = "".join(cells[0]["source"]), "\n".join("".join(c["source"]) for c in cells)
    assert cells[0]["cell_type"] == "markdown" and first.startswith("# "), f"{path.name} does not open with a title"
    assert "## Prerequisites" in first, f"{path.name}'s first cell has no Prerequisites"
    assert text.index("## Summary") < text.index("## Exercises"), f"{path.name} needs Summary, then Exercises"
    assert re.search(r"Next: ", "".join(cells[-1]["source"])), f"{path.name} has no Next"


def test_the_facilitator_guide_says_what_each_notebook_holds() -> None:
    guide = (ROOT / "docs" / "facilitator.md").read_text()
    rows = {
        number: (int(cells), int(prose.replace(",", "")), int(code.replace(",", "")), int(minutes))
        for number, cells, prose, code, minutes in re.findall(
            r"^\| (\d\d) · [^|]+\| (\d+) \| ([\d,]+) \+ ([\d,]+) \| (\d+) min \|", guide, re.M
        )
    }
    for path in NOTEBOOKS:
        cells = cells_of(path)
        prose, code = words(cells, "markdown"), words(cells, "code")
        measured = (len(cells), prose, code, round((prose + code) / WORDS_A_MINUTE))
        assert rows.get(path.name[:2]) == measured, (
            f"the facilitator guide's row for {path.name[:2]} says {rows.get(path.name[:2])}; "
            f"the notebook holds (cells, prose, code, minutes) {measured}"
        )
