"""Test-run settings shared by the unit tests and the notebooks under nbval."""
import os

# Claims of the notebooks' text fail the run here (wi_helpers.claims): nbval's kernels inherit
# this environment. A learner's kernel has no such variable and gets one calm line instead.
os.environ["WI_STRICT_CLAIMS"] = "1"
