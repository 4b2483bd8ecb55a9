"""The project's install routes cannot drift apart, and CI runs what the README says."""
import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# import name -> distribution name in the requirements files (only where they differ)
DIST = {"IPython": "ipykernel", "PIL": "pillow"}
STDLIB = set(sys.stdlib_module_names)
RUNTIME = ROOT / "requirements.txt"
DEV = ROOT / "requirements-dev.txt"


def requirement_lines(path: Path) -> list[str]:
    lines = [l.split("#")[0].strip() for l in path.read_text().splitlines()]
    return [l for l in lines if l and not l.startswith("-r ")]


def requirement_names(*paths: Path) -> set[str]:
    paths = paths or (RUNTIME, DEV)
    return {re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0].lower()
            for path in paths for line in requirement_lines(path)}


def test_requirements_are_pinned():
    for path in (RUNTIME, DEV):
        for line in requirement_lines(path):
            assert "==" in line, f"unpinned requirement in {path.name}: {line!r}"


def test_runtime_and_dev_requirements_split():
    runtime, dev = requirement_names(RUNTIME), requirement_names(DEV)
    # `make lab` gets what the notebooks need and no test tools (playwright is 165 MB)
    assert runtime == {"numpy", "matplotlib", "pillow", "ipywidgets", "ipympl", "ipykernel",
                       "jupyterlab", "tqdm", "threadpoolctl"}, runtime
    assert {"pytest", "nbval", "playwright", "nbformat", "nbclient"} <= dev
    assert not runtime & dev, "a package is listed in both files"
    assert "-r requirements.txt" in DEV.read_text().splitlines()


def _pins(path: Path) -> dict[str, list[str]]:
    pins: dict[str, list[str]] = {}
    for line in requirement_lines(path):
        name, version = re.match(r"([A-Za-z0-9_.-]+)==([0-9.]+)", line).groups()
        pins.setdefault(name.lower(), []).append(version)
    return pins


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


def test_pyproject_declares_the_runtime_set_with_lower_bounds():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    bounds = dict(re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", d).groups() for d in deps)
    pins = _pins(RUNTIME)
    assert set(bounds) == set(pins), (set(bounds) ^ set(pins))
    for name, low in bounds.items():
        # the bound is the oldest version pinned for any Python (what the tests ran with)
        assert _version(low) == min(map(_version, pins[name])), (name, low, pins[name])


def test_wi_helpers_imports_only_runtime_packages():
    runtime = requirement_names(RUNTIME)
    transitive = {"traitlets": "ipywidgets"}
    imported = third_party_imports(ROOT.glob("wi_helpers/**/*.py"))
    missing = sorted(m for m in imported if m not in OPTIONAL
                     and DIST.get(m, m).lower() not in runtime and transitive.get(m) not in runtime)
    assert not missing, f"wi_helpers imports packages not in requirements.txt: {missing}"


def test_environment_yml_installs_exactly_requirements_txt():
    text = (ROOT / "environment.yml").read_text()
    body = [l for l in (s.split("#")[0].rstrip() for s in text.splitlines()) if l.strip()]
    deps = body[body.index("dependencies:") + 1:]
    items = [l.strip()[2:].strip() for l in deps if l.strip().startswith("- ")]
    # conda provides only Python and pip; every package comes from requirements.txt via pip
    assert items == ["python=3.11", "pip", "pip:", "-r requirements.txt"], items
    # and python 3.11 selects the '>= 3.11' pins of the requirements' markers
    assert 'python_version >= "3.11"' in (ROOT / "requirements.txt").read_text()


def third_party_imports(paths) -> set[str]:
    found = set()
    for path in paths:
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    # the project's own modules: the package and the files of its script and test folders
    local = {"wi_helpers", "tests", "scripts", "tools",
             *(p.stem for folder in ("tests", "tools", "scripts", "benchmarks")
               for p in (ROOT / folder).glob("*.py"))}
    return {m for m in found if m not in STDLIB and m not in local}


# Imported only inside try/except ImportError, to compute a framework's own numbers when it is
# installed (notebooks 04 and 07); deliberately not dependencies (torch is 754 MB).
OPTIONAL = {"torch", "keras"}


def test_every_imported_package_is_required():
    paths = [*ROOT.glob("wi_helpers/**/*.py"), *ROOT.glob("tests/*.py"),
             *ROOT.glob("benchmarks/*.py"), *ROOT.glob("tools/*.py"), *ROOT.glob("scripts/*.py")]
    required = requirement_names(RUNTIME, DEV)
    # packages that arrive with a pinned one (matplotlib brings pyparsing etc., jupyter brings
    # these); importing them directly is fine only if they are listed or come with a listed one
    transitive = {"IPython": "ipykernel", "traitlets": "ipywidgets", "yaml": "jupyterlab",
                  "jupyter_client": "nbclient", "zmq": "ipykernel",
                  "psutil": "ipykernel"}  # through IPython
    missing = []
    for module in sorted(third_party_imports(paths)):
        dist = DIST.get(module, module).lower()
        if module in OPTIONAL:
            continue
        if dist not in required and transitive.get(module) not in required:
            missing.append(module)
    assert not missing, f"imported but in neither requirements file: {missing}"


def _make_n(*args: str) -> subprocess.CompletedProcess:
    # -n: print the commands, run none (no venv is built, no JupyterLab starts)
    return subprocess.run(["make", "-n", "-C", str(ROOT), *args], capture_output=True, text=True,
                          timeout=60)


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@needs_make
@pytest.mark.parametrize("port", ["8888 --ip=0.0.0.0", "0", "65536", "123456", "08888", "abc",
                                  "", "1;ls", "88.8", "-1", "99999", "9999999999999999999999"])
def test_make_lab_rejects_a_port_that_is_not_an_integer_1_to_65535(port):
    res = _make_n("lab", f"PORT={port}")
    assert res.returncode != 0
    assert f"PORT must be an integer from 1 to 65535, got '{port}'" in res.stderr
    assert "jupyter" not in res.stdout and "pip install" not in res.stdout  # refused before any work


@needs_make
@pytest.mark.parametrize("port", ["1", "8889", "9999", "10000", "65535"])
def test_make_lab_passes_a_valid_port(port):
    res = _make_n("lab", f"PORT={port}")
    assert res.returncode == 0, res.stderr
    [line] = [l for l in res.stdout.splitlines() if "jupyter lab" in l]
    assert f"--port={port}" in line.split() and "--ip=127.0.0.1" in line.split()


@needs_make
@pytest.mark.parametrize("target", ["lab", "test", "unit", "notebooks", "notebooks-force", "bench"])
def test_make_lab_installs_runtime_only_and_tests_install_dev(target):
    """What each target would run from scratch (-B: as if nothing were built yet): the
    runtime requirements always, the dev requirements for everything but `lab`."""
    res = _make_n("-B", target)
    assert res.returncode == 0, res.stderr
    installs = [l for l in res.stdout.splitlines() if "pip install" in l]
    assert any(l.endswith("-r requirements.txt") for l in installs), res.stdout
    dev = any(l.endswith("-r requirements-dev.txt") for l in installs)
    assert dev is (target != "lab"), res.stdout


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make lab" in readme
    assert re.search(r"^make test$", ci, re.M), ".ci/run must call the README's `make test`"
    assert "set -euo pipefail" in ci


def test_gitignore_covers_local_state():
    ignored = (ROOT / ".gitignore").read_text().split()
    for entry in (".venv/", "__pycache__/", ".ipynb_checkpoints/", "test-artifacts/"):
        assert entry in ignored


def test_environment_check_reads_the_pyproject_lower_bounds(tmp_path):
    from wi_helpers import environment
    bounds = environment.lower_bounds()
    assert bounds["numpy"] and bounds["ipympl"]
    assert set(environment.CHECKED) <= set(bounds)
    lines = environment.check_environment()
    assert lines == [f"{n:<11} ok (>= {bounds[n]})" for n in environment.CHECKED]
    fake = tmp_path / "pyproject.toml"
    fake.write_text('[project]\ndependencies = [\n    "numpy>=999.0",\n    "ipympl>=0.1",\n]\n')
    with pytest.raises(RuntimeError, match="numpy .* is older than 999.0"):
        environment.check_environment(("numpy", "ipympl"), path=fake)
    with pytest.raises(ValueError, match="matplotlib has no lower bound"):
        environment.check_environment(("matplotlib",), path=fake)


def test_widgets_use_only_public_names_of_the_plots_layer():
    """The widgets layer reaches the plots layer through public names only (no `_x`, neither
    imported nor as an attribute of an imported plots module)."""
    tree = ast.parse((ROOT / "wi_helpers" / "widgets.py").read_text(encoding="utf-8"))
    imported, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("plots"):
            imported += [a.name for a in node.names]
            if node.module == "plots":
                modules |= {a.asname or a.name for a in node.names}
            else:
                modules |= {a.asname or a.name for a in node.names if a.name.islower()}
    assert imported, "widgets.py should draw through wi_helpers.plots"
    private = sorted({n for n in imported if n.startswith("_")} |
                     {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
                      and isinstance(n.value, ast.Name) and n.value.id in modules | {"plots"}
                      and n.attr.startswith("_")})
    assert not private, f"widgets.py reaches into plots' private names: {private}"