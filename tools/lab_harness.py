"""A JupyterLab server on a temporary copy of notebooks/, isolated from ~/.jupyter, and the
Chromium that drives it: shared by the real-browser tests (tests/test_browser.py) and the
real-browser benchmark (benchmarks/bench_browser.py).

The server gets its own config, runtime, workspace and settings directories (the settings
switch off the news and update-check notifications, tests/jupyter_settings/), the project's
environment-wide JupyterLab defaults (tools/install_lab_settings.py) in its own app settings
directory, and a "python3" kernelspec that is this interpreter.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil  # installed with ipykernel (through IPython)

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("wi_install_lab_settings",
                                               REPO / "tools" / "install_lab_settings.py")
install_lab_settings = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(install_lab_settings)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SETTINGS = REPO / "tests" / "jupyter_settings"
ARTIFACTS = REPO / "test-artifacts"
KERNEL_IDLE = "Python 3 (ipykernel) | Idle"  # JupyterLab's status bar, kernel started
SERVER_START_TIMEOUT = 60  # s


# ------------------------------------------------------------------ processes


def _descendants(pid: int) -> list[psutil.Process]:
    """The processes below ``pid`` (kernels run in their own sessions, so a process
    group kill misses them)."""
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _kill_leftovers(processes: list[psutil.Process]) -> None:
    for process in processes:
        try:
            process.kill()  # psutil checks the start time first: a recycled pid is spared
        except psutil.NoSuchProcess:
            pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """A JupyterLab server on a temporary copy of notebooks/, isolated from ~/.jupyter."""

    def __init__(self, base: Path, notebook: Path, root: Path | None = None,
                 data_dir: Path | None = None, log_name: str = "browser-jupyterlab.log"):
        """``root``/``data_dir``: reuse a previous server's notebooks and data directory
        (notebook trust database) instead of new ones, as a learner's next session does."""
        self.base = base
        self.data_dir = data_dir if data_dir is not None else base / "data"
        if root is None:
            root = base / "notebooks"
            shutil.copytree(REPO / "notebooks", root,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            if notebook.parent != REPO / "notebooks":
                shutil.copy2(notebook, root / notebook.name)
        self.root = root
        self.notebook_name = notebook.name
        shutil.copytree(SETTINGS, base / "settings")
        # The environment-wide defaults the project installs (widget state saved with the
        # notebook), written by the same code as the Makefile's venv step and Binder's
        # postBuild, into this server's own app settings directory.
        self.app_settings = base / "app_settings"
        install_lab_settings.install(self.app_settings)
        # Highest-priority kernelspec: "python3" is this interpreter, whatever ~/.local says.
        from ipykernel.kernelspec import get_kernel_dict

        spec = base / "jupyter_path" / "kernels" / "python3"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps(get_kernel_dict(), indent=1))
        self.token = secrets.token_hex(24)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = ARTIFACTS / log_name
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = dict(os.environ)
        env.update({
            "JUPYTER_CONFIG_DIR": str(self.base / "config"),
            "JUPYTER_RUNTIME_DIR": str(self.base / "runtime"),
            "JUPYTER_DATA_DIR": str(self.data_dir),
            "JUPYTERLAB_SETTINGS_DIR": str(self.base / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.base / "workspaces"),
            "JUPYTER_PATH": os.pathsep.join(
                [str(self.base / "jupyter_path"), *filter(None, [env.get("JUPYTER_PATH")])]),
            "IPYTHONDIR": str(self.base / "ipython"),
        })
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.root}",
               f"--LabApp.app_settings_dir={self.app_settings}",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        ARTIFACTS.mkdir(exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.base, env=env, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n"
                           f"{self.log_tail()}")

    def api(self, method: str, path: str):
        request = urllib.request.Request(f"{self.url}{path}?token={self.token}", method=method)
        with urllib.request.urlopen(request, timeout=5) as response:
            body = response.read()
        return json.loads(body) if body else None

    def lab_url(self) -> str:
        return f"{self.url}/lab/tree/{self.notebook_name}?token={self.token}"

    def log_tail(self, n: int = 20) -> str:
        """The last ``n`` interesting lines of the server log (start-up chatter dropped)."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        noise = re.compile(r"extension was successfully|Skipped non-installed server|Use Control-C")
        return "\n".join([line for line in lines if not noise.search(line)][-n:])

    def stop(self) -> None:
        """Shut down kernels and server; kill whatever they left behind."""
        if self.proc is None:
            return
        children = _descendants(self.proc.pid)
        if self.proc.poll() is None:
            try:
                for kernel in self.api("GET", "/api/kernels"):
                    self.api("DELETE", f"/api/kernels/{kernel['id']}")
            except (OSError, urllib.error.URLError, ValueError):
                pass
            self.proc.send_signal(signal.SIGTERM)  # the server shuts down its kernels too
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        _kill_leftovers(children)
        self.proc = None
