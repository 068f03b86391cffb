# One-command setup for causal_course. `make lab` opens the course, `make test` runs every test.
# Both create (or reuse) a virtual environment in .venv.
#
# TORCH is what pip installs when the venv has no torch yet. The default is the CPU build that
# this course's CI machine keeps on disk; elsewhere any torch >= 2.2 works, for instance
#     make lab TORCH="torch>=2.2"
# or a CPU-only build from PyTorch's own index (see README).

PYTHON ?= python3
VENV ?= .venv
TORCH ?= torch==2.13.0
PIP_TORCH_ARGS ?=
PYTEST_ARGS ?=
LAB_ARGS ?=
BIN := $(VENV)/bin

.PHONY: setup lab test quick check browser sandbox site clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install $(PIP_TORCH_ARGS) "$(TORCH)"
	$(BIN)/python -m pip install -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

lab: setup
	$(BIN)/causal-course lab $(LAB_ARGS)

check: setup
	$(BIN)/causal-course check

# The browser test drives Debian's Chromium (Playwright's own browser download does not work
# everywhere). As root, install it with apt-get; otherwise say how, and the test skips.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "note: install Chromium (e.g. sudo apt-get install chromium) to run the browser test"; fi; }

# `causal-course grade` seals each submission off with bubblewrap (bwrap; Linux). As root,
# install it with apt-get; otherwise say how, and the grading tests skip.
sandbox:
	@command -v bwrap >/dev/null 2>&1 || \
	{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; \
	  else echo "note: install bubblewrap (e.g. sudo apt-get install bubblewrap) to grade and to run the grading tests"; fi; }

test: setup browser sandbox
	$(BIN)/ruff check .
	CAUSAL_COURSE_FAST=1 $(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Unit tests only (no notebooks, browser, site, batch grading or training runs): about 30 s on 2 cores.
quick: setup
	$(BIN)/ruff check .
	CAUSAL_COURSE_FAST=1 $(BIN)/python -m pytest -n 2 -m "not slow and not notebook and not browser and not site" $(PYTEST_ARGS)

# The static course site, a Jupyter Book (every lesson executed, exercises with folded solutions), in build/site;
# its sources are laid out in build/site_book.
# SITE_ARGS=--fast shrinks the training budgets as CI does.
SITE_ARGS ?=
site: setup
	$(BIN)/python scripts/build_site.py --out build/site $(SITE_ARGS)

clean-venv:
	rm -rf $(VENV)
