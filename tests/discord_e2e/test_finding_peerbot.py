"""The end-to-end tests start `peerbot` from whatever environment runs them."""

from __future__ import annotations

import subprocess
import sys

from tests.discord_e2e.conftest import REPO, peerbot_command


def test_peerbot_is_found_beside_the_running_interpreter(tmp_path, monkeypatch):
    bin_dir = tmp_path / "some-env" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").touch()
    script = bin_dir / "peerbot"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    assert peerbot_command() == [str(script)]


def test_peerbot_is_found_on_the_path_or_run_by_this_interpreter(tmp_path, monkeypatch):
    real_python = sys.executable
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    on_path = tmp_path / "path"
    on_path.mkdir()
    monkeypatch.setenv("PATH", str(on_path))
    fallback = peerbot_command()  # nothing beside the interpreter or on PATH
    assert fallback[0] == str(tmp_path / "python")
    done = subprocess.run(
        [real_python, *fallback[1:], "--help"], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert done.returncode == 0 and "console" in done.stdout
    script = on_path / "peerbot"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert peerbot_command() == [str(script)]
