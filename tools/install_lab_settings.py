"""Make JupyterLab save widget state in notebooks, so saved dashboards reopen as figures.

Why: a dashboard's output is a widget-view bundle (plus a PNG snapshot for static viewers).
In a trusted notebook JupyterLab always renders the widget view, and
@jupyter-widgets/jupyterlab-manager 5.x (ipywidgets 8.1) has no fallback to the other mime
types of the bundle: if the widget model is missing (a learner saved and reopened the
notebook, the kernel that held the models is gone) it shows "Error displaying widget: model
not found". Its `saveState` setting (plugin `@jupyter-widgets/jupyterlab-manager:plugin`,
default false) writes every model's state into the notebook's metadata on each save, and the
manager restores those models when the notebook is reopened.

What a reopened dashboard then shows (wi_helpers.widgets): the restored views have no kernel
behind them, and ipywidgets marks each one `jupyter-widgets-disconnected` (a red broken-link
icon, sliders that move but change nothing). A style rule the dashboard carries in its own
saved state turns such a dashboard into its last figure (ipympl's Canvas draws its saved
`_data_url`, the last frame, as a plain image) under one line, "run this cell to make it
live": controls, status and icons are hidden until the cell runs again. (Without saveState the
outputs would say "model not found" instead: the image/png in the output bundle is shown only
by static viewers such as GitHub and nbconvert.)

The setting goes into `<app_settings_dir>/overrides.d/` (default `<prefix>/share/jupyter/lab/
settings`), which JupyterLab reads as defaults for every user of this environment; it is a
file of its own, so a user's `overrides.json` is left alone and still wins. Run by the
Makefile's venv step and by Binder's `postBuild`; idempotent.

    python tools/install_lab_settings.py [--settings-dir DIR]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PLUGIN = "@jupyter-widgets/jupyterlab-manager:plugin"
OVERRIDES = {PLUGIN: {"saveState": True}}
FILE_NAME = "wi-helpers-widget-state.json"


def default_settings_dir() -> Path:
    """The app settings directory JupyterLab of this interpreter reads (`LabApp.app_settings_dir`)."""
    from jupyterlab.commands import get_app_dir

    return Path(get_app_dir()) / "settings"


def install(settings_dir: Path | None = None) -> Path:
    """Write the widget-state override into `settings_dir`/overrides.d; return the file written."""
    directory = Path(settings_dir) if settings_dir is not None else default_settings_dir()
    target = directory / "overrides.d" / FILE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(OVERRIDES, indent=2) + "\n"
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        tmp = target.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings-dir", type=Path, default=None,
                        help="JupyterLab app settings directory (default: this environment's)")
    args = parser.parse_args(argv)
    print(f"JupyterLab saves widget state: {install(args.settings_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
