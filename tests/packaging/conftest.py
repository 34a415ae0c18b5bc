from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"
BIN = Path(sys.executable).parent  # the venv's bin: kbridge and kbridge-gui live here
