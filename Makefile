# LMS Board: two set-up commands, `make run` and `make test`, on a fresh machine.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PORT    ?= 8501
export LMS_BOARD_DATA ?= ./data

.PHONY: run test lint typecheck pytest bench robust e2e review review-heldout review-heldout3 review-heldout4 clean install

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	@# medspaCy 1.3.1 and PyRuSH ask for spaCy < 3.8 on Python < 3.12, and spaCy 3.7 needs
	@# numpy < 2 while pandas 3 needs numpy >= 2: they are installed without their pins, on
	@# the spaCy 3.8 pinned in constraints.txt (their other dependencies are in pyproject.toml;
	@# tests/extract proves the pair works). pip check names these two pins, nothing else.
	$(BIN)/pip install -q --no-deps -c constraints.txt medspacy PyRuSH
	touch $(STAMP)

install: $(STAMP)

## Start the app at http://localhost:8501 (bound to 127.0.0.1), demo cases loaded on an empty store:
## lms-board serve passes every hardened server option itself (docs/deployment.md).
run: $(STAMP)
	$(BIN)/lms-board serve --port $(PORT)

## ruff, mypy on src/lms_board, streamlit_app and pages, then pytest (real-browser tests run
## when chromium is present; every warning is an error but the one pyproject.toml names, with why).
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy src/lms_board streamlit_app pages

pytest: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

e2e: $(STAMP)
	$(BIN)/python -m pytest -q -m e2e tests/e2e

## Speed and memory figures (table + bench/results.json); see docs/quality.md.
bench: $(STAMP)
	$(BIN)/python -m bench.run

## Clinical review set: assess every tests/clinical case and write docs/clinical-review.md.
review: $(STAMP)
	PYTHONPATH=tests $(BIN)/python -m clinical.report

## Held-out clinical set (independent reviewer; not in make test): writes docs/clinical-review-heldout.md.
review-heldout: $(STAMP)
	PYTHONPATH=tests $(BIN)/python -m clinical.report --set heldout

## Third held-out clinical set (independent reviewer; not in make test): writes docs/clinical-review-heldout3.md.
review-heldout3: $(STAMP)
	PYTHONPATH=tests $(BIN)/python -m clinical.report --set heldout3

## Fourth held-out clinical set (independent reviewer; not in make test): writes docs/clinical-review-heldout4.md.
review-heldout4: $(STAMP)
	PYTHONPATH=tests $(BIN)/python -m clinical.report --set heldout4

## Robustness suite at full counts (make test runs it at small counts).
robust: $(STAMP)
	LMS_BOARD_ROBUST_SCALE=$${LMS_BOARD_ROBUST_SCALE:-full} $(BIN)/python -m pytest -q -p no:cacheprovider tests/robust $(ROBUST_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
