"""Commands: each edit knows how to apply and revert itself against a Document's store.

Commands never look things up by list position they did not record: removals remember where each item
stood so undo puts it back in the same place, and a saved file after undo is byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

from rackcad.model import Block, Design, Instance, Link, LinkPattern, Node, Rack

if TYPE_CHECKING:
    from rackcad.document import Store

Item = Union[Rack, Node, Link, Block, Instance, LinkPattern]


class Command:
    """Base class: `do` and `undo` mutate the store; `ids` are the items touched (for change events)."""

    label = "Edit"

    def do(self, store: "Store") -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def undo(self, store: "Store") -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def ids(self) -> set[str]:
        return set()


@dataclass
class Add(Command):
    """Add a rack, placed part or link (appended to its list); undo removes it."""

    item: Item
    label: str = "Add"

    def do(self, store: "Store") -> None:
        store.insert(self.item)

    def undo(self, store: "Store") -> None:
        store.delete(self.item.id)

    def ids(self) -> set[str]:
        if isinstance(self.item, Link):
            return {self.item.id, self.item.a.node, self.item.b.node}
        return {self.item.id}


@dataclass
class Replace(Command):
    """Swap an item for an edited copy with the same id (set, move, rename)."""

    old: Item
    new: Item
    label: str = "Edit"

    def do(self, store: "Store") -> None:
        store.replace(self.new)

    def undo(self, store: "Store") -> None:
        store.replace(self.old)

    def ids(self) -> set[str]:
        return {self.new.id}


@dataclass
class Override(Replace):
    """Swap an instance for one with other overrides: an edit of the instance's items (`touched`, their
    expanded ids), never a copy of its block."""

    touched: frozenset[str] = frozenset()

    def ids(self) -> set[str]:
        return {self.new.id, *self.touched}


@dataclass
class RemoveItems(Command):
    """Remove items (links first, then nodes deepest first, then racks); undo restores their places."""

    item_ids: list[str]
    label: str = "Delete"
    _removed: list[tuple[Item, int]] = field(default_factory=list)

    def do(self, store: "Store") -> None:
        self._removed = [store.delete(item_id) for item_id in self.item_ids]

    def undo(self, store: "Store") -> None:
        for item, index in reversed(self._removed):
            store.insert(item, index)
        self._removed = []

    def ids(self) -> set[str]:
        return set(self.item_ids)


@dataclass
class SetDesign(Command):
    """Swap design-level fields (name, rule settings, waivers ...) for new values; undo puts the old ones back.

    Values are replaced whole, never mutated in place, so a snapshot that shares them stays valid.
    """

    old: dict[str, object]
    new: dict[str, object]
    label: str = "Edit design"

    def do(self, store: "Store") -> None:
        self._apply(store.design, self.new)

    def undo(self, store: "Store") -> None:
        self._apply(store.design, self.old)

    @staticmethod
    def _apply(design: Design, values: dict[str, object]) -> None:
        for name, value in values.items():
            setattr(design, name, value)


@dataclass
class Batch(Command):
    """Several commands as one undo step (one user gesture)."""

    commands: list[Command] = field(default_factory=list)
    label: str = "Edit"

    def do(self, store: "Store") -> None:
        for command in self.commands:
            command.do(store)

    def undo(self, store: "Store") -> None:
        for command in reversed(self.commands):
            command.undo(store)

    def ids(self) -> set[str]:
        out: set[str] = set()
        for command in self.commands:
            out |= command.ids()
        return out
