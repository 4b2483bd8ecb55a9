"""The environment check of notebook 00: the installed packages against the project's own
lower bounds (pyproject.toml's [project] dependencies, the one place they are written)."""
from __future__ import annotations

import re
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
# Checked by notebook 00: what the notebooks import (the rest is JupyterLab's own business).
CHECKED = ("numpy", "matplotlib", "pillow", "ipywidgets", "ipympl")


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text.split("+")[0])[:3])


def lower_bounds(path: Path = PYPROJECT) -> dict[str, str]:
    """name -> minimum version, from the `dependencies` of pyproject.toml ("numpy>=2.2.6")."""
    text = Path(path).read_text(encoding="utf-8")
    block = re.search(r"^dependencies\s*=\s*\[(.*?)\]", text, re.S | re.M)
    if block is None:
        raise ValueError(f"{path} has no [project] dependencies list")
    out = {}
    for name, minimum in re.findall(r'"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][^",;\s]*)', block.group(1)):
        out[name.lower()] = minimum
    return out


def check_environment(names=CHECKED, path: Path = PYPROJECT) -> list[str]:
    """Print one line per package (ok, with its lower bound); raise naming every problem."""
    if sys.version_info < (3, 10):
        raise RuntimeError(f"Python 3.10 or newer is needed, this is {sys.version.split()[0]}")
    bounds = lower_bounds(path)
    lines, problems = [], []
    for name in names:
        if name not in bounds:
            raise ValueError(f"{name} has no lower bound in {path}; known: {', '.join(bounds)}")
        try:
            installed = version(name)
        except PackageNotFoundError:
            problems.append(f"{name} is not installed (need >= {bounds[name]})")
            continue
        if _version_tuple(installed) < _version_tuple(bounds[name]):
            problems.append(f"{name} {installed} is older than {bounds[name]}")
        else:
            lines.append(f"{name:<11} ok (>= {bounds[name]})")
    print("\n".join(lines))
    if problems:
        raise RuntimeError("; ".join(problems) + ": run `make lab` or `pip install -r requirements.txt`")
    return lines
