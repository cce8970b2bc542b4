"""Undoable edits: Command classes and the History that holds them."""

from rackcad.editing.commands import (
    Add,
    Batch,
    Command,
    RemoveItems,
    Replace,
    SetDesign,
)
from rackcad.editing.history import History

__all__ = ["Add", "Batch", "Command", "History", "RemoveItems", "Replace", "SetDesign"]
