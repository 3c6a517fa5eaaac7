# Two commands: `make lab` to learn, `make test` to check everything. Both set up .venv first.
# `make bench` measures what durability costs (about 10 minutes; see the README's Performance section).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# `make test` always uses the embedded server and the offline model, whatever your shell exports,
# so the outputs stored in the notebooks are reproduced exactly.
OFFLINE := env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u OPENAI_MODEL -u TEMPORAL_ADDRESS \
	-u TEMPORAL_NAMESPACE -u TEMPORAL_API_KEY -u TEMPORAL_PROFILE -u TEMPORAL_CONFIG_FILE \
	-u TEMPORAL_TLS -u TEMPORAL_TLS_CLIENT_CERT_PATH -u TEMPORAL_TLS_CLIENT_KEY_PATH \
	-u TEMPORAL_TLS_SERVER_CA_CERT_PATH -u TEMPORAL_TLS_SERVER_NAME

.PHONY: lab test bench lint install clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; this is " + sys.version.split()[0] + ". Run: make PYTHON=python3.12 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

# JupyterLab refuses to run as root (as in many containers) unless told it is deliberate.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/

lint: $(STAMP)
	$(BIN)/ruff check shared recipes bench tests notebooks
	$(BIN)/ruff format --check shared recipes bench tests

test: lint
	$(OFFLINE) $(BIN)/python -m pytest tests
	$(OFFLINE) $(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg -p no:cacheprovider notebooks

# The benchmark: one table on stdout, bench/results/latest.json and latest.png. Offline, like `make test`.
bench: $(STAMP)
	$(OFFLINE) $(BIN)/python -m bench

clean:
	rm -rf $(VENV)
