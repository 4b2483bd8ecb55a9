"""No exercise's answer is on the page above it: each numeric checker's answer (from
`show_answer=True`) is looked for, in the forms a learner would read it, in the text, code and
outputs of every cell above the exercise that calls it."""
from __future__ import annotations

import importlib
import inspect
import re

import nbformat
import pytest

from helpers import load_notebook_tool

tool = load_notebook_tool("wi_notebooks_tool_answers")
ANSWER = re.compile(r"Answer: (-?[0-9.]+(?:e[-+]?[0-9]+)?)\.")


def numeric_answers(module) -> dict[str, float]:
    """check_* name -> the answer it reveals, for checkers callable with the answer alone."""
    found = {}
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if not name.startswith("check_") or fn.__module__ != module.__name__:
            continue
        params = inspect.signature(fn).parameters
        if "show_answer" not in params:
            continue
        required = [p for p in list(params.values())[1:]
                    if p.default is inspect.Parameter.empty and p.kind != p.VAR_KEYWORD
                    and p.kind != p.VAR_POSITIONAL]
        if required:
            continue
        m = ANSWER.search(str(fn(None, show_answer=True)))
        if m:
            found[name] = float(m.group(1))
    return found


def forms(value: float) -> set[str]:
    """How the answer would be printed: 4 and 3 significant digits, and as a percentage.
    Numbers a page cannot avoid (small integers such as 2 or 30) are not looked for."""
    out = set()
    for f in (".4g", ".3g"):
        text = format(value, f)
        digits = re.sub(r"[^0-9]", "", text.split("e")[0]).lstrip("0")
        if len(digits) >= 3:
            out.add(text)
    if 0 < abs(value) < 1:
        pct = format(100 * value, ".3g")
        if len(re.sub(r"[^0-9]", "", pct).lstrip("0")) >= 3:
            out.add(pct + " %")
            out.add(pct + "%")
    return out


def cell_text(cell) -> str:
    parts = [cell.source]
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append(out["text"])
        for key, data in out.get("data", {}).items():
            if key.startswith("text/") and key != "text/html":
                parts.append(data if isinstance(data, str) else "".join(data))
    return "\n".join(parts)


def _cases():
    for name in tool.SERIES:
        path = tool.NOTEBOOK_DIR / name
        try:
            module = importlib.import_module(f"wi_helpers.exercises.nb{name[:2]}")
        except ModuleNotFoundError:
            continue
        if path.exists():
            yield pytest.param(name, module, id=name[:2])


@pytest.mark.parametrize("name, module", list(_cases()))
def test_no_answer_is_printed_above_its_exercise(name, module):
    nb = nbformat.reads((tool.NOTEBOOK_DIR / name).read_text(encoding="utf-8"), as_version=4)
    answers = numeric_answers(module)
    problems = []
    for check, value in answers.items():
        calls = [i for i, c in enumerate(nb.cells)
                 if c.cell_type == "code" and re.search(rf"\b{check}\(", c.source)]
        if not calls:
            continue
        above = "\n".join(cell_text(c) for c in nb.cells[: calls[0]])
        # a <details> solution block is collapsed: it is not "on the page"
        above = re.sub(r"<details>.*?</details>", "", above, flags=re.S)
        for text in forms(value):
            if re.search(rf"(?<![0-9.]){re.escape(text)}(?![0-9])", above):
                problems.append(f"{check}: its answer {text} is on the page above cell {calls[0]}")
    assert not problems, "\n".join(problems)


def test_the_search_finds_a_planted_answer():
    # the test itself can fail: an answer printed above its exercise is found
    import types

    module = types.ModuleType("planted")

    def check_x(answer, show_answer=False):
        return "[x] Answer: 0.2936. because." if show_answer else ""

    check_x.__module__ = "planted"
    module.check_x = check_x
    assert numeric_answers(module) == {"check_x": 0.2936}
    assert "0.2936" in forms(0.2936) and "29.4 %" in forms(0.2936)
