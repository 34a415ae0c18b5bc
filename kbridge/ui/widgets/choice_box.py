"""A combo box of many choices (every person, every system): the choices live in one Python list
behind a list model, so that tens of thousands of them cost one model reset, not an item each.

`QComboBox.addItem` per choice made 80,000 systems cost about a second on the GUI thread at a
million records; the box also measured every item's text for its width (now it is given a
width in characters) and its popup asked each item's size (now uniform). Values are found by a
dictionary, not by `findData` (a call into Python per row)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QListView, QWidget

ModelIndex = QModelIndex | QPersistentModelIndex
Choice = tuple[str, Any]  # (label, value)
WIDTH_CHARACTERS = 28


class ChoiceListModel(QAbstractListModel):
    """(label, value) rows: the label shown, the value as Qt.UserRole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._choices: list[Choice] = []
        self._rows: dict[Any, int] = {}

    def set_choices(self, choices: Sequence[Choice]) -> None:
        self.beginResetModel()
        self._choices = list(choices)
        self._rows = {}
        for row, (_label, value) in enumerate(self._choices):
            self._rows.setdefault(value, row)
        self.endResetModel()

    def row_of(self, value: Any) -> int:
        """The first row holding `value`, or -1."""
        return self._rows.get(value, -1)

    def value_at(self, row: int) -> Any:
        return self._choices[row][1] if 0 <= row < len(self._choices) else None

    def all(self) -> list[Choice]:
        return list(self._choices)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._choices)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._choices):
            return None
        label, value = self._choices[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return label  # no tooltip: Qt would read a title's markup in one as rich text
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None


class ChoiceBox(QComboBox):
    """A combo box over a ChoiceListModel: `set_choices(choices)`, `select(value)`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = ChoiceListModel(self)
        self.setModel(self.choices)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(WIDTH_CHARACTERS)
        view = QListView(self)
        view.setUniformItemSizes(True)
        self.setView(view)
        self.filling: object | None = None  # the read that will give its choices (choices_loader)

    def set_choices(self, choices: Sequence[Choice], *, keep_missing: bool = False) -> None:
        """Show `choices`, the value chosen before still chosen when it is among them; with
        `keep_missing`, also when it is not (it stays as a choice of its own: a value a person
        chose is never dropped by a refresh)."""
        before, label = self.currentData(), self.currentText()
        choices = list(choices)
        if keep_missing and before not in (None, "") and all(value != before for _label, value in choices):
            choices.append((label or str(before), before))
        blocked = self.blockSignals(True)
        try:
            self.choices.set_choices(choices)
            row = self.choices.row_of(before)
            self.setCurrentIndex(row if row >= 0 else (0 if choices else -1))
        finally:
            self.blockSignals(blocked)
        if self.currentData() != before:
            self.currentIndexChanged.emit(self.currentIndex())

    def held(self, first: Sequence[Choice]) -> list[Choice]:
        """The chosen value as a choice, unless it is among `first` (what the box keeps showing
        while its choices are read)."""
        value = self.currentData()
        if value in (None, "") or any(value == known for _label, known in first):
            return []
        return [(self.currentText() or str(value), value)]

    def select(self, value: Any, label: str | None = None) -> bool:
        """Choose the row holding `value`. Missing: with a `label`, it is added as a choice of its
        own and chosen; without, nothing changes and the answer is False."""
        row = self.choices.row_of(value)
        if row < 0 and label is not None:
            self.set_choices([*self.choices.all(), (label, value)])
            row = self.choices.row_of(value)
        if row >= 0:
            self.setCurrentIndex(row)
        return row >= 0
