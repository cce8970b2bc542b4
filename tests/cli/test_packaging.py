"""Packaging: one version from the package metadata, lazy start-up, user folders, logging, completion, man."""

from __future__ import annotations

import importlib.metadata
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rackcad import userdirs
from rackcad.cli import argdoc
from rackcad.cli.logsetup import LOG_NAME, configure_logging
from rackcad.cli.main import build_parser, main
from tests.conftest import ROOT

HEAVY = ("numpy", "shapely", "networkx", "PySide6", "openpyxl")


def test_version_comes_from_package_metadata(capsys):
    import rackcad

    expected = importlib.metadata.version("rackcad")
    assert rackcad.__version__ == expected
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"rackcad {expected}"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{expected}"' in pyproject
    assert '"setuptools>=77"' in pyproject  # the SPDX `license = "Apache-2.0"` string needs setuptools 77+


def _modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}).stdout
    return set(out.split())


@pytest.mark.parametrize("argv", [["--version"], ["parts"], ["--help"]])
def test_light_commands_import_no_heavy_library(argv):
    code = ("from rackcad.cli.main import main\nimport contextlib, io\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    try: main({argv!r})\n    except SystemExit: pass")
    loaded = _modules_after(code)
    assert not [m for m in HEAVY if m in loaded]
    if argv != ["parts"]:
        assert "pydantic" not in loaded and "yaml" not in loaded


def test_import_rackcad_is_lazy_and_public_names_still_resolve():
    loaded = _modules_after("import rackcad")
    assert "pydantic" not in loaded and "networkx" not in loaded
    import rackcad

    assert rackcad.catalog().get("b200-gb200").kind == "gpu"
    assert rackcad.catalog() is rackcad.default_catalog()
    assert "gb200-nvl72" in rackcad.templates.names()
    assert rackcad.Document is __import__("rackcad.document").document.Document
    with pytest.raises(AttributeError):
        rackcad.no_such_name  # noqa: B018


def test_cli_views_match_the_svg_writer():
    from rackcad.cli.export_cmd import VIEWS
    from rackcad.export.svg import VIEWS as SVG_VIEWS

    assert VIEWS == SVG_VIEWS


def test_user_folders_follow_xdg(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "linux")
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert userdirs.config_dir() == tmp_path / ".config" / "rackcad"
    assert userdirs.cache_dir() == tmp_path / ".cache" / "rackcad"
    assert userdirs.state_dir() == tmp_path / ".local" / "state" / "rackcad"
    assert userdirs.log_dir() == tmp_path / ".local" / "state" / "rackcad" / "log"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/ignored")  # the spec: relative paths are invalid
    assert userdirs.cache_dir() == tmp_path / "c" / "rackcad"
    assert userdirs.config_dir() == tmp_path / ".config" / "rackcad"


def test_user_folders_on_macos_and_windows(monkeypatch, tmp_path):
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "darwin")
    assert userdirs.cache_dir() == tmp_path / "Library" / "Caches" / "rackcad"
    assert userdirs.log_dir() == tmp_path / "Library" / "Logs" / "rackcad"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "L"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "R"))
    assert userdirs.config_dir() == tmp_path / "R" / "rackcad"
    assert userdirs.log_dir() == tmp_path / "L" / "rackcad" / "Logs"


def test_log_file_rotates_in_the_user_log_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    logger = configure_logging(verbose=False)
    log_file = tmp_path / "rackcad" / "log" / LOG_NAME
    logger.info("routine detail")
    assert not log_file.exists()  # nothing at warning level yet: no file at all
    logger.warning("something to keep")
    handler = next(h for h in logger.handlers if isinstance(h, logging.handlers.RotatingFileHandler))
    handler.flush()
    assert "something to keep" in log_file.read_text(encoding="utf-8")
    assert handler.maxBytes == 1_000_000 and handler.backupCount == 3
    configure_logging(verbose=False)  # re-configuring never stacks handlers
    assert sum(isinstance(h, logging.handlers.RotatingFileHandler) for h in logger.handlers) == 1


def test_verbose_logs_debug_to_stderr_and_file(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert main(["--verbose", "templates"]) == 0
    err = capsys.readouterr().err
    assert "rackcad: DEBUG: rackcad " in err and "templates" in err
    for h in logging.getLogger("rackcad").handlers:
        h.flush()
    assert "DEBUG rackcad: rackcad" in (tmp_path / "rackcad" / "log" / LOG_NAME).read_text(encoding="utf-8")
    configure_logging(verbose=False)


def test_an_error_is_logged(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert main(["info", str(tmp_path / "missing.rackcad")]) == 2
    for h in logging.getLogger("rackcad").handlers:
        h.flush()
    assert "missing.rackcad" in (tmp_path / "rackcad" / "log" / LOG_NAME).read_text(encoding="utf-8")


def _complete(script: Path, *words: str) -> list[str]:
    driver = (f'source {script}; COMP_WORDS=({" ".join(repr(w) for w in words)}); '
              'COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _rackcad; printf "%s\\n" "${COMPREPLY[@]}"')
    out = subprocess.run(["bash", "-c", driver], capture_output=True, text=True, check=True).stdout
    return out.split()


def test_bash_completion_knows_commands_options_and_choices(tmp_path, capsys):
    assert main(["completion", "bash"]) == 0
    script = tmp_path / "rackcad.bash"
    script.write_text(capsys.readouterr().out, encoding="utf-8")
    subprocess.run(["bash", "-n", str(script)], check=True)
    assert _complete(script, "rackcad", "val") == ["validate"]
    assert _complete(script, "rackcad", "validate", "x.rackcad", "--fail-on", "") == ["error", "warning"]
    assert _complete(script, "rackcad", "diagram", "--v") == ["--view"]
    assert _complete(script, "rackcad", "completion", "") == ["bash", "zsh", "fish"]


def test_fish_and_zsh_completion_cover_every_command(capsys):
    commands = argdoc.command_tree(build_parser()).children
    assert main(["completion", "fish"]) == 0
    fish = capsys.readouterr().out
    assert main(["completion", "zsh"]) == 0
    zsh = capsys.readouterr().out
    assert zsh.startswith("#compdef rackcad") and "bashcompinit" in zsh
    for command in commands:
        assert f"-a {command.path[0]} " in fish and command.path[0] in zsh


def test_man_page_lists_every_command_and_option(tmp_path, capsys):
    out = tmp_path / "rackcad.1"
    assert main(["man", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith(".TH RACKCAD 1 ")
    for command in argdoc.command_tree(build_parser()).children:
        assert f".SS {command.path[0]}" in page
    assert "\\-\\-fail\\-on" in page and ".SH EXIT STATUS" in page and ".SH FILES" in page
    rendered = subprocess.run(["man", "-l", str(out)], capture_output=True, text=True,
                              env={**os.environ, "MANWIDTH": "100"})
    if rendered.returncode == 0:  # man-db is optional on the machine
        assert "rackcad validate" in rendered.stdout and "--fail-on" in rendered.stdout
