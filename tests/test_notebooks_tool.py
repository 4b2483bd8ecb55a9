"""`tools/notebooks.py run/clean` never loses a learner's work.

Each test builds a temporary git repository with tiny notebooks, points the tool's
``NOTEBOOK_DIR`` and ``SERIES`` at it and replaces the kernel by a fake executor, so no
kernel starts and the whole file runs in about a second.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from helpers import load_notebook_tool
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

REPO = Path(__file__).resolve().parents[1]


nbtool = load_notebook_tool("wi_notebooks_tool_t")
SERIES = ("00_index.ipynb", "01_a.ipynb", "02_b.ipynb", "03_not_yet.ipynb")


def _git(repo: Path, *args: str) -> str:
    cmd = ["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.com",
           "-c", "commit.gpgsign=false", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def _write(path: Path, title: str, metadata: dict | None = None) -> Path:
    nb = new_notebook(cells=[new_markdown_cell(title), new_code_cell("1 + 1")])
    nb.metadata = metadata or {"kernelspec": dict(nbtool.KERNELSPEC), "language_info": {"name": "python"}}
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A git repo whose notebooks/ holds the committed, clean series 00-02 (03 listed, absent)."""
    root = tmp_path / "repo"
    folder = root / "notebooks"
    folder.mkdir(parents=True)
    _git(root, "init", "-q")
    monkeypatch.setattr(nbtool, "NOTEBOOK_DIR", folder)
    monkeypatch.setattr(nbtool, "SERIES", SERIES)
    for name, title in zip(SERIES[:3], ("# Index", "# A", "# B")):
        _write(folder / name, title)
    assert nbtool.main(["clean"]) == 0
    _git(root, "add", "notebooks")
    _git(root, "commit", "-q", "-m", "series")
    return root, folder


@pytest.fixture
def executed(monkeypatch):
    """Fake executor: records the notebooks it runs and gives the code cell an output.

    ``during[name]`` (a callable) runs while that notebook 'executes' (e.g. an autosave)."""
    calls: list[str] = []
    during: dict = {}

    def fake(nb, cwd, timeout):
        name = nb.cells[0].source
        calls.append(name)
        cell = [c for c in nb.cells if c.cell_type == "code"][-1]
        cell.outputs = [new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
        if name in during:
            during[name]()
        return nbtool.RunResult(True, 0.0)

    monkeypatch.setattr(nbtool, "execute_notebook", fake)
    return calls, during


def _all_clean(folder: Path) -> bool:
    """Every series notebook present is clean and has current navigation."""
    present = [folder / n for n in SERIES if (folder / n).is_file()]
    return bool(present) and all(nbtool.is_clean(p) and nbtool.navigation_is_current(p)
                                 for p in present)


def _outputs(path: Path) -> list:
    return [c.outputs for c in nbtool.read_notebook(path).cells if c.cell_type == "code"]


def test_untracked_notebook_is_not_run_touched_or_linked(repo, executed, capsys):
    root, folder = repo
    calls, _ = executed
    mine = _write(folder / "07_my_notes.ipynb", "# My notes",
                  metadata={"kernelspec": dict(nbtool.KERNELSPEC), "custom": {"keep": 1}})
    mine_bytes = mine.read_bytes()

    assert nbtool.main(["run"]) == 0
    assert calls == ["# Index", "# A", "# B"]  # the series only, in order
    assert mine.read_bytes() == mine_bytes
    for name in SERIES[:3]:
        text = (folder / name).read_text(encoding="utf-8")
        assert "07_my_notes" not in text and "My notes" not in text
        assert _outputs(folder / name)[0][0]["data"]["text/plain"] == "2"
    # The index links forward to 01 only; 02 is the last chapter (no link to the learner's file).
    nav_b = [c.source for c in nbtool.read_notebook(folder / "02_b.ipynb").cells
             if nbtool.is_navigation_cell(c)]
    assert nav_b and all(s.endswith("[Contents](00_index.ipynb)") for s in nav_b)

    # Named explicitly, it is refused by run and clean alike, and stays as it is.
    for command in ("run", "clean"):
        with pytest.raises(SystemExit, match="07_my_notes.ipynb is not one of the series"):
            nbtool.main([command, "07_my_notes.ipynb"])
    assert nbtool.main(["clean"]) == 0 and _all_clean(folder)
    assert mine.read_bytes() == mine_bytes and len(calls) == 3
    assert "07_my_notes" not in capsys.readouterr().out


def test_missing_listed_notebook_is_skipped_with_a_note(repo, executed, capsys):
    _, folder = repo
    calls, _ = executed
    assert nbtool.main(["run"]) == 0
    out = capsys.readouterr().out
    notes = [line for line in out.splitlines() if "03_not_yet.ipynb" in line]
    assert notes == ["note: 03_not_yet.ipynb is in the series but does not exist yet; skipped"]
    assert len(calls) == 3 and not (folder / "03_not_yet.ipynb").exists()
    assert "03_not_yet" not in (folder / "02_b.ipynb").read_text(encoding="utf-8")
    assert _all_clean(folder)


def test_edit_during_run_is_refused_and_outputs_kept_elsewhere(repo, executed, capsys):
    _, folder = repo
    calls, during = executed
    a = folder / "01_a.ipynb"
    autosaved = a.read_text(encoding="utf-8").replace('"1 + 1"', '"1 + 1  # my edit"')
    assert autosaved != a.read_text(encoding="utf-8")
    during["# A"] = lambda: a.write_text(autosaved, encoding="utf-8")  # JupyterLab autosave

    for force in ([], ["--force"]):  # --force never skips this check
        assert nbtool.main(["run", *force, "01_a.ipynb", "02_b.ipynb"]) == 1
        err = capsys.readouterr().err
        assert "01_a.ipynb not overwritten" in err and "changed on disk" in err
        assert a.read_text(encoding="utf-8") == autosaved  # the learner's edit survives
        kept = folder / nbtool.REGENERATED_DIR_NAME / "01_a.ipynb"
        assert kept.name in err and nbtool.is_clean(kept)
        assert _outputs(kept)[0][0]["data"]["text/plain"] == "2"
        assert "my edit" not in kept.read_text(encoding="utf-8")
        assert _outputs(folder / "02_b.ipynb")[0][0]["data"]["text/plain"] == "2"  # others written
        # restore for the --force round (committed bytes, so the start-of-run check passes)
        _git(folder.parent, "checkout", "--", "notebooks")
        kept.unlink()


def test_uncommitted_edits_refused_before_running_and_before_writing(repo, executed, capsys):
    root, folder = repo
    calls, during = executed
    a = folder / "01_a.ipynb"
    committed = a.read_bytes()

    # Before running: a modified notebook stops the whole run; nothing executes or changes.
    a.write_bytes(committed.replace(b'"1 + 1"', b'"2 + 2"'))
    edited = a.read_bytes()
    assert nbtool.main(["run"]) == 2
    err = capsys.readouterr().err
    assert "uncommitted edits" in err and "01_a.ipynb" in err and "--force" in err
    assert calls == [] and a.read_bytes() == edited
    # --force skips this check.
    assert nbtool.main(["run", "--force", "01_a.ipynb"]) == 0 and calls == ["# A"]
    assert _outputs(a)[0][0]["data"]["text/plain"] == "2"

    # Right before writing: same bytes as at the start, but HEAD moved under it (a commit
    # made while the run went on), so the file now differs from HEAD: refused.
    _git(root, "checkout", "--", "notebooks")
    calls.clear()

    def commit_other_version():
        a.write_bytes(committed.replace(b'"1 + 1"', b'"3 + 3"'))
        _git(root, "commit", "-q", "-am", "other")
        a.write_bytes(committed)

    during["# A"] = commit_other_version
    assert nbtool.main(["run", "01_a.ipynb"]) == 1
    err = capsys.readouterr().err
    assert "01_a.ipynb not overwritten" in err and "uncommitted edits" in err
    assert a.read_bytes() == committed
    assert (folder / nbtool.REGENERATED_DIR_NAME / "01_a.ipynb").is_file()


def test_writes_are_atomic(repo, executed, monkeypatch):
    _, folder = repo
    a = folder / "01_a.ipynb"
    before = a.read_bytes()
    replaced = []
    real_replace = nbtool.os.replace

    def recording_replace(src, dst):
        replaced.append((Path(src), Path(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(nbtool.os, "replace", recording_replace)
    assert nbtool.main(["run", "01_a.ipynb"]) == 0
    [(src, dst)] = replaced
    assert dst == a and src.parent == a.parent and src != a and not src.exists()

    # A failure before the replace leaves the old file whole and no temporary file behind.
    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(nbtool.os, "replace", failing_replace)
    after_run = a.read_bytes()
    assert after_run != before
    with pytest.raises(OSError, match="disk full"):
        nbtool.write_text_atomic(a, "{}")
    assert a.read_bytes() == after_run
    assert sorted(p.name for p in folder.iterdir()) == sorted(SERIES[:3])


COMMITTED = [REPO / "notebooks" / n for n in nbtool.SERIES if (REPO / "notebooks" / n).is_file()]


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_clean_with_nbconvert_preprocessors_restores_the_committed_bytes(path):
    """Clean of a committed notebook is a no-op, and clean of a 'dirtied' copy (volatile
    metadata added, stream outputs split, counts scrambled) gives back the same bytes."""
    text = path.read_text(encoding="utf-8")
    assert nbtool.serialize(nbtool.clean_notebook(nbformat.reads(text, as_version=4))) == text
    nb = nbformat.reads(text, as_version=4)
    nb.metadata["widgets"] = {"state": {}}
    nb.metadata["kernelspec"] = {"name": "other", "display_name": "Other", "language": "python"}
    nb.metadata["language_info"]["version"] = "3.11.7"
    for cell in nb.cells:
        cell.metadata["ExecuteTime"] = {"start_time": "now"}
        cell.metadata["scrolled"] = True
        if cell.cell_type != "code":
            continue
        cell.execution_count = 99
        outputs = []
        for out in cell.outputs:
            if out.output_type == "stream" and len(out.text) > 3:
                outputs += [new_output("stream", name=out.name, text=out.text[:3]),
                            new_output("stream", name=out.name, text=out.text[3:])]
            else:
                outputs.append(out)
        cell.outputs = outputs
    assert nbtool.serialize(nb) != text
    assert nbtool.serialize(nbtool.clean_notebook(nb)) == text


def test_the_run_uses_this_interpreter_even_with_a_python3_kernelspec_elsewhere(tmp_path, monkeypatch):
    """A `python3` kernelspec in the user's Jupyter folder (another environment's) does not
    take over `make notebooks`: the kernel is the interpreter running the tool (jupyter_core
    prefers the environment's kernelspecs inside a venv or conda env). One real kernel."""
    data = tmp_path / "jupyter-data"
    spec = data / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        '{"argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"], '
        '"display_name": "Other env", "language": "python"}')
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(data))
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    nb = new_notebook(cells=[new_code_cell("import sys; print(sys.executable)")])
    nb.metadata = {"kernelspec": dict(nbtool.KERNELSPEC)}
    result = nbtool.execute_notebook(nb, tmp_path, timeout=60)
    assert result.ok, result.message
    printed = "".join(o.get("text", "") for o in nb.cells[0].outputs).strip()
    assert Path(printed).resolve() == Path(sys.executable).resolve()
