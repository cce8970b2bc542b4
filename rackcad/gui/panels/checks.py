"""Checks panel: the live violations list of the rule engine, filtered by severity, with waivers.

Clicking a violation asks the window to select its subjects and centre the canvas on them; "Waive..." asks
for a reason and hands it back to the window, which records the waiver as an undoable design edit.

Repeated violations (the same code, severity and message once the subjects' names and the numbers are taken
out: "Rack NVL72-0008 draws 125.3 kW, budget 120.0 kW" in 128 racks) are one row, `ViolationGroup`, with the
count; clicking it selects every subject, its arrow (or a double-click, or the Right / Left keys) expands it
to its members and collapses it again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
FILTERS = [("All severities", None), ("Errors", "error"), ("Warnings", "warning"), ("Info", "info")]
VIOLATION_ROLE = Qt.ItemDataRole.UserRole
SUBJECTS_ROLE = Qt.ItemDataRole.UserRole + 1
DEPTH_ROLE = Qt.ItemDataRole.UserRole + 2


NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
NAME = "\x00"
"""Stands for a subject's name in a message pattern."""
INDENT = 22
"""Pixels a group's members are indented by (the group's arrow sits in them)."""


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _tokens(message: str, names: list[str]) -> list[str]:
    """`message` split into fixed text and variable parts (subject names, numbers), alternating, fixed first."""
    names = sorted({n for n in names if len(n) >= 2}, key=len, reverse=True)
    alternatives = [re.escape(n) for n in names] + [NUMBER.pattern]
    return re.split(f"({'|'.join(alternatives)})", message)


def message_pattern(message: str, names: list[str]) -> str:
    """`message` with its subjects' names and its numbers abstracted (what repeated violations share)."""
    parts = _tokens(message, names)
    return "".join(part if i % 2 == 0 else (NAME if part in names else "#") for i, part in enumerate(parts))


@dataclass
class ViolationGroup:
    """Violations of one code, severity and message pattern: one row in the list."""

    code: str
    severity: str
    waived: bool
    members: list = field(default_factory=list)
    message: str = ""
    """The members' message with the parts that differ between them shown as '…'."""
    subjects: tuple[str, ...] = ()
    """Every member's subjects, in order, once each."""
    measured = None
    limit = None
    unit = ""


def group_violations(violations: list, names: Callable[[str], str]) -> list:
    """Violations in order, repeated ones (2 or more) gathered into a ViolationGroup at the first's place."""
    keyed: dict[tuple, list] = {}
    tokens: dict[int, list[str]] = {}
    for violation in violations:
        subject_names = [names(s) for s in violation.subjects]
        parts = _tokens(violation.message, subject_names)
        tokens[id(violation)] = parts
        pattern = "".join(p if i % 2 == 0 else (NAME if p in subject_names else "#") for i, p in enumerate(parts))
        key = (violation.code, violation.severity, bool(getattr(violation, "waived", False)), pattern)
        keyed.setdefault(key, []).append(violation)
    out = []
    for (code, severity, waived, _), members in keyed.items():
        if len(members) == 1:
            out.append(members[0])
            continue
        columns = zip(*(tokens[id(m)] for m in members))
        message = "".join(values[0] if i % 2 == 0 or len(set(values)) == 1 else "…"
                          for i, values in enumerate(columns))
        subjects = tuple(dict.fromkeys(s for m in members for s in m.subjects))
        out.append(ViolationGroup(code, severity, waived, members, message, subjects))
    first = {id(v): i for i, v in enumerate(violations)}
    out.sort(key=lambda row: first[id(row.members[0] if isinstance(row, ViolationGroup) else row)])
    return out


def severity_icon(widget: QWidget, severity: str) -> QIcon:
    pixmap = {
        "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
        "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    }.get(severity, QStyle.StandardPixmap.SP_MessageBoxInformation)
    return widget.style().standardIcon(pixmap)


class ViolationModel(QAbstractListModel):
    """The rows shown (already filtered and grouped): violations and ViolationGroups, each expanded group
    followed by its members (`depth` 1), with their subjects' names for display."""

    def __init__(self, names: Callable[[str], str], parent=None, where: Callable[[list[str]], str] | None = None):
        super().__init__(parent)
        self.rows: list = []
        self.depth: list[int] = []
        self.top: list = []
        self.expanded: set[tuple] = set()
        """Keys (code, severity, message) of the groups shown open; kept across reports."""
        self._names = names
        self._where = where

    @staticmethod
    def key(group: ViolationGroup) -> tuple:
        return group.code, group.severity, group.message

    def set_rows(self, rows: list) -> None:
        """Show these top-level rows (violations and groups)."""
        self.top = rows
        self._layout()

    def _layout(self) -> None:
        self.beginResetModel()
        self.rows, self.depth = [], []
        for row in self.top:
            self.rows.append(row)
            self.depth.append(0)
            if isinstance(row, ViolationGroup) and self.key(row) in self.expanded:
                self.rows.extend(row.members)
                self.depth.extend([1] * len(row.members))
        self.endResetModel()

    def set_expanded(self, group: ViolationGroup, expanded: bool) -> None:
        key = self.key(group)
        if (key in self.expanded) != expanded:
            (self.expanded.add if expanded else self.expanded.discard)(key)
            self._layout()

    def is_expanded(self, group: ViolationGroup) -> bool:
        return self.key(group) in self.expanded

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        violation = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return violation.code
        if role == VIOLATION_ROLE:
            return violation
        if role == DEPTH_ROLE:
            return self.depth[index.row()]
        if role == SUBJECTS_ROLE:
            if isinstance(violation, ViolationGroup):
                where = self._where(list(violation.subjects)) if self._where else ""
                return f"{len(violation.members):,} times" + (f" in {where}" if where else "")
            count = len(violation.subjects)
            names = [self._names(s) for s in violation.subjects[:4]]
            return ", ".join(names) + (f" +{count - 4}" if count > 4 else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            measured = ""
            if getattr(violation, "measured", None) is not None:
                limit = f" (limit {violation.limit:,.4g} {violation.unit})" if violation.limit is not None else ""
                measured = f"<br>measured {violation.measured:,.4g} {violation.unit}{limit}"
            waived = "<br><i>waived</i>" if getattr(violation, "waived", False) else ""
            names = ", ".join(self._names(s) for s in violation.subjects[:20])
            if len(violation.subjects) > 20:
                names += f" and {len(violation.subjects) - 20:,} more"
            if isinstance(violation, ViolationGroup):
                measured = (f"<br>{len(violation.members):,} findings; click to select all their subjects, "
                            f"expand to see each")
            return f"<b>{violation.code}</b> ({violation.severity})<br>{violation.message}{measured}<br>{names}{waived}"
        return None


class _ViolationDelegate(QStyledItemDelegate):
    """Icon, code and subjects on the first line; the message, wrapped over two more lines."""

    def __init__(self, panel: QWidget):
        super().__init__(panel)
        self._panel = panel

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(200, option.fontMetrics.height() * 3 + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        violation = index.data(VIOLATION_ROLE)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        text_color = palette.highlightedText().color() if selected else palette.text().color()
        muted = palette.highlightedText().color() if selected else palette.placeholderText().color()
        metrics = opt.fontMetrics
        line = metrics.height()
        rect = opt.rect.adjusted(6 + INDENT * (index.data(DEPTH_ROLE) or 0), 4, -6, -4)
        waived = getattr(violation, "waived", False)
        painter.save()
        if isinstance(violation, ViolationGroup):  # its arrow, in the members' indent
            painter.setPen(text_color)
            arrow = "▾" if index.model().is_expanded(violation) else "▸"
            painter.drawText(QRect(rect.left(), rect.top(), INDENT - 4, line), Qt.AlignmentFlag.AlignCenter, arrow)
            rect = rect.adjusted(INDENT, 0, 0, 0)
        if waived:
            painter.setOpacity(0.55)
        severity_icon(self._panel, violation.severity).paint(painter, QRect(rect.left(), rect.top(), line, line))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(text_color)
        code = violation.code + ("  (waived)" if waived else "")
        code_w = min(painter.fontMetrics().horizontalAdvance(code) + 12, rect.width() // 2)
        painter.drawText(QRect(rect.left() + line + 6, rect.top(), code_w, line), Qt.AlignmentFlag.AlignLeft,
                         painter.fontMetrics().elidedText(code, Qt.TextElideMode.ElideRight, code_w))
        font.setBold(False)
        painter.setFont(font)
        painter.setPen(muted)
        left = rect.left() + line + 6 + code_w
        subjects = metrics.elidedText(index.data(SUBJECTS_ROLE), Qt.TextElideMode.ElideRight, rect.right() - left)
        painter.drawText(QRect(left, rect.top(), rect.right() - left, line), Qt.AlignmentFlag.AlignRight, subjects)
        painter.setPen(text_color)
        body = QRect(rect.left() + line + 6, rect.top() + line + 2, rect.width() - line - 6, line * 2)
        message = violation.message
        if metrics.boundingRect(body, Qt.TextFlag.TextWordWrap, message).height() > body.height():
            message = metrics.elidedText(message, Qt.TextElideMode.ElideRight, body.width() * 2 - line * 2)
        painter.drawText(body, Qt.TextFlag.TextWordWrap, message)
        painter.restore()


class _ChecksList(QListView):
    """The list: a press on a group's arrow, a double-click on a group, Right and Left expand and collapse."""

    def _group(self, index: QModelIndex) -> ViolationGroup | None:
        row = index.data(VIOLATION_ROLE) if index.isValid() else None
        return row if isinstance(row, ViolationGroup) else None

    def _toggle(self, index: QModelIndex, expanded: bool | None = None) -> bool:
        group = self._group(index)
        if group is None:
            return False
        model = self.model()
        model.set_expanded(group, not model.is_expanded(group) if expanded is None else expanded)
        row = model.rows.index(group)
        self.setCurrentIndex(model.index(row, 0))
        return True

    def mousePressEvent(self, event) -> None:
        index = self.indexAt(event.position().toPoint())
        rect = self.visualRect(index)
        if (event.button() == Qt.MouseButton.LeftButton and self._group(index) is not None
                and event.position().x() < rect.left() + 6 + INDENT):
            self._toggle(index)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        if not self._toggle(self.indexAt(event.position().toPoint())):
            super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Left) and self._toggle(self.currentIndex(),
                                                                       key == Qt.Key.Key_Right):
            event.accept()
            return
        super().keyPressEvent(event)


class ChecksPanel(QWidget):
    """Violations of the last validation; `activated(subjects)` on click, `waive_requested(v, reason)`."""

    activated = Signal(list)
    waive_requested = Signal(object, str)

    def __init__(self, names: Callable[[str], str], parent: QWidget | None = None,
                 where: Callable[[list[str]], str] | None = None):
        """`names`: an id's name; `where`: where a group's subjects are ("1,024 racks")."""
        super().__init__(parent)
        self._names = names
        self.violations: list = []
        self.summary = QLabel("checking…")
        self.summary.setWordWrap(True)
        self.severity = QComboBox()
        for text, value in FILTERS:
            self.severity.addItem(text, value)
        self.show_waived = QCheckBox("Show waived")
        self.waive = QPushButton("Waive...")
        self.waive.setToolTip("Accept the selected violation with a reason (saved in the design, undoable)")
        self.waive.setEnabled(False)
        self.model = ViolationModel(names, self, where)
        self.list = _ChecksList()
        self.list.setModel(self.model)
        self.list.setItemDelegate(_ViolationDelegate(self))
        self.list.setUniformItemSizes(True)
        self.list.setAlternatingRowColors(True)
        controls = QHBoxLayout()
        controls.addWidget(self.severity)
        controls.addWidget(self.show_waived)
        controls.addStretch(1)
        controls.addWidget(self.waive)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addLayout(controls)
        layout.addWidget(self.list)
        self.severity.currentIndexChanged.connect(self._apply_filter)
        self.show_waived.toggled.connect(self._apply_filter)
        self.list.clicked.connect(self._clicked)
        self.list.activated.connect(self._clicked)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.waive.clicked.connect(self.ask_waive)

    # ---------------------------------------------------------------- data
    def show_report(self, report) -> None:
        """Show a Report's violations, errors first."""
        self.violations = sorted(report.violations, key=lambda v: (getattr(v, "waived", False),
                                                                   SEVERITY_RANK.get(v.severity, 3), v.code))
        counts = self.counts()
        waived = sum(1 for v in self.violations if getattr(v, "waived", False))
        parts = [plural(counts["error"], "error"), plural(counts["warning"], "warning"), f"{counts['info']:,} info"]
        if waived:
            parts.append(f"{waived} waived")
        self.summary.setText(" · ".join(parts) if self.violations else "No violations")
        self._apply_filter()

    def show_state(self, text: str) -> None:
        """A line in place of the counts: 'checking…' or why there are no checks."""
        self.summary.setText(text)

    def counts(self) -> dict[str, int]:
        """Unwaived violations by severity."""
        out = {"error": 0, "warning": 0, "info": 0}
        for v in self.violations:
            if not getattr(v, "waived", False) and v.severity in out:
                out[v.severity] += 1
        return out

    def _apply_filter(self) -> None:
        wanted = self.severity.currentData()
        waived = self.show_waived.isChecked()
        shown = [v for v in self.violations if (wanted is None or v.severity == wanted)
                 and (waived or not getattr(v, "waived", False))]
        self.model.set_rows(group_violations(shown, self._names))
        self.waive.setEnabled(False)

    # ------------------------------------------------------------- actions
    def selected(self):
        index = self.list.currentIndex()
        return index.data(VIOLATION_ROLE) if index.isValid() else None

    def _clicked(self, index: QModelIndex) -> None:
        violation = index.data(VIOLATION_ROLE)
        if violation is not None:
            self.activated.emit(list(violation.subjects))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        violation = current.data(VIOLATION_ROLE) if current.isValid() else None
        self.waive.setEnabled(violation is not None and not getattr(violation, "waived", False))

    def ask_waive(self) -> None:
        """Ask why the selected violation is acceptable; an empty answer or Cancel waives nothing."""
        violation = self.selected()
        if violation is None:
            return
        what = (f"these {len(violation.members):,} findings" if isinstance(violation, ViolationGroup) else "here")
        reason, ok = QInputDialog.getText(self, "Waive violation",
                                          f"Why is {violation.code} acceptable {what}?\n{violation.message}")
        if ok and reason.strip():
            self.waive_requested.emit(violation, reason.strip())
