"""The one escape of the printed documents: every value that becomes markup goes through `escape`.

Until the security work's `kbridge.escaping.escape_html` is on main, this is `html.escape`; it is
the only line to change when it is."""

from __future__ import annotations

import html


def escape(value: object) -> str:
    return html.escape(str(value), quote=True)
