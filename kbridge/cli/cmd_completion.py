"""`kbridge completion SHELL`: the shell-completion script, as click generates it.

The script is click's own (`click.shell_completion`), never written by hand, so it always knows
every command and option: at each <Tab> the shell runs `kbridge` again with `_KBRIDGE_COMPLETE` set
and click answers from the live command tree."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion_command(ctx: click.Context, shell: str) -> None:
    """Print the shell-completion script for SHELL (bash, zsh or fish).

    \b
    bash: add to ~/.bashrc   eval "$(kbridge completion bash)"
    zsh:  add to ~/.zshrc    eval "$(kbridge completion zsh)"
    fish: kbridge completion fish > ~/.config/fish/completions/kbridge.fish
    """
    root = ctx.find_root()
    prog_name = root.info_name or "kbridge"
    complete_var = f"_{prog_name.replace('-', '_').replace('.', '_')}_COMPLETE".upper()
    completion_class = get_completion_class(shell)
    if completion_class is None:  # click dropped a shell it used to support
        raise click.UsageError(f"this version of click cannot complete {shell}")
    script = completion_class(root.command, {}, prog_name, complete_var).source()
    click.echo(script)


COMMANDS = [completion_command]
