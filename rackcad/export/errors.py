"""ExportError: a request the exporters cannot satisfy (unknown suffix or view, image too large)."""


class ExportError(ValueError):
    """One clear line for the user; the CLI prints it with exit code 2, the GUI in a message box."""
