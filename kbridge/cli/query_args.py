"""A command whose arguments are the words of a search query, where `-word` means NOT word.

`kbridge search vault -k8s` must search for vault without k8s, as the search box does, rather
than fail on an unknown option `-k`. The command's own options (`--limit 5`, `-n5`, `--json`, `-h`)
and any `--word` are read as options; every other word, a leading `-` or not, goes to the query.
"""

from __future__ import annotations

import click


class QueryCommand(click.Command):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _options_then_words(self.get_params(ctx), ctx, args))


def _options_then_words(params: list[click.Parameter], ctx: click.Context, args: list[str]) -> list[str]:
    """`args` as the command's own options first, then `--` and the words of the query."""
    takes_value: dict[str, click.Option] = {}
    flags: set[str] = set()
    for param in params:
        if isinstance(param, click.Option):
            names = [*param.opts, *param.secondary_opts]
            if param.is_flag or param.count:
                flags.update(names)
            else:
                takes_value.update(dict.fromkeys(names, param))
    options: list[str] = []
    words: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            words.extend(args[index:])
            break
        if arg in takes_value:
            options.extend(args[index - 1 : index + 1])  # the option and its value
            index += 1
        elif arg in flags or arg.startswith("--") or _joined_short_value(arg, takes_value, ctx):
            # An unknown --option stays one, for click to refuse (a mistyped --limt is no query word).
            options.append(arg)
        else:
            words.append(arg)
    return [*options, "--", *words] if words else options


def _joined_short_value(arg: str, takes_value: dict[str, click.Option], ctx: click.Context) -> bool:
    """`-n5`: a short option with its value joined, when the rest is a value the option accepts
    (so `-nfs`, which is no number, stays the query word NOT nfs)."""
    option = takes_value.get(arg[:2]) if len(arg) > 2 and not arg.startswith("--") else None
    if option is None:
        return False
    try:
        option.type.convert(arg[2:], option, ctx)
    except click.BadParameter:
        return False
    return True
