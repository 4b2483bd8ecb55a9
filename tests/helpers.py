"""Small helpers shared by several test files (imported as `helpers`: pytest puts tests/ on
sys.path)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load_notebook_tool(name: str = "wi_notebooks_tool"):
    """tools/notebooks.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / "notebooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module
