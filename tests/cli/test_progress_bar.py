"""The CLI progress bar: drawn on a terminal only, one line redrawn in place, erased at the end, and Ctrl+C
stopping an export with nothing written."""

from __future__ import annotations

import io
import os
import signal

import pytest

from rackcad.cli import progress_bar
from rackcad.cli.main import main
from rackcad.cli.progress_bar import ProgressBar, wanted
from rackcad.progress import Cancelled
from tests.conftest import EXAMPLES

NVL72 = EXAMPLES / "gb200-nvl72.rackcad"


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_drawn_on_a_terminal_only_unless_forced():
    assert wanted(Terminal(), environ={}) and not wanted(io.StringIO(), environ={})
    assert wanted(io.StringIO(), environ={"RACKCAD_PROGRESS": "1"})
    assert not wanted(Terminal(), environ={"RACKCAD_PROGRESS": "0"})
    pipe = io.StringIO()
    bar = ProgressBar(pipe, enabled=None)
    with bar:
        bar(1, 2, "saving")
    assert pipe.getvalue() == ""


def test_line_shows_share_and_elapsed_time():
    bar = ProgressBar(Terminal(), enabled=True)
    # 45 of 100: 0.45 x 28 cells = 12.6 -> 12 filled, 16 empty
    assert bar.line(45, 100, "saving", 3.2) == "saving [" + "#" * 12 + "." * 16 + "]  45%   3.2 s"
    assert bar.line(12288, 0, "building", 0.5) == "building 12,288   0.5 s"
    long = bar.line(1, 2, "x" * 200, 0.0)
    assert len(long) == progress_bar.LINE_CHARS and long.startswith("xxx") and "… [" in long


def test_redraws_in_place_at_most_ten_times_a_second_and_erases_itself():
    term, clock = Terminal(), Clock()
    with ProgressBar(term, enabled=True, clock=clock) as bar:
        bar(0, 4, "a")
        clock.now += 0.05
        bar(1, 4, "b")  # too soon: not drawn
        clock.now += 0.06
        bar(2, 4, "c")
        bar(4, 4, "d")  # the end is always drawn
    frames = term.getvalue().split("\r")
    assert frames[0] == ""
    assert [f.split(" ")[0] for f in frames[1:-1]] == ["a", "c", "d"]
    assert all(f.endswith("\x1b[K") for f in frames[1:])
    assert frames[-1] == "\x1b[K"  # erased when the block ends


def test_first_ctrl_c_asks_to_stop_the_second_interrupts():
    term = Terminal()
    with ProgressBar(term, enabled=True) as bar:
        bar(1, 10, "writing")
        bar._interrupt(signal.SIGINT, None)
        assert "stopping" in term.getvalue()
        with pytest.raises(Cancelled):
            bar(2, 10, "writing")
        with pytest.raises(KeyboardInterrupt):
            bar._interrupt(signal.SIGINT, None)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_cli_draws_on_stderr_when_forced_and_never_in_a_pipe(tmp_path, capsys, monkeypatch):
    out = tmp_path / "bom.csv"
    monkeypatch.delenv("RACKCAD_PROGRESS", raising=False)
    assert main(["bom", str(NVL72), "-o", str(out)]) == 0
    stdout, stderr = capsys.readouterr()
    assert stdout == f"wrote {out}\n" and stderr == ""
    monkeypatch.setenv("RACKCAD_PROGRESS", "1")
    assert main(["bom", str(NVL72), "-o", str(out)]) == 0
    stdout, stderr = capsys.readouterr()
    assert stdout == f"wrote {out}\n"
    assert "\rloading: reading" in stderr and "bill of materials" in stderr and stderr.endswith("\r\x1b[K")


def test_ctrl_c_during_an_export_keeps_the_old_file_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    out = tmp_path / "cables.csv"
    out.write_text("old", encoding="utf-8")
    monkeypatch.setenv("RACKCAD_PROGRESS", "1")
    real = ProgressBar.__call__

    def user_presses_ctrl_c(self, done, total, label=""):
        if label == "cable schedule: deriving figures":
            os.kill(os.getpid(), signal.SIGINT)  # delivered to the bar's handler, as from a keyboard
        return real(self, done, total, label)

    monkeypatch.setattr(ProgressBar, "__call__", user_presses_ctrl_c)
    code = main(["cables", str(NVL72), "-o", str(out)])
    stdout, stderr = capsys.readouterr()
    assert code == 130 and stdout == ""
    assert stderr.splitlines()[-1].endswith("rackcad: error: stopped (Ctrl+C); nothing was written")
    assert out.read_text(encoding="utf-8") == "old" and sorted(tmp_path.iterdir()) == [out]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
