"""Help > User Guide and Help > Rule Reference: read-only pages in a text browser.

The guide ships inside the package (`rackcad/assets/help/user-guide.md`); the rule reference is built from
the rule registry (`rackcad.rules.reference`), with an anchor per rule code so the checks dock can open it
at the rule of a violation.
"""

from __future__ import annotations

from html import escape
from importlib import resources

from PySide6.QtWidgets import QDialog, QTextBrowser, QWidget

from rackcad.gui.dialogs.frame import closable


def guide_markdown() -> str:
    return resources.files("rackcad").joinpath("assets/help/user-guide.md").read_text(encoding="utf-8")


def rules_html() -> str:
    from rackcad.rules.reference import entries

    parts = ["<h1>Rule reference</h1><p>Every check RackCAD runs while you edit. Severity is the default; a "
             "design may override it and waive single violations (Checks dock &gt; Waive...).</p>"]
    for entry in entries():
        parts.append(f"<h2><a name='{escape(entry.code)}'></a>{escape(entry.code)}</h2>"
                     f"<p><b>{escape(entry.title)}</b> <i>(default severity: {entry.severity})</i></p>"
                     f"<p><b>Figures used:</b> {escape(entry.uses)}</p><p><b>How to fix:</b> {escape(entry.fix)}</p>")
    return "".join(parts)


class HelpBrowser(QDialog):
    """A page of help; `anchor` scrolls to a rule code."""

    def __init__(self, title: str, markdown: str | None = None, html: str | None = None, anchor: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        if markdown is not None:
            self.browser.setMarkdown(markdown)
        else:
            self.browser.setHtml(html or "")
        if anchor:
            self.browser.scrollToAnchor(anchor)
        closable(self, self.browser, 760, 720)
