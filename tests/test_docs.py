"""Every relative link in the README, the facilitator guide and the examples' README points at a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "examples" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(ROOT)) for d in DOCS])
def test_relative_links_resolve(doc: Path) -> None:
    text = doc.read_text()
    targets = [t for t in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"[a-z]+:", t)]
    assert targets, "a doc with no links to check"
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", text, re.M)}
    for target in targets:
        path, _, anchor = target.partition("#")
        if path:
            assert (doc.parent / path).exists(), f"{doc.name} links to a missing {target}"
        else:
            assert anchor in anchors, f"{doc.name} links to a missing section #{anchor}"


def _agenda_rows(guide: str, heading: str) -> list[tuple[str, int, str]]:
    """The (time, minutes, block) rows of the agenda table under ``heading`` in the facilitator guide."""
    section = guide.split(heading, 1)[1].split("\n### ", 1)[0]
    rows = re.findall(r"^\| (\d:\d\d) \| (\d+) \| ([^|]+)\|", section, re.M)
    return [(time, int(minutes), block.strip()) for time, minutes, block in rows]


@pytest.mark.parametrize(("heading", "length"), [("### 2 hours", 120), ("### Half a day (4 hours)", 240)])
def test_each_agenda_adds_up_and_keeps_a_buffer(heading: str, length: int) -> None:
    """Each block starts when the one before it ends, the day ends on time, and a buffer absorbs an overrun."""
    rows = _agenda_rows((ROOT / "docs" / "facilitator.md").read_text(), heading)
    assert rows, f"no agenda table under {heading!r}"
    elapsed = 0
    for time, minutes, block in rows:
        assert time == f"{elapsed // 60}:{elapsed % 60:02d}", (
            f"{block!r} starts at {time}, but the blocks before end at {elapsed} min"
        )
        elapsed += minutes
    assert elapsed == length, f"{heading} adds up to {elapsed} minutes, not {length}"
    assert any(block.startswith("Buffer") and minutes >= 5 for _, minutes, block in rows), f"{heading} has no buffer"
