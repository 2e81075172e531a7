# Two commands for a newcomer: `make run` and `make test`. Both create .venv if missing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench wheelhouse clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/companion

test: $(STAMP)
	$(PY) -m ruff check companion tests benchmarks
	$(PY) -m mypy
	$(PY) -m pytest -q -n logical

lint: $(STAMP)
	$(PY) -m ruff check companion tests benchmarks
	$(PY) -m mypy

bench: $(STAMP)
	$(VENV)/bin/companion bench

# Offline install kit for hospital IT: dist/wheelhouse/ (wheels, hashed requirements.txt,
# install.sh, INSTALL.md), built from the committed lock packaging/<platform>.lock, and it
# prints the requirements.txt sha256 to publish. Needs the registries. TORCH_FROM=index
# (PyTorch's CPU index) or a folder holding torch-2.13.0+cpu-*.whl (e.g. /opt/wheels).
# scripts/airgap_check.sh proves it installs and runs with no network.
# WHEELHOUSE_PLATFORM=win_amd64 builds dist/wheelhouse-win_amd64/ (with install.ps1).
WHEELHOUSE_PLATFORM ?= linux_x86_64
TORCH_FROM ?= index
wheelhouse:
	$(if $(wildcard $(PY)),$(PY),$(PYTHON)) scripts/build_wheelhouse.py --platform $(WHEELHOUSE_PLATFORM) --torch-from $(TORCH_FROM)

clean:
	rm -rf $(VENV) build dist *.egg-info
