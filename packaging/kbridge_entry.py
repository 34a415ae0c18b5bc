"""The bundle's one executable (PyInstaller runs this file).

Called as `kbridge-gui` (the symlink `make dist` puts next to it) it opens the desktop app, like
the `kbridge-gui` that pip installs, so one desktop file serves both; otherwise it is the `kbridge`
command line (which opens the app too when given no command).

With KBRIDGE_SMOKE_TEST set, the app closes itself once its main window is up (see smoke_hook.py):
packaging/smoke_test.py uses this to check the bundle headless.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path


def main() -> None:
    # Large imports, exports and syncs run in a process of their own (kbridge.ui.jobs.apart),
    # started as this executable: it must become that job, not another app.
    multiprocessing.freeze_support()
    if os.environ.get("KBRIDGE_SMOKE_TEST"):
        import smoke_hook

        smoke_hook.arm()
    if Path(sys.argv[0]).name == "kbridge-gui":
        from kbridge.ui.app import main as gui_main

        gui_main()
    else:
        from kbridge.cli.main import main as cli_main

        cli_main()


if __name__ == "__main__":
    main()
