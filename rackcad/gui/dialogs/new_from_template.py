"""New from template: pick a system template, set its parameters, and get (name, parameters) back."""

from __future__ import annotations

from html import escape

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
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rackcad import templates
from rackcad.templates.base import Param


class NewFromTemplateDialog(QDialog):
    """Templates on the left; the chosen one's description and parameter fields on the right."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New from template")
        self.resize(760, 420)
        self.list = QListWidget()
        for name in templates.names():
            template = templates.get(name)
            item = QListWidgetItem(f"{template.title}  ({template.status})")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(name)
            self.list.addItem(item)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.form = QFormLayout()
        self._fields: dict[str, tuple[QWidget, Param]] = {}
        right = QVBoxLayout()
        right.addWidget(self.description)
        right.addLayout(self.form)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.list, 2)
        body.addLayout(right, 3)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        self.list.setCurrentRow(0)

    @property
    def name(self) -> str:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else ""

    def select(self, name: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.list.setCurrentRow(row)

    def _show(self, _row: int) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self._fields = {}
        if not self.name:
            return
        template = templates.get(self.name)
        self.description.setText(f"<b>{escape(template.title)}</b> <i>({escape(template.status)})</i>"
                                 f"<p>{escape(template.description)}</p>"
                                 + ("<p>Parameters:</p>" if template.params else "<p>No parameters.</p>"))
        for key, param in template.params.items():
            widget = self._editor(param)
            widget.setObjectName(key)
            widget.setToolTip(param.help)
            self.form.addRow(f"{key}", widget)
            self.form.addRow("", QLabel(f"<small>{escape(param.help)}</small>"))
            self._fields[key] = (widget, param)

    @staticmethod
    def _editor(param: Param) -> QWidget:
        if param.choices is not None:
            combo = QComboBox()
            for choice in param.choices:
                combo.addItem(str(choice), choice)
            combo.setCurrentIndex(list(param.choices).index(param.default))
            return combo
        if isinstance(param.default, bool):
            box = QCheckBox()
            box.setChecked(param.default)
            return box
        if isinstance(param.default, int):
            spin = QSpinBox()
            spin.setRange(*(param.bounds or (0, 10_000)))
            spin.setValue(param.default)
            return spin
        return QLineEdit(str(param.default))

    def params(self) -> dict[str, object]:
        """The parameter values as the template takes them."""
        out: dict[str, object] = {}
        for key, (widget, _param) in self._fields.items():
            if isinstance(widget, QComboBox):
                out[key] = widget.currentData()
            elif isinstance(widget, QCheckBox):
                out[key] = widget.isChecked()
            elif isinstance(widget, QSpinBox):
                out[key] = widget.value()
            elif isinstance(widget, QLineEdit):
                out[key] = widget.text()
        return out
