"""Undoable edits: Command classes and the History that holds them."""

from rackcad.editing.commands import (
    AddLink,
    AddNode,
    AddRack,
    Batch,
    Command,
    RemoveItems,
    Replace,
    SetDesign,
)
from rackcad.editing.history import History

__all__ = ["AddLink", "AddNode", "AddRack", "Batch", "Command", "History", "RemoveItems", "Replace", "SetDesign"]
