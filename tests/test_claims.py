"""The claims mechanism: strict in CI, one calm line in a learner's kernel."""
import numpy as np
import pytest

from wi_helpers import claims
from wi_helpers.claims import ClaimError, claim


def test_strict_mode_is_set_for_the_test_run():
    assert claims.strict()


def test_a_claim_that_holds_is_silent_in_both_modes(monkeypatch, capsys):
    assert claim(np.float64(1.0) < 2, "one is below two")
    monkeypatch.delenv(claims.STRICT_ENV)
    assert claim(True, "true")
    assert capsys.readouterr().out == ""


def test_strict_mode_raises_with_the_statement_and_what_was_found():
    with pytest.raises(ClaimError, match=r"ratio below 1e-3 \(found: the ratio is 1\.4e-03\) "
                                         r"\[setting: width 256, seed 0\]"):
        claim(1.4e-3 < 1e-3, "ratio below 1e-3", found="the ratio is 1.4e-03",
              setting="width 256, seed 0")


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_a_learner_kernel_gets_one_line(monkeypatch, capsys, value):
    monkeypatch.setenv(claims.STRICT_ENV, value)
    assert claim(False, "ratio below 1e-3", found="the ratio is 1.4e-03",
                 setting="width 256, seed 0").ok is False
    out = capsys.readouterr().out
    assert out == ("The text above describes width 256, seed 0; with your settings the ratio "
                   "is 1.4e-03.\n")


def test_a_learner_line_without_details_still_says_what_failed(monkeypatch, capsys):
    monkeypatch.delenv(claims.STRICT_ENV)
    claim(False, "E[h^2] stays level")
    assert capsys.readouterr().out == ("The text above describes another setting; with your "
                                       "settings this no longer holds: E[h^2] stays level.\n")


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="statement"):
        claim(True, "  ")
    with pytest.raises(TypeError, match="np.all"):
        claim(np.array([True, False]), "an array")


def test_a_claim_ending_a_cell_displays_nothing():
    # a real kernel: IPython calls _ipython_display_ instead of showing "True" as the cell's value
    import nbformat
    from helpers import REPO, load_notebook_tool

    tool = load_notebook_tool("wi_notebooks_tool_claims")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from wi_helpers.claims import claim\nclaim(1 < 2, 'one is below two')"),
        nbformat.v4.new_code_cell("bool(claim(1 < 2, 'one is below two'))")])
    assert tool.execute_notebook(nb, REPO, timeout=60).ok
    assert nb.cells[0].outputs == []
    assert nb.cells[1].outputs[0]["data"]["text/plain"] == "True"
