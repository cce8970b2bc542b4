"""Regenerate examples/: one saved design per template (`make examples`)."""

from __future__ import annotations

from pathlib import Path

from rackcad.files import save
from rackcad.templates import build, names

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def main() -> None:
    EXAMPLES.mkdir(exist_ok=True)
    for name in names():
        save(build(name), EXAMPLES / f"{name}.rackcad")
        print(f"examples/{name}.rackcad")


if __name__ == "__main__":
    main()
