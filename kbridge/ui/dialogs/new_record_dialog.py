"""New record (Ctrl+N): kind, title, template (the built-in ones and the knowledge base's own, with
a preview), status, owner, tags, a control's rationale and links to add; the key it will get is
shown before saving. Also the dialog of "Supersede" (pre-linked)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kbridge.core import lifecycle
from kbridge.core.templates import Template, available_templates, render_body
from kbridge.model import Kind, Record
from kbridge.ui.dialogs.link_picker import LinkChoice, LinkPicker
from kbridge.ui.jobs.choices_loader import fill_choices
from kbridge.ui.views.editor import PreviewBrowser
from kbridge.ui.widgets.choice_box import ChoiceBox

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase
    from kbridge.ui.jobs.worker import JobRunner

CREATABLE_KINDS = tuple(kind for kind in Kind)
BLANK = "Blank"


@dataclass
class NewRecordRequest:
    kind: Kind
    title: str
    template: str | None
    status: str | None
    owner: str | None
    tags: str
    links: list[LinkChoice] = field(default_factory=list)
    rationale: str = ""  # a control's
    supersedes: str | None = None  # key of the decision this one replaces
    open_editor: bool = True


class NewRecordDialog(QDialog):
    def __init__(
        self,
        kb: KnowledgeBase,
        parent: QWidget | None = None,
        *,
        jobs: JobRunner | None = None,
        kind: Kind = Kind.DECISION,
        supersedes: Record | None = None,
    ) -> None:
        """`jobs`: where the link picker finds a large file's records (None: at once)."""
        super().__init__(parent)
        self.setObjectName("newRecordDialog")
        self.kb = kb
        self.jobs = jobs
        self.supersedes = supersedes
        self.setWindowTitle(f"Supersede {supersedes.key}" if supersedes else "New record")
        self._templates: list[Template] = []
        self.kind_box = QComboBox(self)
        self.kind_box.setObjectName("newKind")
        for each in CREATABLE_KINDS:
            self.kind_box.addItem(each.label, each.value)
        self.kind_box.setCurrentIndex(self.kind_box.findData(kind.value))
        self.kind_box.setEnabled(supersedes is None)
        self.key_label = QLabel(self)
        self.key_label.setObjectName("newKey")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title_field = QLineEdit(self)
        self.title_field.setObjectName("newTitle")
        self.title_field.setPlaceholderText("Use PostgreSQL for the ledger")
        if supersedes is not None:
            self.title_field.setText(supersedes.title)
            self.title_field.selectAll()
        self.template_box = QComboBox(self)
        self.template_box.setObjectName("newTemplate")
        self.preview = PreviewBrowser(self)
        self.preview.setObjectName("newTemplatePreview")
        self.preview.setOpenLinks(False)
        self.preview.setMinimumHeight(80)
        self.rationale_field = QLineEdit(self)
        self.rationale_field.setObjectName("newRationale")
        self.rationale_field.setPlaceholderText("Why this control exists (required)")
        self.status_box = QComboBox(self)
        self.status_box.setObjectName("newStatus")
        self.owner_box = ChoiceBox(self)
        self.owner_box.setObjectName("newOwner")
        # People who have not left, keys and titles only; on a worker for a large file.
        fill_choices(self.owner_box, kb, Kind.PERSON, first=[("(nobody)", "")],
                     label=lambda person: f"{person.key} — {person.title}", value=lambda person: person.key,
                     wanted=lambda person: person.status != "departed")
        self.tags_field = QLineEdit(self)
        self.tags_field.setObjectName("newTags")
        self.tags_field.setPlaceholderText("comma, separated")
        self.links_list = QListWidget(self)
        self.links_list.setObjectName("newLinks")
        self.links_list.setMaximumHeight(110)
        add_link = QPushButton("Add &link…", self)
        add_link.setObjectName("newAddLink")
        add_link.clicked.connect(self._on_add_link_clicked)
        remove_link = QPushButton("Re&move", self)
        remove_link.setObjectName("newRemoveLink")
        remove_link.clicked.connect(self._on_remove_link_clicked)
        self.open_editor = QCheckBox("&Open in the editor to write it", self)
        self.open_editor.setObjectName("newOpenEditor")
        self.open_editor.setChecked(True)
        links_row = QHBoxLayout()
        links_row.addWidget(add_link)
        links_row.addWidget(remove_link)
        links_row.addStretch(1)
        form = QFormLayout()
        self.form = form
        rows: list[tuple[str, QWidget, str]] = [
            ("&Kind:", self.kind_box, "Kind of record"),
            ("Key:", self.key_label, "Key the record will get"),
            ("&Title:", self.title_field, "Title"),
            ("Tem&plate:", self.template_box, "Template"),
            ("Preview:", self.preview, "Preview of the template"),
            ("&Status:", self.status_box, "Status"),
            ("&Rationale:", self.rationale_field, "Rationale"),
            ("O&wner:", self.owner_box, "Owner"),
            ("Ta&gs:", self.tags_field, "Tags"),
            ("Links:", self.links_list, "Links to add"),
        ]
        for label, widget, name in rows:
            widget.setAccessibleName(name)
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        form.addRow("", links_row)
        if supersedes is not None:
            note = QLabel(f"{supersedes.key} will be set to <b>superseded</b> and linked to the new decision.", self)
            note.setWordWrap(True)
            form.addRow("", note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Create")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("newCreate")
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)  # rows hidden for some kinds leave room below, not between rows
        layout.addWidget(self.open_editor)
        layout.addWidget(buttons)
        self.kind_box.currentIndexChanged.connect(self._on_kind_box_changed)
        self.template_box.currentIndexChanged.connect(self._on_template_box_changed)
        self.title_field.textChanged.connect(self._on_template_box_changed)
        self._on_kind_box_changed()
        self.title_field.setFocus()
        self._fit_to(parent)

    def _fit_to(self, parent: QWidget | None) -> None:
        """As tall as the window it opens over allows (a small screen, a 600 px window): the
        preview gives up its room first; the buttons always stay on screen."""
        screen = (parent.screen() if parent is not None else None) or self.screen()
        room = screen.availableGeometry().height() - 40 if screen is not None else 700
        if parent is not None:
            room = min(room, max(parent.window().height(), self.minimumSizeHint().height()))
        self.resize(640, min(700, room))

    @property
    def kind(self) -> Kind:
        return Kind(self.kind_box.currentData())

    def request(self) -> NewRecordRequest:
        return NewRecordRequest(
            kind=self.kind,
            title=self.title_field.text(),
            template=self.template_box.currentData() or None,
            status=self.status_box.currentText() if self.kind.statuses else None,
            owner=self.owner_box.currentData() or None,
            tags=self.tags_field.text(),
            links=[self.links_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.links_list.count())],
            supersedes=self.supersedes.key if self.supersedes else None,
            open_editor=self.open_editor.isChecked(),
            rationale=self.rationale_field.text().strip() if self.kind is Kind.CONTROL else "",
        )

    def template(self) -> Template | None:
        name = self.template_box.currentData()
        return next((t for t in self._templates if t.name == name), None)

    def template_body(self) -> str:
        """The body the chosen template gives the new record (its text, for a new template)."""
        chosen = self.template()
        if chosen is None:
            return ""
        if self.kind is Kind.TEMPLATE:
            return chosen.text
        title = self.title_field.text().strip() or "Title"
        return render_body(chosen, title=title, key=self.kb.next_key(self.kind),
                           status=self.status_box.currentText())

    def add_link(self, choice: LinkChoice) -> None:
        item = QListWidgetItem(choice.describe())
        item.setData(Qt.ItemDataRole.UserRole, choice)
        self.links_list.addItem(item)

    def _on_kind_box_changed(self, *_args: object) -> None:
        kind = self.kind
        self.key_label.setText(f"<b>{self.kb.next_key(kind)}</b> (allocated when you create it)")
        self._templates = available_templates(self.kb, kind)
        self.template_box.blockSignals(True)
        self.template_box.clear()
        for template in self._templates:
            label = template.label if template.origin == "built-in" else f"{template.name} — {template.label}"
            self.template_box.addItem(label, template.name)
        self.template_box.addItem(BLANK, "")
        # A decision (or a new template) starts from the first (MADR 4); another kind from a
        # template made for it, else blank.
        own = [i for i, t in enumerate(self._templates) if t.for_kind == kind.value]
        first = 0 if kind in (Kind.DECISION, Kind.TEMPLATE) else (own[0] if own else self.template_box.count() - 1)
        self.template_box.setCurrentIndex(first)
        self.template_box.blockSignals(False)
        has_templates = self.template_box.count() > 1
        self.form.setRowVisible(self.template_box, has_templates)
        self.form.setRowVisible(self.preview, has_templates)
        self.form.setRowVisible(self.rationale_field, kind is Kind.CONTROL)
        self._on_template_box_changed()
        self.status_box.clear()
        self.status_box.addItems(list(kind.statuses))
        if kind.statuses:
            self.status_box.setCurrentText(kind.default_status)
        self.form.setRowVisible(self.status_box, bool(kind.statuses))

    def _on_template_box_changed(self, *_args: object) -> None:
        body = self.template_body()
        if body:
            self.preview.set_markdown(body)
        else:
            self.preview.setHtml("<p><i>An empty body.</i></p>")

    def _on_add_link_clicked(self) -> None:
        picker = LinkPicker(self.kb, self, jobs=self.jobs, source_label="the new record")
        if picker.exec() == QDialog.DialogCode.Accepted and (choice := picker.choice()) is not None:
            self.add_link(choice)

    def _on_remove_link_clicked(self) -> None:
        row = self.links_list.currentRow()
        if row >= 0:
            self.links_list.takeItem(row)

    def _on_buttons_accepted(self) -> None:
        if not self.title_field.text().strip():
            QMessageBox.information(self, self.windowTitle(), "Give the record a title.")
            self.title_field.setFocus()
            return
        fields = {"rationale": self.rationale_field.text()}
        if self.kind is Kind.CONTROL and not lifecycle.has_rationale(fields, self.template_body()):
            QMessageBox.information(self, self.windowTitle(), "A control needs its rationale: say why it exists.")
            self.rationale_field.setFocus()
            return
        self.accept()


def create_record(kb: KnowledgeBase, request: NewRecordRequest) -> str:
    """Create what the dialog asked for, links included, in one transaction; the new uid."""
    with kb.transaction():
        created = kb.create(
            request.kind,
            request.title,
            template=request.template,
            status=request.status,
            owner=request.owner,
            tags=request.tags,
            supersedes=request.supersedes,
            fields={"rationale": request.rationale} if request.rationale else None,
            strict=True,
        )
        uid = created.uid
        for link in request.links:
            kb.links.add(uid, link.type, link.target_uid, note=link.note)
    return uid
