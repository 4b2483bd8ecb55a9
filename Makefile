# Two commands for a newcomer: `make lab` and `make test`. Both build .venv first if needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
PORT   ?= 8888
# JupyterLab refuses to start as root unless told; containers and CI run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab port-ok test unit notebooks notebooks-force bench venv venv-dev clean-venv

# PORT goes into jupyter's command line, so it must be a plain integer 1..65535, checked
# before anything runs (`make lab PORT='8888 --ip=0.0.0.0'` would otherwise add an option).
# The shell reads it from the environment, quoted, never spliced into a command; `+` runs
# the check under `make -n` too. lab's prerequisites are made in order: the check first.
export PORT
port-ok:
	@+case "$$PORT" in ''|0*|*[!0-9]*) false;; esac && [ $${#PORT} -le 5 ] && [ "$$PORT" -le 65535 ] \
	  || { echo "PORT must be an integer from 1 to 65535, got '$$PORT' (e.g. make lab PORT=8889)" >&2; exit 1; }

# One BLAS thread for tests and notebook runs: their matrices are small, extra threads only
# contend with the kernel, JupyterLab and the browser on a small machine, and the printed
# numbers (compared by nbval) stay the same whatever the number of cores.
test unit notebooks notebooks-force: export OPENBLAS_NUM_THREADS = 1
test unit notebooks notebooks-force: export OMP_NUM_THREADS = 1
test unit notebooks notebooks-force: export MKL_NUM_THREADS = 1

venv: $(STAMP)
venv-dev: $(DEV_STAMP)

# Runtime set (requirements.txt): all `make lab` needs. Rebuilt whenever the file changes.
# The .pth file puts the repository on the venv's path, so `import wi_helpers` works from
# any folder (notebooks/, tests/, a learner's scratch notebook) with no build step.
$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -c "import site, os; open(os.path.join(site.getsitepackages()[0], 'wi_helpers_repo.pth'), 'w').write(os.getcwd() + '\\n')"
	$(BIN)/python tools/install_lab_settings.py
	touch $(STAMP)

# Development set (requirements-dev.txt = runtime + test and tool packages), on top.
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(DEV_STAMP)

## Open JupyterLab on the notebooks (localhost only, token kept).
lab: port-ok $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG)

## The whole test suite: unit tests, every notebook under strict nbval, the browser test.
test: $(DEV_STAMP)
	$(BIN)/python -m pytest

## Unit tests only (fast): no notebooks, no browser.
unit: $(DEV_STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/test_browser.py

## Re-execute and clean the series' notebooks (SERIES in tools/notebooks.py; a learner's own
## notebooks are never touched). Refuses, naming the file, to overwrite a notebook with
## uncommitted edits or one saved while the run went on; the new outputs then go to
## notebooks/.regenerated/. notebooks-force skips only the uncommitted-edits check.
notebooks: $(DEV_STAMP)
	$(BIN)/python tools/notebooks.py run

notebooks-force: $(DEV_STAMP)
	$(BIN)/python tools/notebooks.py run --force

## Benchmarks: print timings (not part of the tests).
bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_dashboard.py
	$(BIN)/python benchmarks/bench_train.py
	$(BIN)/python benchmarks/bench_browser.py

clean-venv:
	rm -rf $(VENV)

# ------------------------------------------------------------------ classroom pack
# tools/classroom.py; everything is written under build/ (git-ignored), never notebooks/.
# See docs/instructor-guide.md. reveal.js and MathJax come from npm (fetched once into
# build/vendor/, then served with the pages: no CDN, works offline).
CLASSROOM_STAMP := $(VENV)/.installed-classroom
# The explorer's port, read by the shell from the environment (quoted, never spliced into
# the command); tools/classroom.py refuses anything but an integer 1..65535.
EXPLORER_PORT ?= 8866
export EXPLORER_PORT
.PHONY: student lab-student slides site vendor explorer load

## The learners' copy: build/student/ (no solutions, exercise outputs cleared). Run it again
## after a course update: a notebook the learner changed is kept, the new one written beside.
student: $(STAMP)
	$(BIN)/python tools/classroom.py student

## JupyterLab on build/student/ (autosave writes there, never into git-tracked notebooks/).
lab-student: port-ok student
	$(BIN)/python tools/classroom.py lab --port="$$PORT"

## A reveal.js deck per notebook: build/slides/NN_name.slides.html
slides: $(STAMP)
	$(BIN)/python tools/classroom.py slides

## Static HTML of every notebook and an index: build/site/index.html
site: $(STAMP)
	$(BIN)/python tools/classroom.py site

## Fetch reveal.js, MathJax 2, require.js and jQuery from npm into build/vendor/ (once).
vendor: $(STAMP)
	$(BIN)/python tools/classroom.py vendor

$(CLASSROOM_STAMP): $(STAMP) requirements-classroom.txt
	$(BIN)/python -m pip install --quiet -r requirements-classroom.txt
	touch $(CLASSROOM_STAMP)

## Notebook 06's dashboards as an app without code (Voila, http://127.0.0.1:8866;
## EXPLORER_PORT=... for another port).
explorer: $(CLASSROOM_STAMP)
	$(BIN)/python tools/classroom.py explorer --port="$$EXPLORER_PORT"

## Load figure: N = 1, 5, 10 simulated learners moving a dashboard's slider at once on this
## machine; key -> figure times in the kernel (median, 95th percentile).
load: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python tools/classroom.py load
