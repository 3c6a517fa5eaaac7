"""The both-ways exercise check itself: it fails when a starter passes, and when a starter crashes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
from tests.exercises import solution_and_starter

@solution_and_starter("exfake", solutions="fake.solutions", starters="fake.exercises")
def test_the_answer(ex):
    assert ex.answer() == 42
"""

HINTED_CHECK = """
from tests.exercises import solution_and_starter

@solution_and_starter(
    "exfake", starter_fails_with="give the answer", solutions="fake.solutions", starters="fake.exercises"
)
def test_the_answer(ex):
    assert ex.answer() == 42, "give the answer: 42"
"""


def run_check(tmp_path: Path, starter_body: str, *, learner: bool = False, check: str = CHECK) -> str:
    """Run the check above on a solution returning 42 and the given starter; return pytest's summary line."""
    for package, body in (("solutions", "return 42"), ("exercises", starter_body)):
        folder = tmp_path / "fake" / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").write_text("")
        (folder / "exfake.py").write_text(f"def answer():\n    {body}\n")
    (tmp_path / "fake" / "__init__.py").write_text("")
    (tmp_path / "test_fake.py").write_text(check)
    env = {"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"}
    if learner:
        env["CHECK_MY_EXERCISES"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio", "test_fake.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("starter_body", "summary"),
    [
        ("raise NotImplementedError('TODO')", "1 passed, 1 xfailed"),
        ("return 0", "1 passed, 1 xfailed"),
        ("return 42", "1 failed, 1 passed"),  # a starter that already passes: XPASS(strict) fails the run
        ("raise TypeError('a broken starter')", "1 failed, 1 passed"),  # crashing is not failing the check
    ],
    ids=["todo-raises", "wrong-answer", "starter-passes", "starter-crashes"],
)
def test_solution_must_pass_and_starter_must_fail(tmp_path: Path, starter_body: str, summary: str) -> None:
    assert run_check(tmp_path, starter_body).startswith(summary)


@pytest.mark.parametrize(
    ("starter_body", "summary"),
    [
        ("return 0", "1 passed, 1 xfailed"),  # the check's own message: the hint the learner reads
        ("raise NotImplementedError('TODO')", "1 failed, 1 passed"),  # failing without the hint is not enough
    ],
    ids=["fails-with-the-hint", "fails-without-it"],
)
def test_a_starter_may_be_required_to_fail_with_the_hint(tmp_path: Path, starter_body: str, summary: str) -> None:
    assert run_check(tmp_path, starter_body, check=HINTED_CHECK).startswith(summary)


def test_learners_check_only_their_starter_and_expect_it_to_pass(tmp_path: Path) -> None:
    assert run_check(tmp_path, "return 42", learner=True).startswith("1 passed")
    assert run_check(tmp_path, "return 0", learner=True).startswith("1 failed")


def test_every_solution_has_a_starter_with_todos_and_a_both_ways_check() -> None:
    solutions = {p.stem for p in (ROOT / "recipes" / "solutions").glob("ex*.py")}
    starters = {p.stem for p in (ROOT / "recipes" / "exercises").glob("ex*.py")}
    assert solutions == starters, "every recipes/solutions/exNN_*.py needs a starter in recipes/exercises/, and back"
    for name in sorted(starters):
        assert "TODO" in (ROOT / "recipes" / "exercises" / f"{name}.py").read_text(), f"{name}: mark what to edit"
        check = ROOT / "tests" / f"test_exercises_{name[2:4]}.py"  # what `make exercises NB=01` runs for "ex01_..."
        text = check.read_text() if check.exists() else ""
        assert "solution_and_starter" in text and f'"{name}"' in text, (
            f"{name}: {check.name} must check both its solution and its starter (see tests/exercises.py)"
        )
