"""Lifecycle commands: supersede, templates."""

from __future__ import annotations

import click

from kbridge.cli.main import AppContext
from kbridge.cli.options import json_option, pass_app, reason_option
from kbridge.cli.output import changed_records, emit_json, print_table, stored_link
from kbridge.core.templates import available_templates, template_lines
from kbridge.model import Kind


@click.command("supersede")
@click.argument("old")
@click.argument("new")
@click.option("--partial", is_flag=True,
              help="NEW supersedes only some aspects of OLD: an amends link noting so; OLD keeps its status.")
@click.option("--note", default="", help="A note kept on the link.")
@reason_option
@json_option
@pass_app
def supersede_command(app: AppContext, old: str, new: str, partial: bool, note: str, reason: str,
                      as_json: bool) -> None:
    """NEW supersedes OLD: link them and mark OLD superseded (refused if it would make a cycle)."""
    kb = app.kb(write=True)
    if partial:
        note = f"supersedes in part{'; ' + note if note else ''}"
    changes = kb.lifecycle.supersede(old, new, note=note, reason=reason).changes
    old_record, new_record = kb.get(old), kb.get(new)
    if as_json:
        link = next(link for link in changes.links if link.source_uid == new_record.uid)
        emit_json({"link": stored_link(kb, link), "changed": changed_records(kb, changes)})
        return
    if partial:
        click.echo(f"{new_record.key} amends {old_record.key} (supersedes in part); {old_record.key} stays "
                   f"{old_record.status or 'as it is'}", err=True)
    elif old_record.status == "superseded":
        click.echo(f"{old_record.key} is now superseded by {new_record.key}", err=True)
    else:
        click.echo(f"{new_record.key} supersedes {old_record.key}; {old_record.key} stays {old_record.status} "
                   f"while {new_record.key} is {'in the trash' if new_record.deleted else new_record.status}",
                   err=True)


@click.command("templates")
@click.option("--kind", type=click.Choice([kind.value for kind in Kind], case_sensitive=False),
              help="Only templates for records of this kind.")
@json_option
@pass_app
def templates_command(app: AppContext, kind: str | None, as_json: bool) -> None:
    """List the templates `new --template` takes: built-in ones, then the knowledge base's own."""
    found = available_templates(app.kb(), Kind(kind) if kind else None)
    if as_json:
        emit_json(template_lines(found))
        return
    print_table([[t.name, t.origin, t.for_kind or "any", t.label] for t in found], ["NAME", "FROM", "FOR", "TITLE"])


COMMANDS = [supersede_command, templates_command]
