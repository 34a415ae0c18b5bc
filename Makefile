# The two commands of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kbridge-installed
PYTEST_ARGS ?=

.PHONY: run test setup lint bench screenshots dist icons smoke clean

$(STAMP): pyproject.toml
	@PYTHON=$(PYTHON) sh packaging/check-system.sh setup
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)

lint: setup
	$(BIN)/lint-imports
	$(BIN)/ruff check .

test: setup
	@sh packaging/check-system.sh test
	$(MAKE) --no-print-directory lint
	@QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests (exit 5): the test suite is missing" >&2; fi; \
	exit $$rc

run: setup
	@sh packaging/check-system.sh run
	$(BIN)/kbridge gui --sample

# Every picture in docs/screenshots, from the bundled sample: the app's main screens (under Xvfb),
# the trails views and the static site's pages (render_trails.py; the site's need chromium), and
# the matrix of every screen at two sizes and two themes (screens.py, in docs/screenshots/screens).
screenshots: setup
	xvfb-run -a -s "-screen 0 1400x900x24" $(BIN)/python packaging/screenshots.py docs/screenshots
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/screenshots/render_trails.py docs/screenshots
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screens.py docs/screenshots/screens

# Packaging (docs/install.md). `dist`: wheel and sdist, then the one-folder bundle dist/kbridge/.
DIST_TOOLS := 'build>=1.2' 'pyinstaller>=6.6,<7'

dist: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(DIST_TOOLS)
	rm -rf dist build/pyinstaller
	nice $(BIN)/python -m build --outdir dist .
	@start=$$(date +%s); \
	nice $(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/kbridge.spec || exit 1; \
	echo "dist/kbridge: $$(du -sh dist/kbridge | cut -f1), built in $$(( $$(date +%s) - start )) s"

# Runs the bundle headless: --version, import, search with both engines, the main window.
smoke:
	$(PYTHON) packaging/smoke_test.py dist/kbridge

# Regenerates the PNG icons from resources/icons/kbridge.svg.
icons: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/make_icons.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
