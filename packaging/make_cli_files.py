"""The man page and the shell-completion files, generated from the command line itself.

    .venv/bin/python packaging/make_cli_files.py           write them (or: make cli-files)
    .venv/bin/python packaging/make_cli_files.py --check   exit 1 naming each file that is stale

`packaging/man/kbridge.1` is written from the live click command tree: every command's usage line,
help text and options, so it says what `kbridge COMMAND --help` says. `packaging/completions/` holds
click's own completion scripts for bash, zsh and fish (what `kbridge completion SHELL` prints); the
wheel installs them under share/ where each shell looks, so no shell runs Python when it starts.
"""

from __future__ import annotations

import inspect
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import click
from click.shell_completion import get_completion_class

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kbridge import APP_ID, __version__  # noqa: E402
from kbridge.cli.main import cli  # noqa: E402

MAN_PAGE = ROOT / "packaging" / "man" / "kbridge.1"
COMPLETIONS = {
    "bash": ROOT / "packaging" / "completions" / "kbridge.bash",
    "zsh": ROOT / "packaging" / "completions" / "_kbridge",
    "fish": ROOT / "packaging" / "completions" / "kbridge.fish",
}
METAINFO = ROOT / "packaging" / f"{APP_ID}.metainfo.xml"
PROG = "kbridge"

# What the command tree cannot say: where kbridge keeps things (kbridge/paths.py), its environment,
# its exit statuses (the CLI contract), written once here as man(7) sections.
ENVIRONMENT = (
    ("KBRIDGE_KB", "The knowledge base to use when no --kb is given."),
    ("KBRIDGE_DATA_DIR", "Where knowledge bases, the sample and automatic backups are kept "
                         "(default: ~/.local/share/kbridge)."),
    ("KBRIDGE_CACHE_DIR", "Where search indexes are kept; they are rebuilt when missing "
                          "(default: ~/.cache/kbridge)."),
    ("KBRIDGE_CONFIG_DIR", "Where settings.json is kept (default: ~/.config/kbridge)."),
    ("KBRIDGE_STATE_DIR", "Where the log file kbridge.log is kept (default: ~/.local/state/kbridge)."),
    ("KBRIDGE_AUTHOR", "Who revisions are attributed to (default: the author setting, else the user name)."),
)
FILES = (
    ("~/.local/share/kbridge/default.kbridge", "The default knowledge base."),
    ("~/.local/share/kbridge/backups/", "Automatic backups, one folder per knowledge base, taken at most "
                                        "hourly when the desktop app opens a knowledge base and before the "
                                        "command line's first change; the newest backups_kept of them are "
                                        "kept (default 20), never fewer than the newest one."),
    ("~/.config/kbridge/settings.json", "Settings: author, search_engine, backups_kept."),
    ("~/.local/state/kbridge/kbridge.log", "Details of unexpected errors, for a bug report."),
)
EXIT_STATUS = (
    ("0", "Success."),
    ("1", "A user error (the message is on standard error; nothing was changed), or, for check and "
          "sync, problems or conflicts found."),
    ("2", "A usage error: an unknown command or option, or a missing argument."),
)


def roff(text: str) -> str:
    """`text` safe in a roff line: backslashes and hyphens escaped, no line starting a request."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.M)


def breakable(text: str) -> str:
    """A long list of choices (`{a|b|c}`) may break after each `|`."""
    return text.replace("|", "|\\:")


def paragraphs(help_text: str) -> Iterator[tuple[bool, str]]:
    """(verbatim, text) for each paragraph of a click help text; `\\b` marks one kept as written."""
    for block in re.split(r"\n\s*\n", inspect.cleandoc(help_text)):
        lines = block.splitlines()
        if lines and lines[0].strip() == "\b":
            yield True, "\n".join(lines[1:])
        elif block.strip():
            yield False, " ".join(line.strip() for line in lines)


def help_section(help_text: str) -> list[str]:
    out: list[str] = []
    for index, (verbatim, text) in enumerate(paragraphs(help_text)):
        if index:
            out.append(".PP")
        if verbatim:
            out += [".nf", roff(text), ".fi"]
        else:
            out.append(roff(text))
    return out


def options_section(command: click.Command, ctx: click.Context, *, with_help: bool = True) -> list[str]:
    out: list[str] = []
    help_names = set(ctx.help_option_names)
    for param in command.get_params(ctx):
        if not isinstance(param, click.Option) or (not with_help and help_names & set(param.opts)):
            continue
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, text = record
        out += [".TP", f"\\fB{breakable(roff(names))}\\fR", roff(text)]
    return out


def walk(group: click.Group, ctx: click.Context) -> Iterator[tuple[click.Context, click.Command]]:
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        sub = click.Context(command, info_name=name, parent=ctx)
        yield sub, command
        if isinstance(command, click.Group):
            yield from walk(command, sub)


def release_date() -> str:
    """The date of this version's release in the metainfo (the man page carries no build date)."""
    for release in ET.parse(METAINFO).getroot().iter("release"):
        if release.get("version") == __version__:
            return release.get("date", "")
    return ""


def man_page() -> str:
    ctx = click.Context(cli, info_name=PROG, **cli.context_settings)
    # "kbridge: what it is. More." -> "what it is"
    summary = next(paragraphs(cli.help or ""))[1].split(":", 1)[-1].split(". ")[0].strip().rstrip(".")
    lines = [
        f".\\\" Generated by packaging/make_cli_files.py from `{PROG} --help`: do not edit.",
        f'.TH KBRIDGE 1 "{release_date()}" "kbridge {__version__}" "User Commands"',
        ".ad l",  # ragged right, no hyphenation: lists of choices and paths read better whole
        ".nh",
        ".SH NAME",
        f"{PROG} \\- {roff(summary)}",
        ".SH SYNOPSIS",
        f".B {PROG}",
        "[\\fB\\-\\-kb\\fR \\fIFILE\\fR] [\\fICOMMAND\\fR [\\fIARGS\\fR]...]",
        ".br",
        ".B kbridge\\-gui",
        "[\\fIFILE\\fR] [\\fB\\-\\-sample\\fR]",
        ".SH DESCRIPTION",
        *help_section(cli.help or ""),
        ".PP",
        "\\fBkbridge\\-gui\\fR opens the desktop app on \\fIFILE\\fR (a knowledge base), as opening a "
        ".kbridge file from a file manager does.",
        ".SH OPTIONS",
        *options_section(cli, ctx),
        ".SH COMMANDS",
    ]
    for sub, command in walk(cli, ctx):
        usage = " ".join(command.collect_usage_pieces(sub))
        lines += [f'.SS "{roff(sub.command_path)} {breakable(roff(usage))}"', *help_section(command.help or "")]
        options = options_section(command, sub, with_help=False)
        if options:
            lines += [".PP", "Options:", ".RS", *options, ".RE"]
    for title, rows in (("ENVIRONMENT", ENVIRONMENT), ("FILES", FILES), ("EXIT STATUS", EXIT_STATUS)):
        lines.append(f'.SH "{title}"' if " " in title else f".SH {title}")
        for name, text in rows:
            lines += [".TP", f"\\fB{roff(name)}\\fR", roff(text)]
    lines += [
        '.SH "SEE ALSO"',
        "The README and docs/ of kbridge's source; \\fBkbridge\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR.",
    ]
    return "\n".join(lines) + "\n"


def completion_script(shell: str) -> str:
    """What `kbridge completion SHELL` prints: click's own script for the live command tree."""
    completion_class = get_completion_class(shell)
    assert completion_class is not None, shell
    return completion_class(cli, {}, PROG, f"_{PROG.upper()}_COMPLETE").source() + "\n"


def generated() -> dict[Path, str]:
    return {MAN_PAGE: man_page(), **{path: completion_script(shell) for shell, path in COMPLETIONS.items()}}


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = []
    for path, text in generated().items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        if check:
            stale.append(path.name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print(f"stale, regenerate with `make cli-files`: {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
