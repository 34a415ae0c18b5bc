"""Record commands: new, set, edit, link, unlink, list, show, delete, undelete."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import yaml

from kbridge.cli.main import AppContext
from kbridge.cli.options import json_option, pass_app, reason_option
from kbridge.cli.output import (
    changed_records,
    emit_json,
    print_record,
    print_table,
    record_detail,
    record_summary,
    stored_link,
)
from kbridge.core import KnowledgeBase, template_names
from kbridge.formats.safe_yaml import load_yaml
from kbridge.model import KIND_STATUSES, Changes, Kind, Link, LinkType, ValidationError

KIND_CHOICE = click.Choice([kind.value for kind in Kind], case_sensitive=False)
LINK_CHOICE = click.Choice([link.value for link in LinkType], case_sensitive=False)
ALL_STATUSES = sorted({status for statuses in KIND_STATUSES.values() for status in statuses})


def _read_body(body_file: str) -> str:
    if body_file == "-":
        return sys.stdin.read()
    try:
        return Path(body_file).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(f"{body_file} is not UTF-8 text ({error.reason})") from error


def _parse_fields(pairs: tuple[str, ...]) -> dict[str, Any]:
    """`--field name=value` pairs; values are read as YAML scalars or lists (`[a, b]`)."""
    fields: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValidationError(f"--field takes name=value (got {pair!r})")
        try:
            parsed = load_yaml(value) if value.strip() else ""
        except (yaml.YAMLError, ValueError):
            parsed = value
        fields[name.strip()] = parsed if isinstance(parsed, (str, int, float, list)) else value
    return fields


@click.command("new")
@click.argument("kind", type=KIND_CHOICE)
@click.option("--title", "-t", required=True, help="Title of the new record.")
@click.option("--key", help="Use this key instead of the next free one (e.g. SYS-payments).")
@click.option("--template", metavar="NAME|FILE",
              help=f"Fill the body from a template: {', '.join(template_names())}, a template record "
                   "(kbridge templates lists them) or a Markdown file.")
@click.option("--status", help="Initial status (default: the kind's first working status).")
@click.option("--date", help="Decision or event date, YYYY-MM-DD (decisions default to today).")
@click.option("--review-by", help="When to review it, YYYY-MM-DD.")
@click.option("--owner", help="Key of the person who owns it.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for more).")
@click.option("--field", "field_pairs", multiple=True, metavar="NAME=VALUE", help="A kind-specific field.")
@click.option("--rationale", help="Why it exists (a control needs it, or a body with a Rationale section).")
@click.option("--body-file", type=click.Path(dir_okay=False, allow_dash=True), help="Markdown body ('-': stdin).")
@click.option("--supersedes", "supersedes", multiple=True, metavar="KEY",
              help="A decision this one supersedes, marked superseded (repeat for several).")
@json_option
@pass_app
def new_command(app: AppContext, kind: str, title: str, key: str | None, template: str | None,
                status: str | None, date: str | None, review_by: str | None, owner: str | None,
                tags: tuple[str, ...], field_pairs: tuple[str, ...], rationale: str | None,
                body_file: str | None, supersedes: tuple[str, ...], as_json: bool) -> None:
    """Create a record of KIND; prints its new key."""
    body = _read_body(body_file) if body_file else ""
    fields = _parse_fields(field_pairs)
    if rationale is not None:
        fields["rationale"] = rationale
    kb = app.kb(write=True)
    created = kb.create(
        kind, title, key=key, template=template, status=status, date=date, review_by=review_by,
        owner=owner, tags=list(tags), fields=fields, body=body, supersedes=list(supersedes), strict=True,
    )
    record = kb.get(created.uid)
    if as_json:
        emit_json(record_detail(kb, record))
    else:
        click.echo(record.key)
        _say_superseded(kb, created.changes, record.uid)


@click.command("set")
@click.argument("key")
@click.option("--status", help="New status.")
@click.option("--title", help="New title.")
@click.option("--owner", help="Key of the new owner ('' to clear).")
@click.option("--review-by", help="Review date, YYYY-MM-DD ('' to clear).")
@click.option("--date", help="Decision or event date, YYYY-MM-DD.")
@click.option("--tags", help="Replace the tags (comma or space separated).")
@click.option("--field", "field_pairs", multiple=True, metavar="NAME=VALUE", help="Set a field ('NAME=' removes it).")
@click.option("--new-key", help="Renumber: give the record a new key (its uid never changes).")
@reason_option
@json_option
@pass_app
def set_command(app: AppContext, key: str, status: str | None, title: str | None, owner: str | None,
                review_by: str | None, date: str | None, tags: str | None, field_pairs: tuple[str, ...],
                new_key: str | None, reason: str, as_json: bool) -> None:
    """Change a record's status, title, owner, dates, tags or fields (one new revision)."""
    kb = app.kb(write=True)
    record = kb.get(key)
    values: dict[str, Any] = {
        name: value
        for name, value in (("status", status), ("title", title), ("owner", owner),
                            ("review_by", review_by), ("date", date), ("tags", tags), ("key", new_key))
        if value is not None
    }
    if field_pairs:
        fields = dict(record.fields)
        for name, value in _parse_fields(field_pairs).items():
            if value in ("", None):
                fields.pop(name, None)
            else:
                fields[name] = value
        values["fields"] = fields
    if not values:
        raise click.UsageError("nothing to change: give at least one option (see kbridge set --help)")
    changes = kb.update(record.uid, reason=reason, strict=True, **values).changes
    if as_json:
        emit_json(record_detail(kb, kb.get(record.uid)))
    elif not changes:
        click.echo(f"{record.key} already had those values; nothing changed", err=True)


@click.command("edit")
@click.argument("key")
@click.option("--body-file", type=click.Path(dir_okay=False, allow_dash=True),
              help="New Markdown body ('-': stdin). Without it, opens $EDITOR.")
@reason_option
@json_option
@pass_app
def edit_command(app: AppContext, key: str, body_file: str | None, reason: str, as_json: bool) -> None:
    """Replace a record's body (one new revision)."""
    kb = app.kb(write=True)
    record = kb.get(key)
    if body_file:
        body = _read_body(body_file)
    elif sys.stdin.isatty():
        edited = click.edit(record.body, extension=".md")
        if edited is None:
            click.echo("no change made in the editor; nothing saved", err=True)
            return
        body = edited
    else:
        raise click.UsageError("give --body-file FILE (or '-' for stdin)")
    changed = kb.update(record.uid, body=body, reason=reason, strict=True)
    if as_json:
        emit_json(record_detail(kb, kb.get(record.uid)))
    elif not changed:
        click.echo(f"{record.key}'s body is already that; nothing changed", err=True)


@click.command("link")
@click.argument("source")
@click.argument("link_type", metavar="TYPE", type=LINK_CHOICE)
@click.argument("target")
@click.option("--note", default="", help="A note kept on the link.")
@json_option
@pass_app
def link_command(app: AppContext, source: str, link_type: str, target: str, note: str, as_json: bool) -> None:
    """Add a typed link SOURCE -TYPE-> TARGET (e.g. CTL-004 mitigates RSK-002). SOURCE supersedes
    TARGET marks TARGET superseded (as kbridge supersede does)."""
    kb = app.kb(write=True)
    changes = kb.links.add(source, link_type, target, note=note).changes
    added = _added_link(changes, kb.get(source).uid)
    if as_json:
        emit_json({"link": stored_link(kb, added), "changed": changed_records(kb, changes)})
        return
    if added.type.value != link_type:
        click.echo(f"kept as {kb.get(source).key} {added.type.label} {target} ({added.note}): a partial "
                   "supersede changes no status", err=True)
    _say_superseded(kb, changes, added.source_uid)


@click.command("unlink")
@click.argument("source")
@click.argument("link_type", metavar="TYPE", type=LINK_CHOICE)
@click.argument("target")
@click.option("--restore-status", is_flag=True,
              help="For a supersedes link: give TARGET back the status it had before it was superseded.")
@json_option
@pass_app
def unlink_command(app: AppContext, source: str, link_type: str, target: str, restore_status: bool,
                   as_json: bool) -> None:
    """Remove a typed link."""
    kb = app.kb(write=True)
    changes = kb.links.remove(source, link_type, target, restore_status=restore_status).changes
    old = kb.find(target)
    offer = kb.lifecycle.restorable_status(old.uid) if old is not None and link_type == "supersedes" else None
    if as_json:
        emit_json({
            "link": stored_link(kb, changes.links[0]),
            "changed": changed_records(kb, changes),
            "restorable_status": {"key": old.key, "status": offer} if old is not None and offer else None,
        })
        return
    if restore_status and old is not None:
        click.echo(f"{old.key} is {old.status} again", err=True)
    elif old is not None and offer:
        click.echo(f"{old.key} is still marked superseded, though nothing supersedes it now; it was {offer} "
                   f"before: kbridge set {old.key} --status {offer} (or unlink with --restore-status)", err=True)


@click.command("list")
@click.option("--kind", type=KIND_CHOICE, help="Only records of this kind.")
@click.option("--status", type=click.Choice(ALL_STATUSES, case_sensitive=False), help="Only this status.")
@click.option("--tag", help="Only records with this tag.")
@click.option("--owner", help="Only records owned by this person (key).")
@click.option("--deleted", is_flag=True, help="List the trash instead.")
@json_option
@pass_app
def list_command(app: AppContext, kind: str | None, status: str | None, tag: str | None,
                 owner: str | None, deleted: bool, as_json: bool) -> None:
    """List records, filtered by kind, status, tag or owner."""
    kb = app.kb()
    records = kb.list_records(kind=kind, status=status, tag=tag, owner=owner, deleted=deleted)
    if as_json:
        emit_json([record_summary(record) for record in records])
        return
    print_table(
        [[r.key, r.kind.value, r.status or "-", r.date or "", r.title] for r in records],
        ["KEY", "KIND", "STATUS", "DATE", "TITLE"],
    )
    click.echo(f"{len(records)} record{'s' if len(records) != 1 else ''}", err=True)


@click.command("show")
@click.argument("key")
@json_option
@pass_app
def show_command(app: AppContext, key: str, as_json: bool) -> None:
    """Show one record with its links both ways."""
    kb = app.kb()
    record = kb.get(key)
    if as_json:
        emit_json(record_detail(kb, record))
    else:
        print_record(kb, record)


@click.command("delete")
@click.argument("key")
@reason_option
@json_option
@pass_app
def delete_command(app: AppContext, key: str, reason: str, as_json: bool) -> None:
    """Move a record to the trash (its links and history are kept; undelete brings it back)."""
    kb = app.kb(write=True)
    changes = kb.delete(key, reason=reason).changes
    record = kb.get(key)
    if as_json:
        emit_json({"changed": changed_records(kb, changes)})
        return
    click.echo(f"{record.key} moved to the trash (kbridge undelete {record.key} restores it)", err=True)


@click.command("undelete")
@click.argument("key")
@reason_option
@json_option
@pass_app
def undelete_command(app: AppContext, key: str, reason: str, as_json: bool) -> None:
    """Bring a record back from the trash."""
    kb = app.kb(write=True)
    changes = kb.undelete(key, reason=reason).changes
    if as_json:
        emit_json({"changed": changed_records(kb, changes)})


def _added_link(changes: Changes, source_uid: str) -> Link:
    return next(link for link in changes.links if link.source_uid == source_uid)


def _say_superseded(kb: KnowledgeBase, changes: Changes, new_uid: str) -> None:
    """On stderr: which records a new or linked record marked superseded."""
    for uid in sorted(changes.updated - {new_uid}):
        record = kb.get(uid)
        if record.status == "superseded":
            click.echo(f"{record.key} is now superseded by {kb.get(new_uid).key}", err=True)


COMMANDS = [
    new_command, set_command, edit_command, link_command, unlink_command, list_command,
    show_command, delete_command, undelete_command,
]
