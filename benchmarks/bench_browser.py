"""Real-browser benchmark: key press -> new status text and key press -> new figure pixels.

    python benchmarks/bench_browser.py [--presses 12] [--settle-ms 400]

Starts JupyterLab (a temporary copy of the notebooks, as tests/test_browser.py does, with
tools/lab_harness.py) and headless Chromium, runs a generated notebook holding

* the explorer's main dashboard (`variance_dashboard()`) at its defaults (10 x 256 x 256),
* the same dashboard at the deepest allowed network (depth 87, then 88 (warm-up) and up to 100),
* the same dashboard with the orthogonal init (defaults otherwise),
* two fresh default dashboards driven by the issue's key patterns: depth 10 -> 20 -> 10 one
  step at a time ("sweep"), and 10 <-> 11 ("alternate": every update crosses the x axis step
  at 10 and redraws the whole figure), each beside the naive approach driven the same way,
* the naive approach on the same work: `ipywidgets.interactive_output` with a depth slider,
  which builds a new pyplot figure each time (same computation, same three panels, same
  plotting code, `tight_layout`) and shows it with the inline backend (a PNG in the output),

and presses ArrowRight on each depth slider. In the page, a keydown listener stamps the
press, a MutationObserver stamps the status text's change (for the naive approach: the
output's text) and the figure is stamped at the animation frame after its new pixels are
drawn (ipympl: after its `drawImage` of the frame received from the kernel; naive: after the
new <img> is decoded). Between presses the page is left alone for --settle-ms, so that
presses do not overlap. It prints the medians (and max) side by side.

Then the coalescing check: 8 ArrowRight presses 40 ms apart on the default dashboard and on
the naive one; it prints how long after the *last* press the figure showed the final depth
and how many frames were drawn on the way (a backlog shows as one frame per press and a long
wait).

With --image-dashboards (instead of the part above): the two dashboards whose figure is a PNG in
an `ipywidgets.Image` (Agg, no ipympl canvas), as their notebooks' cells create them:
notebook 08's `spectrum_dashboard(...)` (and, for comparison, at the constructor's defaults)
and notebook 09's `phase_dashboard(...)`. The first slider of each (depth; sigma_w^2) is
focused and pressed ArrowRight / ArrowLeft in turn (--presses times, after a warm-up pair);
for each press the page stamps when the image's `<img>` src changes (MutationObserver) and
when the new image has been decoded and painted (the animation frame after `img.decode()`),
and the script prints the median and max per dashboard.

    python benchmarks/bench_browser.py --image-dashboards [--presses 8]

Timings, not tests: on a shared machine they move by a factor of 2. The load average is
printed with them.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("wi_lab_harness", REPO / "tools" / "lab_harness.py")
lab_harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lab_harness)

SETUP = """\
import time
import ipywidgets as W
import matplotlib.pyplot as plt
import io
from IPython.display import Image, display
from wi_helpers import MLP, NetworkSpec, dashboard_model, layer_stats, mean_field, plots, widgets
from wi_helpers.widgets import variance_dashboard
%matplotlib inline
"""

DASHBOARD = """\
d = variance_dashboard({preset})
d.add_class("bench-{name}")
d
"""

# The naive approach, as benchmarks/bench_dashboard.py times it in the kernel alone.
NAIVE = """\
slider = W.IntSlider(value=10, min=1, max=100, description="depth L", continuous_update=False)
slider.add_class("wi-depth")

def show(depth):
    for attempt in range(3):
        try:
            return draw(depth)
        except ValueError:
            # matplotlib's shared mathtext parser sometimes gets stuck in this kernel ("Expected
            # end of text, found '$'", see benchmarks/README.md): a fresh parser draws it
            import matplotlib.mathtext
            matplotlib.mathtext.MathTextParser._parser = None
            plt.close("all")

def draw(depth):
    setting = dashboard_model.Setting(NetworkSpec([256] * (depth + 1), seed=0), batch=256)
    net = MLP.from_spec(setting.spec)
    stats = layer_stats(net, batch=256, rng=dashboard_model.probe_rng(0), weight_grads=False)
    prediction = mean_field(setting.spec, batch=256)
    print(" ".join(dashboard_model.describe(setting, stats, prediction)))
    fig, axes = plt.subplots(1, 3, figsize=(9.3, 4.4), dpi=widgets.FIGURE_DPI,
                             gridspec_kw=dict(width_ratios=[1, 1, 0.8]))
    plots.VarianceArtists(fig, axes, saturation=True).update(stats, prediction)
    fig.suptitle(dashboard_model.describe_sizes(setting.sizes), fontsize=plots.TITLE)
    fig.tight_layout()
    # what plt.show() does under the inline backend (print_figure with a tight bbox), done
    # here so that a parser failure reaches the retry above instead of the display hook
    buf = io.BytesIO()
    fig.canvas.print_figure(buf, format="png", bbox_inches="tight", dpi=widgets.FIGURE_DPI)
    plt.close(fig)
    display(Image(buf.getvalue()))

out = W.interactive_output(show, {"depth": slider})
box = W.VBox([slider, out])
box.add_class("bench-{name}")
box
"""

CASES = [  # name, preset of variance_dashboard (None: the naive approach)
    ("default", ""),
    ("sweep", ""),
    ("alternate", ""),
    ("deepest", "depth=87"),
    ("orthogonal", 'init="orthogonal"'),
    ("naive", None),
]
# Key patterns (the two cases where every update is a full draw or most are):
# depth 10 -> 20 -> 10 one step at a time, and 10 <-> 11 (crossing the x axis step at 10).
PATTERNS = {"sweep": ["ArrowRight"] * 10 + ["ArrowLeft"] * 10,
            "alternate": ["ArrowRight", "ArrowLeft"] * 6}

INSTALL_JS = """() => {
  if (window.__bench) return;
  const b = window.__bench = {key: 0, events: []};
  document.addEventListener('keydown', () => { b.key = performance.now(); }, true);
  const stamp = (root, kind) => b.events.push({root, kind, t: performance.now()});
  const rootOf = (el) => {
    const r = el && el.closest && el.closest('[class*="bench-"]');
    if (!r) return null;
    const m = [...r.classList].find((c) => c.startsWith('bench-'));
    return m ? m.slice(6) : null;
  };
  // ipympl draws each frame it receives with drawImage on its canvas: stamp the next frame
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const root = rootOf(this.canvas);
    const out = draw.apply(this, args);
    if (root) requestAnimationFrame(() => stamp(root, 'figure'));
    return out;
  };
  new MutationObserver((records) => {
    for (const rec of records) {
      const el = rec.target.nodeType === 1 ? rec.target : rec.target.parentElement;
      const root = rootOf(el);
      if (!root) continue;
      if (root !== 'naive') {
        if (el.closest('.wi-status')) stamp(root, 'status');
        continue;
      }
      for (const node of rec.addedNodes) {
        if (node.nodeType !== 1) continue;
        const imgs = node.tagName === 'IMG' ? [node] : [...node.querySelectorAll('img')];
        for (const img of imgs)
          img.decode().then(() => requestAnimationFrame(() => stamp(root, 'figure')), () => {});
        if (node.innerText && node.innerText.trim()) stamp(root, 'status');
      }
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def _notebook(path: Path, cases) -> None:
    import nbformat

    cells = [nbformat.v4.new_code_cell(SETUP)]
    for name, preset in cases:
        src = (NAIVE.replace("{name}", name) if preset is None
               else DASHBOARD.format(preset=preset, name=name))
        cells.append(nbformat.v4.new_code_cell(src))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nbformat.write(nb, path)


def _open_and_run(browser, server, name: str, cases):
    """A page on notebook `name` with every cell run and every case's output attached."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    # a workspace of its own: JupyterLab would otherwise reopen the previous page's notebook
    # beside this one, and "Run All Cells" could run that one
    page.goto(f"{server.url}/lab/workspaces/{Path(name).stem}/tree/{name}?token={server.token}",
              wait_until="domcontentloaded")
    idle = page.locator("#jp-main-statusbar").get_by_text(lab_harness.KERNEL_IDLE)
    idle.wait_for(timeout=90_000)
    page.evaluate(INSTALL_JS)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    try:
        for case, _ in cases:
            page.locator(f".bench-{case}").first.wait_for(state="attached", timeout=120_000)
        idle.wait_for(timeout=120_000)
    except Exception:
        page.screenshot(path=str(lab_harness.ARTIFACTS / "bench-browser-failure.png"))
        raise
    return context, page


def _events(page, root: str, kind: str, after: float) -> list[float]:
    return page.evaluate("([root, kind, after]) => window.__bench.events"
                         ".filter((e) => e.root === root && e.kind === kind && e.t > after)"
                         ".map((e) => e.t)", [root, kind, after])


def _press(page, root: str, key: str = "ArrowRight", timeout_s: float = 30) -> tuple[float, float]:
    """One press; (key -> status, key -> figure) in ms, once both have happened."""
    page.keyboard.press(key)
    t_key = page.evaluate("() => window.__bench.key")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status, figure = _events(page, root, "status", t_key), _events(page, root, "figure", t_key)
        if status and figure:
            return status[0] - t_key, figure[0] - t_key
        page.wait_for_timeout(20)
    page.screenshot(path=str(lab_harness.ARTIFACTS / "bench-browser-failure.png"))
    seen = page.evaluate("(root) => window.__bench.events.filter((e) => e.root === root)", root)
    print(page.locator(f".bench-{root}").first.inner_text()[-1500:], file=sys.stderr)
    raise RuntimeError(f"{root}: no status and figure change within {timeout_s} s of a key press "
                       f"(events so far: {seen[-6:]}; screenshot test-artifacts/bench-browser-failure.png)")


def _show(page, root: str) -> None:
    """Scroll the case's output to the top of the notebook's view: JupyterLab may not render
    cells out of view, and the figure is below the slider."""
    page.locator(f".bench-{root}").first.evaluate("(el) => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)


def _handle(page, root: str):
    return page.locator(f".bench-{root} .wi-depth .noUi-handle, .bench-{root} .wi-depth "
                        "input[type=range]").first


def _measure(page, root: str, presses: int, settle_ms: int) -> dict:
    _show(page, root)
    handle = _handle(page, root)
    handle.focus()
    page.wait_for_timeout(settle_ms)
    _press(page, root)  # warm-up (first draws, caches)
    page.wait_for_timeout(settle_ms)
    status, figure = [], []
    for _ in range(presses):
        s, f = _press(page, root)
        status.append(s), figure.append(f)
        page.wait_for_timeout(settle_ms)
    return {"status": status, "figure": figure}


def _measure_pattern(page, root: str, keys: list[str], settle_ms: int) -> dict:
    """Each press of a key pattern from depth 10 (after a warm-up right-left pair)."""
    _show(page, root)
    handle = _handle(page, root)
    handle.focus()
    page.wait_for_timeout(settle_ms)
    for key in ("ArrowRight", "ArrowLeft"):  # warm-up: depth 11 and back to 10
        _press(page, root, key)
        page.wait_for_timeout(settle_ms)
    status, figure = [], []
    for key in keys:
        s, f = _press(page, root, key)
        status.append(s), figure.append(f)
        page.wait_for_timeout(settle_ms)
    return {"status": status, "figure": figure}


def _rapid(page, root: str, n: int = 8, gap_ms: int = 40, quiet_s: float = 3.0) -> dict:
    """n presses gap_ms apart: time from the last press to the last frame, frames drawn."""
    _show(page, root)
    handle = _handle(page, root)
    handle.focus()
    page.wait_for_timeout(500)
    t_first = None
    for i in range(n):
        page.keyboard.press("ArrowRight")
        if i == 0:
            t_first = page.evaluate("() => window.__bench.key")
        page.wait_for_timeout(gap_ms)
    t_last = page.evaluate("() => window.__bench.key")
    # wait until no new frame for quiet_s
    last_count, still_since = -1, time.monotonic()
    while time.monotonic() - still_since < quiet_s:
        count = len(_events(page, root, "figure", t_first))
        if count != last_count:
            last_count, still_since = count, time.monotonic()
        page.wait_for_timeout(50)
    frames = _events(page, root, "figure", t_first)
    return {"frames": len(frames), "last_key_to_last_frame": (frames[-1] - t_last) if frames else None}


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):6.0f} (max {max(values):5.0f})"


# ------------------------------------------------------------ the image dashboards (08, 09)

IMAGE_SETUP = """\
%matplotlib inline
from wi_helpers.widgets_spectrum import spectrum_dashboard
from wi_helpers.widgets_phase import phase_dashboard
SIGMA_B2 = 0.05
"""

# name, the call (as the notebooks' cells make it), label
IMAGE_CASES = [
    ("spectrum", 'spectrum_dashboard(activation="hard_tanh", init="orthogonal", depth=32, '
                 'q_star=1 / 64)', "08 spectrum (nb cell: hard-tanh, L 32)"),
    ("spectrum-defaults", "spectrum_dashboard()", "08 spectrum (defaults: tanh, L 32)"),
    ("phase", "phase_dashboard(sigma_w2=2.5, sigma_b2=SIGMA_B2)", "09 phase (nb cell: 2.5, 0.05)"),
]

IMAGE_JS = """() => {
  if (window.__img) return;
  const b = window.__img = {key: 0, events: []};
  document.addEventListener('keydown', () => { b.key = performance.now(); }, true);
  const rootOf = (el) => {
    const r = el && el.closest && el.closest('[class*="bench-"]');
    if (!r) return null;
    const m = [...r.classList].find((c) => c.startsWith('bench-'));
    return m ? m.slice(6) : null;
  };
  new MutationObserver((records) => {
    for (const rec of records) {
      const img = rec.target;
      if (img.tagName !== 'IMG') continue;
      const root = rootOf(img);
      if (!root) continue;
      const t = performance.now();
      b.events.push({root, kind: 'src', t});
      img.decode().then(() => requestAnimationFrame(
        () => b.events.push({root, kind: 'painted', t: performance.now()})), () => {});
    }
  }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['src']});
}"""


def _image_notebook(path: Path) -> None:
    import nbformat

    cells = [nbformat.v4.new_code_cell(IMAGE_SETUP)]
    for name, call, _ in IMAGE_CASES:
        cells.append(nbformat.v4.new_code_cell(f'd = {call}\nd.add_class("bench-{name}")\nd\n'))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nbformat.write(nb, path)


def _image_press(page, root: str, key: str, timeout_s: float = 30) -> tuple[float, float]:
    """One press; (key -> img src changed, key -> new image painted) in ms."""
    page.keyboard.press(key)
    t_key = page.evaluate("() => window.__img.key")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = page.evaluate("([root, after]) => window.__img.events.filter((e) => e.root === root"
                            " && e.t > after)", [root, t_key])
        src = [e["t"] for e in got if e["kind"] == "src"]
        painted = [e["t"] for e in got if e["kind"] == "painted"]
        if src and painted:
            return src[0] - t_key, painted[0] - t_key
        page.wait_for_timeout(10)
    page.screenshot(path=str(lab_harness.ARTIFACTS / "bench-browser-failure.png"))
    raise RuntimeError(f"{root}: the image did not change within {timeout_s} s of a key press "
                       "(screenshot test-artifacts/bench-browser-failure.png)")


def _measure_image(page, root: str, presses: int, settle_ms: int) -> dict:
    """ArrowRight / ArrowLeft in turn on the dashboard's first slider, after a warm-up pair."""
    _show(page, root)
    page.locator(f".bench-{root} img").first.wait_for(state="visible", timeout=30_000)
    page.locator(f".bench-{root} .widget-slider .noUi-handle").first.focus()
    page.wait_for_timeout(settle_ms)
    for key in ("ArrowRight", "ArrowLeft"):  # warm-up (a new layer drawn, caches)
        _image_press(page, root, key)
        page.wait_for_timeout(settle_ms)
    readout = page.locator(f".bench-{root} .widget-readout").first
    src, painted, values = [], [], [readout.inner_text()]
    for i in range(presses):
        s, p = _image_press(page, root, ("ArrowRight", "ArrowLeft")[i % 2])
        src.append(s), painted.append(p)
        page.wait_for_timeout(settle_ms)
        values.append(readout.inner_text())
    print(f"  {root}: slider {' '.join(values)}", file=sys.stderr, flush=True)
    if len(set(values)) != 2:
        raise RuntimeError(f"{root}: the slider did not alternate between two values: {values}")
    return {"src": src, "painted": painted, "slider": values}


def image_dashboards(presses: int = 8, settle_ms: int = 400, json_path: Path | None = None) -> dict:
    """Key -> new figure of notebook 08's and 09's image dashboards in the browser; prints them."""
    from playwright.sync_api import sync_playwright

    load0 = os.getloadavg()
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        _image_notebook(Path(tmp) / "bench_image_dashboards.ipynb")
        server = lab_harness.LabServer(Path(tmp) / "lab", Path(tmp) / "bench_image_dashboards.ipynb",
                                       log_name="bench-browser-jupyterlab.log")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(lab_harness.CHROMIUM), headless=True,
                                         args=lab_harness.CHROMIUM_ARGS)
            try:
                server.start()
                cases = [(name, call) for name, call, _ in IMAGE_CASES]
                context, page = _open_and_run(browser, server, "bench_image_dashboards.ipynb",
                                              cases)
                page.evaluate(IMAGE_JS)
                for name, _ in cases:
                    print(f"measuring {name} ...", file=sys.stderr, flush=True)
                    results[name] = _measure_image(page, name, presses, settle_ms)
                context.close()
            finally:
                browser.close()
                server.stop()
    load1 = os.getloadavg()
    print(f"\nkey -> new figure in the browser, ms, median (max) of {presses} presses, "
          f"ArrowRight/ArrowLeft in turn on the first slider (load average {load0[0]:.1f} "
          f"before, {load1[0]:.1f} after)\n")
    print(f"| {'dashboard':<38} | {'key -> img src':>20} | {'key -> painted':>20} |")
    print(f"|{'-' * 40}|{'-' * 22}|{'-' * 22}|")
    for name, _, label in IMAGE_CASES:
        r = results[name]
        print(f"| {label:<38} | {_fmt(r['src']):>20} | {_fmt(r['painted']):>20} |")
    if json_path:
        json_path.write_text(json.dumps({"load": [load0, load1], **results}, indent=1))
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presses", type=int, default=None)
    ap.add_argument("--settle-ms", type=int, default=400)
    ap.add_argument("--json", type=Path, help="also write the raw timings here")
    ap.add_argument("--image-dashboards", action="store_true",
                    help="only notebook 08's and 09's image dashboards (default --presses 8)")
    args = ap.parse_args(argv)
    args.presses_given = args.presses is not None
    if args.presses is None:
        args.presses = 12
    if args.image_dashboards:
        image_dashboards(args.presses if args.presses_given else 8, args.settle_ms, args.json)
        return 0
    from playwright.sync_api import sync_playwright

    load0 = os.getloadavg()
    results: dict = {}
    # The dashboards share one notebook (one kernel); the naive approach runs in a notebook and
    # kernel of its own, in the same run. (In one kernel with all three dashboards, the naive
    # cell's tight_layout once failed in matplotlib's mathtext parser; see benchmarks/README.md.)
    dashboards = [c for c in CASES if c[1] is not None]
    naive = [c for c in CASES if c[1] is None]
    with tempfile.TemporaryDirectory() as tmp:
        for name, cases in (("bench_dashboards.ipynb", dashboards), ("bench_naive.ipynb", naive)):
            _notebook(Path(tmp) / name, cases)
        server = lab_harness.LabServer(Path(tmp) / "lab", Path(tmp) / "bench_dashboards.ipynb",
                                       log_name="bench-browser-jupyterlab.log")
        shutil.copy2(Path(tmp) / "bench_naive.ipynb", server.root / "bench_naive.ipynb")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(lab_harness.CHROMIUM), headless=True,
                                         args=lab_harness.CHROMIUM_ARGS)
            try:
                server.start()
                for nb_name, cases, rapid in (("bench_dashboards.ipynb", dashboards, "default"),
                                              ("bench_naive.ipynb", naive, "naive")):
                    context, page = _open_and_run(browser, server, nb_name, cases)
                    if rapid == "naive":
                        # one naive cell (two of them in one kernel broke matplotlib's
                        # mathtext parser): the patterns first, from depth 10 and back to it
                        for pattern in PATTERNS:
                            print(f"measuring naive-{pattern} ...", file=sys.stderr, flush=True)
                            results[f"naive-{pattern}"] = _measure_pattern(
                                page, "naive", PATTERNS[pattern], args.settle_ms)
                    for name, _ in cases:
                        print(f"measuring {name} ...", file=sys.stderr, flush=True)
                        pattern = PATTERNS.get(name)
                        results[name] = (_measure(page, name, args.presses, args.settle_ms)
                                         if pattern is None else
                                         _measure_pattern(page, name, pattern, args.settle_ms))
                        print(f"  {name}: figure median {statistics.median(results[name]['figure']):.0f} ms",
                              file=sys.stderr, flush=True)
                    results[f"rapid {rapid}"] = _rapid(page, rapid)
                    context.close()
            finally:
                browser.close()
                server.stop()
    load1 = os.getloadavg()
    print(f"\nkey -> change in the browser, ms, median of {args.presses} presses "
          f"(load average {load0[0]:.1f} before, {load1[0]:.1f} after)\n")
    print(f"| {'setting':<28} | {'key -> status':>20} | {'key -> figure':>20} |")
    print(f"|{'-' * 30}|{'-' * 22}|{'-' * 22}|")
    labels = {"default": "dashboard, 10 x 256 x 256", "deepest": "dashboard, 89-100 x 256",
              "sweep": "dashboard, depth 10->20->10", "alternate": "dashboard, depth 10<->11",
              "orthogonal": "dashboard, orthogonal init", "naive": "naive interact, 10 x 256",
              "naive-sweep": "naive, depth 10->20->10", "naive-alternate": "naive, depth 10<->11"}
    for name in [c[0] for c in CASES] + [f"naive-{p}" for p in PATTERNS]:
        r = results[name]
        print(f"| {labels[name]:<28} | {_fmt(r['status']):>20} | {_fmt(r['figure']):>20} |")
    print("\n8 presses 40 ms apart (coalescing):")
    for name in ("default", "naive"):
        r = results[f"rapid {name}"]
        last = r["last_key_to_last_frame"]
        print(f"  {name:<8} frames drawn {r['frames']:>2}, last press -> last frame "
              f"{'-' if last is None else f'{last:.0f} ms'}")
    print("\nratios to the naive approach in the same run (the CPU is shared: compare ratios):")
    for name in ("sweep", "alternate"):
        ours = statistics.median(results[name]["figure"])
        theirs = statistics.median(results[f"naive-{name}"]["figure"])
        print(f"  {labels[name]:<28} key -> figure {ours:.0f} ms vs naive {theirs:.0f} ms: "
              f"{theirs / ours:.1f}x faster")
    if args.json:
        args.json.write_text(json.dumps({"load": [load0, load1], **results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
