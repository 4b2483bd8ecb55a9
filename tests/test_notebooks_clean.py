"""The committed notebooks are clean, navigable and error-free; tools/notebooks.py works.

No notebook is executed here (nbval does that): these tests read JSON and run git on
temporary repositories, so they take about a second.
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
from pathlib import Path

import nbformat
from helpers import load_notebook_tool
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
SANITIZE_CFG = REPO / "tests" / "nbval_sanitize.cfg"


nbtool = load_notebook_tool("wi_notebooks_tool")
# The series' own notebooks (a learner's extra notebook in notebooks/ is not checked).
NOTEBOOKS = [NOTEBOOK_DIR / n for n in nbtool.SERIES if (NOTEBOOK_DIR / n).is_file()]
WIDGET = nbtool.WIDGET_VIEW_MIME


# ----------------------------------------------------------- committed notebooks


@pytest.fixture(scope="module")
def nav_entries():
    return nbtool.navigation_entries(NOTEBOOK_DIR)


def _fix_hint(path: Path) -> str:
    return f"run `python tools/notebooks.py clean notebooks/{path.name}` (or `make notebooks`)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean(path):
    if nbtool.is_clean(path):
        return
    text = path.read_text(encoding="utf-8")
    clean = nbtool.serialize(nbtool.clean_notebook(nbformat.reads(text, as_version=4)))
    diff = list(difflib.unified_diff(text.splitlines(), clean.splitlines(), "committed", "clean",
                                     lineterm="", n=1))
    pytest.fail(f"{path.name} is not clean; {_fix_hint(path)}.\n" + "\n".join(diff[:40]))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_navigation_is_current(path, nav_entries):
    assert nbtool.navigation_is_current(path, nav_entries), (
        f"{path.name}: navigation cells missing or stale; {_fix_hint(path)}. Expected:\n"
        f"{nbtool.NAV_MARKER}\n{nbtool.navigation_line(path.name, nav_entries)}")


# JupyterLab's notebook column at 1280 x 800 with the file browser open (issue 13): a wider
# image is shown shrunk, and its text with it.
COLUMN_PX = 848


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_fits_the_notebook_column(path):
    """Every stored image (static figures and the dashboards' snapshots) fits the column, so
    it is shown at 100 % and its 11-13 pt text at 15-18 px (100 dpi), 14-16 px (dashboards, 90 dpi)."""
    import base64
    import io

    from PIL import Image

    wide = []
    for i, cell in enumerate(nbtool.read_notebook(path).cells):
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                width = Image.open(io.BytesIO(base64.b64decode(png))).size[0]
                if width > COLUMN_PX:
                    wide.append((i, width))
    assert not wide, f"{path.name}: (cell, width px) wider than {COLUMN_PX} px: {wide}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_errors_or_stderr(path):
    nb = nbtool.read_notebook(path)
    problems = []
    code_no = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code_no += 1
        for out in cell.outputs:
            if out.output_type == "error":
                problems.append(f"code cell #{code_no}: error output {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                problems.append(f"code cell #{code_no}: stderr output {out.text.strip()[:200]!r}")
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


# --------------------------------------------------------------------- cleaner


def _messy_notebook() -> nbformat.NotebookNode:
    """A notebook as JupyterLab + nbclient leave it, with every kind of volatile state."""
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "venv", "display_name": "Python (venv)", "language": "python"},
        "language_info": {"name": "python", "version": "3.11.9", "codemirror_mode": {"name": "ipython"},
                          "file_extension": ".py", "mimetype": "text/x-python"},
        "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}},
        "toc": {"nav_menu": {}},
    }
    widget_view = {"model_id": "abc123", "version_major": 2, "version_minor": 0}
    code = new_code_cell("x", execution_count=7)
    code.metadata = {
        "execution": {"iopub.execute_input": "2024-01-01T00:00:00Z"},
        "ExecuteTime": {"end_time": "2024-01-01"}, "scrolled": True, "collapsed": False,
        "tags": ["hide-input"], "jupyter": {"source_hidden": True},
        "editable": False, "deletable": False,
    }
    code.outputs = [
        new_output("execute_result", {"text/plain": "3"}, execution_count=7),
        new_output("display_data", {WIDGET: widget_view, "image/png": "iVBORw0KGgo=",
                                    "text/plain": "Canvas(...)"}),
        new_output("display_data", {WIDGET: widget_view}),
        new_output("stream", name="stdout", text="hello\n"),
    ]
    later = new_code_cell("y", execution_count=3)  # run out of order in JupyterLab
    later.outputs = [new_output("execute_result", {"text/plain": "4"}, execution_count=3)]
    nb.cells = [new_markdown_cell("# Title"), code, new_code_cell("  \n"), later]
    nb.cells[0].metadata = {"scrolled": True}
    return nb


def test_clean_strips_volatile_state_and_keeps_outputs():
    nb = nbtool.clean_notebook(_messy_notebook())
    assert nb.metadata == {"kernelspec": nbtool.KERNELSPEC, "language_info": {"name": "python"}}
    assert nb.metadata.kernelspec == {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                      "language": "python"}
    title, code, empty, later = nb.cells
    assert title.metadata == {}
    # renumbered top to bottom over non-empty code cells (nbval rejects null counts
    # on cells with outputs)
    assert [code.execution_count, empty.execution_count, later.execution_count] == [1, None, 2]
    assert later.outputs[0].execution_count == 2
    assert code.metadata == {"tags": ["hide-input"], "jupyter": {"source_hidden": True},
                             "editable": False, "deletable": False}
    result, canvas, bare_widget, stream = code.outputs  # no output deleted
    assert result.execution_count == 1 and result.data == {"text/plain": "3"}
    assert canvas.data == {"image/png": "iVBORw0KGgo=", "text/plain": "Canvas(...)"}
    assert set(bare_widget.data) == {"text/plain"}  # a static placeholder, never an empty bundle
    assert stream.text == "hello\n"


def test_clean_merges_consecutive_streams():
    # how printed text is split into stream messages depends on flush timing
    cell = new_code_cell("print(1); print(2)")
    cell.outputs = [new_output("stream", name="stdout", text="1\n"),
                    new_output("stream", name="stdout", text="2\n"),
                    new_output("stream", name="stderr", text="w\n"),
                    new_output("stream", name="stdout", text="3\n")]
    nb = new_notebook(cells=[cell])
    out = nbtool.clean_notebook(nb).cells[0].outputs
    assert [(o.name, o.text) for o in out] == [("stdout", "1\n2\n"), ("stderr", "w\n"), ("stdout", "3\n")]


def test_clean_is_idempotent_and_deterministic(tmp_path):
    once = nbtool.serialize(nbtool.clean_notebook(_messy_notebook()))
    twice = nbtool.serialize(nbtool.clean_notebook(nbformat.reads(once, as_version=4)))
    assert once == twice
    assert once.endswith("}\n") and once.startswith('{\n "cells": [\n  {\n   "cell_type"')
    assert json.loads(once)["nbformat"] == 4 and json.loads(once)["nbformat_minor"] == 5
    path = tmp_path / "x.ipynb"
    path.write_text(once, encoding="utf-8")
    assert nbtool.is_clean(path)
    path.write_text(once.replace('"execution_count": 1', '"execution_count": 7', 1), encoding="utf-8")
    assert not nbtool.is_clean(path)
    assert nbtool.main(["clean", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == once and nbtool.is_clean(path)


# ------------------------------------------------------------------ navigation


def _write(path: Path, title: str | None, extra: list | None = None) -> Path:
    cells = ([new_markdown_cell(title)] if title else []) + [new_code_cell("1 + 1")] + (extra or [])
    nb = new_notebook(cells=cells)
    nb.metadata = {"kernelspec": dict(nbtool.KERNELSPEC), "language_info": {"name": "python"}}
    nbformat.write(nb, str(path))
    return path


def _nav_cells(path: Path) -> list[tuple[int, str]]:
    nb = nbtool.read_notebook(path)
    return [(i, c.source) for i, c in enumerate(nb.cells) if nbtool.is_navigation_cell(c)]


def test_navigation_cells_are_generated_and_idempotent(tmp_path, monkeypatch):
    monkeypatch.setattr(nbtool, "SERIES", ("00_index.ipynb", "01_vanishing.ipynb", "02_xavier.ipynb",
                                           "03_he.ipynb", "04_kaiming.ipynb"))
    index = _write(tmp_path / "00_index.ipynb", "# Weight initialisation\n\nContents.")
    one = _write(tmp_path / "01_vanishing.ipynb", "# 01 · Vanishing and exploding gradients")
    two = _write(tmp_path / "02_xavier.ipynb", "Some intro.\n\n# Xavier init ##")
    three = _write(tmp_path / "03_he.ipynb", None)  # no heading: label from the file name
    other = _write(tmp_path / "scratch.ipynb", "# Scratch")  # outside the series
    assert nbtool.main(["clean", *map(str, [index, one, two, three, other])]) == 0

    m = nbtool.NAV_MARKER
    expected = {
        index: "[01 Vanishing and exploding gradients](01_vanishing.ipynb) >",
        one: "[Contents](00_index.ipynb) | [02 Xavier init](02_xavier.ipynb) >",
        two: "< [01 Vanishing and exploding gradients](01_vanishing.ipynb) | "
             "[Contents](00_index.ipynb) | [03 He](03_he.ipynb) >",
        three: "< [02 Xavier init](02_xavier.ipynb) | [Contents](00_index.ipynb)",
    }
    for path, line in expected.items():
        n_cells = len(nbtool.read_notebook(path).cells)
        assert _nav_cells(path) == [(1, f"{m}\n{line}"), (n_cells - 1, f"{m}\n{line}")], path.name
        assert nbtool.navigation_is_current(path)
    assert _nav_cells(other) == []  # cleaned, but no navigation

    # Idempotent: a second pass changes no byte.
    before = {p: p.read_bytes() for p in expected}
    assert nbtool.main(["clean", *map(str, expected)]) == 0
    assert {p: p.read_bytes() for p in expected} == before

    # A stale marker cell is replaced, not duplicated; a new chapter makes neighbours stale.
    nb = nbtool.read_notebook(two)
    nb.cells[1].source = f"{m}\n[old link](old.ipynb)"
    nb.cells.pop()  # bottom cell missing
    nbtool.write_notebook(nb, two)
    _write(tmp_path / "04_kaiming.ipynb", "# Kaiming")
    assert not nbtool.navigation_is_current(two) and not nbtool.navigation_is_current(three)
    assert nbtool.main(["clean", str(two), str(three)]) == 0
    assert [s for _, s in _nav_cells(two)] == [f"{m}\n{expected[two]}"] * 2
    assert _nav_cells(three)[0][1].endswith("| [04 Kaiming](04_kaiming.ipynb) >")
    ids = [c.id for c in nbtool.read_notebook(two).cells]
    assert len(set(ids)) == len(ids)


# ------------------------------------------- refusing to overwrite uncommitted edits


def _git(repo: Path, *args: str) -> str:
    cmd = ["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.com",
           "-c", "commit.gpgsign=false", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def git_repo(tmp_path, monkeypatch):
    """A repository with two committed notebooks in notebooks/ (the series: 01-04)."""
    monkeypatch.setattr(nbtool, "SERIES", ("01_a.ipynb", "02_b.ipynb", "03_new.ipynb",
                                           "04_staged.ipynb"))
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    _git(repo, "init", "-q")
    a = _write(repo / "notebooks" / "01_a.ipynb", "# A")
    b = _write(repo / "notebooks" / "02_b.ipynb", "# B")
    _git(repo, "add", "notebooks")
    _git(repo, "commit", "-q", "-m", "notebooks")
    return repo, a, b


@pytest.fixture
def fake_execution(monkeypatch):
    """Replace kernel execution by a recorder (these tests never start a kernel)."""
    calls = []

    def fake(nb, cwd, timeout):
        calls.append(nb)
        cell = [c for c in nb.cells if c.cell_type == "code"][-1]
        cell.outputs = [new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
        cell.execution_count = 1
        return nbtool.RunResult(True, 0.0)

    monkeypatch.setattr(nbtool, "execute_notebook", fake)
    return calls


def test_run_refuses_to_overwrite_uncommitted_edits(git_repo, fake_execution, capsys):
    repo, a, b = git_repo
    a.write_text(a.read_text() + " ", encoding="utf-8")  # modified in the working tree
    nb = nbtool.read_notebook(b)
    nb.cells[0].source = "# B, edited"
    nbtool.write_notebook(nb, b)
    _git(repo, "add", str(b))  # staged, clean working tree
    new = _write(repo / "notebooks" / "03_new.ipynb", "# New")  # untracked: nothing to restore
    staged_new = _write(repo / "notebooks" / "04_staged.ipynb", "# Staged")
    _git(repo, "add", str(staged_new))  # staged but never committed: refused
    paths = [a, b, new, staged_new]
    before = {p: p.read_bytes() for p in paths}

    assert nbtool.uncommitted_notebooks(paths) == sorted([a.resolve(), b.resolve(), staged_new.resolve()])
    assert nbtool.main(["run", *map(str, paths)]) == 2
    err = capsys.readouterr().err
    assert "01_a.ipynb" in err and "02_b.ipynb" in err and "04_staged.ipynb" in err
    assert "03_new.ipynb" in err and "--force" in err
    assert fake_execution == []  # refused before doing anything
    assert {p: p.read_bytes() for p in paths} == before

    # An untracked notebook alone is refused too (git could not restore it); --force runs it.
    assert nbtool.main(["run", str(new)]) == 2 and fake_execution == []
    assert nbtool.main(["run", "--force", str(new)]) == 0
    assert len(fake_execution) == 1 and nbtool.is_clean(new)

    # --force overrides the refusal.
    assert nbtool.main(["run", "--force", str(a)]) == 0
    assert len(fake_execution) == 2 and nbtool.is_clean(a) and nbtool.navigation_is_current(a)


def test_run_writes_committed_notebooks_and_keeps_failures_untouched(git_repo, monkeypatch, capsys):
    repo, a, b = git_repo
    assert nbtool.uncommitted_notebooks([a, b]) == []

    def half_failing(nb, cwd, timeout):
        if nb.cells[0].source == "# B":
            return nbtool.RunResult(False, 0.1, "failed in code cell #1 ('1 + 1')\n  ZeroDivisionError")
        [c for c in nb.cells if c.cell_type == "code"][-1].outputs = [
            new_output("stream", name="stdout", text="ok\n")]
        return nbtool.RunResult(True, 0.1)

    monkeypatch.setattr(nbtool, "execute_notebook", half_failing)
    b_before = b.read_bytes()
    assert nbtool.main(["run", str(a), str(b)]) == 1
    out, err = capsys.readouterr()
    assert re.search(r"01_a\.ipynb: ok in [0-9.]+ s", out)
    assert "02_b.ipynb: FAILED" in err and "code cell #1" in err and "ZeroDivisionError" in err
    assert b.read_bytes() == b_before
    assert nbtool.read_notebook(a).cells[2].outputs[0].text == "ok\n" and nbtool.is_clean(a)
    assert nbtool.uncommitted_notebooks([a, b]) == [a.resolve()]


def test_run_outside_git_needs_force(tmp_path, fake_execution, capsys):
    path = _write(tmp_path / "01_a.ipynb", "# A")
    assert nbtool.main(["run", str(path)]) == 2
    assert "--force" in capsys.readouterr().err and fake_execution == []
    assert nbtool.main(["run", "--force", str(path)]) == 0 and len(fake_execution) == 1


# ------------------------------------------------------------ nbval sanitizers


def test_nbval_sanitize_file_parses_and_works():
    from nbval.plugin import get_sanitize_patterns

    text = SANITIZE_CFG.read_text(encoding="utf-8")
    assert text.isascii(), "nbval opens the file with the locale's encoding"
    pairs = get_sanitize_patterns(text)
    # every regex line was paired with its replace line (nbval silently drops the others)
    assert len(pairs) == len(re.findall(r"^regex:", text, flags=re.M)) >= 5
    assert len(dict(pairs)) == len(pairs), "duplicate regexes collapse in nbval's OrderedDict"

    def sanitize(s):
        for regex, replace in pairs:
            s = re.sub(regex, replace, s)
        return s

    same = [
        ("<Thing at 0x7f3a2c1d9e10>", "<Thing at 0x55d0c0ffee00>"),
        ("<Figure size 640x480 with 2 Axes>", "<Figure size 800x600 with 1 Axes>"),
        ("took 1.23 s", "took 0.98 s"),
        ("fit: 45 ms, 812\u00b5s, 3.1 min", "fit: 12 ms, 77\u00b5s, 0.2 min"),
        ("100%|##########| 50/50 [00:01<00:00, 45.2it/s]",
         "100%|\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588| 50/50 [00:02<00:00, 21.9it/s]"),
        ("  0%|          | 0/50 [00:00<?, ?it/s]", "  0%|          | 0/50 [00:00<?, ?it/s]"),
        ("epoch 3: 12.5it/s", "epoch 3: 8.1it/s"),
        ("<img src='data:image/png;base64,iVBORw0KGgoAAA==' width=640/>",
         "<img src='data:image/png;base64,iVBORw0KGgoBBB==' width=640/>"),
    ]
    for left, right in same:
        assert sanitize(left) == sanitize(right), (left, right)
    different = [("3 steps", "4 steps"), ("size 640x480", "size 640x481"), ("0.5", "0.6"),
                 ("depth 10 layers", "depth 12 layers")]
    for left, right in different:
        assert sanitize(left) != sanitize(right), (left, right)


# A 1280 x 800 screen with JupyterLab's file browser open shows about 105 characters of a code
# line at the default font; a few characters of margin for a projector's larger font.
MAX_CODE_LINE = 95


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_lines_fit_a_projector(path):
    long = []
    for i, cell in enumerate(nbtool.read_notebook(path).cells):
        if cell.cell_type == "code":
            long += [(i, len(line)) for line in cell.source.splitlines()
                     if len(line) > MAX_CODE_LINE]
    assert not long, (f"{path.name}: code lines longer than {MAX_CODE_LINE} characters "
                      f"(cell, length): {long}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_bare_assert_in_a_learner_cell(path):
    # claims speak through wi_helpers.claims.claim: strict in CI, one calm line for a learner
    bare = [i for i, cell in enumerate(nbtool.read_notebook(path).cells)
            if cell.cell_type == "code"
            and re.search(r"^\s*assert\b", cell.source, flags=re.M)]
    assert not bare, f"{path.name}: bare assert in cells {bare}: use wi_helpers.claims.claim"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_links_its_references(path):
    text = "\n".join(c.source for c in nbtool.read_notebook(path).cells
                     if c.cell_type == "markdown")
    assert re.search(r"^#+ *References", text, flags=re.M), f"{path.name}: no References section"
    assert re.search(r"\]\(https?://", text), f"{path.name}: References link no paper"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_links_the_glossary(path):
    # the glossary appendix (English / 한국어) lives in notebooks/, where `make lab` serves it
    assert (NOTEBOOK_DIR / "glossary.md").is_file()
    assert any("](glossary.md" in c.source for c in nbtool.read_notebook(path).cells
               if c.cell_type == "markdown"), f"{path.name} does not link glossary.md"
