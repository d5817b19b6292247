# The two commands of the README: `make run` and `make test`. Each builds .venv from nothing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: run test setup browser eval bench clean

$(BIN)/boardqa: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first: the CPU wheel on disk; otherwise pip pulls a multi-GB CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/boardqa

setup: $(BIN)/boardqa

run: setup
	$(BIN)/boardqa ingest corpus/
	$(BIN)/boardqa ui --host 127.0.0.1 --port 7860

# Debian's Chromium for the browser test (Playwright drives it; its own browser download fails here)
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

test: setup browser
	$(BIN)/python -m pytest

eval: setup
	$(BIN)/boardqa eval

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .boardqa
