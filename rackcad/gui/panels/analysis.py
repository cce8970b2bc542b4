"""Analysis dock: what the fabric adds up to, for the seed question of why a 72-GPU NVLink domain beats an
8-GPU switch and a 4-GPU mesh for mixture-of-experts inference, and what co-packaged optics save.

- NVLink domains: size, bisection (Gb/s per direction and TB/s both ways), all-to-all per GPU and the ring
  all-reduce time of an editable message size (computed here, instantly, from the domain's figures);
- expert parallelism for an editable group size N and scale-out Gb/s per GPU (by default the design's
  NICs): the share of peers over NVLink and the effective all-to-all Gb/s per GPU;
- serving: for a model and precision, the best tokens/s per GPU and per MW, TTFT and layout at an editable
  interactivity target, from `rackcad.analysis.serving` (the Performance dock plots the whole frontier),
  with its assumptions word for word;
- the optics of the design's scale-out network, pluggables against CPO, with the catalog sources cited.

The figures come from `rackcad.gui.analyzer` (a worker thread); parameter edits are collected for
`DEBOUNCE_MS` and then emitted as one `params_changed`.
"""

from __future__ import annotations

import re
from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rackcad.catalog import Catalog
from rackcad.catalog.models import default_models
from rackcad.gui.analyzer import AnalysisParams, AnalysisResult
from rackcad.gui.panels.flow import FlowGrid
from rackcad.units import fmt_gbps, fmt_power, gbps_to_gbytes_bidir

DEBOUNCE_MS = 300
DEFAULT_MODEL = "deepseek-r1"
DEFAULT_PRECISION = "fp4"
DEFAULT_TARGET = 75.0
"""Tokens/s per user at which the serving box reports the best layout."""
DEFAULT_GPUS = 64
DEFAULT_MESSAGE_MB = 1000.0
MAX_DOMAINS = 4
"""Domains shown side by side (largest first); a broken design can have dozens of one-GPU domains."""
SOURCE_KEY = re.compile(r"\b(S\d+|EST)\b")


def gbps_exact(gbps: float) -> str:
    """'259,200 Gb/s': exact, for the figures the seed question compares."""
    return f"{gbps:,.0f} Gb/s"


def tbytes_bidir(gbps: float) -> str:
    """Gb/s per direction -> '64.8' TB/s both ways (the vendor form)."""
    return f"{gbps_to_gbytes_bidir(gbps) / 1000:,.1f}"


def duration(seconds: float) -> str:
    if seconds == float("inf"):
        return "never (no bandwidth)"
    if seconds >= 1:
        return f"{seconds:,.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:,.2f} ms"
    return f"{seconds * 1e6:,.1f} µs"


def rate(tokens_per_s: float) -> str:
    if tokens_per_s >= 1e6:
        return f"{tokens_per_s / 1e6:,.2f} M tokens/s"
    return f"{tokens_per_s:,.0f} tokens/s"


def _spin(minimum: float, maximum: float, value: float, decimals: int, suffix: str, step: float = 1.0,
          tip: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(minimum, maximum)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setGroupSeparatorShown(True)
    box.setKeyboardTracking(False)
    box.setToolTip(tip)
    return box


def _value() -> QLabel:
    label = QLabel("…")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class AnalysisPanel(QWidget):
    """The four analysis sections; `params()` is what the user set, `show_result` fills in the figures."""

    params_changed = Signal()

    def __init__(self, catalog: Catalog, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self.result: AnalysisResult | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.params_changed)
        self.state = QLabel("")
        self.state.setStyleSheet("color: #5f6673;")
        grid = FlowGrid(380)
        grid.add(self._domains_box())
        grid.add(self._experts_box())
        grid.add(self._inference_box())
        grid.add(self._optics_box())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(grid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state)
        layout.addWidget(scroll)

    # ------------------------------------------------------------- sections
    def _domains_box(self) -> QGroupBox:
        box = QGroupBox("NVLink domains")
        self.message_mb = _spin(0.1, 1e7, DEFAULT_MESSAGE_MB, 1, " MB", 100.0,
                                "All-reduce message size (10^6 bytes); large-message limit, latency left out")
        self.message_mb.valueChanged.connect(self._fill_domains)
        self.domains = _value()
        self.domains.setTextFormat(Qt.TextFormat.RichText)
        self.domain_note = _value()
        row = QHBoxLayout()
        row.addWidget(QLabel("Ring all-reduce of"))
        row.addWidget(self.message_mb)
        row.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(self.domains)
        layout.addWidget(self.domain_note)
        layout.addStretch(1)
        return box

    def _experts_box(self) -> QGroupBox:
        box = QGroupBox("Expert parallelism: all-to-all over N GPUs")
        self.ep_gpus = QSpinBox()
        self.ep_gpus.setRange(2, 1_000_000)
        self.ep_gpus.setValue(DEFAULT_GPUS)
        self.ep_gpus.setGroupSeparatorShown(True)
        self.ep_gpus.setKeyboardTracking(False)
        self.ep_gpus.setToolTip("GPUs in the expert-parallel group, built from copies of the largest NVLink domain")
        self.from_nics = QCheckBox("from the design's NICs")
        self.from_nics.setChecked(True)
        self.scale_out = _spin(0, 1e6, 400, 0, " Gb/s", 100.0, "Scale-out bandwidth per GPU, per direction")
        self.scale_out.setEnabled(False)
        self.ep_gpus.valueChanged.connect(self._changed)
        self.scale_out.valueChanged.connect(self._changed)
        self.from_nics.toggled.connect(self._nics_toggled)
        out = QHBoxLayout()
        out.addWidget(self.scale_out)
        out.addWidget(self.from_nics)
        self.ep_peers = _value()
        self.ep_nvlink = _value()
        self.ep_effective = _value()
        self.ep_effective.setStyleSheet("font-weight: bold;")
        self.ep_bottleneck = _value()
        form = QFormLayout(box)
        form.addRow("GPUs (N)", self.ep_gpus)
        form.addRow("Scale-out per GPU", out)
        form.addRow("Peers over NVLink", self.ep_peers)
        form.addRow("NVLink all-to-all", self.ep_nvlink)
        form.addRow("Effective per GPU", self.ep_effective)
        form.addRow("Bottleneck", self.ep_bottleneck)
        return box

    def _inference_box(self) -> QGroupBox:
        box = QGroupBox("Serving (disaggregated; the Performance dock plots the frontier)")
        self.model = QComboBox()
        for model in default_models():
            self.model.addItem(model.name, model.id)
        self.model.setCurrentIndex(max(self.model.findData(DEFAULT_MODEL), 0))
        self.precision = QComboBox()
        self.precision.addItems(["fp4", "fp8", "bf16"])
        self.target = _spin(1, 10_000, DEFAULT_TARGET, 0, " tok/s/user", 25.0,
                            "Interactivity target: the best layout giving every user at least this rate")
        self.model.currentIndexChanged.connect(self._changed)
        self.precision.currentIndexChanged.connect(self._changed)
        self.target.valueChanged.connect(self._fill_inference)
        self.tokens_per_gpu = _value()
        self.tokens_per_gpu.setStyleSheet("font-weight: bold;")
        self.tokens_per_mw = _value()
        self.tokens_per_mw.setStyleSheet("font-weight: bold;")
        self.step = _value()
        self.assumptions = _value()
        self.assumptions.setTextFormat(Qt.TextFormat.RichText)
        form = QFormLayout(box)
        form.addRow("Model", self.model)
        form.addRow("Precision", self.precision)
        form.addRow("At", self.target)
        form.addRow("Per GPU", self.tokens_per_gpu)
        form.addRow("Per MW", self.tokens_per_mw)
        form.addRow("Layout", self.step)
        form.addRow(self.assumptions)
        return box

    def _optics_box(self) -> QGroupBox:
        box = QGroupBox("Optics: pluggable transceivers vs co-packaged (CPO)")
        self.optics_intro = _value()
        self.optics = _value()
        self.optics.setTextFormat(Qt.TextFormat.RichText)
        self.optics_design = _value()
        self.optics_sources = _value()
        self.optics_sources.setTextFormat(Qt.TextFormat.RichText)
        self.optics_sources.setOpenExternalLinks(True)
        self.optics_sources.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        layout = QVBoxLayout(box)
        layout.addWidget(self.optics_intro)
        layout.addWidget(self.optics)
        layout.addWidget(self.optics_design)
        layout.addWidget(self.optics_sources)
        layout.addStretch(1)
        return box

    # ------------------------------------------------------------ parameters
    def _changed(self) -> None:
        self._timer.start()

    def _nics_toggled(self, checked: bool) -> None:
        self.scale_out.setEnabled(not checked)
        self._changed()

    def params(self) -> AnalysisParams:
        return AnalysisParams(self.ep_gpus.value(), None if self.from_nics.isChecked() else self.scale_out.value(),
                              self.model.currentData(), self.precision.currentText(), self.target.value())

    def flush(self) -> None:
        """Emit a pending parameter change now (tests; the debounce timer does it otherwise)."""
        if self._timer.isActive():
            self._timer.stop()
            self.params_changed.emit()

    # --------------------------------------------------------------- results
    def show_state(self, text: str) -> None:
        self.state.setText(text)

    def show_result(self, result: AnalysisResult) -> None:
        self.result = result
        self.state.setText(f"computed in {result.seconds * 1000:,.0f} ms (off the GUI thread)")
        self._fill_domains()
        self._fill_experts()
        self._fill_inference()
        self._fill_optics()

    def _fill_domains(self) -> None:
        """One column per NVLink domain (largest first, at most `MAX_DOMAINS`), one row per figure."""
        fabrics = self.result.design.fabrics if self.result else []
        if not fabrics:
            self.domains.setText("")
            self.domain_note.setText("No NVLink domain: the design has no accelerators.")
            return
        shown = fabrics[:MAX_DOMAINS]
        size = self.message_mb.value() * 1e6
        rows = [
            ("GPUs", [f"{f.size:,}" for f in shown]),
            ("Bisection, Gb/s per direction", [f"{f.bisection_gbps:,.0f}" for f in shown]),
            ("Bisection, TB/s both ways", [tbytes_bidir(f.bisection_gbps) for f in shown]),
            ("All-to-all, Gb/s per GPU", [f"{f.alltoall_gbps_per_gpu:,.0f}" for f in shown]),
            ("Ring all-reduce", [duration(f.allreduce_s(size)) for f in shown]),
        ]
        head = "".join(f"<th align='right'>&nbsp;#{i + 1}</th>" for i in range(len(shown)))
        body = "".join(f"<tr><td>{name}</td>" + "".join(f"<td align='right'>&nbsp;{v}</td>" for v in values)
                       + "</tr>" for name, values in rows)
        self.domains.setText(f"<table cellspacing='0' cellpadding='2'><tr><th align='left'>Domain</th>{head}</tr>"
                             f"{body}</table>")
        top = fabrics[0]
        switches = f"{top.switches:,} switch chips in {top.tiers} tier{'s' if top.tiers != 1 else ''}" \
            if top.switches else "no switches (direct links)"
        share = f" = {top.bisection_gbps / top.full_bisection_gbps:.0%} of non-blocking" \
            if top.full_bisection_gbps else ""
        others = len(fabrics) - len(shown)
        more = f" {others:,} smaller domain{'s' if others > 1 else ''} not shown." if others else ""
        self.domain_note.setText(
            f"#1: {switches}; bisection {gbps_exact(top.bisection_gbps)} per direction{share}; "
            f"{fmt_gbps(top.scale_up_gbps_per_gpu)} scale-up per GPU.{more}")

    def _fill_experts(self) -> None:
        result = self.result
        ep = result.experts
        if ep is None:
            for label in (self.ep_peers, self.ep_nvlink, self.ep_effective, self.ep_bottleneck):
                label.setText("")
            self.ep_peers.setText(f"<span style='color:#c62828'>{escape(result.experts_error)}</span>")
            return
        if not ep.scale_out_given:
            self.scale_out.blockSignals(True)
            self.scale_out.setValue(ep.scale_out_gbps_per_gpu)
            self.scale_out.blockSignals(False)
        peers = ep.gpus - 1
        self.ep_peers.setText(f"{ep.nvlink_peers:,} of {peers:,} ({ep.nvlink_share:.0%}) in a "
                              f"{ep.domain_size:,}-GPU domain; {ep.scale_out_peers:,} over scale-out")
        self.ep_nvlink.setText(f"{gbps_exact(ep.nvlink_gbps_per_gpu)} per GPU inside the domain")
        self.ep_effective.setText(f"{gbps_exact(ep.effective_gbps_per_gpu)} per GPU")
        self.ep_bottleneck.setText("NVLink (every byte stays in the domain)" if ep.bottleneck == "nvlink"
                                   else f"scale-out ({gbps_exact(ep.scale_out_gbps_per_gpu)} per GPU for "
                                        f"{1 - ep.nvlink_share:.0%} of the bytes)")

    def _fill_inference(self) -> None:
        result = self.result
        if result is None:
            return
        served = result.serving
        point = served.at(self.target.value()) if served is not None else None
        if point is None:
            for label in (self.tokens_per_gpu, self.tokens_per_mw, self.step):
                label.setText("")
            why = result.serving_error or (served.reason if served and served.reason else
                                           f"out of reach: this design serves at most "
                                           f"{served.max_interactivity:,.0f} tokens/s per user" if served else "")
            self.assumptions.setText(f"<span style='color:#c62828'>{escape(why)}</span>")
            return
        plat = served.platform
        self.tokens_per_gpu.setText(f"{rate(point.tokens_per_s_per_gpu)} (input + output), TTFT "
                                    f"{duration(point.ttft_s)}")
        self.tokens_per_mw.setText(f"{rate(point.tokens_per_s_per_mw)} ({plat.accelerators:,} GPUs in "
                                   f"{fmt_power(plat.power_w)})")
        self.step.setText(f"{point.layout.label()}; decode step {duration(point.step_s)}, bound by "
                          f"{point.bottleneck}; up to {served.max_interactivity:,.0f} tokens/s per user")
        items = "".join(f"<li>{escape(a['text'])} [{escape(a['source'])}]</li>" for a in served.assumptions)
        self.assumptions.setText(f"<b>Assumptions</b><ul style='margin-left:-20px'>{items}</ul>")

    def _fill_optics(self) -> None:
        result = self.result
        optics = result.design.optics
        if optics is None:
            self.optics_intro.setText(result.design.optics_error or "No optics figures.")
            self.optics.setText("")
            self.optics_design.setText("")
            self.optics_sources.setText("")
            return
        leaf = optics.leaf
        cited: list[str] = list(optics.sources)
        twin = result.design.twin
        if twin is not None:  # a built fabric: its own optics against its twin, not a what-if
            self.optics_intro.setText("Optics at the ends of the design's optical links, as the power checks count them.")
            self.optics.setText(self._twin_html(twin))
            self.optics_design.setText("")
            cited = [f["source"] for side in (twin["design"], twin["twin"]) for f in side["per_port"]]
            self.optics_sources.setText(self._sources_html(cited))
            return
        if leaf is None:
            self.optics_intro.setText("No compute NICs or network switches: no scale-out network to compare.")
            self.optics.setText("")
        else:
            placed = sum(v["used"] for v in optics.switch_ports.values())
            basis = "the used ports of the placed switches" if placed else "the compute NICs' bandwidth"
            self.optics_intro.setText(f"Leaf switch side of the scale-out network: {leaf.ports:,} ports at "
                                      f"{leaf.port_gbps:,.0f}G ({basis}).")
            ratios = leaf.ratios
            rows = []
            for option in (leaf.cpo, *leaf.pluggable):
                modules = "on the switch" if option.medium == "cpo-fiber" else f"{option.transceivers:,}"
                ratio = f" ({ratios[option.label]:.2f}x)" if option.label in ratios else ""
                rows.append(f"<tr><td>{escape(option.label)}</td><td align='right'>{modules}</td>"
                            f"<td align='right'>{option.w_per_port:g} W</td>"
                            f"<td align='right'>{fmt_power(option.power_w)}{ratio}</td></tr>")
                cited += option.sources
            self.optics.setText("<table cellspacing='0' cellpadding='2'><tr><th align='left'>Option</th>"
                                "<th>Transceivers</th><th>W/port</th><th>Power</th></tr>"
                                + "".join(rows) + "</table>")
        nic = (f"NIC side (same with CPO): {optics.nic_transceivers:,} transceivers, {fmt_power(optics.nic_optics_w)}."
               if optics.nic_transceivers else "")
        if optics.unwired_nic_ports:
            nic += (f" {optics.unwired_nic_ports:,} compute NIC ports not wired yet would add "
                    f"{optics.unwired_nic_transceivers:,} transceivers, {fmt_power(optics.unwired_nic_w)}.")
        built = (f"In the design now: {optics.pluggable_ports:,} pluggable switch ports "
                 f"({optics.pluggable_transceivers:,} transceivers, {fmt_power(optics.pluggable_w)}), "
                 f"{optics.cpo_ports:,} CPO ports ({fmt_power(optics.cpo_w)}). {nic}")
        self.optics_design.setText(built)
        self.optics_sources.setText(self._sources_html(cited))

    @staticmethod
    def _twin_html(twin: dict) -> str:
        """The design's link optics against its twin with the other optics choice, per tier and in total."""
        mine, other = twin["design"], twin["twin"]
        head = (f"<b>This design ({escape(mine['label'])}) against its {escape(other['label'])} twin</b> "
                "(same switches and links, switch-side optics swapped; NIC modules stay)")
        rows = []
        for tier in [*dict.fromkeys([*mine["by_tier"], *other["by_tier"]]), None]:
            a = mine["by_tier"].get(tier, {}) if tier else mine
            b = other["by_tier"].get(tier, {}) if tier else other
            share_a = mine["share_by_tier"].get(tier, 0) if tier else mine["share_of_it"]
            share_b = other["share_by_tier"].get(tier, 0) if tier else other["share_of_it"]
            name = f"up to {tier}" if tier else "<b>total</b>"
            rows.append(
                f"<tr><td>{name}</td><td align='right'>{a.get('transceivers', 0):,} / {b.get('transceivers', 0):,}</td>"
                f"<td align='right'>{a.get('lasers', 0):,.0f} / {b.get('lasers', 0):,.0f}</td>"
                f"<td align='right'>{fmt_power(a.get('optics_power_w', 0))} / {fmt_power(b.get('optics_power_w', 0))}</td>"
                f"<td align='right'>{share_a:.2%} / {share_b:.2%}</td></tr>")
        ports = "".join(f"<li>[{escape(side['label'])}] {escape(f['label'])}: {f['w_per_800g']:g} W per 800G</li>"
                        for side in (mine, other) for f in side["per_port"])
        return (f"{head}<table cellspacing='0' cellpadding='2'><tr><th align='left'>Links</th>"
                "<th>Transceivers</th><th>Lasers</th><th>Optics power</th><th>Share of IT</th></tr>"
                + "".join(rows) + f"</table><ul style='margin-left:-20px'>{ports}</ul>")

    def _sources_html(self, cited: list[str]) -> str:
        """Every figure used, as cited, then the titles of the source keys they name."""
        unique = list(dict.fromkeys(cited))
        keys = sorted({k for line in unique for k in SOURCE_KEY.findall(line)}, key=lambda k: (len(k), k))
        titles = []
        for key in keys:
            source = self.catalog.sources.get(key)
            if source is None:
                continue
            title = escape(source.title)
            if source.url:
                title = f"<a href='{escape(source.url)}'>{title}</a>"
            titles.append(f"<b>{key}</b>: {title}")
        figures = "".join(f"<li>{escape(line)}</li>" for line in unique)
        return (f"<b>Figures used</b><ul style='margin-left:-20px'>{figures}</ul>"
                + ("<b>Sources</b><br>" + "<br>".join(titles) if titles else ""))
