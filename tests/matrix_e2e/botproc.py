"""The real ``peerbot run`` process for end-to-end tests: config, start, stop, logs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.postgres_server import database_for

REPO_ROOT = Path(__file__).resolve().parents[2]
PEERBOT = Path(sys.executable).parent / "peerbot"


def write_config(
    path: Path,
    *,
    homeserver: str,
    user_id: str,
    database: Path,
    store: Path,
    allowed_inviters: list[str],
    extra_bot: str = "",
    extra_matrix: str = "",
) -> Path:
    """A TOML config for the bot (the password comes from MATRIX_PASSWORD)."""
    inviters = ", ".join(f'"{u}"' for u in allowed_inviters)
    path.write_text(
        "[bot]\n"
        f'database = "{database_for(database)}"\n'
        'command_prefix = "!"\n'
        'log_level = "INFO"\n'
        "tick_seconds = 1\n"
        f"{extra_bot}\n"
        "[matrix]\n"
        f'homeserver = "{homeserver}"\n'
        f'user_id = "{user_id}"\n'
        'password_env = "MATRIX_PASSWORD"\n'
        f'store_path = "{store}"\n'
        f"allowed_inviters = [{inviters}]\n"
        f"{extra_matrix}\n",
        encoding="utf-8",
    )
    return path


class BotProcess:
    """``peerbot run --config FILE`` as a child process, stopped by its process id."""

    def __init__(self, config: Path, password: str, log_path: Path) -> None:
        self.config = config
        self.password = password
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.starts = 0
        # Wall-clock bounds of the last start: the bot's clock (bot.clock_start) was set between.
        self.launched_at = 0.0
        self.ready_at = 0.0

    def start(self, timeout: float = 60) -> None:
        """Start and wait for ``peerbot ready`` on its output."""
        env = dict(os.environ, MATRIX_PASSWORD=self.password, PYTHONUNBUFFERED="1")
        self.starts += 1
        out = self.log_path.open("ab")
        out.write(f"\n===== start {self.starts} =====\n".encode())
        out.flush()
        offset = self.log_path.stat().st_size
        self.launched_at = time.time()
        self.process = subprocess.Popen(
            [str(PEERBOT), "run", "--config", str(self.config)],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        out.close()
        deadline = time.monotonic() + timeout
        while True:
            with self.log_path.open("rb") as handle:
                handle.seek(offset)
                if b"peerbot ready" in handle.read():
                    self.ready_at = time.time()
                    return
            if self.process.poll() is not None:
                raise AssertionError(f"peerbot exited during start-up:\n{self.tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"peerbot was not ready within {timeout} s:\n{self.tail()}")
            time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM and wait (SIGKILL after 20 s)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()

    def log_lines(self, needle: str) -> list[str]:
        """The lines of the bot's log that contain `needle`."""
        if not self.log_path.exists():
            return []
        return [
            line
            for line in self.log_path.read_text(errors="replace").splitlines()
            if needle in line
        ]

    def tail(self, lines: int = 60) -> str:
        """The end of the bot's log."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
