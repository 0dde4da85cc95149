# The README's two commands: `make demo` and `make test`. Both run set-up first.
.PHONY: setup demo test lint bench

setup:
	scripts/setup.sh

demo: setup
	.venv/bin/python -m demo

test: setup
	.venv/bin/python -m pytest

lint: setup
	.venv/bin/ruff check src tests bench
	.venv/bin/mypy src

bench: setup
	.venv/bin/python -m bench
