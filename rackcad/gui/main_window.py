"""The main window: menus, toolbar, the canvas tabs (elevation, topology, floor plan), the parts, inspector,
checks, charts and analysis docks, and the status bar.

It owns one Document for the window's lifetime (opening a file resets it) and reacts to each of its Change
events: the elevation is rebuilt from the layout, the topology and floor plan when their tab is shown (they
are marked stale otherwise), the charts when their dock is shown, the inspector, title, undo labels and
status bar follow, the recovery file is marked stale, the checks show the report of the window's Checker
(which heard the change first and re-ran only what it affects), and analysis (when its dock is shown) is
queued in the background. Canvases, charts and inspector read the Checker's Figures. Selection is shared: selecting in any canvas selects the same items in the
other two and shows them in the inspector.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QThreadPool, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStyle,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from rackcad import templates
from rackcad.analysis.latency import design_latency
from rackcad.catalog import Catalog, default_catalog
from rackcad.document import Change, Document, EditError
from rackcad.figures import Figures
from rackcad.files import LoadError, load, save
from rackcad.files.atomic import atomic_path
from rackcad.gui.analyzer import Analyzer
from rackcad.gui.performance import PerformanceRunner
from rackcad.gui.canvas.floor_scene import FRONT_COLOR, KEY_TITLES, PROBLEM_COLOR, FloorScene
from rackcad.gui.canvas.floor_view import FloorView
from rackcad.gui.canvas.legend import Entry, LegendBar
from rackcad.gui.canvas.scene import FOCUS_MAX, ElevationScene
from rackcad.gui.canvas.tools import auto_wire_nvlink
from rackcad.gui.canvas.topology_blocks import blocks_key
from rackcad.gui.canvas.topology_hall import hall_key
from rackcad.gui.canvas.topology_scene import EXPAND_MAX, TopologyScene
from rackcad.gui.canvas.topology_view import TopologyView
from rackcad.gui.canvas.view import ElevationView
from rackcad.gui.canvas.zoom import ZoomView
from rackcad.gui.dialogs.about import AboutDialog
from rackcad.gui.dialogs.new_from_template import NewFromTemplateDialog
from rackcad.gui.dialogs.shortcuts import ShortcutsDialog
from rackcad.gui.edit_actions import EditActions
from rackcad.gui.panels.analysis import AnalysisPanel
from rackcad.gui.panels.performance import PerformancePanel
from rackcad.gui.panels.charts import BudgetCharts
from rackcad.gui.panels.checks import ChecksPanel, ViolationGroup, plural
from rackcad.gui.panels.inspector import Inspector
from rackcad.gui.panels.palette import PartsPalette
from rackcad.gui.panels.site import SitePage, latency_text
from rackcad.layout.floor import EVERY_HALL
from rackcad.gui.printing import PageSetup
from rackcad.gui.progress_dialog import run_with_progress, takes_progress
from rackcad.gui.recovery import Candidate, Recovery
from rackcad.gui.settings import Settings
from rackcad.model import Design, Node, Rack, Waiver
from rackcad.progress import Cancelled
from rackcad.rules.checker import Checker
from rackcad.templates import TemplateError
from rackcad.units import fmt_power

FILE_FILTER = "RackCAD designs (*.rackcad);;All files (*)"
EXPORTS = [
    # (menu text, function name, file filter, default suffix, diagram view)
    ("Bill of materials...", "export_bom", "CSV (*.csv);;Excel workbook (*.xlsx);;JSON (*.json)", ".csv", None),
    ("Cable schedule...", "export_cables", "CSV (*.csv)", ".csv", None),
    ("Elevation diagram...", "export_diagram", "SVG (*.svg);;PNG (*.png);;PDF (*.pdf)", ".svg", "elevation"),
    ("Topology diagram...", "export_diagram", "SVG (*.svg);;PNG (*.png);;PDF (*.pdf)", ".svg", "topology"),
    ("Floor plan...", "export_diagram", "SVG (*.svg);;PNG (*.png);;PDF (*.pdf)", ".svg", "floor"),
]
TABS = ("elevation", "topology", "floor", "site")
"""The canvas tabs in order (names for --tab and `show_tab`)."""
FLOOR_KEY = [Entry("Front edge", FRONT_COLOR, "line"), Entry("Overlap / outside the hall", PROBLEM_COLOR, "outline")]
FLOOR_COLORS = [("Colour: power", "power"), ("Colour: checks", "checks"), ("Colour: plain", "part")]
"""The floor plan's colour modes: rack power as a share of its budget, worst check, one colour."""


class MainWindow(QMainWindow):
    """The RackCAD editor window."""

    def __init__(self, catalog: Catalog | None = None, restore_layout: bool = True):
        super().__init__()
        self.catalog = catalog or default_catalog()
        self.doc = Document(catalog=self.catalog)
        self.path: str | None = None
        self.settings = Settings()
        self.report = None
        self.page = PageSetup()
        self._selecting = False
        self.jobs = QThreadPool(self)
        self.jobs.setMaxThreadCount(1)
        self.checker = Checker(self.doc, self.catalog, defer_reset=True)  # checks fill in after the first frame
        self.recovery = Recovery(lambda: self.doc.design, lambda: self.doc.is_dirty, self.settings.autosave_s,
                                 parent=self)

        self.index = self.checker.figures
        self.scene = ElevationScene(self)
        self.view = ElevationView(self.scene, lambda: self.doc)
        self.legend = LegendBar()
        self.topology_scene = TopologyScene(self)
        self.topology_view = TopologyView(self.topology_scene)
        self.topology_legend = LegendBar()
        self.floor_scene = FloorScene(self)
        self.floor_view = FloorView(self.floor_scene, lambda: self.doc)
        self.floor_legend = LegendBar()
        self.floor_colors = QComboBox()
        self.floor_colors.setToolTip("Colour the racks by power (share of each rack's budget), by their worst "
                                     "check, or plain")
        for text, mode in FLOOR_COLORS:
            self.floor_colors.addItem(text, mode)
        self.floor_scene.set_color_by("power")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.latency_label = QLabel(objectName="latency")
        self.latency_label.setContentsMargins(8, 2, 8, 2)
        self.latency_label.setWordWrap(True)
        self.tabs.addTab(self._page(self.legend, self.view), "Elevation")
        self.tabs.addTab(self._page(self.topology_legend, self.topology_view, extra=(self.latency_label,)),
                         "Topology")
        self.hall_combo = QComboBox(objectName="hall")
        self.hall_combo.setToolTip("The hall the floor plan shows (the site plan's halls)")
        self.hall_combo.setVisible(False)
        self.tabs.addTab(self._page(self.floor_legend, self.floor_view, self.floor_colors, extra=(self.hall_combo,)),
                         "Floor plan")
        self.site_page = SitePage(lambda: self.doc, lambda: self.index, self.selected_ids,
                                  expanded=lambda: self._expanded_index("the latency budgets"))
        self.tabs.addTab(self.site_page, "Site plan")
        self.setCentralWidget(self.tabs)
        self._stale: set[str] = set()  # tabs and docks to rebuild when next shown

        self.palette = PartsPalette(self.catalog)
        self.inspector = Inspector(lambda: self.doc, lambda: self.index)
        self.checks = ChecksPanel(self._name_of, where=self._racks_of)
        self.charts = BudgetCharts()
        self.analysis = AnalysisPanel(self.catalog)
        self.analyzer = Analyzer(self.catalog, self, pool=self.jobs)
        self.performance = PerformancePanel()
        self.perf_runner = PerformanceRunner(self.catalog, self, pool=self.jobs)
        self.palette_dock = self._dock("Parts", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector_dock = self._dock("Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self.checks_dock = self._dock("Checks", self.checks, Qt.DockWidgetArea.RightDockWidgetArea)
        self.charts_dock = self._dock("Charts", self.charts, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.analysis_dock = self._dock("Analysis", self.analysis, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.performance_dock = self._dock("Performance", self.performance, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.charts_dock, self.analysis_dock)
        self.tabifyDockWidget(self.analysis_dock, self.performance_dock)
        self.charts_dock.raise_()
        self.resizeDocks([self.palette_dock, self.inspector_dock], [270, 400], Qt.Orientation.Horizontal)
        self.resizeDocks([self.inspector_dock, self.checks_dock], [480, 420], Qt.Orientation.Vertical)
        self.resizeDocks([self.charts_dock], [290], Qt.Orientation.Vertical)
        # Under the canvas, full width, but closed at first: the elevation needs the height for its U rows to
        # read. The toolbar's Charts and Analysis buttons open them.
        self.charts_dock.hide()
        self.analysis_dock.hide()
        self.performance_dock.hide()

        self.gpu_label = QLabel()
        self.links_label = QLabel()
        self.power_label = QLabel()
        self.checks_label = QLabel()
        for label in (self.gpu_label, self.links_label, self.power_label, self.checks_label):
            label.setContentsMargins(8, 0, 8, 0)
            self.statusBar().addPermanentWidget(label)
        self.catalog_label = QLabel()  # bad user catalog files are skipped, and said so until fixed
        if self.catalog.errors:
            count = len(self.catalog.errors)
            self.catalog_label.setText(f"{count} catalog file{'s' if count != 1 else ''} skipped")
            self.catalog_label.setToolTip("\n".join(str(e) for e in self.catalog.errors))
            self.catalog_label.setStyleSheet("color: #c62828;")
            self.statusBar().addPermanentWidget(self.catalog_label)

        self.edits = EditActions(self, lambda: self.doc, self.selected_ids, self.select)
        self.edits.message.connect(lambda text: self._status(text, 8000))
        self._create_actions()
        self._create_toolbar()
        self._create_menus()

        self.doc.subscribe(self._on_change)
        self.scene.selectionChanged.connect(self._on_scene_selection)
        self.topology_scene.selectionChanged.connect(lambda: self._on_canvas_selection("topology"))
        self.floor_scene.selectionChanged.connect(lambda: self._on_canvas_selection("floor"))
        self.floor_view.links_picked.connect(self._pick_links)
        self.tabs.currentChanged.connect(lambda _: self._refresh_shown())
        for view, legend in ((self.view, self.legend), (self.topology_view, self.topology_legend),
                             (self.floor_view, self.floor_legend)):
            view.message.connect(self._status)
            view.zoom_changed.connect(legend.set_zoom)
        self._floor_key()
        self.floor_colors.currentIndexChanged.connect(
            lambda _: (self.floor_scene.set_color_by(self.floor_colors.currentData()), self._floor_key()))
        self.floor_view.rack_opened.connect(self.open_elevation)
        self.topology_view.expanded_changed.connect(self._topology_key)
        self.scene.changed_racks.connect(self._elevation_racks_changed)
        self.charts_dock.visibilityChanged.connect(lambda visible: visible and self._refresh_shown())
        self.analysis_dock.visibilityChanged.connect(lambda visible: visible and self._refresh_shown())
        self._bottom_sized = False
        for dock in (self.charts_dock, self.analysis_dock):
            dock.visibilityChanged.connect(lambda visible, d=dock: visible and self._size_bottom(d))
        self.analysis.params_changed.connect(lambda: self.analyzer.request(params=self.analysis.params()))
        self.analyzer.started.connect(lambda: self.analysis.show_state("computing…"))
        self.analyzer.finished.connect(self.analysis.show_result)
        self.analyzer.failed.connect(self.analysis.show_state)
        self.performance_dock.visibilityChanged.connect(lambda visible: visible and self._refresh_shown())
        self.performance.params_changed.connect(lambda: self.perf_runner.request(
            params=self.performance.params(), comparisons=self.performance.comparisons()))
        self.perf_runner.started.connect(lambda: self.performance.show_state("computing…"))
        self.perf_runner.finished.connect(self.performance.show_result)
        self.perf_runner.failed.connect(self.performance.show_state)
        for canvas in (self.view, self.topology_view, self.floor_view):
            canvas.context_requested.connect(self.canvas_menu)
        self.palette.empty_trays.toggled.connect(lambda on: setattr(self.view, "empty_trays", on))
        for widget, handler in ((self.palette.tree, self._palette_menu), (self.checks.list, self._checks_menu)):
            widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            widget.customContextMenuRequested.connect(lambda pos, w=widget, h=handler: h(w, pos))
        for canvas in (self.view, self.topology_view):
            canvas.bulk_wire_requested.connect(lambda a, b: self.edits._guard(lambda: self.edits.bulk_wire(a, b)))
        self.view.connect_stopped.connect(lambda: (self.connect_action.setChecked(False),
                                                   self.topology_view.set_wiring(False)))
        self.inspector.select_requested.connect(self.select)
        self.site_page.select_requested.connect(self.select)
        self.hall_combo.activated.connect(self._show_hall)
        self.site_page.view.message.connect(self._status)
        self.checks.activated.connect(self.show_subjects)
        self.checks.waive_requested.connect(self.waive)
        self._validation_finished(self.checker.report)

        self.resize(1600, 1000)
        if restore_layout:
            geometry, state = self.settings.window_state()
            if geometry is not None:
                self.restoreGeometry(geometry)
            if state is not None:
                self._bottom_sized = self.restoreState(state)
        self._on_change(Change("New", frozenset(), "reset"))

    @staticmethod
    def _page(legend: LegendBar, view: ZoomView, control: QWidget | None = None,
              extra: tuple[QWidget, ...] = ()) -> QWidget:
        """A canvas under its legend (and a control at the legend's right, `extra` widgets below it)."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        if control is None:
            layout.addWidget(legend)
        else:
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 4, 0)
            row.addWidget(legend, 1)
            row.addWidget(control)
            layout.addLayout(row)
        for widget in extra:
            layout.addWidget(widget)
        layout.addWidget(view)
        return page

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title.lower()}-dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -------------------------------------------------------------- actions
    def _action(self, text: str, slot, shortcut=None, icon: QStyle.StandardPixmap | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)  # every platform binding (Redo: Ctrl+Shift+Z and Ctrl+Y)
        elif shortcut is not None:
            action.setShortcuts([QKeySequence(s) for s in (shortcut if isinstance(shortcut, list) else [shortcut])])
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _create_actions(self) -> None:
        sp = QStyle.StandardPixmap
        key = QKeySequence.StandardKey
        self.blank_action = self._action("&New", self.new_blank, key.New, sp.SP_FileIcon, "Start a blank design")
        self.new_action = self._action("New from &Template...", self.new_from_template, "Ctrl+Shift+N",
                                       sp.SP_FileDialogNewFolder, "Start a design from a system template")
        self.open_action = self._action("&Open...", self.open_dialog, key.Open, sp.SP_DialogOpenButton,
                                        "Open a .rackcad design")
        self.save_action = self._action("&Save", self.save, key.Save, sp.SP_DialogSaveButton, "Save the design")
        self.save_as_action = self._action("Save &As...", self.save_as, key.SaveAs)
        self.quit_action = self._action("&Quit", self.close, "Ctrl+Q")
        self.page_setup_action = self._action("Page Set&up...", self.page_setup, tip="Paper, orientation, fit, drawings")
        self.preview_action = self._action("Print Pre&view...", self.print_preview, "Ctrl+Shift+P")
        self.print_action = self._action("&Print...", self.print_dialog, key.Print, tip="Print the drawing sheets")
        self.sheets_pdf_action = self._action("Export Sheets as P&DF...", self.export_sheets_dialog,
                                              tip="The printed sheets, title blocks and all, as a PDF file")
        self.undo_action = self._action("&Undo", self.doc.undo, key.Undo, sp.SP_ArrowBack)
        # Redo answers both conventions. Delete is Delete and Backspace only: the platform's Delete binding
        # includes Ctrl+D on some desktops (KDE), which here duplicates, as in most CAD tools.
        self.redo_action = self._action("&Redo", self.doc.redo, ["Ctrl+Shift+Z", "Ctrl+Y"], sp.SP_ArrowForward)
        self.delete_action = self._action("&Delete", self.delete_selection, ["Delete", "Backspace"],
                                          sp.SP_TrashIcon, "Delete the selection (a part takes its links along)")
        for action, short in ((self.undo_action, "Undo"), (self.redo_action, "Redo")):
            action.setIconText(short)  # the toolbar keeps its width; the menu and tooltip name the step
        self.select_all_action = self._action("Select &All", self.select_all, key.SelectAll)
        self.connect_action = self._action("&Connect Ports", self._toggle_connect, "Ctrl+K",
                                           tip="Link tool: click a part, pick a port group, then another part")
        self.connect_action.setCheckable(True)
        self.autowire_action = self._action("Auto-wire &NVLink", self.auto_wire,
                                            tip="Wire every accelerator's free NVLink ports evenly over the switch "
                                                "chips of its rack (selected racks, or all)")
        self.zoom_in_action = self._action("Zoom &In", lambda: self.current_view().zoom_by(1.25), key.ZoomIn)
        self.zoom_out_action = self._action("Zoom &Out", lambda: self.current_view().zoom_by(0.8), key.ZoomOut)
        self.fit_action = self._action("Zoom to &Fit", lambda: self.current_view().fit_all(), ["Ctrl+0", "Home"])
        self.tab_actions = [self._action(text, lambda _=False, n=name: self.show_tab(n), f"Ctrl+{i + 1}",
                                         tip=f"Show the {text.replace('&', '').lower()}")
                            for i, (name, text) in enumerate(zip(TABS, ("&Elevation", "&Topology", "F&loor plan",
                                                                           "&Site plan")))]
        self.about_action = self._action("&About RackCAD", self.about)
        self.guide_action = self._action("&User Guide", self.show_guide, tip="How to build, wire, check and print")
        self.rules_action = self._action("&Rule Reference", lambda: self.show_rule(""),
                                         tip="Every rule: what it checks, the figures it uses, how to fix it")
        self.shortcuts_action = self._action("&Keyboard Shortcuts", self.show_shortcuts, key.HelpContents,
                                             tip="Every action with its keys")
        self.export_actions: list[QAction] = []
        exporters = self._exporters()
        for text, function, file_filter, suffix, view in EXPORTS:
            if function in exporters:
                action = QAction(text, self)
                action.triggered.connect(lambda _=False, f=function, ff=file_filter, s=suffix, v=view:
                                         self.export_dialog(f, ff, s, v))
                self.export_actions.append(action)

    @staticmethod
    def _exporters() -> dict:
        """The export functions `rackcad.export` provides (none while that package is missing)."""
        try:
            import rackcad.export as export
        except ImportError:
            return {}
        return {name: getattr(export, name) for name in ("export_bom", "export_cables", "export_diagram")
                if callable(getattr(export, name, None))}

    def _create_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.blank_action, self.new_action, self.open_action])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        file_menu.addActions([self.save_action, self.save_as_action])
        self.export_menu = QMenu("&Export", self)
        self.export_menu.addActions(self.export_actions)
        file_menu.addMenu(self.export_menu).setVisible(bool(self.export_actions))
        file_menu.addSeparator()
        file_menu.addActions([self.page_setup_action, self.preview_action, self.print_action,
                              self.sheets_pdf_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit = bar.addMenu("&Edit")
        edit.addActions([self.undo_action, self.redo_action])
        edit.addSeparator()
        edit.addActions([self.edits.cut, self.edits.copy, self.edits.paste, self.edits.duplicate,
                         self.delete_action, self.select_all_action])
        edit.addSeparator()
        edit.addActions([self.edits.array, self.edits.fill, self.edits.rename, self.edits.renumber])
        edit.addSeparator()
        edit.addActions([self.connect_action, self.autowire_action, self.edits.wire, self.edits.rail])
        edit.addSeparator()
        edit.addActions([self.edits.rotate, self.edits.rows])

        view = bar.addMenu("&View")
        view.addActions(self.tab_actions)
        view.addSeparator()
        view.addActions([self.zoom_in_action, self.zoom_out_action, self.fit_action])
        view.addSeparator()
        for dock in (self.palette_dock, self.inspector_dock, self.checks_dock, self.charts_dock, self.analysis_dock,
                     self.performance_dock):
            view.addAction(dock.toggleViewAction())
        view.addAction(self.toolbar.toggleViewAction())

        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.guide_action, self.rules_action, self.shortcuts_action])
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _create_toolbar(self) -> None:
        bar = QToolBar("Toolbar", self)
        bar.setObjectName("toolbar")
        bar.setIconSize(QSize(18, 18))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addActions([self.blank_action, self.open_action, self.save_action])
        bar.addSeparator()
        bar.addActions([self.undo_action, self.redo_action, self.delete_action])
        bar.addSeparator()
        bar.addActions([self.connect_action, self.autowire_action])
        bar.addSeparator()
        bar.addActions([self.zoom_in_action, self.zoom_out_action, self.fit_action])
        bar.addSeparator()
        for dock, tip in ((self.charts_dock, "Power, heat, switch port use and GPU bandwidth charts, live"),
                          (self.analysis_dock, "NVLink domains, expert parallelism, serving at a target and optics"),
                          (self.performance_dock, "Serving frontier: TTFT, tokens/s per user, per GPU and per MW")):
            action = dock.toggleViewAction()
            action.setToolTip(tip)
            action.setStatusTip(tip)
            bar.addAction(action)
        self.addToolBar(bar)
        self.toolbar = bar

    # ------------------------------------------------------------- changes
    def _on_change(self, change: Change) -> None:
        """Follow one Document change: canvases, charts, analysis, inspector, title, undo labels, status,
        recovery, checks."""
        self.index = index = self.checker.figures  # the Checker heard the change first and patched them
        self.scene.rebuild(index)
        self._stale = {"topology", "floor", "site", "charts", "analysis", "performance"}
        if change.kind == "reset":
            self._selecting = True
            self.scene.clearSelection()
            self._selecting = False
            self.inspector.show_ids([])
            self.view.fit()
            self.topology_view.fit_mode = self.floor_view.fit_mode = True
        else:
            self.inspector.refresh()
        self.legend.set_kinds(self.scene.kinds)
        self._validation_finished(self.checker.report)
        if change.kind == "reset" and self.checker.pending:
            self._checks_after_paint()
        self._refresh_shown()
        self._update_figures(index)
        self._update_title()
        history = self.doc.history
        self.undo_action.setEnabled(history.can_undo)
        self.undo_action.setText(f"&Undo {history.undo_label}" if history.can_undo else "&Undo")
        self.redo_action.setEnabled(history.can_redo)
        self.redo_action.setText(f"&Redo {history.redo_label}" if history.can_redo else "&Redo")
        self.recovery.changed()
        self.edits.update_enabled()

    # ---------------------------------------------------- tabs and docks
    def current_view(self) -> ZoomView:
        """The canvas of the current tab (what the zoom actions act on)."""
        return (self.view, self.topology_view, self.floor_view, self.site_page.view)[max(self.tabs.currentIndex(), 0)]

    def show_tab(self, name: str) -> None:
        """Bring a canvas tab ("elevation", "topology", "floor" or "site") to the front."""
        self.tabs.setCurrentIndex(TABS.index(name))

    def raise_dock(self, name: str) -> None:
        """Show a dock ("parts", "inspector", "checks", "charts", "analysis" or "performance") on top of its
        tab group."""
        dock = {"parts": self.palette_dock, "inspector": self.inspector_dock, "checks": self.checks_dock,
                "charts": self.charts_dock, "analysis": self.analysis_dock,
                "performance": self.performance_dock}[name]
        dock.show()
        dock.raise_()

    BOTTOM_SHARE = 0.3
    """The bottom dock opens at most this share of the window's height, so the canvas keeps the rest."""

    def _size_bottom(self, dock: QDockWidget) -> None:
        """The first time the charts/analysis tab group opens (and no saved layout sized it), give it a
        sensible height: 290 px, at most 30 % of the window; the user's own resizing is kept after that."""
        if self._bottom_sized or dock.isFloating():
            return
        self._bottom_sized = True
        self.resizeDocks([dock], [min(290, int(self.height() * self.BOTTOM_SHARE))], Qt.Orientation.Vertical)

    def _refresh_shown(self) -> None:
        """Rebuild what is stale and shown: the current canvas tab, the charts, the analysis (queued)."""
        index = self.index
        tab = TABS[max(self.tabs.currentIndex(), 0)]
        if tab == "topology" and "topology" in self._stale:
            self._stale.discard("topology")  # a hall's topology per block and tier, never expanded whole
            if self.topology_scene.rebuild(index):
                self.topology_view.refresh_tags()
                self._topology_key()
                self._restore_selection(self.topology_scene)
            if self.topology_view.fit_mode:
                self.topology_view.fit()
            self.latency_label.setText(latency_text(design_latency(self.doc.design, self.index)))
        elif tab == "floor" and "floor" in self._stale:
            self._stale.discard("floor")
            self._fill_halls()
            self.floor_scene.rebuild(index)
            self.floor_scene.set_markers(list(self.checker.report.violations))
            self._floor_key()
            self.floor_view.refresh_tags()
            self.floor_legend.set_protocols(self.floor_scene.protocols)
            self._restore_selection(self.floor_scene)
            if self.floor_view.fit_mode:
                self.floor_view.fit()
        elif tab == "site" and "site" in self._stale:
            self._stale.discard("site")
            self.site_page.rebuild()
        if "charts" in self._stale and self.charts.isVisible():
            self._stale.discard("charts")
            self.charts.refresh(self.index)  # a hall's charts per class of instances, never expanded
        if "analysis" in self._stale and self.analysis.isVisible():
            self._stale.discard("analysis")
            self.analyzer.request(design=self.doc.design, params=self.analysis.params())
        if "performance" in self._stale and self.performance.isVisible():
            self._stale.discard("performance")
            self.perf_runner.request(design=self.doc.design, params=self.performance.params(),
                                     comparisons=self.performance.comparisons())

    def _expanded_index(self, what: str) -> Figures | None:
        """The figures with every instance of a hall expanded, for what reads every part of it (the paths of
        a latency budget): expanded in the background under the progress dialog when first needed, not at
        open; None when the user cancelled (the figures are left as they were)."""
        index = self.index
        if getattr(index, "complete", True):
            return index
        count = len(self.doc.design.instances)

        def work(progress) -> Figures:
            progress(0, 0, f"Expanding {count:,} instances for {what}…")
            figures = Figures(self.doc.design, self.catalog)
            progress(1, 1, f"Expanding {count:,} instances for {what}…")
            return figures

        try:
            return run_with_progress(self, f"Expanding {count:,} instances", work)
        except Cancelled:
            self._status(f"Cancelled: {what} need every instance expanded", 8000)
            return None

    def _topology_key(self) -> None:
        """The part kinds and protocols drawn, and at hall scale the rack tiles' colours."""
        scene = self.topology_scene
        self.topology_legend.set_kinds(scene.kinds)
        self.topology_legend.set_protocols(scene.protocols)
        self.topology_legend.set_extra(blocks_key() if scene.aggregate is not None else
                                       hall_key(scene.hall) if scene.hall is not None else [])

    def _floor_key(self) -> None:
        scene = self.floor_scene
        entries = [Entry(label, fill) for label, fill in scene.key]
        title = KEY_TITLES.get(scene.color_by)
        if title and entries:
            entries[0] = Entry(f"{title} {entries[0].label}", entries[0].color)
        self.floor_legend.set_extra(entries + FLOOR_KEY)

    def open_elevation(self, rack_id: str) -> None:
        """Select a rack and show its elevation (a double-click on the floor plan)."""
        self.select([rack_id])
        self.show_tab("elevation")
        self.view.center_on_rect(self.scene.rect_of([rack_id]))

    def _elevation_racks_changed(self) -> None:
        """At hall scale the elevation follows the selection: refit and say which racks it shows."""
        self.legend.set_kinds(self.scene.kinds)
        self.view.fit()
        shown = self.scene.shown or []
        names = ", ".join(self._name_of(r) for r in shown)
        self._status(f"Elevation: {names} (of {len(self.index.design.racks):,} racks; select racks to show others)",
                     8000)

    def _fill_halls(self) -> None:
        """The hall chooser over the floor plan: shown when the site plan has halls; keeps its choice while the
        hall exists, else shows the first hall holding racks."""
        design = self.doc.design
        halls = [(f"{b.name or b.id} / {h.name or h.id}", h.id) for b in design.site.buildings for h in b.halls]
        combo = self.hall_combo
        combo.setVisible(bool(halls))
        if not halls:
            self.floor_scene.hall = EVERY_HALL
            return
        if any(rack.position.hall is None for rack in design.racks):
            halls.insert(0, ("(the design's floor plan)", None))
        wanted = self.floor_scene.hall
        ids = [h for _, h in halls]
        if wanted not in ids:
            used = {rack.position.hall for rack in design.racks}
            wanted = next((h for h in ids if h in used), ids[0])
        combo.blockSignals(True)
        combo.clear()
        for text, hall in halls:
            combo.addItem(text, hall)
        combo.setCurrentIndex(ids.index(wanted))
        combo.blockSignals(False)
        self.floor_scene.hall = wanted

    def _show_hall(self, index: int) -> None:
        self.floor_scene.hall = self.hall_combo.itemData(index)
        self._stale.add("floor")
        self.floor_view.fit_mode = True
        self._refresh_shown()

    def _restore_selection(self, scene: TopologyScene | FloorScene) -> None:
        """After a rebuild, select in `scene` what the inspector shows (without echoing it back)."""
        self._selecting = True
        scene.select_ids(self.selected_ids())
        self._selecting = False

    def wait_for_analysis(self, timeout_s: float = 120.0) -> bool:
        """Block (processing events) until the newest analysis has been shown."""
        return self.analyzer.wait(timeout_s) and self.perf_runner.wait(timeout_s)

    def _update_title(self) -> None:
        name = Path(self.path).name if self.path else self.doc.design.name or "Untitled"
        self.setWindowTitle(f"{name}[*] - RackCAD")
        self.setWindowModified(self.doc.is_dirty)

    def _update_figures(self, index: Figures) -> None:
        kinds = index.kind_counts()  # at hall scale per block, not per part (rackcad.figures.partial)
        gpus, xpus = kinds["gpu"], kinds["xpu"]
        text = f"{gpus:,} GPUs" + (f" + {xpus:,} XPUs" if xpus else "")
        self.gpu_label.setText(text)
        links = index.link_count  # each record's `count`, as `rackcad info` counts links
        self.links_label.setText(f"{links:,} link{'s' if links != 1 else ''}")
        power = index.total_power_w()
        budgets = [r.power_budget_w for r in index.design.racks if r.power_budget_w]
        budget = sum(budgets)
        over = bool(budgets) and power > budget
        self.power_label.setText(f"Power {fmt_power(power)}" + (f" / {fmt_power(budget)} budget" if budgets else ""))
        self.power_label.setStyleSheet("color: #c62828; font-weight: bold;" if over else "")

    def _status(self, text: str, timeout: int = 0) -> None:
        if text:
            self.statusBar().showMessage(text, timeout)
        else:
            self.statusBar().clearMessage()

    # ----------------------------------------------------------- validation
    def _checks_after_paint(self) -> None:
        """A design was opened with its checks pending: run them once a canvas has painted its first frame
        (a window never shown runs them in wait_for_checks or at the first edit)."""
        viewports = [view.viewport() for view in (self.view, self.topology_view, self.floor_view)]
        window = self

        class FirstPaint(QObject):
            def eventFilter(self, obj, event) -> bool:
                if event.type() == QEvent.Type.Paint:
                    for viewport in viewports:
                        viewport.removeEventFilter(self)
                    QTimer.singleShot(0, window._finish_checks)
                return False

        old = getattr(self, "_first_paint", None)
        if old is not None:
            for viewport in viewports:
                viewport.removeEventFilter(old)
        self._first_paint = FirstPaint(self)
        for viewport in viewports:
            viewport.installEventFilter(self._first_paint)

    def _finish_checks(self) -> None:
        if self.checker.finish():
            self._validation_finished(self.checker.report)

    def _validation_finished(self, report) -> None:
        if self.checker.pending:
            self.report = None
            self.checks.show_state("checking…")
            self.checks_label.setText("checking…")
            self.checks_label.setStyleSheet("")
            return
        self.report = report
        self.checks.show_report(report)
        self.scene.set_markers(list(report.violations))
        self.floor_scene.set_markers(list(report.violations))
        self._floor_key()
        counts = self.checks.counts()
        errors, warnings = counts["error"], counts["warning"]
        mark = "✖" if errors else "⚠" if warnings else "✔"
        self.checks_label.setText(f"{mark} {plural(errors, 'error')} · {plural(warnings, 'warning')}")
        color = "#c62828" if errors else "#e65100" if warnings else "#2e7d32"
        self.checks_label.setStyleSheet(f"color: {color}; font-weight: bold;")

    def wait_for_checks(self, timeout_s: float = 120.0) -> bool:
        """Run the checks an open left for after the first frame, if they have not run yet; whether the
        checks shown are those of the current design (always, since the Checker updates the report with each
        edit)."""
        self._finish_checks()
        return self.report is self.checker.report

    # ------------------------------------------------------------ selection
    def _racks_of(self, ids: list[str]) -> str:
        """'1,024 racks': how many racks hold `ids` (racks, parts, links' ends); '' when none does."""
        racks = self.scene.racks_for(ids)
        return plural(len(racks), "rack") if racks else ""

    def _name_of(self, item_id: str) -> str:
        name = self.index.name(item_id)  # at hall scale without expanding the instance
        if name != item_id:
            return name
        item = self.doc.find(item_id)
        return (getattr(item, "name", "") or item_id) if item is not None else item_id

    def _on_scene_selection(self) -> None:
        self._on_canvas_selection("elevation")

    def _on_canvas_selection(self, source: str) -> None:
        """A selection made on one canvas: the same items on the others, and in the inspector."""
        if self._selecting:
            return
        scene = {"elevation": self.scene, "topology": self.topology_scene, "floor": self.floor_scene}[source]
        self.select(scene.selected_ids(), source=source)

    def _pick_links(self, ids: list[str]) -> None:
        """Links picked on the floor plan (a click on their run): selected everywhere, their route drawn."""
        self.select(ids)
        self.floor_view.refresh_tags()
        self._status(f"{len(ids)} link record{'s' if len(ids) != 1 else ''} selected; the floor plan draws the "
                     "route of the first", 8000)

    def select(self, ids: list[str], source: str | None = None) -> None:
        """Select `ids` on the canvases (links select their ends; racks and trays, on the topology, the parts
        drawn inside them) and show them in the inspector. `source` is the canvas the selection came from,
        left as the user made it."""
        ids = [i for i in ids if self.doc.find(i) is not None]
        opener = getattr(self.index, "open", None)
        if opener is not None and len(ids) <= FOCUS_MAX:  # the inspector shows these part by part
            opener(ids)
        self._selecting = True
        for name, scene in (("elevation", self.scene), ("topology", self.topology_scene), ("floor", self.floor_scene)):
            if name != source:
                scene.select_ids(ids)
        self._selecting = False
        self.inspector.show_ids(ids)
        self.edits.update_enabled()

    def selected_ids(self) -> list[str]:
        """What Delete and Auto-wire act on: the inspector's items (canvas selection, or a link)."""
        return [i for i in self.inspector.ids if self.doc.find(i) is not None]

    def select_all(self) -> None:
        self.scene.select_all()

    def show_subjects(self, subjects: list[str]) -> None:
        """Select a violation's subjects and bring them into view: on the current canvas when it draws them,
        else on the elevation."""
        self.select(subjects)
        view = self.current_view()
        rect = view.scene().rect_of(subjects)
        if rect.isEmpty() and view is not self.view:
            view, rect = self.view, self.scene.rect_of(subjects)
            if not rect.isEmpty():
                self.show_tab("elevation")
        if rect.isEmpty():
            self._status("The violation's subjects are not drawn on the canvas", 5000)
            return
        view.center_on_rect(rect)

    # ---------------------------------------------------------------- edits
    def canvas_menu(self, ids: list[str], where) -> None:
        """Right-click on a canvas: what is under the pointer joins (or replaces) the selection, then the
        menu of the actions that apply to it."""
        if ids and not set(ids) <= set(self.selected_ids()):
            self.select(ids)
        self.edits.exec_menu(self.context_menu(), where)

    def context_menu(self):
        """The menu for the current selection (canvas items, racks, links)."""
        extra = [self.delete_action, None, self.connect_action, self.autowire_action, None, self.fit_action]
        selected = self.selected_ids()
        racks = [i for i in selected if isinstance(self.doc.find(i), Rack)]
        tab = TABS[max(self.tabs.currentIndex(), 0)]
        box = self.topology_view.menu_box if tab == "topology" else None
        if box is not None and self.topology_scene.aggregate is not None:
            item = self.topology_scene.aggregate.item(box)
            opened = self.topology_scene.is_open(box)
            toggle = QAction(f"{'Collapse' if opened else 'Expand'} {item.title}", self)
            toggle.triggered.connect(lambda: self.topology_view.toggle_box(box, not opened))
            extra = [toggle, None, *extra]
        elif tab == "topology" and self.topology_scene.hall is not None and racks and len(racks) <= EXPAND_MAX:
            opened = all(r in self.topology_scene.expanded for r in racks)
            text = (f"Collapse {plural(len(racks), 'rack')}" if opened else
                    f"Expand {plural(len(racks), 'rack')} part by part")
            expand = QAction(text, self)
            expand.triggered.connect(lambda: self._expand_topology(racks, not opened))
            extra = [expand, None, *extra]
        if tab == "floor" and racks:
            elevation = QAction(f"Show the Elevation of {self._name_of(racks[0])}", self)
            elevation.triggered.connect(lambda: self.open_elevation(racks[0]))
            extra = [elevation, None, *extra]
        if tab == "floor":
            from rackcad.gui.hall_menu import HallMenu

            extra += [None, *HallMenu(self).actions(self.floor_view.menu_point)]
        return self.edits.context_menu(selected, extra)

    def _expand_topology(self, racks: list[str], expanded: bool) -> None:
        if self.topology_scene.set_expanded(racks, expanded):
            self.topology_view.refresh_tags()
            self._topology_key()

    def _palette_menu(self, tree, pos) -> None:
        """A palette entry: place it into the selected rack or tray, or fill the selected rack with it."""
        item = tree.itemAt(pos)
        part_id = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        part = self.catalog.find(part_id) if part_id else None
        if part is None:
            return
        menu = QMenu(self)
        selected = self.selected_ids()
        target = self.doc.find(selected[0]) if selected else None
        place = menu.addAction(f"Place {part.model}" + (f" in {target.name}" if target is not None else ""))
        place.setEnabled(part.kind == "rack" or target is not None)
        place.triggered.connect(lambda: self.edits._guard(lambda: self._place_from_palette(part.id)))
        rack = target if isinstance(target, Rack) else self.doc.rack_of(target.id) if target is not None else None
        fill = menu.addAction(f"Fill {rack.name if rack else 'the selected rack'} with {part.model}")
        fill.setEnabled(rack is not None and part.mount == "rack")
        fill.triggered.connect(lambda: self.edits._guard(lambda: self.select(
            self._fill_with(rack.id, part.id))))
        self.edits.exec_menu(menu, tree.viewport().mapToGlobal(pos))

    def _fill_with(self, rack_id: str, part_id: str) -> list[str]:
        from rackcad.editing.clipboard import fill_rack

        return fill_rack(self.doc, rack_id, part_id, empty=self.view.empty_trays)

    def _place_from_palette(self, part_id: str) -> None:
        """Place a part into the selected rack (lowest free U) or tray (first free bay), or add a rack."""
        from rackcad.editing.stock import place_stock

        part = self.catalog.get(part_id)
        if part.kind == "rack":
            self.select([self.doc.add_rack(part_id)])
            return
        target = self.doc.get(self.selected_ids()[0])
        if part.mount == "bay":
            tray = target.id if isinstance(target, Node) and self.doc.part_of(target.id).bays else target.parent
            bay = self.doc.free_bay(tray, part.kind)
            new = place_stock(self.doc, part_id, tray, bay=bay, empty=self.view.empty_trays)
        else:
            rack = target if isinstance(target, Rack) else self.doc.rack_of(target.id)
            u = self.doc.free_u(rack.id, part.height_u or 1)
            if u is None:
                raise EditError(f"{rack.name} has no free {part.height_u or 1:g}U for {part.model}")
            new = place_stock(self.doc, part_id, rack.id, u=u, empty=self.view.empty_trays)
        self.select([new])

    def _checks_menu(self, view, pos) -> None:
        """A violation: show its subjects, waive it."""
        index = view.indexAt(pos)
        if not index.isValid():
            return
        view.setCurrentIndex(index)
        violation = self.checks.selected()
        menu = QMenu(self)
        menu.addAction("Show on the canvas").triggered.connect(lambda: self.show_subjects(list(violation.subjects)))
        if isinstance(violation, ViolationGroup):
            model = self.checks.model
            opened = model.is_expanded(violation)
            menu.addAction(f"Collapse the {len(violation.members):,} findings" if opened else
                           f"Expand to the {len(violation.members):,} findings").triggered.connect(
                lambda: model.set_expanded(violation, not opened))
        waive = menu.addAction("Waive...")
        waive.setEnabled(not getattr(violation, "waived", False))
        waive.triggered.connect(self.checks.ask_waive)
        menu.addAction(f"About {violation.code}...").triggered.connect(lambda: self.show_rule(violation.code))
        self.edits.exec_menu(menu, view.viewport().mapToGlobal(pos))

    def delete_selection(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self._status("Nothing selected", 3000)
            return
        try:
            self.doc.remove(*ids)
        except EditError as exc:
            self._status(str(exc), 8000)

    def _toggle_connect(self, checked: bool) -> None:
        """The wire tool, on the elevation (click-click links, drags for groups) and the topology (drags);
        from the floor plan it brings the elevation up."""
        if checked and self.tabs.currentIndex() == TABS.index("floor"):
            self.show_tab("elevation")
        self.view.set_connecting(checked)
        self.topology_view.set_wiring(checked)
        if not checked:
            self._status("")

    def auto_wire(self) -> None:
        """Auto-wire NVLink for the racks of the selection, or every rack when nothing is selected."""
        racks: list[str] = []
        for item_id in self.selected_ids():
            item = self.doc.find(item_id)
            rack = item if isinstance(item, Rack) else self.doc.rack_of(item_id) if isinstance(item, Node) else None
            if rack is not None and rack.id not in racks:
                racks.append(rack.id)
        racks = racks or [r.id for r in self.index.design.racks]  # instances' racks too
        try:
            made = auto_wire_nvlink(self.doc, racks)
        except EditError as exc:
            self._status(f"Auto-wire: {exc}", 8000)
            return
        where = f"{len(racks)} rack{'s' if len(racks) != 1 else ''}"
        if made:
            self._status(f"Auto-wire NVLink: {made:,} links in {where}", 8000)
        else:
            self._status(f"Auto-wire NVLink: nothing to wire in {where} (no free accelerator or switch ports)", 8000)

    def waive(self, violation, reason: str) -> None:
        """Record a waiver for `violation` (a group: one per member; one undoable design edit)."""
        members = violation.members if isinstance(violation, ViolationGroup) else [violation]
        waivers = [Waiver(code=v.code, subjects=list(v.subjects), reason=reason) for v in members]
        count = f" ({len(members):,} findings)" if len(members) > 1 else ""
        self.doc.set_design(waivers=[*self.doc.design.waivers, *waivers], label=f"Waive {violation.code}{count}")
        self._status(f"Waived {violation.code}{count}: {reason}", 5000)

    # ---------------------------------------------------------------- files
    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """Save, Discard or Cancel for the unsaved changes (tests replace this)."""
        buttons = QMessageBox.StandardButton
        return QMessageBox.warning(
            self, "Unsaved changes",
            f"{self.windowTitle().replace('[*]', '').split(' - ')[0]} has unsaved changes. Save them?",
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current design (saved, saved now, or discarded)."""
        if not self.doc.is_dirty:
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def ask_restore(self, candidate: Candidate) -> bool:
        """Offer the recovery file a crashed session left (tests replace this)."""
        from datetime import datetime

        when = datetime.fromtimestamp(candidate.saved_at).strftime("%Y-%m-%d %H:%M")
        what = Path(candidate.path).name if candidate.path else f"an untitled design ({candidate.name})"
        answer = QMessageBox.question(
            self, "Recover unsaved changes",
            f"RackCAD did not close normally. Unsaved changes to {what} were kept at {when}.\n\n"
            "Restore them? (No deletes the recovery file.)")
        return answer == QMessageBox.StandardButton.Yes

    def _show_error(self, title: str, text: str) -> None:
        QMessageBox.critical(self, title, text)

    def _set_design(self, design: Design, path: str | None, saved: bool = True) -> None:
        self.recovery.track(path)
        self.path = path
        self.report = None
        self.doc.reset(design, saved=saved)

    def new_blank(self) -> bool:
        """Replace the design with an empty one (asks about unsaved changes first)."""
        if not self.maybe_save():
            return False
        self._set_design(Design(name="Untitled"), None)
        self._status("New blank design: drag a rack from the Parts palette", 5000)
        return True

    def new_from_template(self) -> None:
        dialog = NewFromTemplateDialog(self)
        if dialog.exec() != NewFromTemplateDialog.DialogCode.Accepted or not dialog.name:
            return
        self.new_design(dialog.name, dialog.params())

    def new_design(self, template: str, params: dict | None = None) -> bool:
        """Replace the design with a freshly built template (asks about unsaved changes first)."""
        if not self.maybe_save():
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            design = templates.build(template, self.catalog, **(params or {}))
        except TemplateError as exc:
            self._show_error("Cannot build the template", str(exc))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self._set_design(design, None)
        self._status(f"New design from {templates.get(template).title}", 5000)
        return True

    def open_dialog(self) -> None:
        start = os.path.dirname(self.path) if self.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open design", start, FILE_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str, interactive: bool = True, design: Design | None = None) -> bool:
        """Open a design file. A file that cannot be read leaves the current design untouched.

        `interactive=False` (a --screenshot render, a benchmark) offers no recovery file and leaves the
        recent-files list alone. `design`: the file, already read by the caller (the command line).
        """
        try:
            design = design if design is not None else self.read(path)
        except Cancelled:
            self._status(f"Open cancelled: {path} was not opened", 5000)
            return False
        except LoadError as exc:
            self._show_error("Cannot open the design", str(exc))
            if not os.path.exists(path):
                self.settings.remove_recent(path)
            return False
        if not self.maybe_save():
            return False
        self._set_design(design, os.path.abspath(path))
        if interactive:
            self.settings.add_recent(path)
            self.offer_recovery(self.path)
        self._status(f"Opened {path}", 5000)
        return True

    def read(self, path: str) -> Design:
        """Read a design file under a progress dialog (Cancel raises Cancelled; nothing is changed)."""
        name = Path(path).name
        reader = (lambda progress: load(path, progress=progress)) if takes_progress(load) else \
            (lambda progress: load(path))
        return run_with_progress(self, f"Opening {name}", reader, first_label=f"Reading {name}…")

    def offer_recovery(self, path: str | None) -> bool:
        """If a crashed session left unsaved changes to `path` (None: untitled), offer to restore them."""
        candidate = self.recovery.find(path)
        if candidate is None:
            return False
        if not self.ask_restore(candidate):
            candidate.discard()
            return False
        try:
            design = load(candidate.design_file)
        except LoadError as exc:
            self._show_error("Cannot restore", str(exc))
            return False
        self._set_design(design, path, saved=False)
        candidate.discard()
        self.recovery.changed()
        self._status("Restored unsaved changes from the recovery file; save to keep them", 8000)
        return True

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self.save_to(self.path)

    def save_as(self) -> bool:
        start = self.path or f"{self.doc.design.name}.rackcad"
        path, _ = QFileDialog.getSaveFileName(self, "Save design as", start, FILE_FILTER)
        if not path:
            return False
        if not path.endswith(".rackcad"):
            path += ".rackcad"
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        """Write the design to `path` (atomic); it becomes the window's file."""
        try:
            save(self.doc.design, path)
        except OSError as exc:
            self._show_error("Cannot save the design", f"{path}: {exc.strerror or exc}")
            return False
        path = os.path.abspath(path)
        if path != self.path:
            self.recovery.track(path)
        self.recovery.discard()
        self.path = path
        self.doc.mark_clean()
        self.settings.add_recent(path)
        self._update_title()
        self._status(f"Saved {path}", 5000)
        return True

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        for path in files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self.settings.clear_recent)
        else:
            self.recent_menu.addAction("(no recent files)").setEnabled(False)

    def export_dialog(self, function: str, file_filter: str, suffix: str, view: str | None) -> None:
        stem = Path(self.path).stem if self.path else self.doc.design.name
        name = f"{stem}-{view or function.removeprefix('export_')}{suffix}"
        start = os.path.join(os.path.dirname(self.path), name) if self.path else name
        path, _ = QFileDialog.getSaveFileName(self, "Export", start, file_filter)
        if path:
            self.export(function, path, view)

    def export(self, function: str, path: str, view: str | None = None) -> bool:
        """Run a `rackcad.export` function on the current design under a progress dialog; errors go to a
        message box. The export writes a temporary file beside `path` that replaces it only when the export
        has finished, so Cancel (or a failure) leaves `path` as it was and no stray file."""
        from rackcad.export import ExportError

        exporter = self._exporters()[function]
        design = self.doc.design
        keywords = {"view": view} if view else {}
        streams = takes_progress(exporter)
        suffix = Path(path).suffix

        def work(progress) -> None:
            progress(0, 0, f"Writing {Path(path).name}…")
            with atomic_path(path) as tmp:
                partial = tmp.with_name(tmp.name + suffix)  # the exporter picks its format by the suffix
                try:
                    exporter(design, str(partial), **keywords, **({"progress": progress} if streams else {}))
                    progress(1, 1, f"Writing {Path(path).name}…")  # a cancel while it ran stops here
                    os.replace(partial, tmp)
                finally:
                    if partial.exists():
                        partial.unlink()

        try:
            run_with_progress(self, f"Exporting {Path(path).name}", work, first_label=f"Writing {Path(path).name}…")
        except Cancelled:
            self._status(f"Export cancelled: {path} was not written", 5000)
            return False
        except (ExportError, OSError) as exc:
            self._show_error("Export failed", re.sub(r"\.[^/\\]*\.\d+-[0-9a-f]{8}\.tmp[^/\\:'\"]*", Path(path).name, str(exc)))
            return False
        self._status(f"Exported {path}", 5000)
        return True

    # -------------------------------------------------------------- printing
    def page_setup(self) -> bool:
        from rackcad.gui.dialogs.page_setup import PageSetupDialog

        dialog = PageSetupDialog(self.page, self)
        if dialog.exec() != PageSetupDialog.DialogCode.Accepted:
            return False
        self.page = dialog.setup()
        return True

    def print_preview(self) -> None:
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        from rackcad.gui.printing import paint

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintPreviewDialog(printer, self)
        dialog.paintRequested.connect(lambda p: paint(p, self.doc.design, self.page))
        dialog.exec()

    def print_dialog(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from rackcad.gui.printing import paint

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(self.page.layout())
        if QPrintDialog(printer, self).exec() == QPrintDialog.DialogCode.Accepted:
            pages = paint(printer, self.doc.design, self.page)
            self._status(f"Printed {pages} sheets", 5000)

    def export_sheets_dialog(self) -> None:
        stem = Path(self.path).stem if self.path else self.doc.design.name
        start = os.path.join(os.path.dirname(self.path), f"{stem}-sheets.pdf") if self.path else f"{stem}-sheets.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Export sheets as PDF", start, "PDF (*.pdf)")
        if path:
            self.export_sheets(path)

    def export_sheets(self, path: str) -> int:
        """The sheets Print would print, as a PDF at `path`. Returns the page count (0: failed, said why)."""
        from rackcad.gui.printing import print_pdf

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            pages = print_pdf(self.doc.design, path, self.page)
        except OSError as exc:
            self._show_error("Export failed", str(exc))
            return 0
        finally:
            QApplication.restoreOverrideCursor()
        self._status(f"Exported {pages} sheets to {path}", 5000)
        return pages

    def show_guide(self) -> None:
        from rackcad.gui.dialogs.help_browser import HelpBrowser, guide_markdown

        self.help_page = HelpBrowser("RackCAD User Guide", markdown=guide_markdown(), parent=self)
        self.help_page.show()

    def show_rule(self, code: str) -> None:
        """The rule reference, at `code` when given (the checks dock's "About this rule")."""
        from rackcad.gui.dialogs.help_browser import HelpBrowser, rules_html

        self.help_page = HelpBrowser("Rule Reference", html=rules_html(), anchor=code, parent=self)
        self.help_page.show()

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.menuBar(), self).exec()

    def about(self) -> None:
        AboutDialog(self.catalog, self).exec()

    # ---------------------------------------------------------------- close
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.settings.save_window_state(self.saveGeometry(), self.saveState())
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop background work and delete this session's recovery file (a normal end). The scenes fall
        silent: tearing them down deselects their items, which must not reach the other canvases."""
        for scene in (self.scene, self.topology_scene, self.floor_scene):
            scene.blockSignals(True)
        self.recovery.stop()
        self.recovery.discard()
        self.checker.close()
        self.analyzer.shutdown()
        self.perf_runner.shutdown()
