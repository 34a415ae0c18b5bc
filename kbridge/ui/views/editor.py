"""The record editor: form fields above a Markdown editor with syntax highlighting and a live
preview. Ctrl+S saves a new revision (with an optional reason). Unsaved work is never lost: leaving
asks first, and a draft is autosaved while typing so that a crash can be recovered from."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kbridge.core import lifecycle
from kbridge.formats.rst_doc import body_markup
from kbridge.model import KIND_FIELDS, KbridgeError, Kind, Record
from kbridge.ui.jobs.choices_loader import fill_choices
from kbridge.ui.style import is_dark, reader_css
from kbridge.ui.views.drafts import Draft, discard_draft, save_draft
from kbridge.ui.widgets.choice_box import ChoiceBox
from kbridge.ui.widgets.markdown_highlighter import MarkdownHighlighter
from kbridge.ui.widgets.plain_text import ask, message_box, plain_label, refused, warn

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase

AUTOSAVE_MS = 1500
PREVIEW_MS = 200


class PreviewBrowser(QTextBrowser):
    """The live preview: sanitised HTML, and nothing loaded from disk or network."""

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        return refused(kind)  # images and the rest are refused (an empty value: None lets Qt read the file)

    def set_markdown(self, text: str, to_markdown: Callable[[str], str] | None = None) -> None:
        """Show `text` (turned into Markdown by `to_markdown` when it is in another markup: only
        the part shown, after the cut, for the preview runs on the GUI thread as the person types)."""
        bar = self.verticalScrollBar()
        position = bar.value()
        self.document().setDefaultStyleSheet(reader_css(self.palette()))
        from kbridge.render import VIEW_BUDGET, render_markdown, shorten_markdown, shortened_notice

        part = shorten_markdown(text, VIEW_BUDGET)
        notice = shortened_notice(part, "You are editing all of it; the preview stops there.")
        self.setHtml(notice + render_markdown(to_markdown(part.text) if to_markdown else part.text))
        bar.setValue(position)


HIGHLIGHT_MAX_CHARS = 500_000
HIGHLIGHT_MAX_LINES = 10_000


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


class RecordEditor(QWidget):
    saved = Signal(str)  # uid
    closed = Signal(str)  # uid; after a save or a discard

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordEditor")
        self.setAccessibleName("Record editor")
        self.kb = kb
        self.record: Record | None = None
        self._initial: dict[str, Any] = {}
        self._field_list_names: set[str] = set()
        self.heading = plain_label("", self)
        self.heading.setObjectName("editorHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.form = QWidget(self)
        self.grid = QGridLayout(self.form)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.body = QPlainTextEdit(self)
        self.body.setObjectName("markdownEditor")
        self.body.setAccessibleName("Body (Markdown)")
        self.body.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.body.setTabChangesFocus(True)
        self.highlighter = MarkdownHighlighter(self.body.document(), dark=is_dark(self.palette()))
        self.preview = PreviewBrowser(self)
        self.preview.setObjectName("markdownPreview")
        self.preview.setAccessibleName("Preview")
        self.preview.setOpenLinks(False)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("revisionReason")
        self.reason.setPlaceholderText("Why this change? (optional, kept in the history)")
        self.reason.setAccessibleName("Reason for this revision")
        self.save_button = QPushButton("&Save", self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setToolTip("Save as a new revision (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.cancel_button = QPushButton("Close", self)
        self.cancel_button.setObjectName("closeEditorButton")
        self.cancel_button.setToolTip("Stop editing (Esc); asks before dropping changes")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self, self._on_save_shortcut_activated)
        self.save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.close_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._on_cancel_button_clicked)
        self.close_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS, timeout=self._on_autosave_timeout)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_MS, timeout=self._on_preview_timeout)
        self.body.textChanged.connect(self._on_body_text_changed)
        self.reason.textChanged.connect(self._on_any_changed)
        self._build_layout()

    def _build_layout(self) -> None:
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("editorSplitter")
        split.addWidget(self.body)
        split.addWidget(self.preview)
        split.setSizes([500, 500])
        vertical = QSplitter(Qt.Orientation.Vertical, self)
        vertical.addWidget(scroll)
        vertical.addWidget(split)
        vertical.setStretchFactor(1, 1)
        vertical.setSizes([190, 500])
        buttons = QHBoxLayout()
        buttons.addWidget(self.reason, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.heading)
        layout.addWidget(vertical, 1)
        layout.addLayout(buttons)

    # --- the form -------------------------------------------------------------------------

    def _clear_form(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.inputs = {}

    def _add_input(
        self, name: str, label: str, widget: QLineEdit | QComboBox, row: int, column: int, span: int = 1
    ) -> None:
        widget.setObjectName(f"edit_{name}")
        widget.setAccessibleName(label)
        caption = QLabel(f"{label}:", self.form)
        caption.setBuddy(widget)
        self.grid.addWidget(caption, row, column * 2)
        self.grid.addWidget(widget, row, column * 2 + 1, 1, span)
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(self._on_any_changed)
        else:
            widget.currentIndexChanged.connect(self._on_any_changed)
            if widget.isEditable():
                widget.editTextChanged.connect(self._on_any_changed)
        self.inputs[name] = widget

    def _build_form(self, record: Record) -> None:
        self._clear_form()
        self._add_input("title", "&Title", QLineEdit(self.form), 0, 0, 3)
        self._add_input("key", "&Key", QLineEdit(self.form), 1, 0)
        if record.kind.statuses:
            status = QComboBox(self.form)
            status.addItems(list(record.kind.statuses))
            self._add_input("status", "St&atus", status, 1, 1)
        owner = ChoiceBox(self.form)
        owner.set_choices([("(nobody)", "")])
        owner.select(record.owner_key or "", record.owner_key or "")  # shown at once; the others follow
        # People only, their keys and titles, on a worker for a large file (21,804 people of a
        # million records: 262 ms).
        fill_choices(owner, self.kb, Kind.PERSON, first=[("(nobody)", "")], label=_person_label,
                     value=lambda person: person.key, keep_missing=True)
        self._add_input("owner", "O&wner", owner, 2, 0)
        self._add_input("tags", "Ta&gs", QLineEdit(self.form), 2, 1)
        self._add_input("date", "&Date", QLineEdit(self.form), 3, 0)
        self._add_input("review_by", "&Review by", QLineEdit(self.form), 3, 1)
        for name in ("date", "review_by"):
            self.inputs[name].setPlaceholderText("YYYY-MM-DD")  # type: ignore[union-attr]
        self.inputs["tags"].setPlaceholderText("comma, separated")  # type: ignore[union-attr]
        names = list(KIND_FIELDS[record.kind]) + sorted(n for n in record.fields if n not in KIND_FIELDS[record.kind])
        self._field_list_names = {n for n, v in record.fields.items() if isinstance(v, list)}
        self._field_list_names |= {"deciders", "consulted", "informed", "drivers", "options"}
        for position, name in enumerate(names):
            label = name.replace("_", " ").capitalize()
            self._add_input(f"field:{name}", label, QLineEdit(self.form), 4 + position // 2, position % 2)

    # --- editing ----------------------------------------------------------------------------

    def edit(self, record: Record, draft: Draft | None = None) -> None:
        """Start editing `record` (a whole record, with its body); `draft` puts back unsaved work."""
        self._autosave.stop()
        self.record = record
        self.heading.setText(f"Editing {record.key} ({record.kind.label.lower()})")
        self._build_form(record)
        self._fill(self._values_of(record))
        self._initial = self.values()
        if draft is not None:
            self._fill(draft.values)
        # The preview is rendered after the editor is painted (a timer: a call queued for the next
        # turn runs in the same pass as the paint): with it, Edit held the window past a frame.
        self.preview.clear()
        QTimer.singleShot(1, self, self._on_preview_timeout)
        self._preview_timer.stop()  # started by filling the body: it would render the same text again
        self.inputs["title"].setFocus()

    def _values_of(self, record: Record) -> dict[str, Any]:
        values: dict[str, Any] = {
            "title": record.title,
            "key": record.key,
            "owner": record.owner_key or "",
            "tags": ", ".join(record.tags),
            "date": record.date or "",
            "review_by": record.review_by or "",
            "body": record.body,
            "reason": "",
        }
        if record.kind.statuses:
            values["status"] = record.status
        for name in self.inputs:
            if name.startswith("field:"):
                values[name] = _text(record.fields.get(name.removeprefix("field:")))
        return values

    def _fill(self, values: dict[str, Any]) -> None:
        for name, widget in self.inputs.items():
            if name not in values:
                continue
            if isinstance(widget, ChoiceBox):  # the owner: a draft's may not be read yet, or gone
                widget.select(values[name], str(values[name]))
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findText(values[name]), 0))
            else:
                widget.setText(str(values[name]))
                widget.setCursorPosition(0)  # long values show their beginning
        if "body" in values:
            body = str(values["body"])
            # Colouring a very long body would hold the window for seconds (Qt highlights every
            # line up front); such a body is edited plain.
            long = len(body) > HIGHLIGHT_MAX_CHARS or body.count("\n") > HIGHLIGHT_MAX_LINES
            wanted = None if long else self.body.document()
            if self.highlighter.document() is not wanted:  # setting it again would colour it all again
                self.highlighter.setDocument(wanted)
            self.body.setPlainText(body)
        self.reason.setText(str(values.get("reason", "")))

    def values(self) -> dict[str, Any]:
        """What the form holds now."""
        values: dict[str, Any] = {}
        for name, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                values[name] = widget.currentData() if name == "owner" else widget.currentText()
            else:
                values[name] = widget.text()
        values["body"] = self.body.toPlainText()
        values["reason"] = self.reason.text()
        return values

    @property
    def is_dirty(self) -> bool:
        return self.record is not None and self.values() != self._initial

    def save(self) -> bool:
        """Save the form as a new revision; False (with the reason shown) when it cannot be."""
        if self.record is None:
            return False
        if not self.is_dirty:
            self._finish()
            return True
        current = self.kb.find(self.record.uid)
        if (
            current is not None
            and current.updated_at != self.record.updated_at
            and not self._confirm_overwrite(current)
        ):
            return False
        values = self.values()
        fields = dict(current.fields if current else self.record.fields)
        for name, text in values.items():
            # A field left as it was keeps its value as it is (a list of mappings, like an incident's
            # checklist, cannot go through a line of text and back).
            if name.startswith("field:") and text != self._initial.get(name):
                field_name = name.removeprefix("field:")
                if not text.strip():
                    fields.pop(field_name, None)
                elif field_name in self._field_list_names:
                    fields[field_name] = [part.strip() for part in text.split(",") if part.strip()]
                else:
                    fields[field_name] = text.strip()
        changes: dict[str, Any] = {
            "title": values["title"],
            "key": values["key"],
            "owner": values["owner"] or None,
            "tags": values["tags"],
            "date": values["date"] or None,
            "review_by": values["review_by"] or None,
            "body": values["body"],
            "fields": fields,
        }
        if "status" in values:
            changes["status"] = values["status"]
        if self.record.kind is Kind.CONTROL and not lifecycle.has_rationale(fields, values["body"]):
            QMessageBox.warning(self, "Cannot save", "A control needs its rationale: fill in Rationale (why it "
                                "exists), or write a Rationale section in its body.")
            self.inputs["field:rationale"].setFocus()
            return False
        try:
            self.kb.update(self.record.uid, reason=values["reason"].strip(), strict=True, **changes)
        except KbridgeError as error:
            warn(self, "Cannot save", str(error))
            return False
        uid = self.record.uid
        self.saved.emit(uid)
        self._finish()
        return True

    def discard(self) -> None:
        self._finish()

    def maybe_close(self) -> bool:
        """Ask what to do with unsaved changes; True when the editor may be left."""
        if not self.is_dirty:
            self._finish()
            return True
        assert self.record is not None
        box = message_box(
            self,
            QMessageBox.Icon.Question,
            "Unsaved changes",
            f"{self.record.key} has changes that are not saved.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        box.setObjectName("unsavedChangesPrompt")
        box.setInformativeText("Save them as a new revision, or discard them?")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.discard()
            return True
        return False

    def set_knowledge_base(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.record = None

    def _finish(self) -> None:
        self._autosave.stop()
        if self.record is None:
            return
        uid = self.record.uid
        discard_draft(self.kb.uid, uid)
        self.record = None
        self._initial = {}
        self.closed.emit(uid)

    def _confirm_overwrite(self, current: Record) -> bool:
        answer = ask(
            self,
            "Changed elsewhere",
            f"{current.key} was changed elsewhere since you began editing. Save yours anyway? "
            "(The other change stays in the history.)",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Save

    def write_draft(self) -> None:
        if self.record is None:
            return
        if self.is_dirty:
            save_draft(Draft(self.kb.uid, self.record.uid, self.record.key, self.values(), self.record.updated_at))
        else:
            discard_draft(self.kb.uid, self.record.uid)

    # --- slots ------------------------------------------------------------------------------

    def _on_body_text_changed(self) -> None:
        self._preview_timer.start()
        self._on_any_changed()

    def _on_any_changed(self, *_args: object) -> None:
        if self.record is not None:
            self._autosave.start()

    def _on_autosave_timeout(self) -> None:
        self.write_draft()

    def _on_preview_timeout(self) -> None:
        # Previewed as the reader shows it (a reStructuredText body, as Markdown).
        self.preview.set_markdown(self.body.toPlainText(), body_markup(self.record) if self.record else None)

    def _on_save_button_clicked(self) -> None:
        self.save()

    def _on_save_shortcut_activated(self) -> None:
        self.save()

    def _on_cancel_button_clicked(self) -> None:
        self.maybe_close()


def _person_label(person: Record) -> str:
    return f"{person.key} — {person.title}"
