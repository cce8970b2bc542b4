"""The .rackcad file format: load (parse -> migrate -> validate), atomic save, clear errors."""

from rackcad.files.format import LoadError, dumps, load, loads, save
from rackcad.files.migrations import MIGRATIONS, migrate

__all__ = ["MIGRATIONS", "LoadError", "dumps", "load", "loads", "migrate", "save"]
