# Two commands for a newcomer: `make lab` and `make test`. Both build .venv first if needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
# JupyterLab refuses to start as root unless told; containers and CI run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test unit notebooks notebooks-force bench venv clean-venv

# One BLAS thread for tests and notebook runs: their matrices are small, extra threads only
# contend with the kernel, JupyterLab and the browser on a small machine, and the printed
# numbers (compared by nbval) stay the same whatever the number of cores.
test unit notebooks notebooks-force: export OPENBLAS_NUM_THREADS = 1
test unit notebooks notebooks-force: export OMP_NUM_THREADS = 1
test unit notebooks notebooks-force: export MKL_NUM_THREADS = 1

venv: $(STAMP)

# Rebuilt whenever requirements.txt changes. The .pth file puts the repository on the
# venv's path, so `import wi_helpers` works from any folder (notebooks/, tests/, a
# learner's scratch notebook) with no build step.
$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -c "import site, os; open(os.path.join(site.getsitepackages()[0], 'wi_helpers_repo.pth'), 'w').write(os.getcwd() + '\\n')"
	$(BIN)/python tools/install_lab_settings.py
	touch $(STAMP)

## Open JupyterLab on the notebooks (localhost only, token kept).
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG)

## The whole test suite: unit tests, every notebook under strict nbval, the browser test.
test: $(STAMP)
	$(BIN)/python -m pytest

## Unit tests only (fast): no notebooks, no browser.
unit: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/test_browser.py

## Re-execute and clean every notebook; refuses to overwrite notebooks with uncommitted edits.
notebooks: $(STAMP)
	$(BIN)/python tools/notebooks.py run

notebooks-force: $(STAMP)
	$(BIN)/python tools/notebooks.py run --force

## Benchmarks: print timings (not part of the tests).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_dashboard.py
	$(BIN)/python benchmarks/bench_train.py

clean-venv:
	rm -rf $(VENV)
