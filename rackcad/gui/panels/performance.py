"""The Performance dock: the serving frontier of the open design beside chosen comparison designs.

It plots tokens/s per GPU (or per MW) against tokens/s per user for the open design, its what-if on another
scale-up fabric and every comparison (templates or design files), lists the best layout and TTFT at a few
interactivity targets, and the assumptions with their sources, word for word as
`rackcad.analysis.serving` states them. Figures come from the background runner (`gui.performance`); this
widget only shows them. pyqtgraph is imported when the dock is first shown.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rackcad.catalog.interconnects import interconnects
from rackcad.catalog.models import default_models
from rackcad.gui.performance import Comparison, PerfParams, PerfResult
from rackcad.templates import names as template_names

TARGETS = (25, 50, 75, 100, 125, 150, 200)
COLORS = ("#1565c0", "#e65100", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#5d4037", "#455a64")
ADD_FILE = "Design file…"


def _rate(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:,.2f} M"
    if value >= 1e4:
        return f"{value / 1e3:,.1f} k"
    return f"{value:,.0f}"


def _seconds(s: float) -> str:
    return f"{s * 1e3:,.0f} ms" if s < 1 else f"{s:,.2f} s"


class PerformancePanel(QWidget):
    """Controls, the frontier plot, the best layouts at targets and the assumptions."""

    params_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.result: PerfResult | None = None
        self.plot = None
        self.curves: dict[str, object] = {}

        self.model = QComboBox()
        for model in default_models():
            self.model.addItem(model.name, model.id)
        self.model.setCurrentIndex(max(self.model.findData("deepseek-r1"), 0))
        self.precision = QComboBox()
        self.precision.addItems(["fp4", "fp8", "bf16"])
        self.isl = self._tokens(1024, "Input tokens per request (prompt length)")
        self.osl = self._tokens(1024, "Output tokens per request")
        self.fabric = QComboBox()
        self.fabric.addItem("none", "")
        for proto in interconnects().values():
            self.fabric.addItem(f"{proto.name} ({proto.domain} GPUs)", proto.id)
        self.fabric.setToolTip("What-if: the same GPUs, NICs and power on another scale-up fabric")
        self.metric = QComboBox()
        self.metric.addItem("tokens/s per GPU", "tokens_per_s_per_gpu")
        self.metric.addItem("tokens/s per MW", "tokens_per_s_per_mw")
        self.add = QComboBox()
        self.add.setToolTip("A template or a design file to plot beside the open design")
        for name in template_names():
            self.add.addItem(f"template {name}", name)
        self.add.addItem(ADD_FILE, ADD_FILE)
        self.add_button = QPushButton("Add")
        self.compared = QListWidget()
        self.compared.setMaximumHeight(70)
        self.compared.setToolTip("Designs plotted beside the open one (Delete removes the selected one)")
        self.remove = QPushButton("Remove")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.targets = QLabel()
        self.targets.setTextFormat(Qt.TextFormat.RichText)
        self.targets.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.assumptions = QLabel()
        self.assumptions.setTextFormat(Qt.TextFormat.RichText)
        self.assumptions.setWordWrap(True)
        self.assumptions.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.assumptions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("Model", self.model)
        form.addRow("Precision", self.precision)
        form.addRow("Input / output", self._row(self.isl, QLabel("/"), self.osl))
        form.addRow("What-if fabric", self.fabric)
        form.addRow("Plot", self.metric)
        form.addRow("Compare", self._row(self.add, self.add_button))
        form.addRow(self._row(self.compared, self.remove))
        controls = QWidget()
        controls_layout = QVBoxLayout(controls)
        controls_layout.addLayout(form)
        controls_layout.addWidget(self.status)
        controls_layout.addStretch(1)

        self.plot_holder = QWidget()
        self.plot_layout = QVBoxLayout(self.plot_holder)
        self.plot_layout.setContentsMargins(0, 0, 0, 0)
        text = QWidget()
        text_layout = QVBoxLayout(text)
        text_layout.addWidget(self.targets)
        text_layout.addWidget(self.assumptions)
        text_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(text)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget in (controls, self.plot_holder, scroll):
            splitter.addWidget(widget)
        splitter.setSizes([300, 620, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

        for combo in (self.model, self.precision, self.fabric):
            combo.currentIndexChanged.connect(lambda _: self.params_changed.emit())
        for spin in (self.isl, self.osl):
            spin.valueChanged.connect(lambda _: self.params_changed.emit())
        self.metric.currentIndexChanged.connect(lambda _: self._redraw())
        self.add_button.clicked.connect(self._add_chosen)
        self.remove.clicked.connect(self._remove_selected)
        self.compared.installEventFilter(self)

    @staticmethod
    def _tokens(value: int, tip: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(1, 1_048_576)
        spin.setValue(value)
        spin.setGroupSeparatorShown(True)
        spin.setKeyboardTracking(False)
        spin.setToolTip(tip)
        return spin

    @staticmethod
    def _row(*widgets: QWidget) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            layout.addWidget(widget)
        return row

    # ------------------------------------------------------------ inputs
    def params(self) -> PerfParams:
        return PerfParams(self.model.currentData(), self.precision.currentText(), self.isl.value(),
                          self.osl.value(), self.fabric.currentData() or "")

    def comparisons(self) -> list[Comparison]:
        return [self.compared.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.compared.count())]

    def add_comparison(self, comparison: Comparison) -> None:
        if comparison in self.comparisons():
            return
        item = QListWidgetItem(comparison.label)
        item.setData(Qt.ItemDataRole.UserRole, comparison)
        self.compared.addItem(item)
        self.params_changed.emit()

    def _add_chosen(self) -> None:
        data = self.add.currentData()
        if data == ADD_FILE:
            path, _ = QFileDialog.getOpenFileName(self, "Compare with design", "", "RackCAD designs (*.rackcad)")
            if path:
                from pathlib import Path

                self.add_comparison(Comparison(Path(path).name, path=path))
            return
        self.add_comparison(Comparison(data, template=data))

    def _remove_selected(self) -> None:
        rows = sorted((self.compared.row(i) for i in self.compared.selectedItems()), reverse=True)
        for row in rows:
            self.compared.takeItem(row)
        if rows:
            self.params_changed.emit()

    def eventFilter(self, obj, event) -> bool:
        from PySide6.QtCore import QEvent

        if obj is self.compared and event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) \
                and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # Delete here removes a comparison, not the design's selection
                return True
            self._remove_selected()
            return True
        return super().eventFilter(obj, event)

    # ------------------------------------------------------------ output
    def show_state(self, text: str) -> None:
        self.status.setText(text)

    def show_result(self, result: PerfResult) -> None:
        self.result = result
        own = result.design
        if not own.estimable or not own.frontier:
            self.status.setText(f"<span style='color:#c62828'>{escape(own.reason)}</span>")
        else:
            self.status.setText(f"{escape(own.design)}: up to {own.max_interactivity:,.0f} tokens/s per user; "
                                f"computed in {result.seconds * 1e3:,.0f} ms")
        self._redraw()
        self._fill_targets()
        self._fill_assumptions()

    def series(self) -> list[tuple[str, object]]:
        """(label, ServingResult) of every plotted curve, open design first."""
        if self.result is None:
            return []
        out = [(f"{self.result.design.design} (open)", self.result.design)]
        if self.result.what_if is not None:
            out.append((f"{self.result.design.design} on {self.result.params.fabric} (what-if)",
                        self.result.what_if))
        out += [(comp.label, res) for comp, res, _ in self.result.comparisons if res is not None]
        return out

    def _ensure_plot(self) -> None:
        if self.plot is not None:
            return
        import pyqtgraph as pg

        self.plot = pg.PlotWidget(background="w")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLabel("bottom", "tokens/s per user (interactivity)")
        self.plot.addLegend(offset=(-10, 10))
        self.plot_layout.addWidget(self.plot)

    def _redraw(self) -> None:
        self._ensure_plot()
        import pyqtgraph as pg

        metric = self.metric.currentData()
        self.plot.clear()
        self.curves = {}
        self.plot.setLabel("left", self.metric.currentText())
        for i, (label, res) in enumerate(self.series()):
            if not res.frontier:
                continue
            xs = [p.tokens_per_s_per_user for p in res.frontier]
            ys = [getattr(p, metric) for p in res.frontier]
            pen = pg.mkPen(COLORS[i % len(COLORS)], width=2, style=Qt.PenStyle.DashLine if "what-if" in label
                           else Qt.PenStyle.SolidLine)
            self.curves[label] = self.plot.plot(xs, ys, pen=pen, name=label, symbol="o", symbolSize=4,
                                                symbolBrush=COLORS[i % len(COLORS)], symbolPen=None)

    def _fill_targets(self) -> None:
        rows = self.series()
        head = "".join(f"<th align='right'>{escape(label)}</th>" for label, _ in rows)
        body = []
        for target in TARGETS:
            cells = []
            for _, res in rows:
                p = res.at(target)
                cells.append("<td align='right' style='color:#888'>out of reach</td>" if p is None else
                             f"<td align='right' title='{escape(p.layout.label())}'>"
                             f"{_rate(p.tokens_per_s_per_gpu)} /GPU · TTFT {_seconds(p.ttft_s)}</td>")
            body.append(f"<tr><td>{target}</td>{''.join(cells)}</tr>")
        best = ""
        if self.result is not None and (p := self.result.design.at(75)) is not None:
            best = f"<p>Best layout at 75 tokens/s per user: {escape(p.layout.label())}</p>"
        errors = [err for _, res, err in (self.result.comparisons if self.result else []) if err]
        errs = "".join(f"<p style='color:#c62828'>{escape(e)}</p>" for e in errors)
        self.targets.setText(f"<b>Best throughput at each interactivity (tokens/s per user)</b>"
                             f"<table cellspacing='6'><tr><th>tok/s/user</th>{head}</tr>{''.join(body)}</table>"
                             f"{best}{errs}")

    def _fill_assumptions(self) -> None:
        own = self.result.design if self.result else None
        if own is None or not own.assumptions:
            self.assumptions.setText("")
            return
        items = "".join(f"<li>{escape(a['text'])} <small style='color:#5f6673'>[{escape(a['source'])}]</small></li>"
                        for a in own.assumptions)
        self.assumptions.setText(f"<b>Assumptions</b><ul>{items}</ul>")
