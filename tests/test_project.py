"""The project's install routes cannot drift apart, and CI runs what the README says."""
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# import name -> distribution name in requirements.txt (only where they differ)
DIST = {"ipympl": "ipympl", "playwright": "playwright", "nbclient": "nbclient",
        "nbformat": "nbformat", "IPython": "ipykernel", "ipywidgets": "ipywidgets"}
STDLIB = set(sys.stdlib_module_names)


def requirement_names() -> set[str]:
    names = set()
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            names.add(re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0].lower())
    return names


def test_requirements_are_pinned():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert "==" in line, f"unpinned requirement: {line!r}"


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
    return {m for m in found if m not in STDLIB and m not in {"wi_helpers", "tests", "browser_util"}}


# Imported only inside try/except ImportError, to compute a framework's own numbers when it is
# installed (notebooks 04 and 07); deliberately not dependencies (torch is 754 MB).
OPTIONAL = {"torch", "keras"}


def test_every_imported_package_is_required():
    paths = [*ROOT.glob("wi_helpers/**/*.py"), *ROOT.glob("tests/*.py"),
             *ROOT.glob("benchmarks/*.py"), *ROOT.glob("tools/*.py"), *ROOT.glob("scripts/*.py")]
    required = requirement_names()
    # packages that arrive with a pinned one (matplotlib brings pyparsing etc., jupyter brings
    # these); importing them directly is fine only if they are listed or come with a listed one
    transitive = {"IPython": "ipykernel", "traitlets": "ipywidgets", "yaml": "jupyterlab",
                  "jupyter_client": "nbclient", "zmq": "ipykernel", "PIL": "matplotlib"}
    missing = []
    for module in sorted(third_party_imports(paths)):
        dist = DIST.get(module, module).lower()
        if module in OPTIONAL:
            continue
        if dist not in required and transitive.get(module) not in required:
            missing.append(module)
    assert not missing, f"imported but not in requirements.txt: {missing}"


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
