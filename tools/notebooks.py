#!/usr/bin/env python3
"""Regenerate and clean the course notebooks.

    tools/notebooks.py run   [--force] [--timeout S] [NOTEBOOK ...]
    tools/notebooks.py clean [NOTEBOOK ...]

Only the series' own notebooks are ever touched: the file names in ``SERIES`` (one
list, which also drives the navigation cells). Without NOTEBOOK arguments every
``SERIES`` notebook that exists is processed; a listed one that does not exist yet is
skipped with a one-line note. A NOTEBOOK is a path, or a bare file name looked up in
``notebooks/``; a notebook in ``notebooks/`` outside ``SERIES`` (e.g. a learner's
``07_my_notes.ipynb``) is refused, and never run, rewritten or linked.

run    Refuses (before running anything) when a notebook has uncommitted edits in git:
       changed in the working tree or staged, or untracked, compared with HEAD. Then,
       per notebook: update the navigation cells, execute it with nbclient (working
       directory = the notebook's folder, kernel ``python3`` run by *this* interpreter,
       a per-cell timeout), print the wall time, clean it, and write it back -- only
       if every cell ran. A failing notebook is reported with the cell and the error,
       left untouched on disk, and the command exits 1.
       Right before writing, each file is checked again: its bytes must be those read
       when the run began (no save from JupyterLab in between) and it must still have
       no uncommitted edits. Otherwise the file is left as it is, named in an error,
       and the new outputs go to ``notebooks/.regenerated/NAME`` (exit 1). Writes are
       atomic (a temporary file in the same folder, then ``os.replace``).
       ``--force`` skips the uncommitted-edits checks (use it to regenerate notebooks
       you edited on purpose); it never skips the changed-during-run check.
clean  Update the navigation cells and clean, in place (no execution; atomic writes).
       (Whether the committed notebooks are clean, with current navigation, is a test:
       tests/test_notebooks_clean.py.)

"Clean" (see ``clean_notebook``; nbconvert's CoalesceStreamsPreprocessor and
ClearMetadataPreprocessor do part of it): stream outputs coalesced, execution counts renumbered 1, 2, 3, ... top to
bottom (deterministic, and nbval needs counts), volatile cell metadata dropped,
notebook metadata reduced to a fixed kernelspec and ``language_info.name``, widget
state removed, widget-view mime bundles reduced to their static fallbacks, and the
JSON written by ``nbformat`` (indent 1, sorted keys, trailing newline).
Outputs are kept: the notebooks are committed executed so that they read well on
GitHub.

Navigation (see ``update_navigation``): every ``NN_*.ipynb`` notebook gets a markdown
cell right after its first cell and one at the very end, both starting with
``<!--NAVIGATION-->`` and linking to the previous notebook, the contents
(``00_index.ipynb``) and the next notebook, labelled ``NN <first "# " heading>``.
The index links only forward. Regenerating is idempotent.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
# Where `run` keeps new outputs it refuses to write over a notebook (git-ignored).
REGENERATED_DIR_NAME = ".regenerated"

# The series, in order: the only notebooks this tool runs, cleans or links.
# A listed notebook that does not exist yet is skipped with a note.
SERIES = (
    "00_index.ipynb",
    "01_vanishing_exploding_gradients.ipynb",
    "02_logistic_saturation.ipynb",
    "03_tanh_zero_mean.ipynb",
    "04_glorot_derivation.ipynb",
    "05_training_experiments.ipynb",
    "06_explorer.ipynb",
    "07_relu_he_frameworks.ipynb",
    "08_orthogonal_isometry.ipynb",
    "09_order_chaos_phase_diagram.ipynb",
    "10_residual_normalization.ipynb",
    "11_width_mup.ipynb",
)

INDEX_NAME = "00_index.ipynb"
NAV_MARKER = "<!--NAVIGATION-->"
SEQUENCE_PATTERN = re.compile(r"^(\d\d)_.+\.ipynb$")
DEFAULT_CELL_TIMEOUT = 300  # seconds, per cell

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {"name": "python"}
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
# Cell metadata worth committing: intent set by authors, not UI/execution state.
# ``jupyter`` carries e.g. ``source_hidden`` for collapsed solutions. Everything
# else (``execution``, ``ExecuteTime``, ``scrolled``, ``collapsed``, ...) is dropped.
KEPT_CELL_METADATA = ("tags", "jupyter", "editable", "deletable", "slideshow", "raw_mimetype")
# What a widget output shows when it has no static fallback at all (rare:
# ipywidgets always sends text/plain).
WIDGET_PLACEHOLDER = "[interactive widget: run the notebook to display it]"


# --------------------------------------------------------------------------- I/O


def read_notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def serialize(nb: nbformat.NotebookNode) -> str:
    """The committed form: nbformat's JSON (indent 1, sorted keys) plus a newline."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: temp file in the same folder, then os.replace."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    write_text_atomic(path, serialize(nb))


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes (what `run` compares before writing)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ------------------------------------------------------------------------- clean


def _clean_output(output: dict, count: int | None) -> None:
    if output.get("output_type") == "execute_result":
        output["execution_count"] = count
    data = output.get("data")
    if isinstance(data, dict) and WIDGET_VIEW_MIME in data:
        # The widget state is not committed, so the view could not render; keep the
        # static fallbacks (image/png, text/html, text/plain) that GitHub shows.
        del data[WIDGET_VIEW_MIME]
        if output.get("metadata"):
            output["metadata"].pop(WIDGET_VIEW_MIME, None)
        if not data:
            data["text/plain"] = WIDGET_PLACEHOLDER


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip volatile state from ``nb`` in place and return it (idempotent).

    Execution counts are not nulled but renumbered 1, 2, 3, ... over the non-empty
    code cells, top to bottom (what a clean top-to-bottom run gives anyway): as
    deterministic as null, and nbval needs them -- it rejects a cell whose
    execution_count is null but which has outputs ("Unrun reference cell has
    outputs"), and compares outputs only for cells with a count.
    """
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CoalesceStreamsPreprocessor

    # nbconvert: consecutive stream outputs of one name joined (how a kernel splits printed
    # text into messages depends on flush timing), code-cell metadata reduced to
    # KEPT_CELL_METADATA, notebook metadata to language_info.name.
    CoalesceStreamsPreprocessor().preprocess(nb, {})
    ClearMetadataPreprocessor(preserve_cell_metadata_mask=set(KEPT_CELL_METADATA)).preprocess(nb, {})
    count = 0
    for cell in nb.cells:
        # ClearMetadataPreprocessor leaves markdown and raw cells alone; same rule for them.
        cell["metadata"] = nbformat.from_dict(
            {k: v for k, v in cell.get("metadata", {}).items() if k in KEPT_CELL_METADATA}
        )
        if cell.cell_type == "code":
            number = None
            if cell.source.strip():
                count += 1
                number = count
            cell["execution_count"] = number
            for output in cell.get("outputs", []):
                _clean_output(output, number)
    nb["metadata"] = nbformat.from_dict(
        {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)}
    )
    return nb


def is_clean(path: Path) -> bool:
    """True when the file is byte-for-byte what ``clean`` would write."""
    text = Path(path).read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    return text == serialize(clean_notebook(nb))


# -------------------------------------------------------------------- navigation


@dataclass(frozen=True)
class NavEntry:
    name: str  # file name, e.g. "01_vanishing_exploding_gradients.ipynb"
    label: str  # link text, e.g. "01 Vanishing and exploding gradients"


def notebook_title(nb: nbformat.NotebookNode) -> str | None:
    """The text of the first level-1 markdown heading (``# Title``), if any."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            m = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
            if m:
                return m.group(1).strip()
    return None


def nav_label(name: str, nb: nbformat.NotebookNode) -> str:
    number = SEQUENCE_PATTERN.match(name).group(1)
    title = notebook_title(nb)
    if title:
        # "# 01 · Vanishing ..." or "# 1. Vanishing ..." -> "Vanishing ..."
        title = re.sub(r"^\d+\s*[.:·—–-]?\s*", "", title) or title
    else:
        title = name[len(number) + 1 : -len(".ipynb")].replace("_", " ").capitalize()
    return f"{number} {title}"


def navigation_entries(folder: Path) -> list[NavEntry]:
    """The ``SERIES`` notebooks present in ``folder``, in order, with their link labels.

    Nothing else in the folder (a learner's own notebook) is linked."""
    entries = []
    for name in SERIES:
        path = Path(folder) / name
        if path.is_file():
            entries.append(NavEntry(name, nav_label(name, read_notebook(path))))
    return entries


def navigation_line(name: str, entries: list[NavEntry]) -> str | None:
    """``< [prev](prev.ipynb) | [Contents](00_index.ipynb) | [next](next.ipynb) >``.

    None for a notebook outside the ``NN_*`` sequence. The index gets only the
    forward link; the notebook right after the index links back via "Contents".
    """
    names = [e.name for e in entries]
    if name not in names:
        return None
    has_index = INDEX_NAME in names
    chapters = [e for e in entries if e.name != INDEX_NAME]
    if name == INDEX_NAME:
        return f"[{chapters[0].label}]({chapters[0].name}) >" if chapters else ""
    i = [e.name for e in chapters].index(name)
    parts = []
    if i > 0:
        parts.append(f"< [{chapters[i - 1].label}]({chapters[i - 1].name})")
    if has_index:
        parts.append(f"[Contents]({INDEX_NAME})")
    if i + 1 < len(chapters):
        parts.append(f"[{chapters[i + 1].label}]({chapters[i + 1].name}) >")
    return " | ".join(parts)


def is_navigation_cell(cell: dict) -> bool:
    return cell.get("cell_type") == "markdown" and cell.get("source", "").startswith(NAV_MARKER)


def update_navigation(nb: nbformat.NotebookNode, line: str) -> nbformat.NotebookNode:
    """Put exactly two navigation cells in ``nb`` (in place): after the first cell
    and at the end. Existing marker cells are replaced, keeping their ids/metadata."""
    source = f"{NAV_MARKER}\n{line}"
    cells = nb.cells
    old = [(i, c) for i, c in enumerate(cells) if is_navigation_cell(c)]
    old_top = next((c for i, c in old if i == 1), None)
    old_bottom = next((c for i, c in old if i == len(cells) - 1 and c is not old_top), None)
    rest = [c for c in cells if not is_navigation_cell(c)]
    with_ids = nb.get("nbformat_minor", 0) >= 5
    taken = {c.get("id") for c in rest}

    def make(previous, default_id):
        cell = nbformat.v4.new_markdown_cell(source)
        if previous is not None:
            cell["metadata"] = previous.get("metadata", {})
        if with_ids:
            wanted = previous.get("id") if previous is not None else None
            for candidate in (wanted, default_id, *(f"{default_id}-{k}" for k in range(2, 99))):
                if candidate and candidate not in taken:
                    cell["id"] = candidate
                    taken.add(candidate)
                    break
        else:
            cell.pop("id", None)
        return cell

    top = make(old_top, "navigation-top")
    bottom = make(old_bottom, "navigation-bottom")
    nb["cells"] = rest[:1] + [top] + rest[1:] + [bottom]
    return nb


def navigation_is_current(path: Path, entries: list[NavEntry] | None = None) -> bool:
    """True when the navigation cells of ``path`` are what ``update_navigation`` makes."""
    path = Path(path)
    entries = navigation_entries(path.parent) if entries is None else entries
    line = navigation_line(path.name, entries)
    if line is None:
        return True
    nb = read_notebook(path)
    before = nbformat.writes(nb)
    return nbformat.writes(update_navigation(nb, line)) == before


def apply_navigation(nb, path: Path, cache: dict) -> nbformat.NotebookNode:
    folder = Path(path).resolve().parent
    if folder not in cache:
        cache[folder] = navigation_entries(folder)
    line = navigation_line(Path(path).name, cache[folder])
    return nb if line is None else update_navigation(nb, line)


# ------------------------------------------------------------------------ git


class GitError(RuntimeError):
    pass


def _git(path: Path, *args: str) -> int:
    """Exit status (0 or 1) of ``git -C <path's folder> ARGS``; GitError for anything else
    (git missing, not a work tree, no commit yet)."""
    try:
        res = subprocess.run(["git", "--no-optional-locks", "-C", str(path.parent), *args],
                             capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    if res.returncode > 1:
        raise GitError(f"{path.parent} is not in a git work tree with a commit "
                       f"({res.stderr.strip()})")
    return res.returncode


def uncommitted_notebooks(paths: list[Path]) -> list[Path]:
    """The tracked ``paths`` whose content differs from HEAD, in the working tree or the
    index (``git diff --quiet HEAD -- path``). Untracked files are not reported here (see
    ``untracked_notebooks``)."""
    resolved = [Path(p).resolve() for p in paths]
    return sorted(p for p in resolved if _git(p, "diff", "--quiet", "HEAD", "--", p.name))


def untracked_notebooks(paths: list[Path]) -> list[Path]:
    """The ``paths`` that git does not track (a learner's copy: nothing in git to restore)."""
    resolved = [Path(p).resolve() for p in paths]
    return [p for p in resolved if _git(p, "ls-files", "--error-unmatch", "--", p.name)]


def unsafe_to_overwrite(paths: list[Path]) -> list[Path]:
    """``paths`` with uncommitted edits (changed, staged or untracked) compared with HEAD."""
    return sorted(set(uncommitted_notebooks(paths)) | set(untracked_notebooks(paths)))


# ------------------------------------------------------------------ execution


@dataclass
class RunResult:
    ok: bool
    seconds: float
    message: str = ""


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def execute_notebook(nb: nbformat.NotebookNode, cwd: Path, timeout: float,
                     strict: bool = True) -> RunResult:
    """Execute ``nb`` in place. Never raises for notebook errors; see RunResult.

    strict: the kernel runs with WI_STRICT_CLAIMS=1, so a claim of the text that does not hold
    fails the run (``wi_helpers.claims``); False runs it as a learner's kernel would.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellControlSignal, DeadKernelError

    current = {"index": None}

    def on_cell_start(cell, cell_index, **_):
        current["index"] = cell_index

    import zmq
    from traitlets.config import Config

    # kernel "python3" is this interpreter's own: inside a virtualenv or conda environment,
    # jupyter_core (>= 5) puts the environment's kernelspecs before the user's (a test checks it).
    # CurveZMQ when available: ipykernel warns about plain-text TCP otherwise.
    config = Config({"KernelManager": {
        "transport_encryption": "auto" if zmq.has("curve") else "disabled"}})
    client = NotebookClient(
        nb, kernel_name=KERNELSPEC["name"], config=config,
        timeout=timeout, startup_timeout=120,
        resources={"metadata": {"path": str(cwd)}},
        record_timing=False, store_widget_state=False, on_cell_start=on_cell_start,
    )
    env = dict(os.environ)
    if strict:
        env["WI_STRICT_CLAIMS"] = "1"
    else:
        env.pop("WI_STRICT_CLAIMS", None)
    start = time.perf_counter()
    try:
        client.execute(env=env)
    except (CellControlSignal, DeadKernelError, TimeoutError, RuntimeError) as exc:
        seconds = time.perf_counter() - start
        i = current["index"]
        where = "before the first cell"
        if i is not None:
            first = (nb.cells[i].source.strip().splitlines() or [""])[0]
            code_no = sum(1 for c in nb.cells[: i + 1] if c.cell_type == "code")
            where = f"code cell #{code_no} ({first[:70]!r})"
        detail = getattr(exc, "ename", None)
        summary = f"{detail}: {exc.evalue}" if detail else f"{type(exc).__name__}: {exc}"
        message = f"failed in {where}\n  {_strip_ansi(summary.splitlines()[0] if summary else '')}"
        if getattr(exc, "traceback", None):
            message += "\n" + "\n".join("    " + l for l in _strip_ansi(str(exc)).splitlines()[-25:])
        return RunResult(False, seconds, message)
    return RunResult(True, time.perf_counter() - start)


def stderr_cells(nb: nbformat.NotebookNode) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
            and any(o.get("output_type") == "stream" and o.get("name") == "stderr"
                    for o in c.get("outputs", []))]


# ------------------------------------------------------------------------ CLI


def resolve_notebooks(names: list[str]) -> list[Path]:
    """The ``SERIES`` notebooks to process: all existing ones, or the named ones.

    A listed notebook that does not exist yet is skipped with a note; a name outside
    ``SERIES`` is refused (the tool never touches a learner's own notebook)."""
    if not names:
        paths = []
        for name in SERIES:
            p = NOTEBOOK_DIR / name
            if p.is_file():
                paths.append(p)
            else:
                print(f"note: {name} is in the series but does not exist yet; skipped")
        return paths
    paths = []
    for name in names:
        p = Path(name)
        if not p.exists() and (NOTEBOOK_DIR / name).exists():
            p = NOTEBOOK_DIR / name
        # In notebooks/ only the series is touched; an explicit path elsewhere (a scratch
        # copy, the tests' temporary folders) is the caller's deliberate choice.
        if p.resolve().parent == NOTEBOOK_DIR.resolve() and p.name not in SERIES:
            raise SystemExit(f"error: {name} is not one of the series' notebooks "
                             f"(SERIES in tools/notebooks.py); this tool only touches those")
        if not p.is_file():
            raise SystemExit(f"error: no such notebook: {name}")
        paths.append(p)
    return paths


def _rel(p: Path) -> str:
    p = Path(p).resolve()
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def save_elsewhere(path: Path, text: str) -> Path:
    """Keep refused new outputs in ``<folder>/.regenerated/NAME``; return that path."""
    target = Path(path).resolve().parent / REGENERATED_DIR_NAME / Path(path).name
    target.parent.mkdir(exist_ok=True)
    write_text_atomic(target, text)
    return target


def why_not_writable(path: Path, digest: str, force: bool) -> str | None:
    """Why ``path`` must not be overwritten now, or None when it is safe."""
    if not Path(path).is_file() or file_digest(path) != digest:
        return "it changed on disk while the run was going on (saved from JupyterLab?)"
    if not force:
        try:
            if unsafe_to_overwrite([path]):
                return "it has uncommitted edits (compared with git HEAD)"
        except GitError as exc:
            return f"cannot tell whether it has uncommitted edits: {exc}"
    return None


def cmd_run(paths: list[Path], force: bool, timeout: float) -> int:
    # Read every file once, before anything runs: a later save is detected by its hash.
    digests = {Path(p): file_digest(p) for p in paths}
    if not force:
        try:
            dirty = unsafe_to_overwrite(paths)
        except GitError as exc:
            print(f"error: cannot tell whether the notebooks have uncommitted edits: {exc}.\n"
                  "Re-run with --force to overwrite them anyway.", file=sys.stderr)
            return 2
        if dirty:
            print("error: refusing to overwrite notebooks with uncommitted edits "
                  "(changed, staged or untracked, compared with git HEAD):", file=sys.stderr)
            for p in dirty:
                print(f"  {_rel(p)}", file=sys.stderr)
            print("Commit (or discard) those edits first, or re-run with --force to "
                  "overwrite them.", file=sys.stderr)
            return 2
    cache: dict = {}
    failed = []
    total = time.perf_counter()
    for path in paths:
        nb = apply_navigation(nbformat.reads(Path(path).read_bytes().decode("utf-8"), as_version=4),
                              path, cache)
        print(f"{_rel(path)}: running ...", flush=True)
        result = execute_notebook(nb, Path(path).resolve().parent, timeout)
        if not result.ok:
            print(f"{_rel(path)}: FAILED after {result.seconds:.1f} s, not written; "
                  f"{result.message}", file=sys.stderr, flush=True)
            failed.append(path)
            continue
        text = serialize(clean_notebook(nb))
        why = why_not_writable(path, digests[Path(path)], force)
        if why is not None:
            kept = save_elsewhere(path, text)
            print(f"error: {_rel(path)} not overwritten: {why}. The new outputs are in "
                  f"{_rel(kept)}.", file=sys.stderr, flush=True)
            failed.append(path)
            continue
        write_text_atomic(path, text)
        print(f"{_rel(path)}: ok in {result.seconds:.1f} s", flush=True)
        for i in stderr_cells(nb):
            print(f"{_rel(path)}: warning: cell {i} wrote to stderr (the notebook tests "
                  "reject this)", file=sys.stderr)
    print(f"{len(paths) - len(failed)}/{len(paths)} notebooks regenerated in "
          f"{time.perf_counter() - total:.1f} s")
    if failed:
        print("failed: " + ", ".join(_rel(p) for p in failed), file=sys.stderr)
        return 1
    return 0


def cmd_clean(paths: list[Path]) -> int:
    cache: dict = {}
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        nb = clean_notebook(apply_navigation(nbformat.reads(text, as_version=4), path, cache))
        new = serialize(nb)
        if new != text:
            write_text_atomic(path, new)
            print(f"cleaned {_rel(path)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/notebooks.py", description="Regenerate and clean the course notebooks.",
        epilog=__doc__.split("\n\n", 2)[2], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="update navigation, execute, clean and write notebooks")
    run.add_argument("--force", action="store_true",
                     help="overwrite notebooks even if they have uncommitted edits (never "
                          "one that changed on disk during the run)")
    run.add_argument("--timeout", type=float, default=DEFAULT_CELL_TIMEOUT,
                     help=f"per-cell timeout in seconds (default {DEFAULT_CELL_TIMEOUT})")
    run.add_argument("notebooks", nargs="*", metavar="NOTEBOOK")
    sub.add_parser("clean", help="update navigation and clean in place (no execution)"
                   ).add_argument("notebooks", nargs="*", metavar="NOTEBOOK")
    args = parser.parse_args(argv)
    paths = resolve_notebooks(args.notebooks)
    if not paths:
        print("no notebooks found")
        return 0
    if args.command == "run":
        return cmd_run(paths, args.force, args.timeout)
    return cmd_clean(paths)


if __name__ == "__main__":
    sys.exit(main())
