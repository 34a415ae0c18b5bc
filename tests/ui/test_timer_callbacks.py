"""No `QTimer.singleShot(ms, context, something.method)` whose method's object is not the context.

PySide6 6.11 does not hold the object of a bound method given with a context object: when that
object is gone before the timer fires (nothing else held it), the timer calls the method on freed
memory, a segmentation fault (seen with a job started by a timer: `singleShot(100, box, job.start)`).
Without a context the call is skipped; with the method's own QObject as the context Qt cancels the
timer. Anything else goes through a lambda, which PySide holds.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kbridge

SOURCES = Path(kbridge.__file__).parent


def _unsafe_timer_calls(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr != "singleShot" or len(node.args) != 3:
            continue
        context, callback = node.args[1], node.args[2]
        if isinstance(callback, ast.Attribute) and ast.dump(callback.value) != ast.dump(context):
            lines.append(node.lineno)
    return lines


def test_the_check_finds_a_bound_method_of_another_object() -> None:
    tree = ast.parse("QTimer.singleShot(100, self, job.start)\nQTimer.singleShot(1, self, self.go)\n"
                     "QTimer.singleShot(1, self, lambda: job.start())\nQTimer.singleShot(0, job.start)\n")
    assert _unsafe_timer_calls(tree) == [1]


def test_no_timer_calls_a_method_of_an_object_it_does_not_hold() -> None:
    found = {
        f"{path.relative_to(SOURCES.parent)}:{line}"
        for path in SOURCES.rglob("*.py")
        for line in _unsafe_timer_calls(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert not found, "use a lambda, or the method's own object as the context"
