"""The classroom pack (tools/classroom.py): student copy, its updates, slides, static site.

The student copy is checked on every series notebook (no execution) and one is executed; the
update path runs with a learner's edits present. The slides and the site are opened in
headless Chromium served from 127.0.0.1 with every other request aborted (offline): the deck
advances with no script error, the site's maths is typeset and its images decode.

Missing Chromium/Playwright or npm (which fetches reveal.js and MathJax) skips the browser
tests, unless WI_REQUIRE_BROWSER=1 (CI), which makes them fail.
"""
from __future__ import annotations

import functools
import importlib.util
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("wi_classroom", REPO / "tools" / "classroom.py")
classroom = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(classroom)

NOTEBOOKS = REPO / "notebooks"
SERIES = [n for n in classroom.SERIES if (NOTEBOOKS / n).is_file()]
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_ENV = "WI_REQUIRE_BROWSER"


def _unavailable(reason: str):
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1: the browser tests must run here)", pytrace=False)
    pytest.skip(reason)


def _solution_lines(block: str) -> list[str]:
    """Lines of a solution block long enough to be the solution's own text."""
    text = re.sub(r"</?(details|summary)[^>]*>", "", block)
    return [line.strip() for line in text.splitlines() if len(line.strip()) > 25]


# ------------------------------------------------------------------ student copy


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    done = classroom.build_student(NOTEBOOKS, out)
    assert set(SERIES) <= set(done) and all(v == "new" for v in done.values())
    return out


@pytest.mark.parametrize("name", SERIES)
def test_student_copy_has_no_solutions_and_keeps_checkers(student_dir, name):
    original = classroom.read_notebook(NOTEBOOKS / name)
    student = classroom.read_notebook(student_dir / name)
    text = (student_dir / name).read_text(encoding="utf-8")
    blocks = classroom.solution_blocks(original)
    assert blocks, f"{name} has no <details> solution block: nothing would be tested"
    assert "<details" not in text.lower()
    # A solution may quote its exercise's own code (the checker call): that stays.
    code = "\n".join(c.source for c in original.cells if c.cell_type == "code")
    for block in blocks:
        for line in _solution_lines(block):
            if line in code:
                continue
            assert line not in text, f"{name}: solution text left in the student copy: {line!r}"
    ex_orig = [c for c in original.cells if c.cell_type == "code"
               and classroom.EXERCISE.search(c.source)]
    ex_student = [c for c in student.cells if c.cell_type == "code"
                  and classroom.EXERCISE.search(c.source)]
    assert [c.source for c in ex_student] == [c.source for c in ex_orig] and ex_orig
    assert all(c.outputs == [] and c.execution_count is None for c in ex_student)
    # Everything else is the original: same code cells, same stored outputs.
    others = lambda nb: [(c.source, c.get("outputs")) for c in nb.cells  # noqa: E731
                         if c.cell_type == "code" and not classroom.EXERCISE.search(c.source)]
    assert others(student) == others(original)


def test_student_notebook_runs_as_is(student_dir):
    name = "06_explorer.ipynb" if "06_explorer.ipynb" in SERIES else SERIES[0]
    nb = classroom.read_notebook(student_dir / name)
    result = classroom.execute_notebook(nb, student_dir, timeout=300, strict=True)
    assert result.ok, result.message
    exercises = [c for c in nb.cells if c.cell_type == "code"
                 and classroom.EXERCISE.search(c.source)]
    # The unanswered exercise prints its checker's hint, not an error.
    assert exercises and all(c.outputs for c in exercises)
    assert not any(o.get("name") == "stderr" or o.get("output_type") == "error"
                   for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def _tiny_course(folder: Path, version: int) -> None:
    for k, name in enumerate(("01_a.ipynb", "02_b.ipynb")):
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell(f"# Notebook {k} (course version {version})"),
            nbformat.v4.new_code_cell("from wi_helpers.exercises import nb01\n"
                                      "nb01.check_something(None)"),
            nbformat.v4.new_markdown_cell("<details>\n<summary>Solution</summary>\n\n"
                                          "The secret answer is forty-two.\n</details>"),
        ])
        nbformat.write(nb, str(folder / name))
    (folder / "glossary.md").write_text(f"# Glossary v{version}\n")


def test_update_keeps_learner_edits(tmp_path, monkeypatch):
    src, out = tmp_path / "course", tmp_path / "student"
    src.mkdir()
    monkeypatch.setattr(classroom, "SERIES", ("01_a.ipynb", "02_b.ipynb"))
    _tiny_course(src, 1)
    build = functools.partial(classroom.build_student, language_info=None)
    assert build(src, out) == {
        "01_a.ipynb": "new", "02_b.ipynb": "new", "glossary.md": "new"}
    assert "secret answer" not in (out / "01_a.ipynb").read_text()
    # The learner works in 01_a (as JupyterLab's save would write it) ...
    nb = nbformat.read(str(out / "01_a.ipynb"), as_version=4)
    nb.cells[1].source = "answer = 42  # my try\n" + nb.cells[1].source
    nb.cells.append(nbformat.v4.new_markdown_cell("My notes: chi_1 < 1 vanishes."))
    nbformat.write(nb, str(out / "01_a.ipynb"))
    mine = (out / "01_a.ipynb").read_text()
    # ... a rebuild with no course change touches nothing ...
    again = build(src, out)
    assert again["01_a.ipynb"].startswith("kept") and again["02_b.ipynb"] == "unchanged"
    assert (out / "01_a.ipynb").read_text() == mine
    assert not (out / "01_a.course-update.ipynb").exists()
    # ... and the course is updated: the untouched files follow, the learner's stays.
    _tiny_course(src, 2)
    done = build(src, out)
    assert done["02_b.ipynb"] == "updated" and done["glossary.md"] == "updated"
    assert "course version 2" in (out / "02_b.ipynb").read_text()
    assert done["01_a.ipynb"] == "kept (your edits); the new version is 01_a.course-update.ipynb"
    assert (out / "01_a.ipynb").read_text() == mine
    beside = (out / "01_a.course-update.ipynb").read_text()
    assert "course version 2" in beside and "secret answer" not in beside
    manifest = json.loads((out / classroom.MANIFEST).read_text())
    assert set(manifest) == {"01_a.ipynb", "02_b.ipynb", "glossary.md"}
    # The learner deletes their copy to take the new version: it is written again.
    (out / "01_a.ipynb").unlink()
    assert build(src, out)["01_a.ipynb"] == "new"
    assert "course version 2" in (out / "01_a.ipynb").read_text()


# ------------------------------------------------------------------ slides: rule


def test_slide_types_by_rule():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_markdown_cell(classroom.NAV_MARKER + "\n< [a](a.ipynb)"),
        nbformat.v4.new_markdown_cell("Some prose with ## inside"),
        nbformat.v4.new_markdown_cell("## A section"),
        nbformat.v4.new_code_cell("fig = plot()", outputs=[nbformat.v4.new_output(
            "display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})]),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("### A subsection"),
    ])
    kinds = [c.metadata["slideshow"]["slide_type"] for c in classroom.slide_types(nb).cells]
    assert kinds == ["slide", "skip", "-", "slide", "subslide", "-", "-"]


def test_live_note_follows_each_dashboard():
    name = "06_explorer.ipynb"
    nb = classroom.with_live_notes(classroom.read_notebook(NOTEBOOKS / name), name)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and classroom.DASHBOARD.search(cell.source):
            assert nb.cells[i + 1].source == classroom.live_note(name)
    assert "make explorer" in classroom.live_note(name)
    assert "make explorer" not in classroom.live_note("01_x.ipynb")


# ------------------------------------------------------------------ browser


@pytest.fixture(scope="module")
def vendored():
    if shutil.which("npm") is None and not (classroom.VENDOR_DIR / ".stamp").is_file():
        _unavailable("npm is not installed (it fetches reveal.js and MathJax)")
    return classroom.vendor()


@pytest.fixture(scope="module")
def chromium(chromium_browser):
    """The session's one Chromium (tests/conftest.py)."""
    return chromium_browser


@pytest.fixture
def serve():
    """Serve a folder on 127.0.0.1; return its base URL."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _offline_page(browser, base: str):
    """A page that may load only from ``base``; returns (page, errors, blocked)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors, blocked = [], []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return page, errors, blocked


def _one_notebook(tmp_path: Path, name: str) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy2(NOTEBOOKS / name, src / name)
    return src


def test_slides_open_and_advance_offline(tmp_path, vendored, chromium, serve):
    name = "06_explorer.ipynb"
    out = tmp_path / "slides"
    [deck] = classroom.build_slides(_one_notebook(tmp_path, name), out)
    base = serve(out)
    page, errors, blocked = _offline_page(chromium, base)
    page.goto(f"{base}/{deck.name}")
    # reveal.js is loaded by require.js (no global Reveal): it marks .reveal "ready".
    page.wait_for_selector(".reveal.ready", timeout=60_000)
    total = page.evaluate("[...document.querySelectorAll('.reveal .slides section')]"
                          ".filter(s => !s.querySelector('section')).length")  # leaves
    assert total >= 5, f"only {total} slides"
    seen = []
    for _ in range(min(total - 1, 10)):
        page.keyboard.press("Space")  # reveal.js: next slide, vertical ones included
        page.wait_for_timeout(200)
        seen.append(page.evaluate("location.hash"))
    assert len(set(seen)) == len(seen) and seen[0] != "#/", seen
    # A dashboard's slide shows its stored figure (a decoded PNG).
    widths = page.evaluate("[...document.querySelectorAll('.reveal img')]"
                           ".map(i => i.naturalWidth)")
    assert widths and all(w > 0 for w in widths)
    assert page.evaluate("document.querySelectorAll('.MathJax_CHTML, mjx-container').length") > 0
    assert not errors, errors
    assert not blocked, blocked
    page.close()


def test_site_renders_maths_and_images_offline(tmp_path, vendored, chromium, serve):
    name = "06_explorer.ipynb"
    src = _one_notebook(tmp_path, name)
    shutil.copy2(NOTEBOOKS / "glossary.md", src / "glossary.md")
    out = tmp_path / "site"
    pages = classroom.build_site(src, out)
    assert [p.name for p in pages] == ["index.html", "06_explorer.html", "glossary.html"]
    base = serve(out)
    page, errors, blocked = _offline_page(chromium, base)
    page.goto(f"{base}/index.html")
    page.click("text=Explorer")
    page.wait_for_url(f"{base}/06_explorer.html")
    page.wait_for_function("document.querySelectorAll('.MathJax_CHTML').length > 20",
                           timeout=60_000)
    page.wait_for_timeout(500)
    assert page.evaluate("document.querySelectorAll('.MathJax_Error, merror').length") == 0
    assert "$" not in page.inner_text(".jp-MarkdownCell >> nth=2")  # typeset, not raw TeX
    widths = page.evaluate("[...document.querySelectorAll('.jp-OutputArea img')]"
                           ".map(i => i.complete ? i.naturalWidth : -1)")
    dashboards = sum(1 for c in classroom.read_notebook(src / name).cells
                     if c.cell_type == "code" and classroom.DASHBOARD.search(c.source))
    assert len(widths) >= dashboards >= 1 and all(w > 0 for w in widths), widths
    assert page.locator("text=static snapshot of an interactive dashboard").count() == dashboards
    assert not errors, errors
    assert not blocked, blocked
    page.close()


# ------------------------------------------------------------------ explorer (Voila)

CLASSROOM_ENV = "WI_REQUIRE_CLASSROOM"  # CI (.ci/run) installs requirements-classroom.txt
STATUS, FIGURE, DEPTH_HANDLE = ".wi-status", ".wi-figure", ".wi-depth .noUi-handle"


@pytest.fixture
def voila_server(tmp_path):
    if not classroom.voila_available():
        if os.environ.get(CLASSROOM_ENV) == "1":
            pytest.fail(f"Voila is not installed ({CLASSROOM_ENV}=1)", pytrace=False)
        pytest.skip("Voila is not installed (pip install -r requirements-classroom.txt)")
    import socket
    import subprocess
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    log = open(tmp_path / "voila.log", "wb")
    proc = subprocess.Popen(classroom.explorer_command(port), cwd=NOTEBOOKS, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"voila exited: {(tmp_path / 'voila.log').read_text()[-2000:]}")
            try:  # any HTTP answer means the server is up (this path is a 403)
                urllib.request.urlopen(url + "api/status", timeout=2)  # noqa: S310
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("voila did not answer within 60 s")
                time.sleep(0.3)
        yield url
    finally:
        import signal

        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        log.close()


def test_explorer_slider_changes_status_and_figure(voila_server, chromium, tmp_path):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(voila_server, timeout=120_000)
        page.wait_for_selector(f"{FIGURE} canvas", timeout=180_000)
        status = page.locator(STATUS).first
        figure = page.locator(FIGURE).first
        body = page.inner_text("body")
        assert "from wi_helpers" not in body and "SEED = " not in body  # no code shown
        page.wait_for_timeout(1500)
        before_text, before_png = status.inner_text().strip(), figure.screenshot()
        page.locator(DEPTH_HANDLE).first.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(150)
        page.wait_for_function(
            "([sel, old]) => document.querySelector(sel).innerText.trim() !== old",
            arg=[STATUS, before_text], timeout=30_000)
        page.wait_for_timeout(1500)
        after_text, after_png = status.inner_text().strip(), figure.screenshot()
        assert after_text != before_text
        assert after_png != before_png, "the figure did not redraw"
        assert not errors, errors
    except Exception:
        page.screenshot(path=str(tmp_path / "explorer.png"))
        raise
    finally:
        context.close()


# ------------------------------------------------------------------ Binder (repo2docker)


def test_repo2docker_picks_environment_yml_and_runs_postbuild(tmp_path):
    """What Binder builds: repo2docker's Dockerfile for this repository (no Docker needed)."""
    import subprocess
    import sys

    if importlib.util.find_spec("repo2docker") is None:
        if os.environ.get(CLASSROOM_ENV) == "1":
            pytest.fail(f"repo2docker is not installed ({CLASSROOM_ENV}=1)", pytrace=False)
        pytest.skip("jupyter-repo2docker is not installed (requirements-classroom.txt)")
    res = subprocess.run([sys.executable, "-m", "repo2docker", "--no-build", "--debug",
                          str(REPO)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-3000:]
    assert "Building conda environment for python=3.11" in out, out[-3000:]
    assert '--file "environment.yml"' in out
    assert "RUN ./postBuild" in out
    # environment.yml wins: repo2docker does not install requirements.txt on its own.
    assert "-r requirements.txt" not in out and '"requirements.txt"' not in out


# ------------------------------------------------------------------ opening is not a change


def test_opening_student_notebook_does_not_mark_it_modified(student_dir, chromium, tmp_path):
    """JupyterLab writes the kernel's language_info into the notebook when the kernel connects
    and marks it modified unless the stored value is equal. The committed notebook (only
    ``{"name": "python"}``) is marked at once; the student copy (the kernel's own value) not."""
    _hspec = importlib.util.spec_from_file_location("wi_lab_harness",
                                                    REPO / "tools" / "lab_harness.py")
    lab_harness = importlib.util.module_from_spec(_hspec)
    _hspec.loader.exec_module(lab_harness)
    name = "06_explorer.ipynb" if "06_explorer.ipynb" in SERIES else SERIES[0]
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy2(student_dir / name, root / name)
    shutil.copy2(NOTEBOOKS / name, root / f"committed_{name}")
    server = lab_harness.LabServer(tmp_path / "lab", root / name, root=root,
                                   log_name="classroom-jupyterlab.log")
    server.start()
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        dirty = {}
        for opened in (name, f"committed_{name}"):
            page = context.new_page()
            page.goto(f"{server.url}/lab/tree/{opened}?token={server.token}&reset",
                      wait_until="domcontentloaded")
            page.locator("#jp-main-statusbar").get_by_text(lab_harness.KERNEL_IDLE).wait_for(
                timeout=120_000)
            page.wait_for_timeout(2000)
            tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=opened).first
            dirty[opened] = "jp-mod-dirty" in (tab.get_attribute("class") or "")
            page.close()
    finally:
        context.close()
        server.stop()
    assert dirty == {name: False, f"committed_{name}": True}, dirty
    assert (root / name).read_bytes() == (student_dir / name).read_bytes()


# ------------------------------------------------------------------ load benchmark


def test_load_benchmark_times_slider_moves():
    """One simulated learner, two moves: the harness runs and measures (figures: `make load`)."""
    result = classroom.load_benchmark((1,), updates=2, pause=0.0)
    median, p95 = result[1]
    assert 0 < median <= p95 < 30


# ------------------------------------------------------------------ JupyterHub smoke test

HUB_CODE = """
from wi_helpers.widgets import variance_dashboard
dash = variance_dashboard(depth=10)
before = dash.status_text()
dash.controls["depth"].value = 11
print("status changed:", dash.status_text() != before)
dash
"""


def _hub_execute(base: str, user: str, token: str, code: str, timeout: float = 120) -> list:
    """Run ``code`` in a new kernel of ``user``'s server (through the hub's proxy); messages."""
    import asyncio
    import urllib.request
    import uuid

    # tornado is JupyterHub's own web framework (and jupyter_server's, so jupyterlab brings it);
    # this runs only when JupyterHub is installed. Imported by name, as it is not one of the
    # project's own requirements (tests/test_project.py checks the import statements).
    import importlib

    HTTPRequest = importlib.import_module("tornado.httpclient").HTTPRequest
    websocket_connect = importlib.import_module("tornado.websocket").websocket_connect

    req = urllib.request.Request(f"{base}/user/{user}/api/kernels", data=b"{}", method="POST",
                                 headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=60) as r:  # noqa: S310
        kernel = json.loads(r.read())["id"]

    async def run() -> list:
        ws = await websocket_connect(HTTPRequest(
            f"{base.replace('http', 'ws', 1)}/user/{user}/api/kernels/{kernel}/channels",
            headers={"Authorization": f"token {token}"}))
        msg_id = uuid.uuid4().hex
        ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": user,
                       "session": uuid.uuid4().hex, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        replies = []
        while True:
            raw = await asyncio.wait_for(ws.read_message(), timeout)
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            replies.append(msg)
            if msg["msg_type"] == "execute_reply":
                ws.close()
                return replies

    return asyncio.run(run())


def test_jupyterhub_user_server_runs_a_dashboard(tmp_path):
    """A local JupyterHub (dummy authenticator, simple local spawner, configurable-http-proxy
    from npm) starts a learner's server, and a dashboard runs and answers a slider there."""
    import secrets
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    chp = shutil.which("configurable-http-proxy") or os.environ.get("WI_CHP")
    if importlib.util.find_spec("jupyterhub") is None or not chp:
        pytest.skip("JupyterHub or configurable-http-proxy is not installed (a manual check: "
                    "pip install jupyterhub; npm install configurable-http-proxy)")

    def free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    token, user = secrets.token_hex(16), "learner1"
    port = free_port()
    home = tmp_path / "home" / user
    home.mkdir(parents=True)
    config = tmp_path / "jupyterhub_config.py"
    config.write_text(f"""
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(tmp_path / 'home' / '{username}')!r}
c.Spawner.cmd = [{sys.executable!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.args = {['--allow-root'] if os.geteuid() == 0 else []!r}
c.Spawner.environment = {{"PYTHONPATH": {os.environ.get('PYTHONPATH', str(REPO))!r}}}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.db_url = "sqlite:///{tmp_path / 'hub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(tmp_path / 'cookie_secret')!r}
c.JupyterHub.pid_file = {str(tmp_path / 'hub.pid')!r}
c.JupyterHub.services = [{{"name": "smoke", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "smoke", "services": ["smoke"],
                             "scopes": ["admin:users", "admin:servers", "access:servers"]}}]
""")
    log = open(tmp_path / "hub.log", "wb")
    hub = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)],
                           cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                           start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def api(method: str, path: str):
        req = urllib.request.Request(f"{base}/hub/api{path}", method=method,
                                     headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310
            body = r.read()
        return json.loads(body) if body else None

    def wait(what: str, check, seconds: float):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if hub.poll() is not None:
                pytest.fail(f"jupyterhub exited:\n{(tmp_path / 'hub.log').read_text()[-3000:]}")
            try:
                if check():
                    return
            except (OSError, urllib.error.URLError, KeyError, ValueError):
                pass
            time.sleep(0.5)
        pytest.fail(f"{what} not within {seconds} s:\n{(tmp_path / 'hub.log').read_text()[-3000:]}")

    try:
        wait("the hub", lambda: api("GET", "/") is not None, 90)
        api("POST", f"/users/{user}")
        try:
            api("POST", f"/users/{user}/server")
        except urllib.error.HTTPError as exc:
            assert exc.code == 202, exc  # accepted, still starting
        wait("the learner's server", lambda: api("GET", f"/users/{user}")["servers"][""]["ready"],
             150)
        started = time.perf_counter()
        replies = _hub_execute(base, user, token, HUB_CODE)
        seconds = time.perf_counter() - started
        reply = [m for m in replies if m["msg_type"] == "execute_reply"][0]
        assert reply["content"]["status"] == "ok", reply["content"]
        text = "".join(m["content"].get("text", "") for m in replies if m["msg_type"] == "stream")
        assert "status changed: True" in text, text
        bundles = [m["content"]["data"] for m in replies
                   if m["msg_type"] in ("execute_result", "display_data")]
        assert any("application/vnd.jupyter.widget-view+json" in b for b in bundles), bundles
        print(f"dashboard built and moved in the learner's server in {seconds:.1f} s")
    finally:
        os.killpg(hub.pid, signal.SIGTERM)  # the hub stops the proxy and the user's server
        try:
            hub.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(hub.pid, signal.SIGKILL)
            hub.wait(timeout=5)
        log.close()
