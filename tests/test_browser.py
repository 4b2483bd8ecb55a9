"""Real-browser test: in JupyterLab, the explorer dashboard reacts to its depth slider.

One JupyterLab server per test session serves a temporary copy of ``notebooks/`` (so
running cells never dirties the committed notebooks), with its own config, runtime,
workspace and settings directories (the settings switch off the news and update-check
notifications, see tests/jupyter_settings/). Headless Chromium (Debian's, driven by
Playwright) opens ``06_explorer.ipynb``, runs all cells, and presses ArrowRight on the
depth slider; the status text and the figure must both change.

Save and reopen (test_saved_dashboards_reopen_without_widget_error): a server of its own runs
the notebook's dashboards, saves it (File > Save), stops (its kernel, which held the widget
models, goes); a new server on the same files reopens it: every dashboard must show its last
figure again (restored from the widget state saved in the notebook) as a plain image under one
line saying how to make it live ("run this cell"), with no controls, no stale status and no
broken-link icons in view, and no output may say "Error displaying widget". Every server gets the environment-wide JupyterLab defaults the
project installs (saveState on, tools/install_lab_settings.py) in its own app settings dir.

DOM contract with the dashboard (wi_helpers), all inside the notebook's outputs:
  .wi-status               an ipywidgets HTML widget; its text says what the figure shows
  .wi-figure               the ipympl Canvas widget (``fig.canvas.add_class("wi-figure")``),
                           with its <canvas> elements inside
  .wi-depth .noUi-handle   the handle of an ipywidgets IntSlider with class ``wi-depth``;
                           ArrowRight on the focused handle raises the depth by one step
Each must appear once (the first match is used). Pressing ArrowRight must change
the status text and redraw the figure.

Missing Chromium or Playwright skips the test, unless WI_REQUIRE_BROWSER=1 (CI), which
makes it fail. WI_BROWSER_NOTEBOOK=/path/to/other.ipynb points the test at another
notebook (to develop the harness before the real one exists). Screenshots go to
test-artifacts/ (git-ignored), with the server log.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

NOTEBOOK = REPO / "notebooks" / "06_explorer.ipynb"
NOTEBOOK_ENV = "WI_BROWSER_NOTEBOOK"
REQUIRE_ENV = "WI_REQUIRE_BROWSER"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"

STATUS = ".wi-status"
FIGURE = ".wi-figure"
DEPTH_HANDLE = ".wi-depth .noUi-handle"
KEY_PRESSES = 3
KERNEL_IDLE = "Python 3 (ipykernel) | Idle"  # JupyterLab's status bar, kernel started

KERNEL_IDLE_TIMEOUT = 90_000  # ms
DASHBOARD_TIMEOUT = 120_000  # ms: all cells of the notebook run first
UPDATE_TIMEOUT = 30  # s


def _unavailable(reason: str):
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1: the browser test must run here)", pytrace=False)
    pytest.skip(reason)


def _target_notebook() -> Path:
    override = os.environ.get(NOTEBOOK_ENV)
    path = Path(override).expanduser().resolve() if override else NOTEBOOK
    if not path.is_file():
        pytest.fail(f"{path} does not exist: the browser test needs the explorer dashboard "
                    f"notebook{'' if override else f' (or set {NOTEBOOK_ENV})'}", pytrace=False)
    return path


# The server and process helpers live in tools/lab_harness.py (the benchmark uses them too).
_hspec = importlib.util.spec_from_file_location("wi_lab_harness", REPO / "tools" / "lab_harness.py")
lab_harness = importlib.util.module_from_spec(_hspec)
_hspec.loader.exec_module(lab_harness)
LabServer = lab_harness.LabServer
install_lab_settings = lab_harness.install_lab_settings


# -------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """One JupyterLab server for the session, serving a copy of notebooks/."""
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"), _target_notebook())
    try:
        t0 = time.monotonic()
        server.start()
        print(f"\nJupyterLab answered after {time.monotonic() - t0:.1f} s")
        yield server
    finally:
        t0 = time.monotonic()
        server.stop()
        print(f"\nJupyterLab and its kernels stopped in {time.monotonic() - t0:.1f} s")


# ------------------------------------------------------------------------ test


# A canvas holding more than one colour (a drawn figure, not a blank frame); shared by the checks.
_CANVAS_DRAWN_FN = """function canvasDrawn(c) {
    if (!c.width || !c.height) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 4; i < d.length; i += 4)
        if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2] || d[i + 3] !== d[3])
            return true;
    return false;
}"""

CANVAS_DRAWN_JS = """(figure) => {
    // true once some canvas inside the figure widget holds more than one colour
    """ + _CANVAS_DRAWN_FN + """
    return [...figure.querySelectorAll('canvas')].some(canvasDrawn);
}"""


PROJECTOR = {"width": 1280, "height": 800}
FIT_JS = """() => {
    // each dashboard canvas and static image inside a notebook output: (cell, kind, widths)
    const bad = [];
    let figures = 0;
    const outputs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')];
    outputs.forEach((out, i) => {
        const o = out.getBoundingClientRect();
        if (out.scrollWidth > out.clientWidth + 1)
            bad.push({output: i, why: 'scrolls sideways', scroll: out.scrollWidth, client: out.clientWidth});
        for (const el of out.querySelectorAll('.wi-figure canvas, img')) {
            const r = el.getBoundingClientRect();
            if (!r.width) continue;
            figures += 1;
            const natural = el.tagName === 'IMG' ? el.naturalWidth : el.width / (window.devicePixelRatio || 1);
            if (r.right > o.right + 1 || r.left < o.left - 1)
                bad.push({output: i, why: 'outside its output', left: r.left, right: r.right, box: [o.left, o.right]});
            if (natural && r.width < natural - 1)
                bad.push({output: i, why: 'shown shrunk', shown: r.width, natural: natural});
        }
    });
    return {figures, bad};
}"""


def _stable_screenshot(element, page, timeout_s: float = 10) -> bytes:
    """A screenshot of ``element`` once two consecutive ones agree (redraw finished)."""
    previous = element.screenshot()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        current = element.screenshot()
        if current == previous:
            return current
        previous = current
    return previous



def _fail_with_details(exc: Exception, page, screenshot: str, timings, console_errors, server,
                       extra: list[str] = ()) -> None:
    """Re-raise `exc` as an AssertionError that carries what a failure needs for a diagnosis:
    a screenshot (test-artifacts/), the timings, the browser console's errors and the
    JupyterLab log's tail."""
    if page is not None:
        try:
            page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
        except Exception:
            pass
    details = [*extra, f"timings so far (s): {timings}",
               "browser console errors: " + ("; ".join(console_errors[-10:]) or "none"),
               f"screenshot: test-artifacts/{screenshot}",
               "JupyterLab log (tail):\n" + server.log_tail()]
    message = str(exc) if isinstance(exc, AssertionError) else f"{type(exc).__name__}: {exc}"
    raise AssertionError(message + "\n" + "\n".join(details)) from None


def test_depth_slider_updates_status_and_figure(chromium_browser, lab_server):
    timings = {}
    t0 = time.monotonic()

    def mark(label):
        timings[label] = round(time.monotonic() - t0, 1)

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "browser-failure.png").unlink(missing_ok=True)
    console_errors = []
    # the instructor's projector: 1280 x 800, JupyterLab's file browser open
    context = chromium_browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append(str(e)))
    try:
        page.goto(lab_server.lab_url(), wait_until="domcontentloaded")
        statusbar = page.locator("#jp-main-statusbar")
        statusbar.get_by_text(KERNEL_IDLE).wait_for(timeout=KERNEL_IDLE_TIMEOUT)
        mark("kernel idle")
        browser_panel = page.locator("#filebrowser")
        if not browser_panel.is_visible():
            page.locator('.jp-SideBar [data-id="filebrowser"]').first.click()
        browser_panel.wait_for(state="visible", timeout=10_000)

        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        status = page.locator(STATUS).first
        figure = page.locator(FIGURE).first
        status.wait_for(state="visible", timeout=DASHBOARD_TIMEOUT)
        figure.wait_for(state="visible", timeout=DASHBOARD_TIMEOUT)
        figure.scroll_into_view_if_needed()
        page.wait_for_function(CANVAS_DRAWN_JS, arg=figure.element_handle(),
                               timeout=DASHBOARD_TIMEOUT)
        mark("dashboard drawn")

        # Fit: every figure (the dashboards' canvases, the static images) lies inside its
        # output area, is not scaled down (its text keeps its size) and nothing scrolls sideways.
        fit = page.evaluate(FIT_JS)
        (ARTIFACTS / "browser-fit.json").write_text(json.dumps(fit, indent=1) + "\n")
        assert fit["figures"] >= 2, f"expected the dashboards' figures in view: {fit}"
        assert not fit["bad"], (f"at {PROJECTOR['width']}x{PROJECTOR['height']} with the file "
                                f"browser open, these figures do not fit: {fit['bad']}")

        before_text = status.inner_text().strip()
        before_png = _stable_screenshot(figure, page)
        (ARTIFACTS / "browser-figure-before.png").write_bytes(before_png)
        assert before_text, f"{STATUS} is empty: it should say what the figure shows"

        handle = page.locator(DEPTH_HANDLE).first
        handle.focus()
        for _ in range(KEY_PRESSES):
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(150)
        mark("keys pressed")

        # Wait for the status to change and then settle (all key presses processed),
        # then for the figure to finish redrawing.
        after_text, after_png = before_text, before_png
        deadline = time.monotonic() + UPDATE_TIMEOUT
        settled_since = None
        while time.monotonic() < deadline:
            text = status.inner_text().strip()
            if text != after_text:
                after_text, settled_since = text, time.monotonic()
            elif after_text != before_text and time.monotonic() - settled_since >= 1.0:
                break
            page.wait_for_timeout(100)
        after_png = _stable_screenshot(figure, page)
        mark("dashboard updated")
        (ARTIFACTS / "browser-figure-after.png").write_bytes(after_png)
        page.screenshot(path=str(ARTIFACTS / "browser-page.png"))
        (ARTIFACTS / "browser-timings.json").write_text(json.dumps(timings, indent=1) + "\n")
        print(f"browser test timings (s since page open): {timings}; "
              f"status {before_text!r} -> {after_text!r}")

        # live: controls and status in view, the saved-note line hidden
        views = page.evaluate(DASHBOARD_VIEW_JS)
        assert views and all(v["controls"] and v["status"] and not v["note"]
                             and not v["disconnected"] for v in views), views
        status_changed = after_text != before_text
        figure_changed = after_png != before_png
        assert status_changed, (
            f"{STATUS} text did not change after {KEY_PRESSES} x ArrowRight on {DEPTH_HANDLE}: "
            f"{before_text!r}")
        assert figure_changed, (
            f"{FIGURE} looks the same after {KEY_PRESSES} x ArrowRight on {DEPTH_HANDLE} "
            "(see test-artifacts/browser-figure-*.png)")
    except Exception as exc:
        _fail_with_details(exc, page, "browser-failure.png", timings, console_errors, lab_server,
                           [f"DOM contract: {STATUS} (status text), {FIGURE} (ipympl canvas widget), "
                            f"{DEPTH_HANDLE} (slider handle); see the docstring of "
                            "tests/test_browser.py"])
    finally:
        context.close()


# ------------------------------------------------------- save, close, reopen

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_ERROR = re.compile(r"Error displaying widget|model not found|Failed to create view")
SAVE_TIMEOUT = 30  # s

FIGURE_SHOWN_JS = """(figure) => {
    // true once the figure widget shows an image on screen: a visible canvas holding more
    // than one colour (ipympl) or a loaded, visible <img> (the Agg fallback's Image widget)
    """ + _CANVAS_DRAWN_FN + """
    for (const img of figure.querySelectorAll('img'))
        if (img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().width > 0)
            return true;
    return [...figure.querySelectorAll('canvas')]
        .some((c) => c.getBoundingClientRect().width > 0 && canvasDrawn(c));
}"""


# What each dashboard shows: visible controls and status, the saved-note line, and the
# broken-link icons ipywidgets draws (::before) on views whose kernel is gone.
DASHBOARD_VIEW_JS = """() => {
    const shown = (e) => e.getBoundingClientRect().width > 0 && getComputedStyle(e).display !== 'none'
        && getComputedStyle(e).visibility !== 'hidden';
    return [...document.querySelectorAll('.jp-Notebook .wi-dashboard')].map((d) => {
        const all = [d, ...d.querySelectorAll('*')];
        const icons = all.filter((e) => {
            const c = getComputedStyle(e, '::before').content;
            return e.classList.contains('jupyter-widgets-disconnected') && c && c !== 'none'
                && c !== 'normal';
        }).length;
        return {
            disconnected: d.classList.contains('jupyter-widgets-disconnected'),
            controls: [...d.querySelectorAll('.wi-controls input, .wi-controls select, '
                + '.wi-controls .noUi-handle')].filter(shown).length,
            status: [...d.querySelectorAll('.wi-status')].filter(shown).length,
            // (textContent: JupyterLab may skip rendering cells out of view, innerText is
            // then empty; the note's text is in its div, beside its <style>)
            note: [...d.querySelectorAll('.wi-saved-note')].filter(shown)
                .map((e) => [...e.querySelectorAll('.widget-html-content > div')]
                    .map((x) => x.textContent.trim()).join(' ')),
            icons,
        };
    });
}"""


def _is_drawn_png(data_url) -> bool:
    """A PNG data URL holding more than one colour (not a blank frame)."""
    import base64
    import io

    from PIL import Image

    prefix = "data:image/png;base64,"
    if not isinstance(data_url, str) or not data_url.startswith(prefix):
        return False
    image = Image.open(io.BytesIO(base64.b64decode(data_url[len(prefix):]))).convert("RGBA")
    return len(image.getcolors(maxcolors=2) or [None, None]) > 1


def _saved_widget_state(path: Path) -> dict:
    """The widget models saved in the notebook's metadata (model id -> saved model)."""
    metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    return metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


def _count_dashboard_cells(path: Path) -> int:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code"
               and re.search(r"^\s*\w+_dashboard\(", "".join(c["source"]), re.M))


def test_install_lab_settings_writes_its_own_idempotent_override(tmp_path):
    """The override turns saveState on in a file of its own under overrides.d (the user's
    overrides.json untouched), rewriting nothing on a second run; that JupyterLab reads it
    is checked against a live server in the save/reopen test below."""
    user = tmp_path / "overrides.json"
    user.write_text('{"@jupyterlab/apputils-extension:themes": {"theme": "x"}}')
    first = install_lab_settings.install(tmp_path)
    assert first.parent == tmp_path / "overrides.d" and first.suffix == ".json"
    assert json.loads(first.read_text()) == {install_lab_settings.PLUGIN: {"saveState": True}}
    mtime = first.stat().st_mtime_ns
    assert install_lab_settings.install(tmp_path) == first and first.stat().st_mtime_ns == mtime
    assert user.read_text() == '{"@jupyterlab/apputils-extension:themes": {"theme": "x"}}'
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(
        ["overrides.json", "overrides.d", first.name])


def test_saved_dashboards_reopen_without_widget_error(chromium_browser, tmp_path):
    """Run the dashboards, save (File > Save), stop the server and its kernel, start a new
    server on the same files and reopen: every dashboard shows its figure again, restored
    from the widget state saved in the notebook, and no "model not found" error."""
    notebook = _target_notebook()
    expected = _count_dashboard_cells(notebook)
    assert expected >= 1, f"{notebook.name} has no dashboard cell to save and reopen"
    first = LabServer(tmp_path / "first", notebook, log_name="browser-jupyterlab-saved.log")
    saved = first.root / first.notebook_name
    console_errors, timings, t0 = [], {}, time.monotonic()
    servers, current = [first], first

    def mark(label):
        timings[label] = round(time.monotonic() - t0, 1)

    def open_page(server):
        context = chromium_browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        page.goto(server.lab_url(), wait_until="domcontentloaded")
        page.locator("#jp-main-statusbar").get_by_text(KERNEL_IDLE).wait_for(
            timeout=KERNEL_IDLE_TIMEOUT)
        return context, page

    ARTIFACTS.mkdir(exist_ok=True)
    context = page = None
    try:
        first.start()
        schema = first.api("GET", f"/lab/api/settings/{install_lab_settings.PLUGIN}")["schema"]
        assert schema["properties"]["saveState"]["default"] is True, (
            f"JupyterLab does not read the saveState override in {first.app_settings}")
        context, page = open_page(first)
        mark("kernel idle")
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        page.locator(FIGURE).nth(expected - 1).wait_for(state="attached",
                                                        timeout=DASHBOARD_TIMEOUT)
        for i in range(expected):  # each frontend asks for its first frame once in view
            figure = page.locator(FIGURE).nth(i)
            figure.scroll_into_view_if_needed()
            page.wait_for_function(FIGURE_SHOWN_JS, arg=figure.element_handle(),
                                   timeout=DASHBOARD_TIMEOUT)
        mark("dashboards drawn")

        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^File$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Save( Notebook)?$")).click()
        deadline = time.monotonic() + SAVE_TIMEOUT
        canvases = []
        while time.monotonic() < deadline:
            state = _saved_widget_state(saved)
            canvases = [m for m in state.values() if m.get("model_name") == "MPLCanvasModel"]
            if len(canvases) >= expected and all(_is_drawn_png(m["state"].get("_data_url"))
                                                 for m in canvases):
                break
            time.sleep(0.5)
        mark("saved")
        assert state, (f"the saved {saved.name} holds no widget state in its metadata: is "
                       f"saveState on ({install_lab_settings.PLUGIN})?")
        blank = [i for i, m in enumerate(canvases) if not _is_drawn_png(m["state"].get("_data_url"))]
        assert len(canvases) >= expected and not blank, (
            f"saved {saved.name}: {len(canvases)} figure canvases for {expected} dashboards, "
            f"blank or missing snapshot (_data_url) in canvases {blank}")
        context.close()
        context = None
        first.stop()  # the kernel that held the widget models is gone
        mark("first server stopped")

        current = LabServer(tmp_path / "second", notebook, root=first.root,
                            data_dir=first.data_dir, log_name="browser-jupyterlab-reopened.log")
        servers.append(current)
        current.start()
        context, page = open_page(current)
        mark("reopened, new kernel idle")
        # The manager restores the saved models once the notebook and kernel are ready;
        # until then outputs say "Loading widget...".
        try:
            page.locator(FIGURE).nth(expected - 1).wait_for(state="attached", timeout=30_000)
        except Exception:
            pass  # the assertions below say what is shown instead
        n_figures = page.locator(FIGURE).count()
        not_shown = []
        for i in range(n_figures):  # one at a time in view: the notebook renders lazily
            figure = page.locator(FIGURE).nth(i)
            figure.scroll_into_view_if_needed()
            try:
                page.wait_for_function(FIGURE_SHOWN_JS, arg=figure.element_handle(),
                                       timeout=15_000)
            except Exception:
                not_shown.append(i)
            figure.screenshot(path=str(ARTIFACTS / f"browser-reopened-figure-{i}.png"))
        mark("restored")
        page.screenshot(path=str(ARTIFACTS / "browser-reopened.png"), full_page=True)
        outputs = page.locator(".jp-Notebook .jp-OutputArea-output").all_inner_texts()
        errors = [t.strip()[:120] for t in outputs if WIDGET_ERROR.search(t)]
        assert not errors, f"reopened {saved.name} shows widget errors: {errors}"
        assert n_figures == expected and not not_shown, (
            f"reopened {saved.name}: {n_figures} of {expected} dashboard figures ({FIGURE}) "
            f"found; figures {not_shown} show no image "
            "(see test-artifacts/browser-reopened-figure-*.png)")
        # issue 19: each reopened dashboard is its last figure under one line saying how to
        # make it live; no dead controls, no stale status, no broken-link icons
        views = page.evaluate(DASHBOARD_VIEW_JS)
        (ARTIFACTS / "browser-reopened-views.json").write_text(json.dumps(views, indent=1) + "\n")
        assert len(views) == expected, views
        for i, v in enumerate(views):
            assert v["disconnected"], f"dashboard {i}: not marked disconnected: {v}"
            assert v["controls"] == 0 and v["status"] == 0, f"dashboard {i} shows dead controls: {v}"
            assert v["icons"] == 0, f"dashboard {i} shows {v['icons']} broken-link icons"
            assert len(v["note"]) == 1 and "run this cell" in v["note"][0].lower() \
                and "\n" not in v["note"][0], f"dashboard {i}: no one-line hint: {v}"
        print(f"save/reopen timings (s): {timings}; {len(state)} widget models saved")
    except Exception as exc:
        _fail_with_details(exc, page, "browser-reopen-failure.png", timings, console_errors, current)
    finally:
        if context is not None:
            context.close()
        for server in servers:
            server.stop()
