"""The editing actions of the main window that act on the selection: clipboard (cut, copy, paste, duplicate),
arrays, fill rack, rename and renumber, bulk wiring, and the context menus that offer them.

The work is done by the Qt-free `rackcad.editing` modules as Document commands (one gesture, one undo
step); this module binds them to QActions, the system clipboard (RackCAD's own MIME type plus the same JSON
as text, so a paste works into another window or design) and small dialogs.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable

from PySide6.QtCore import QMimeData, QObject, QPoint, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu, QWidget

from rackcad.document import Document, EditError
from rackcad.editing import clipboard, floor, naming, wiring
from rackcad.model import Link, Node, Rack


def put_on_clipboard(snippet: clipboard.Snippet) -> None:
    """Our MIME type and the same JSON as text. The QMimeData is made in Python, so its virtual methods run
    Python: the clipboard must let go of it before the interpreter ends, or Qt calls into a dead interpreter
    while tearing the clipboard down (a crash at exit)."""
    global _release_registered
    text = snippet.to_json()
    data = QMimeData()
    data.setData(clipboard.MIME, text.encode())
    data.setText(text)
    QApplication.clipboard().setMimeData(data)
    if not _release_registered:
        atexit.register(_release_clipboard)
        _release_registered = True


_release_registered = False


def _release_clipboard() -> None:
    app = QApplication.instance()
    if app is not None:
        data = app.clipboard().mimeData()
        if data is not None and data.hasFormat(clipboard.MIME):
            app.clipboard().clear()


def read_clipboard() -> clipboard.Snippet:
    """The snippet on the system clipboard (RackCAD's MIME type, else JSON text); EditError otherwise."""
    data = QApplication.clipboard().mimeData()
    if data is not None and data.hasFormat(clipboard.MIME):
        return clipboard.Snippet.from_json(bytes(data.data(clipboard.MIME)).decode())
    if data is not None and data.hasText() and data.text().strip():
        return clipboard.Snippet.from_json(data.text())
    raise EditError("the clipboard is empty")


class EditActions(QObject):
    """Selection actions. `doc()` is the window's Document, `selection()` the selected ids, `select(ids)`
    selects, `status(text)` reports, `ask_int(title, label, value, low, high)` and `ask_text(...)` ask (tests
    replace them)."""

    message = Signal(str)

    def __init__(self, parent: QWidget, doc: Callable[[], Document], selection: Callable[[], list[str]],
                 select: Callable[[list[str]], None]):
        super().__init__(parent)
        self._window = parent
        self._doc = doc
        self._selection = selection
        self._select = select
        key = QKeySequence.StandardKey
        self.cut = self._action("Cu&t", self.cut_selection, key.Cut, "Copy the selection and delete it")
        self.copy = self._action("&Copy", self.copy_selection, key.Copy,
                                 "Copy the selection with its contents and internal links")
        self.paste = self._action("&Paste", self.paste_clipboard, key.Paste,
                                  "Paste into the selected rack or tray (racks: as new racks)")
        self.duplicate = self._action("D&uplicate", self.duplicate_selection, "Ctrl+D",
                                      "Copy the selection next to itself (next free U or bay; racks: a new rack)")
        self.array = self._action("&Array...", self.array_selection, "Ctrl+Shift+D",
                                  "Repeat the selection N times, each copy above the last")
        self.fill = self._action("&Fill Rack...", self.fill_rack, "Ctrl+Shift+F",
                                 "Fill the free U of the rack with copies of the selected tray")
        self.rename = self._action("Re&name...", self.rename_selection, "F2",
                                   "Rename the selected part; the parts inside it follow")
        self.renumber = self._action("Re&number", self.renumber_selection, "",
                                     "Name the contents of the selected racks/trays by the scheme "
                                     "(CT01 ... bottom up, CT01/GPU1 ... in bay order)")
        self.wire = self._action("&Wire Each to Each", self.wire_selection, "Ctrl+Shift+K",
                                 "Each accelerator of the selection to each switch chip of the selection")
        self.rail = self._action("Wire NICs by &Rail", self.rail_selection, "",
                                 "NIC k of every selected tray to leaf switch k of the selection")
        self.rotate = self._action("R&otate 90°", lambda: floor.rotate(self._doc(), self._selection(), 90),
                                   "Ctrl+R", "Turn the selected racks clockwise by 90 degrees on the floor plan")
        self.rows = self._action("Arrange in Ro&ws...", self.arrange_rows, "",
                                 "Put the selected racks in rows with hot and cold aisles between them")
        self.actions = [self.rotate, self.rows, self.cut, self.copy, self.paste, self.duplicate, self.array, self.fill, self.rename,
                        self.renumber, self.wire, self.rail]

    def _action(self, text: str, slot, shortcut, tip: str) -> QAction:
        action = QAction(text, self._window)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)
        elif shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _=False: self._guard(slot))
        return action

    def _guard(self, slot) -> None:
        try:
            slot()
        except EditError as exc:
            self.message.emit(str(exc))

    # -------------------------------------------------------------- asking
    def ask_int(self, title: str, label: str, value: int, low: int, high: int) -> int | None:
        number, ok = QInputDialog.getInt(self._window, title, label, value, low, high)
        return number if ok else None

    def ask_text(self, title: str, label: str, text: str) -> str | None:
        answer, ok = QInputDialog.getText(self._window, title, label, text=text)
        return answer.strip() if ok and answer.strip() else None

    # ------------------------------------------------------------- actions
    def _items(self) -> list[str]:
        doc = self._doc()
        ids = [i for i in self._selection() if not isinstance(doc.find(i), Link)]
        if not ids:
            raise EditError("select racks or parts first")
        return ids

    def copy_selection(self) -> clipboard.Snippet:
        snippet = clipboard.copy(self._doc(), self._items())
        put_on_clipboard(snippet)
        self.message.emit(f"Copied {snippet.describe()} ({len(snippet.nodes):,} parts, {len(snippet.links):,} links)")
        return snippet

    def cut_selection(self) -> None:
        snippet = self.copy_selection()
        self._doc().remove(*snippet.roots)
        self.message.emit(f"Cut {snippet.describe()}")

    def paste_clipboard(self) -> None:
        snippet = read_clipboard()
        selection = self._selection()
        new = clipboard.paste(self._doc(), snippet, target=selection[0] if selection else None)
        self._select(new)
        self.message.emit(f"Pasted {snippet.describe()}")

    def duplicate_selection(self) -> None:
        new = clipboard.duplicate(self._doc(), self._items())
        self._select(new)
        self.message.emit(f"Duplicated as {', '.join(self._doc().get(i).name for i in new[:4])}")

    def array_selection(self) -> None:
        ids = self._items()
        count = self.ask_int("Array", "Copies to add:", 1, 1, 1000)
        if count is None:
            return
        copies = clipboard.array(self._doc(), ids, count)
        self._select([i for group in copies for i in group])
        self.message.emit(f"Added {count} copies")

    def fill_rack(self) -> None:
        doc = self._doc()
        ids = self._items()
        source = next((i for i in ids if isinstance(doc.find(i), Node) and doc.get(i).u is not None), None)
        if source is None:
            raise EditError("select a tray (or other rack-mounted part) to fill its rack with")
        rack = doc.rack_of(source)
        part = doc.part_of(source)
        most = self._free_slots(doc, rack.id, part.height_u or 1)
        count = self.ask_int("Fill rack", f"Copies of {doc.get(source).name} to add to {rack.name} "
                             f"(up to {most}):", most, 1, max(most, 1))
        if count is None:
            return
        made = clipboard.fill_rack(doc, rack.id, source, count=count)
        self._select(made)
        self.message.emit(f"Filled {rack.name} with {len(made)} x {part.model}")

    @staticmethod
    def _free_slots(doc: Document, rack_id: str, height: float) -> int:
        top = doc.rack_height(doc.get(rack_id))
        used = [(n.u, n.u + doc.node_height(n)) for n in doc.children(rack_id) if n.u is not None]
        slots, u = 0, 1.0
        while u + height - 1 <= top:
            if all(u + height <= a or b <= u for a, b in used):
                used.append((u, u + height))
                slots += 1
                u += height
            else:
                u += 1
        return slots

    def rename_selection(self) -> None:
        doc = self._doc()
        ids = self._items()
        item = doc.get(ids[0])
        name = self.ask_text("Rename", f"New name of {item.name}:", item.name)
        if name is None:
            return
        if isinstance(item, Rack):
            doc.set(item.id, name=name)
        else:
            naming.rename(doc, item.id, name)

    def renumber_selection(self) -> None:
        doc = self._doc()
        parents = [i for i in self._items() if isinstance(doc.get(i), Rack) or doc.children(i)]
        if not parents:
            raise EditError("select racks or trays to renumber their contents")
        changed = naming.renumber(doc, parents)
        self.message.emit(f"Renumbered {changed:,} parts")

    def wire_selection(self) -> int:
        """Each accelerator of the selection (racks and trays count with what they hold) to each switch chip."""
        doc = self._doc()
        nodes = wiring.expand(doc, self._items())
        accs = [n for n in nodes if doc.part_of(n) is not None and doc.part_of(n).kind in ("gpu", "xpu")]
        chips = [n for n in nodes if doc.part_of(n) is not None and doc.part_of(n).kind == "switch"]
        if not accs or not chips:
            raise EditError("select accelerators and switch chips (or the racks and trays holding them)")
        made = wiring.wire_each_to_each(doc, accs, chips,
                                        label=f"Wire {len(accs)} accelerators to {len(chips)} switch chips")
        self.message.emit(f"Wired {len(accs)} accelerators to {len(chips)} switch chips: {made:,} links")
        return made

    def arrange_rows(self) -> None:
        doc = self._doc()
        racks = [i for i in self._selection() if isinstance(doc.find(i), Rack)] or [r.id for r in doc.design.racks]
        per_row = self.ask_int("Arrange in rows", f"Racks per row ({len(racks)} racks):", min(len(racks), 8), 1,
                               max(len(racks), 1))
        if per_row is None:
            return
        rows = floor.arrange_rows(doc, racks, per_row)
        self.message.emit(f"Arranged {len(racks)} racks in {rows} rows")

    def group_of(self, node_id: str) -> list[str]:
        """What a bulk-wire drag from `node_id` stands for: when the part is in the selection (itself, or its
        tray or rack is selected), every part of the selection of the same catalog part; else the part alone."""
        doc = self._doc()
        selection = self._selection()
        inside = wiring.expand(doc, selection)
        if node_id not in inside:
            return [node_id]
        part = doc.get(node_id).part
        return [n for n in inside if doc.get(n).part == part]

    def bulk_wire(self, start: str, end: str) -> int:
        """The connect tool's drag from one part onto another: each part of the first group to each of the
        second, a number of links per pair asked for (default: the free ports spread evenly)."""
        doc = self._doc()
        a_nodes, b_nodes = self.group_of(start), self.group_of(end)
        b_nodes = [n for n in b_nodes if n not in set(a_nodes)]
        found = wiring.common_port(doc, a_nodes, b_nodes)
        if found is None:
            raise EditError(f"{doc.get(start).name} and {doc.get(end).name} share no protocol")
        port_a, port_b, protocol = found
        free = wiring.free_ports(doc, a_nodes[0], port_a)
        per_pair = max(free // max(len(b_nodes), 1), 1)
        a_name, b_name = doc.part_of(start).model, doc.part_of(end).model
        count = self.ask_int("Wire groups", f"{len(a_nodes)} x {a_name} ({port_a}) to {len(b_nodes)} x {b_name} "
                             f"({port_b}), {protocol}.\nLinks per pair:", per_pair, 1, max(free, 1))
        if count is None:
            return 0
        made = wiring.wire_each_to_each(doc, a_nodes, b_nodes, port_a, port_b, per_pair=count,
                                        label=f"Wire {len(a_nodes)} {a_name} to {len(b_nodes)} {b_name}")
        self.message.emit(f"Wired {len(a_nodes)} x {a_name} to {len(b_nodes)} x {b_name}: {made:,} links")
        return made

    def rail_selection(self) -> int:
        doc = self._doc()
        nodes = wiring.expand(doc, self._items())
        nics = [n for n in nodes if doc.part_of(n) is not None and doc.part_of(n).kind == "nic"]
        leaves = [n for n in nodes if doc.part_of(n) is not None
                  and doc.part_of(n).kind in ("network-switch", "cpo-switch")]
        made = wiring.wire_by_rail(doc, nics, leaves)
        self.message.emit(f"Wired {len(nics)} NICs to {len(leaves)} leaves by rail: {made:,} links")
        return made

    # -------------------------------------------------------- context menu
    def context_menu(self, ids: list[str], extra: list[QAction | None]) -> QMenu:
        """The menu for a right-click on `ids` (already selected): the window's `extra` actions (None: a
        separator) then the selection actions that apply."""
        doc = self._doc()
        menu = QMenu(self._window)
        items = [doc.find(i) for i in ids if doc.find(i) is not None]
        has_parts = any(not isinstance(i, Link) for i in items)
        for action in extra:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        if extra:
            menu.addSeparator()
        for action in (self.cut, self.copy, self.paste, self.duplicate):
            menu.addAction(action)
        if any(isinstance(i, Rack) for i in items):
            menu.addSeparator()
            menu.addActions([self.rotate, self.rows])
        if has_parts:
            menu.addSeparator()
            menu.addActions([self.array, self.fill, self.rename, self.renumber])
            menu.addSeparator()
            menu.addActions([self.wire, self.rail])
        self.update_enabled()
        return menu

    def update_enabled(self) -> None:
        doc = self._doc()
        ids = [i for i in self._selection() if doc.find(i) is not None]
        parts = [i for i in ids if not isinstance(doc.find(i), Link)]
        for action in (self.cut, self.copy, self.duplicate, self.array, self.rename, self.renumber, self.wire,
                       self.rail):
            action.setEnabled(bool(parts))
        self.rotate.setEnabled(any(isinstance(doc.find(i), Rack) for i in parts))
        self.fill.setEnabled(any(isinstance(doc.find(i), Node) and doc.get(i).u is not None for i in parts))

    def exec_menu(self, menu: QMenu, where: QPoint) -> None:
        menu.exec(where)
