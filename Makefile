# The two commands of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kbridge-installed
PYTEST_ARGS ?=

.PHONY: run test setup lint bench screenshots dist icons smoke clean cli-files release-check check-floors deb deb-smoke flatpak-manifest

$(STAMP): pyproject.toml
	@PYTHON=$(PYTHON) sh packaging/check-system.sh setup
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)

lint: setup
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/mypy

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

# The man page and shell completions in packaging/, regenerated from the command line (a test
# fails while they are stale).
cli-files: setup
	$(BIN)/python packaging/make_cli_files.py

# Packaging (docs/install.md). `dist`: wheel and sdist, then the one-folder bundle dist/kbridge/.
DIST_TOOLS := 'build>=1.2' 'pyinstaller>=6.6,<7'
RELEASE_TOOLS := 'build>=1.2' 'twine>=5'

# Ready for the package index: sdist and wheel built and checked (twine check --strict), the wheel
# installed in a fresh venv and tried (packaging/release_check.py).
release-check: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(RELEASE_TOOLS)
	$(BIN)/python packaging/release_check.py build/release

# The test suite with every dependency at the lowest version pyproject.toml allows, on the oldest
# Python kbridge supports when it is installed (packaging/floors.py).
check-floors:
	nice $(PYTHON) packaging/floors.py

# The bundle as a Debian package in dist/ (after `make dist`), and its headless smoke test.
deb:
	$(PYTHON) packaging/deb.py build dist/kbridge

deb-smoke:
	$(PYTHON) packaging/deb.py smoke

# The Flatpak manifest for Flathub (packaging/flatpak/), its wheels resolved on the package index.
# Written, not built: see docs/install.md.
flatpak-manifest:
	$(PYTHON) packaging/flatpak/make_manifest.py

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
