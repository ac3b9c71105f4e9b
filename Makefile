# Two commands do all the set-up on a fresh machine:
#   make demo   - create .venv, install xltrack, build and refresh the demo workbook
#   make test   - create .venv, install xltrack with test extras, run the test suite
#   make bench  - the benchmarks (BENCH_QUICK=1: 10,000 projects only)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/xltrack demo demo-output

test: $(STAMP)
	$(PY) -m pytest -q

# make bench: whole-process tables first (bench_refresh, bench_validate), then the others.
# make bench BENCH_QUICK=1 skips the 50,000-project rows (about 2 minutes instead of 10).
bench: $(STAMP)
	BENCH_QUICK=$(BENCH_QUICK) $(PY) benchmarks/bench_refresh.py || exit 1
	BENCH_QUICK=$(BENCH_QUICK) $(PY) benchmarks/bench_validate.py || exit 1
	for f in benchmarks/bench_*.py; do case $$f in *_refresh.py|*_validate.py) ;; \
	  *) $(PY) $$f || exit 1;; esac; done

clean:
	rm -rf $(VENV) demo-output .pytest_cache
