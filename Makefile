# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE ?= examples/gb200-nvl72.rackcad

.PHONY: run test bench clean examples wheel-check man completion fuzz docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/rackcad gui $(EXAMPLE)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

fuzz: $(STAMP)
	RACKCAD_FUZZ_CASES=$${RACKCAD_FUZZ_CASES:-50000} RACKCAD_FUZZ_ALL=1 RACKCAD_EDIT_CASES=2000 \
		QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/files/test_fuzz.py tests/editing/test_hostile_edits.py

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks --quick

# Build the wheel, install it in a fresh venv outside the checkout and run it there (CI runs this too).
wheel-check: $(STAMP)
	PYTHON=$(BIN)/python bash packaging/check-wheel.sh

# The man page and shell completions, generated from the argument parser.
man: $(STAMP)
	mkdir -p build && $(BIN)/rackcad man -o build/rackcad.1

completion: $(STAMP)
	mkdir -p build/completion
	for shell in bash zsh fish; do $(BIN)/rackcad completion $$shell > build/completion/rackcad.$$shell; done

docs: $(STAMP)
	$(BIN)/python -c "from rackcad.rules.reference import markdown; open('docs/rules.md', 'w', encoding='utf-8').write(markdown() + '\\n')"

examples: $(STAMP)
	$(BIN)/python -m rackcad.templates.examples

clean:
	rm -rf $(VENV) build dist *.egg-info
