# `make lab` to learn, `make test` to check everything, `make doctor` before a workshop. All set up .venv first.
# `make bench` measures what durability costs (about 15 minutes; see the README's Performance section).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHELL := /bin/bash

# `make test` always uses the embedded server and the offline model, whatever your shell exports,
# so the outputs stored in the notebooks are reproduced exactly.
OFFLINE := env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u OPENAI_MODEL -u TEMPORAL_ADDRESS \
	-u TEMPORAL_NAMESPACE -u TEMPORAL_API_KEY -u TEMPORAL_PROFILE -u TEMPORAL_CONFIG_FILE \
	-u TEMPORAL_TLS -u TEMPORAL_TLS_CLIENT_CERT_PATH -u TEMPORAL_TLS_CLIENT_KEY_PATH \
	-u TEMPORAL_TLS_SERVER_CA_CERT_PATH -u TEMPORAL_TLS_SERVER_NAME -u COOKBOOK_UI_PORT -u COOKBOOK_UI_IP

LINTED := shared recipes bench tests notebooks examples tools

.PHONY: lab test bench lint install doctor exercises clean real-model test-real-model wheelhouse

install: $(STAMP)

# With no internet: `make install WHEELHOUSE=dir` installs from a folder that `make wheelhouse` filled, and from
# nothing else: no index, no pip configuration file or PIP_* variable (which could name another source).
PIP := $(if $(WHEELHOUSE),PIP_CONFIG_FILE=/dev/null $(BIN)/python -m pip --isolated,$(BIN)/python -m pip)
PIP_SOURCE := $(if $(WHEELHOUSE),--no-index --find-links $(abspath $(WHEELHOUSE)))

# pip's own log goes to .venv/pip.log; the terminal gets a dot every 2 s, so a minute is never silent.
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; this is " + sys.version.split()[0] + ". Run: make PYTHON=python3.12 ...")'
	@$(if $(WHEELHOUSE),test -d $(WHEELHOUSE) || { echo "WHEELHOUSE=$(WHEELHOUSE) is not a folder: make wheelhouse fills one"; exit 1; })
	@echo "Creating $(VENV) with $$($(PYTHON) --version) and installing the pinned requirements $(if $(WHEELHOUSE),from $(WHEELHOUSE) only,(about a minute the first time))."
	@$(PYTHON) -m venv $(VENV)
	@set -o pipefail; { $(PIP) install $(PIP_SOURCE) --upgrade pip && \
		$(PIP) install $(PIP_SOURCE) --progress-bar off -r requirements.txt -e . ; } > $(VENV)/pip.log 2>&1 & pip=$$!; \
	  while kill -0 $$pip 2>/dev/null; do sleep 2; printf '.'; done; \
	  if wait $$pip; then echo " done (pip's log: $(VENV)/pip.log)"; \
	  else echo " failed. The end of $(VENV)/pip.log:"; tail -n 15 $(VENV)/pip.log; \
	  $(if $(WHEELHOUSE),echo "Does $(WHEELHOUSE) have wheels for this machine ($$($(PYTHON) --version) on $$(uname -sm))? make wheelhouse printed which it has.";) exit 1; fi
	@touch $(STAMP)

# Before a workshop with no internet: every wheel `make install` needs, for Linux (x86_64, aarch64; Windows through
# WSL) and macOS (arm64, x86_64), Python 3.11 and 3.12, in wheelhouse/ or WHEELHOUSE=dir (about 1 GB).
# Fewer: WHEELHOUSE_PLATFORMS="linux-x86_64 macos-arm64" WHEELHOUSE_PYTHONS=3.12. See tools/wheelhouse.py.
WHEELHOUSE_FOR := $(if $(WHEELHOUSE_PLATFORMS),--platform $(WHEELHOUSE_PLATFORMS)) $(if $(WHEELHOUSE_PYTHONS),--python $(WHEELHOUSE_PYTHONS))
wheelhouse:
	@$(MAKE) -s --no-print-directory install WHEELHOUSE=
	$(BIN)/python tools/wheelhouse.py $(or $(WHEELHOUSE),wheelhouse) $(WHEELHOUSE_FOR)

# JupyterLab refuses to run as root (as in many containers) unless told it is deliberate.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check shared recipes bench tests examples tools

# About 16-20 minutes the first time on a 2-core laptop; pytest prints each test as it starts (-v).
test: lint
	@echo "== pytest tests: the server, workers, crashes, approvals, replay, exercises (most of the time goes here)"
	$(OFFLINE) $(BIN)/python -m pytest -v --durations=25 tests
	@echo "== every notebook under nbval, compared with its stored outputs"
	$(OFFLINE) $(BIN)/python -m pytest -v --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg -p no:cacheprovider notebooks

# A real small model on loopback: llama.cpp's llama-server and Qwen2.5-Coder-1.5B (tools/real_model.py).
# Built and downloaded once per machine into ~/.cache/durable-agents-cookbook, or $COOKBOOK_MODEL_CACHE
# (about 11 minutes on 2 cores), then offline.
real-model: $(STAMP)
	$(BIN)/python tools/real_model.py prepare

# Notebook 01's agent, then notebooks 01-04 and 07-13 whole, against the served model (about 20 minutes on 2 cores).
# $(OFFLINE) clears what your shell exports (an OpenAI key, a Temporal Cloud address); `run` then points
# OPENAI_BASE_URL and OPENAI_MODEL at the model it serves.
test-real-model: real-model
	$(OFFLINE) $(BIN)/python tools/real_model.py run -- $(BIN)/python -m pytest -v -rP tests/real_model

# A pre-flight check in seconds: Python, .venv, the temporal binaries, ports, Chromium, which model. Works without .venv.
doctor:
	@$(PYTHON) tools/doctor.py

# Check your edited exercise starters (recipes/exercises/): `make exercises NB=01`, or every notebook's without NB.
EXERCISE_TESTS = $(wildcard tests/test_exercises_$(NB)*.py)
NOTEBOOK_NUMBERS = $(sort $(foreach nb,$(wildcard notebooks/[0-9][0-9]_*.ipynb),$(firstword $(subst _, ,$(notdir $(nb))))))
exercises: $(STAMP)
	@test -n "$(EXERCISE_TESTS)" || { echo "No tests/test_exercises_$(NB)*.py: NB is a notebook's number, one of: $(NOTEBOOK_NUMBERS)."; exit 1; }
	$(OFFLINE) CHECK_MY_EXERCISES=1 $(BIN)/python -m pytest -p no:cacheprovider -q --tb=short $(EXERCISE_TESTS)

# The benchmark: one table on stdout, bench/results/latest.json and latest.png. Offline, like `make test`.
bench: $(STAMP)
	$(OFFLINE) $(BIN)/python -m bench

# Removes .venv, caches, the cookbook's logs, server databases and scratch folders; nothing else (see tools/clean.py).
clean:
	@$(PYTHON) tools/clean.py
