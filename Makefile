# o2c: `make demo` runs the embedded demo, `make test` runs every test. Both set up .venv first.
VENV   := .venv
PY     := $(VENV)/bin/python
O2C    := $(VENV)/bin/o2c
STAMP  := $(VENV)/.installed-stamp

.PHONY: install system demo test test-fast docs lint stop clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) -e '.[dev]'
	# compiled once here: every later process (test workers, the residual's helpers) loads it
	$(PY) -c "from o2c.domain.cashapp.subset_sum import subset_sum; subset_sum([1], 1)"
	touch $(STAMP)

install: $(STAMP)

system:  # Debian packages the tests need: chromium (browser tests), postgresql (stack test)
	scripts/setup-system.sh

demo: install
	$(O2C) demo

# one worker per core; a module's tests stay together (they share module fixtures), and the
# long modules start first (tests/conftest.py)
test: install system
	$(VENV)/bin/pytest -n auto --dist loadfile --no-loadscope-reorder

test-fast: install
	$(VENV)/bin/pytest tests/unit

docs: install
	$(O2C) docs

lint: install
	$(VENV)/bin/ruff check src flows tests benchmarks

stop:
	$(O2C) server stop

clean: stop
	rm -rf .o2c dbt_project/target dbt_project/logs
