"""History: a Qt-free undo stack with a clean index (the saved state)."""

from __future__ import annotations

from rackcad.editing.commands import Command


class History:
    """Linear undo stack. `push` runs a command; undo/redo walk the stack; `clean` marks the saved state."""

    def __init__(self) -> None:
        self._stack: list[Command] = []
        self._index = 0
        self._clean: int | None = 0

    def push_done(self, command: Command) -> None:
        """Record a command that has already been applied."""
        del self._stack[self._index :]
        if self._clean is not None and self._clean > self._index:
            self._clean = None
        self._stack.append(command)
        self._index += 1

    @property
    def can_undo(self) -> bool:
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._stack)

    @property
    def undo_label(self) -> str:
        return self._stack[self._index - 1].label if self.can_undo else ""

    @property
    def redo_label(self) -> str:
        return self._stack[self._index].label if self.can_redo else ""

    def take_undo(self) -> Command:
        self._index -= 1
        return self._stack[self._index]

    def take_redo(self) -> Command:
        command = self._stack[self._index]
        self._index += 1
        return command

    def mark_clean(self) -> None:
        self._clean = self._index

    def forget_clean(self) -> None:
        """No state in the stack matches the saved file any more (a restored recovery file)."""
        self._clean = None

    @property
    def is_clean(self) -> bool:
        return self._clean == self._index

    def clear(self) -> None:
        self._stack.clear()
        self._index = 0
        self._clean = 0

    def __len__(self) -> int:
        return len(self._stack)
