"""Every series notebook survives a learner's plausible edits: it runs to the end, in a
learner's kernel (claims speak kindly), after another seed, width, depth, batch, activation
name or learning rate (the edits are in tests/tinker/nbNN.py)."""
from __future__ import annotations

import importlib.util
import re

import nbformat
import pytest

from helpers import REPO, load_notebook_tool

tool = load_notebook_tool("wi_notebooks_tool_tinker")
TINKER = REPO / "tests" / "tinker"


def _edits_for(name: str) -> dict[str, list[tuple[str, str]]]:
    number = name[:2]
    path = TINKER / f"nb{number}.py"
    assert path.exists(), (f"{name} has no learner edits: add tests/tinker/nb{number}.py "
                           "(see tests/tinker/README.md)")
    spec = importlib.util.spec_from_file_location(f"tinker_nb{number}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.VARIANTS


def _cases():
    # a notebook without edits is reported by test_every_notebook_has_edits, not at collection
    for name in tool.SERIES:
        if (tool.NOTEBOOK_DIR / name).exists() and (TINKER / f"nb{name[:2]}.py").exists():
            for variant in _edits_for(name):
                yield pytest.param(name, variant, id=f"{name[:2]}-{variant}")


def apply_edits(nb: nbformat.NotebookNode, edits: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """Replace each edit's text in every code cell; an edit that matches nothing is an error."""
    for old, new in edits:
        hits = 0
        for cell in nb.cells:
            if cell.cell_type == "code" and old in cell.source:
                hits += cell.source.count(old)
                cell.source = cell.source.replace(old, new)
        assert hits, f"the edit {old!r} -> {new!r} matches no code cell any more"
    return nb


def test_every_notebook_has_edits():
    for name in tool.SERIES:
        if (tool.NOTEBOOK_DIR / name).exists():
            variants = _edits_for(name)
            assert variants and all(variants.values()), f"{name}: no edits in its variants"


@pytest.mark.parametrize("name, variant", list(_cases()))
def test_notebook_runs_after_learner_edits(name, variant):
    path = tool.NOTEBOOK_DIR / name
    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    apply_edits(nb, _edits_for(name)[variant])
    result = tool.execute_notebook(nb, path.parent, timeout=600, strict=False)
    assert result.ok, f"{name} with the edits '{variant}' {result.message}"
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.get("output_type") == "stream" else ""
            assert out.get("output_type") != "error", f"{name} cell {i} raised"
            assert not (out.get("name") == "stderr" and re.search(r"\S", text)), (
                f"{name} with the edits '{variant}': cell {i} wrote to stderr: {text[:300]}")


def exercise_cells(nb: nbformat.NotebookNode, number: str) -> list[int]:
    """Indices of the code cells that call one of the notebook's checkers."""
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and re.search(rf"\bnb{number}\.check_\w+\(", c.source)]


@pytest.mark.parametrize("name", [n for n in tool.SERIES if (tool.NOTEBOOK_DIR / n).exists()])
def test_exercise_cells_run_after_a_kernel_restart(name):
    # A learner who restarts the kernel and goes straight to an exercise gets a verdict (or a
    # line saying to run the setup cell), never NameError: each exercise cell stands alone.
    path = tool.NOTEBOOK_DIR / name
    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    cells = exercise_cells(nb, name[:2])
    if not cells:
        pytest.skip(f"{name} has no exercise cells")
    alone = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(nb.cells[i].source)
                                            for i in cells])
    result = tool.execute_notebook(alone, path.parent, timeout=300, strict=False)
    assert result.ok, f"{name}: an exercise cell run after a restart {result.message}"
