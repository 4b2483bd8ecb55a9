#!/usr/bin/env python3
"""The classroom pack: a student copy, slides, a static site and the explorer app.

    tools/classroom.py student  [--out DIR]   build/student/: the series without solutions
    tools/classroom.py slides   [--out DIR]   build/slides/: a reveal.js deck per notebook
    tools/classroom.py site     [--out DIR]   build/site/: HTML of every notebook + index.html
    tools/classroom.py vendor                 fetch reveal.js, MathJax 2, require.js, jQuery
    tools/classroom.py explorer [--port N]    notebook 06's dashboards as a Voila app
    tools/classroom.py lab      [--port N]    JupyterLab on build/student/
    tools/classroom.py time                   run each notebook once, print its wall time
    tools/classroom.py load [--learners N..]  N simulated learners moving sliders at once

Every command works on whatever the series is (``SERIES`` in tools/notebooks.py: the
notebooks that exist) and never writes into ``notebooks/``.

student  Each series notebook with its solutions removed (every ``<details>...</details>``
         block of a markdown cell; a cell left empty goes) and the outputs of its exercise
         cells (code cells calling ``nbNN.check_...(``) cleared; the checkers and their hints
         stay. The notebooks' other stored outputs stay, so the copy reads like the original.
         The notebooks' ``*.md`` companions (glossary, source notes) are copied beside them.
         This folder is the learners' working copy: JupyterLab's autosave writes here, never
         into the git-tracked ``notebooks/``. Running ``student`` again updates it without
         losing a learner's work: ``.classroom-manifest.json`` records the hash of every file
         as written; a file that still has that hash is replaced by the new version, a file
         the learner changed is left alone and the new version is written beside it as
         ``NAME.course-update.ipynb`` (one line says so). Nothing is ever merged silently.
slides   nbconvert's slides exporter with slide types assigned by rule (no stored metadata
         needed): a new slide at each ``#``/``##`` heading, a sub-slide (down arrow) for each
         cell with a figure, navigation cells skipped. reveal.js, MathJax, require.js and
         jQuery are served from ``vendor/`` beside the decks (no CDN): see ``vendor``.
site     nbconvert's HTML exporter (``lab`` template) for every notebook and its ``*.md``
         companions, links between notebooks pointing at the ``.html`` pages, an
         ``index.html``, and MathJax served from ``vendor/`` (offline).
In both, a dashboard shows the static figure stored in the notebook (its PNG snapshot),
followed by a line saying how to run it live.
vendor   ``npm pack`` of the pinned packages in ``VENDOR`` into ``build/vendor/`` (once; a
         stamp file names the versions), pruned to what the pages load. Needs npm.
explorer ``voila`` on 127.0.0.1 serving notebook 06 without its code (needs the extra
         requirements-classroom.txt).
lab      JupyterLab on build/student/ (the learners' working copy).
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

import nbformat  # noqa: E402

from notebooks import (  # noqa: E402
    NAV_MARKER, NOTEBOOK_DIR, SERIES, execute_notebook, file_digest, notebook_title,
    read_notebook, serialize, write_text_atomic,
)

BUILD = REPO / "build"
MANIFEST = ".classroom-manifest.json"
UPDATE_SUFFIX = ".course-update"
EXPLORER = "06_explorer.ipynb"

DETAILS = re.compile(r"<details\b.*?</details>[ \t]*\n?", re.S | re.I)
EXERCISE = re.compile(r"\bnb\d\d\.check_\w*\(")
DASHBOARD = re.compile(r"\b\w+_dashboard\(")
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg")

# npm packages for the offline pages: name -> (npm spec, paths kept inside the package).
# MathJax 2 because nbconvert's templates configure it (MathJax.Hub, single-$ inline maths).
# reveal.js's "white" theme: its font ships in dist/theme/fonts ("simple", nbconvert's
# default, imports web fonts).
VENDOR = {
    "reveal.js": ("reveal.js@4.6.0", ["dist", "plugin/notes", "LICENSE"]),
    "mathjax": ("mathjax@2.7.9", [
        "MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "extensions",
        "jax/input/TeX", "jax/output/CommonHTML", "jax/element", "fonts/HTML-CSS/TeX/woff",
        "localization/en", "LICENSE"]),
    "requirejs": ("requirejs@2.3.8", ["require.js"]),
    "jquery": ("jquery@3.7.1", ["dist/jquery.min.js", "LICENSE.txt"]),
}
VENDOR_DIR = BUILD / "vendor"
MATHJAX_URL = "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
# The templates import mermaid from a CDN; the series draws no mermaid diagram, so a stub.
MERMAID_STUB = "export default { initialize() {} };\n"


def live_note(name: str) -> str:
    """The line under a dashboard's static figure saying how to run it live."""
    extra = " or, without the code, `make explorer`" if name == EXPLORER else ""
    return (f"*This is a static snapshot of an interactive dashboard. To move its sliders, "
            f"run `make lab` and open `{name}`{extra}.*")


# ------------------------------------------------------------------ student copy


def kernel_language_info(timeout: float = 60) -> dict | None:
    """The ``language_info`` this machine's "python3" kernel reports (None if it won't start).

    JupyterLab writes the kernel's language_info into a notebook's metadata as soon as the
    kernel connects, and marks the notebook modified unless the stored value is already equal
    (deep comparison). The committed notebooks keep only ``{"name": "python"}`` (no machine's
    Python version), so the student copy stores the full value of the kernel that will run it.
    """
    import zmq
    from jupyter_client import KernelManager

    # CurveZMQ when available, as tools/notebooks.py does (ipykernel warns about plain TCP).
    km = KernelManager(kernel_name="python3",
                       transport_encryption="auto" if zmq.has("curve") else "disabled")
    try:
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=timeout)
    except Exception as exc:  # noqa: BLE001 -- the copy is still usable without it
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        print(f"note: no python3 kernel ({exc}); opening a notebook will mark it modified")
        return None
    try:
        return dict(kc.kernel_info(reply=True, timeout=timeout)["content"]["language_info"])
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def student_notebook(nb: nbformat.NotebookNode,
                     language_info: dict | None = None) -> nbformat.NotebookNode:
    """A copy of ``nb`` without solution blocks and with exercise cells' outputs cleared.

    ``language_info``: the kernel's (see ``kernel_language_info``), stored in the metadata."""
    nb = copy.deepcopy(nb)
    if language_info:
        nb.metadata["language_info"] = nbformat.from_dict(language_info)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.search(r"<details\b", cell.source, re.I):
            cell.source = DETAILS.sub("", cell.source).strip("\n")
            if not cell.source.strip():
                continue
        if cell.cell_type == "code" and EXERCISE.search(cell.source):
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    return nb


def solution_blocks(nb: nbformat.NotebookNode) -> list[str]:
    """The text of every ``<details>`` block in ``nb``'s markdown cells."""
    return [m.group(0) for c in nb.cells if c.cell_type == "markdown"
            for m in DETAILS.finditer(c.source)]


def companions(src: Path) -> list[Path]:
    """The markdown files beside the notebooks (glossary, source notes)."""
    return sorted(p for p in Path(src).glob("*.md") if p.is_file())


def series_paths(src: Path) -> list[Path]:
    return [Path(src) / n for n in SERIES if (Path(src) / n).is_file()]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def update_file(target: Path, text: str, manifest: dict) -> str:
    """Write ``text`` to ``target`` unless the learner changed it; say what was done.

    ``manifest`` maps file names to the hash of what was last written there."""
    name = target.name
    new = _sha(text)
    if not target.exists():
        write_text_atomic(target, text)
        manifest[name] = new
        return "new"
    current = file_digest(target)
    if current == new:
        manifest[name] = new
        return "unchanged"
    if manifest.get(name) == current:
        write_text_atomic(target, text)
        manifest[name] = new
        return "updated"
    if manifest.get(name) == new:
        return "kept (your edits; no course change)"
    beside = target.with_name(target.stem + UPDATE_SUFFIX + target.suffix)
    write_text_atomic(beside, text)
    return f"kept (your edits); the new version is {beside.name}"


def build_student(src: Path = NOTEBOOK_DIR, out: Path = BUILD / "student",
                  language_info: dict | None | bool = True) -> dict[str, str]:
    """Write or update the student copy; return {file name: what was done}.

    ``language_info``: True asks this machine's kernel (``kernel_language_info``), a dict is
    used as is, None/False stores none."""
    if language_info is True:
        language_info = kernel_language_info()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    done = {}
    for path in series_paths(src):
        text = serialize(student_notebook(read_notebook(path), language_info or None))
        done[path.name] = update_file(out / path.name, text, manifest)
    for path in companions(src):
        done[path.name] = update_file(out / path.name, path.read_text(encoding="utf-8"), manifest)
    write_text_atomic(manifest_path, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return done


# ------------------------------------------------------------------ vendor


def vendor(dest: Path = VENDOR_DIR) -> Path:
    """Fetch the pinned npm packages into ``dest`` (skipped when the stamp matches)."""
    dest = Path(dest)
    stamp = dest / ".stamp"
    wanted = json.dumps(VENDOR, sort_keys=True)
    if stamp.is_file() and stamp.read_text() == wanted:
        return dest
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("error: npm is needed to fetch reveal.js and MathJax for offline "
                         "pages (apt-get install npm), or copy a build/vendor/ from elsewhere")
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, (spec, keep) in VENDOR.items():
            res = subprocess.run([npm, "pack", spec, "--silent", "--pack-destination", tmp],
                                 capture_output=True, text=True)
            if res.returncode != 0:
                raise SystemExit(f"error: npm pack {spec} failed: {res.stderr.strip()[-500:]}")
            tgz = Path(tmp) / res.stdout.strip().splitlines()[-1]
            unpacked = Path(tmp) / name
            with tarfile.open(tgz) as tar:
                tar.extractall(unpacked, filter="data")
            target = dest / name
            shutil.rmtree(target, ignore_errors=True)
            for rel in keep:
                src = unpacked / "package" / rel
                if not src.exists():
                    raise SystemExit(f"error: {spec} has no {rel}")
                (target / rel).parent.mkdir(parents=True, exist_ok=True)
                if src.is_dir():
                    shutil.copytree(src, target / rel)
                else:
                    shutil.copy2(src, target / rel)
    (dest / "mermaid-stub.mjs").write_text(MERMAID_STUB)
    stamp.write_text(wanted)
    return dest


def install_vendor(out: Path, names: tuple[str, ...]) -> None:
    """Copy the vendored packages ``names`` (and the mermaid stub) into ``out/vendor``."""
    source = vendor()
    for name in names:
        shutil.copytree(source / name, out / "vendor" / name, dirs_exist_ok=True)
    shutil.copy2(source / "mermaid-stub.mjs", out / "vendor" / "mermaid-stub.mjs")


# ------------------------------------------------------------------ slides and site


def with_live_notes(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """``nb`` for export: a markdown line after each dashboard cell (how to run it live),
    nbval's ``# NBVAL_...`` marker lines dropped."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type == "code":  # nbval's markers are for the tests, not the audience
            cell.source = re.sub(r"^# NBVAL_\w+[ \t]*\n?", "", cell.source, flags=re.M)
        if cell.cell_type == "code" and DASHBOARD.search(cell.source):
            note = nbformat.v4.new_markdown_cell(live_note(name))
            note.pop("id", None)
            cells.append(note)
    nb.cells = cells
    nb.nbformat_minor = min(nb.nbformat_minor, 4)  # no ids needed for export
    for c in nb.cells:
        c.pop("id", None)
    return nb


def has_figure(cell) -> bool:
    return cell.cell_type == "code" and any(
        m in o.get("data", {}) for o in cell.get("outputs", []) for m in IMAGE_MIMES)


def slide_types(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Set ``metadata.slideshow.slide_type`` on every cell by rule (in place)."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.source.startswith(NAV_MARKER):
            kind = "skip"
        elif i == 0 or (cell.cell_type == "markdown"
                        and re.match(r"#{1,2}\s", cell.source.lstrip())):
            kind = "slide"
        elif has_figure(cell):
            kind = "subslide"
        else:
            kind = "-"
        cell.metadata["slideshow"] = {"slide_type": kind}
    return nb


def link_html(body: str, names: list[str]) -> str:
    """Point links to the series' notebooks and companions at their HTML pages."""
    for name in names:
        stem = Path(name).stem
        body = re.sub(rf'href="{re.escape(name)}(#[^"]*)?"',
                      lambda m, s=stem: f'href="{s}.html{m.group(1) or ""}"', body)
    return body


def _exporter(kind: str):
    from traitlets.config import Config

    conf = Config()
    common = {"mathjax_url": MATHJAX_URL, "require_js_url": "vendor/requirejs/require.js",
              "jquery_url": "vendor/jquery/dist/jquery.min.js"}
    if kind == "slides":
        from nbconvert import SlidesExporter

        conf.SlidesExporter = Config(dict(common, reveal_url_prefix="vendor/reveal.js",
                                   reveal_scroll=True, font_awesome_url="",
                                          reveal_theme="white"))
        exporter = SlidesExporter(config=conf)
    else:
        from nbconvert import HTMLExporter

        conf.HTMLExporter = Config(dict(common, template_name="lab"))
        exporter = HTMLExporter(config=conf)
    # Not configurable traits (nbconvert 7.17), so set on the instance.
    exporter.mermaid_js_url = "./vendor/mermaid-stub.mjs"
    exporter.mermaid_layout_elk_js_url = ""
    return exporter


def markdown_notebook(path: Path) -> nbformat.NotebookNode:
    """A one-cell notebook holding a markdown file (so it exports like the notebooks)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        path.read_text(encoding="utf-8"))])
    nb.nbformat_minor = 4
    nb.cells[0].pop("id", None)
    nb.metadata["title"] = path.stem
    return nb


def build_slides(src: Path = NOTEBOOK_DIR, out: Path = BUILD / "slides") -> list[Path]:
    """One reveal.js deck per series notebook in ``out``; return their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    install_vendor(out, ("reveal.js", "mathjax", "requirejs", "jquery"))
    exporter = _exporter("slides")
    written = []
    for path in series_paths(src):
        nb = slide_types(with_live_notes(read_notebook(path), path.name))
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        body = re.sub(r'href="(\d\d_[^"#]+)\.ipynb', r'href="\1.slides.html', body)
        target = out / f"{path.stem}.slides.html"
        write_text_atomic(target, body)
        written.append(target)
    return written


def build_site(src: Path = NOTEBOOK_DIR, out: Path = BUILD / "site") -> list[Path]:
    """HTML pages for every series notebook and companion, and an index; return the pages."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    install_vendor(out, ("mathjax", "requirejs", "jquery"))
    exporter = _exporter("html")
    notebooks, mds = series_paths(src), companions(src)
    names = [p.name for p in notebooks + mds]
    pages, rows = [], []
    for path in notebooks + mds:
        if path.suffix == ".ipynb":
            nb = with_live_notes(read_notebook(path), path.name)
            title = notebook_title(nb) or path.stem
        else:
            nb = markdown_notebook(path)
            title = notebook_title(nb) or path.name
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
        target = out / f"{path.stem}.html"
        write_text_atomic(target, link_html(body, names))
        pages.append(target)
        rows.append(f'<li><a href="{target.name}">{html.escape(title)}</a></li>')
    index = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<title>Weight initialization: the notebooks</title></head><body>\n"
             "<h1>Weight initialization: the notebooks</h1>\n"
             "<p>Static pages: the dashboards show their stored figures. To run the "
             "notebooks and move the sliders, clone the repository and run "
             "<code>make lab</code>.</p>\n<ul>\n" + "\n".join(rows) + "\n</ul>\n</body></html>\n")
    write_text_atomic(out / "index.html", index)
    return [out / "index.html", *pages]


# ------------------------------------------------------------------ explorer


def explorer_command(port: int, notebook: Path = NOTEBOOK_DIR / EXPLORER) -> list[str]:
    """The Voila command line serving ``notebook`` on 127.0.0.1 without its code.

    Voila runs the notebook in a fresh kernel per visitor and shows only its outputs
    (markdown and the dashboards); the token-free server listens on localhost only."""
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser",
            f"--port={port}", "--Voila.ip=127.0.0.1", "--strip_sources=True",
            "--theme=light"]


def lab_command(port: int, folder: Path = BUILD / "student") -> list[str]:
    """JupyterLab on the student copy (localhost only, token kept)."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={folder}",
           "--ip=127.0.0.1", f"--port={port}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI run as root
    return cmd


def voila_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("voila") is not None


# ------------------------------------------------------------------ timings


def time_notebooks(src: Path = NOTEBOOK_DIR, timeout: float = 600) -> dict[str, float | None]:
    """Execute every series notebook top to bottom (nothing written); seconds per notebook.

    None for a notebook that failed. The figure an instructor plans with: "Run All" time."""
    times: dict[str, float | None] = {}
    for path in series_paths(src):
        result = execute_notebook(read_notebook(path), path.parent, timeout, strict=False)
        times[path.name] = result.seconds if result.ok else None
        shown = f"{result.seconds:.1f} s" if result.ok else f"FAILED ({result.message[:200]})"
        print(f"{path.name}: {shown}", flush=True)
    return times


# ------------------------------------------------------------------ load


def _learner(args: tuple[int, int, float, int]) -> list[float]:
    """One simulated learner: a dashboard of its own, ``updates`` depth-slider moves, one every
    ``pause`` s; returns each move's kernel-side time (callback + the redraw the frontend asks
    for), what a learner waits for between the key press and the new figure minus the
    network and the browser. Run in a process of its own, as each learner's kernel is."""
    seed, updates, pause, start_at = args
    import time as _time

    from wi_helpers import widgets

    dash = widgets.variance_dashboard(backend="ipympl", seed=seed)
    canvas = dash.figure.canvas
    canvas.syncing_data_url = False  # what a connected frontend sets
    canvas.draw()
    requested: list[bool] = []
    canvas.draw_idle = lambda: requested.append(True)  # the frontend would answer with a draw
    slider = dash.controls["depth"]
    low, high = slider.value, slider.value + 1
    while _time.time() < start_at:  # every learner starts together
        _time.sleep(0.01)
    times = []
    for i in range(updates + 1):
        requested.clear()
        t0 = _time.perf_counter()
        before = dash.status_text()
        slider.value = high if slider.value == low else low
        if requested:
            canvas.draw()
        elapsed = _time.perf_counter() - t0
        if dash.status_text() == before:
            raise RuntimeError("the status line did not change")
        if i:  # the first move warms caches
            times.append(elapsed)
        _time.sleep(pause)
    return times


def load_benchmark(ns: tuple[int, ...] = (1, 5, 10), updates: int = 10,
                   pause: float = 0.3) -> dict[int, tuple[float, float]]:
    """Key -> figure times (kernel side) with N learners at once: {N: (median s, p95 s)}.

    Each learner is a process of its own (this file's hidden ``_learner`` command); all start
    moving their slider at the same moment, after every one has built its dashboard."""
    import statistics
    import time as _time

    result = {}
    for n in ns:
        start_at = _time.time() + 5.0 + 1.5 * n  # time to start n interpreters on 2 cores
        procs = [subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "_learner",
                                   str(k), str(updates), str(pause), str(start_at)],
                                  stdout=subprocess.PIPE, text=True) for k in range(n)]
        runs = []
        for proc in procs:
            out, _ = proc.communicate(timeout=600)
            if proc.returncode != 0:
                raise RuntimeError(f"a simulated learner failed (exit {proc.returncode})")
            runs.append(json.loads(out.strip().splitlines()[-1]))
        times = sorted(t for run in runs for t in run)
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        result[n] = (statistics.median(times), p95)
    return result


# ------------------------------------------------------------------ CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/classroom.py", description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, default in (("student", "student"), ("slides", "slides"), ("site", "site")):
        p = sub.add_parser(name)
        p.add_argument("--out", type=Path, default=BUILD / default)
        p.add_argument("--src", type=Path, default=NOTEBOOK_DIR, help=argparse.SUPPRESS)
    sub.add_parser("vendor")
    sub.add_parser("time", help="run every series notebook once and print its wall time")
    ld = sub.add_parser("load", help="N simulated learners moving sliders at once")
    ld.add_argument("--learners", type=int, nargs="+", default=[1, 5, 10])
    ld.add_argument("--updates", type=int, default=10)
    lr = sub.add_parser("_learner")  # one simulated learner (used by `load`)
    for name, kind in (("seed", int), ("updates", int), ("pause", float), ("start_at", float)):
        lr.add_argument(name, type=kind)
    for name, port in (("explorer", 8866), ("lab", 8888)):
        sub.add_parser(name).add_argument("--port", type=int, default=port)
    args = parser.parse_args(argv)
    if args.command == "student":
        for name, what in build_student(args.src, args.out).items():
            print(f"{args.out / name}: {what}")
        print(f"Learners work in {args.out}/ (make lab-student); run `make student` again "
              "after a course update: edited notebooks are kept.")
        return 0
    if args.command in ("slides", "site"):
        build = build_slides if args.command == "slides" else build_site
        for page in build(args.src, args.out):
            print(page)
        return 0
    if args.command == "vendor":
        print(vendor())
        return 0
    if args.command == "_learner":
        print(json.dumps(_learner((args.seed, args.updates, args.pause, args.start_at))))
        return 0
    if args.command == "load":
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; each learner a "
              f"process with its own dashboard, {args.updates} depth-slider moves, one every "
              "0.3 s; key -> figure = callback + redraw in the kernel (no network, no browser)")
        for n, (median, p95) in load_benchmark(tuple(args.learners), args.updates).items():
            print(f"N = {n:3d} learners: median {1e3 * median:6.0f} ms, 95th percentile "
                  f"{1e3 * p95:6.0f} ms", flush=True)
        return 0
    if args.command == "time":
        import platform

        print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f}")
        return 0 if None not in time_notebooks().values() else 1
    if not 1 <= args.port <= 65535:
        raise SystemExit(f"error: --port must be 1..65535, got {args.port}")
    if args.command == "lab":
        if not (BUILD / "student").is_dir():
            build_student()
        return subprocess.call(lab_command(args.port))
    if not voila_available():
        print("error: Voila is not installed: `.venv/bin/pip install -r "
              "requirements-classroom.txt` (a classroom extra, not in the runtime set)",
              file=sys.stderr)
        return 2
    cmd = explorer_command(args.port)
    print(" ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=NOTEBOOK_DIR)


if __name__ == "__main__":
    sys.exit(main())
