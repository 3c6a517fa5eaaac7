"""The house rules: recipes grouped by notebook, ``shared`` in layers, and one public API for everyone outside it."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import shared

ROOT = Path(__file__).resolve().parent.parent
RECIPES = ROOT / "recipes"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NOTEBOOK_NUMBER = re.compile(r"^(?:nb|ex)(\d\d)_")

WORKER_MODULES = [  # every module a Worker process hosts in the notebooks, tests and bench
    "recipes.nb01_durable_agent.weather_agent",
    "recipes.nb02_crash_recovery.research_agent",
    "recipes.nb07_teams_of_agents.support_team",
    "recipes.nb09_mcp_and_streaming.inventory_worker",
    "recipes.nb10_agents_in_production.encrypted_worker",
    "recipes.nb10_agents_in_production.flight_agent",
    "recipes.nb11_agents_at_scale.supervisor",
]
NOT_IN_A_WORKER = ["shared._views", "shared._extras", "ipywidgets", "matplotlib", "IPython"]


def imported_modules(source: str) -> Iterator[str]:
    """Every module an ``import`` or ``from ... import`` in the source names (absolute imports only)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def notebook_code(path: Path) -> str:
    """A notebook's code cells as one Python source that ``ast`` accepts: in an ``async def``, magics as ``pass``."""
    cells = json.loads(path.read_text())["cells"]
    lines = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code").splitlines()
    body = "\n".join("    " + ("pass" if line.lstrip().startswith(("%", "!")) else line) for line in lines)
    return f"async def _cells():\n{body}\n"


def test_each_recipe_package_is_named_after_its_notebook():
    notebook_stems = {path.stem for path in NOTEBOOKS}
    packages = sorted(p.name for p in RECIPES.iterdir() if p.is_dir() and p.name.startswith("nb"))
    assert packages, "no recipe packages found"
    for package in packages:
        assert package.removeprefix("nb") in notebook_stems, f"recipes/{package} names no notebook"
        assert (RECIPES / package / "__init__.py").exists()
    loose = sorted(p.name for p in RECIPES.glob("*.py") if p.name != "__init__.py")
    assert loose == [], f"modules outside a notebook's package: {loose}"


@pytest.mark.parametrize(
    "path",
    sorted(RECIPES.glob("nb*/*.py"))
    + sorted(RECIPES.glob("exercises/ex*.py"))
    + sorted(RECIPES.glob("solutions/ex*.py")),
    ids=lambda p: str(p.relative_to(RECIPES)),
)
def test_a_notebooks_code_imports_only_its_own_and_earlier_notebooks_packages(path: Path):
    number = NOTEBOOK_NUMBER.match(path.stem if path.parent.name in ("exercises", "solutions") else path.parent.name)
    assert number, f"{path} has no notebook number"
    for module in imported_modules(path.read_text()):
        parts = module.split(".")
        if parts[0] == "recipes" and len(parts) > 1 and (other := NOTEBOOK_NUMBER.match(parts[1])):
            assert other.group(1) <= number.group(1), f"{path.relative_to(ROOT)} imports {module}, a later notebook's"


def test_the_recipes_docstring_maps_every_package():
    import recipes

    for package in (p.name for p in RECIPES.iterdir() if p.is_dir() and p.name.startswith("nb")):
        assert package in (recipes.__doc__ or ""), f"recipes/__init__.py does not map {package}"


def public_api_users() -> Iterator[tuple[str, str]]:
    """Each file outside ``shared`` and ``tests`` that may use only ``shared``'s public names, with its code."""
    for folder in ("recipes", "bench", "examples", "tools"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield str(path.relative_to(ROOT)), path.read_text()
    for path in NOTEBOOKS:
        yield str(path.relative_to(ROOT)), notebook_code(path)


PUBLIC_API_USERS = list(public_api_users())


@pytest.mark.parametrize(("name", "source"), PUBLIC_API_USERS, ids=[name for name, _ in PUBLIC_API_USERS])
def test_notebooks_recipes_bench_examples_and_tools_import_only_the_public_api(name: str, source: str):
    private = [m for m in imported_modules(source) if m.startswith("shared.") and m.split(".")[1] not in shared.__all__]
    assert private == [], f"{name} reaches inside shared: {private}; import the name from shared instead"


def test_the_names_editors_see_are_the_names_that_load():
    tree = ast.parse((ROOT / "shared" / "__init__.py").read_text())
    guarded = next(node for node in tree.body if isinstance(node, ast.If))  # the TYPE_CHECKING block
    for_editors = {
        alias.name: node.module.removeprefix("shared.")
        for node in ast.walk(guarded)
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    assert for_editors == shared._MODULE_OF


def run_fresh(code: str) -> str:
    """Run Python code in a fresh interpreter, as a Worker process or a notebook starts, and return its stdout."""
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_import_shared_loads_nothing_until_a_name_is_used():
    loaded = run_fresh("import sys, shared; print(sorted(m for m in sys.modules if m.startswith('shared.')))")
    assert loaded == "[]"


def test_a_worker_process_loads_only_the_core():
    code = f"""
import sys
from shared._core import worker_process
from shared._core.worker import setup_options, worker_arguments
for name in {WORKER_MODULES!r}:
    module = worker_process.load_module(name)
    setup_options(module), worker_arguments(module)
print(sorted({{m.split('.')[0] if not m.startswith('shared.') else '.'.join(m.split('.')[:2]) for m in sys.modules}}))
"""
    loaded = run_fresh(code)
    assert "shared._core" in loaded
    assert [name for name in NOT_IN_A_WORKER if repr(name) in loaded] == []


def test_shared_never_imports_recipes_even_with_every_name_loaded():
    code = (
        "import sys, shared; [getattr(shared, n) for n in shared.__all__];"
        "print([m for m in sys.modules if m.split('.')[0] == 'recipes'])"
    )
    assert run_fresh(code) == "[]"
