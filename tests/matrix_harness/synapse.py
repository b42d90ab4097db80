"""A throwaway Synapse homeserver on 127.0.0.1 for peerbot's Matrix tests.

Synapse runs from its own virtual environment (``.synapse-venv``, made by
``scripts/install-synapse.sh``) so that its many dependencies stay out of the
project's environment. This module uses the standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PYTHON = REPO_ROOT / ".synapse-venv" / "bin" / "python"

# Generous enough that no test ever sees a 429, whatever it does in a burst.
_FAST = {"per_second": 1000, "burst_count": 10000}
RATE_LIMITS: dict[str, Any] = {
    "rc_message": _FAST,
    "rc_registration": _FAST,
    "rc_registration_token_validity": _FAST,
    "rc_login": {"address": _FAST, "account": _FAST, "failed_attempts": _FAST},
    "rc_joins": {"local": _FAST, "remote": _FAST},
    "rc_joins_per_room": _FAST,
    "rc_invites": {"per_room": _FAST, "per_user": _FAST, "per_issuer": _FAST},
    "rc_3pid_validation": _FAST,
    "rc_third_party_invite": _FAST,
    "rc_room_creation": _FAST,
    "rc_key_requests": _FAST,
    "rc_media_create": _FAST,
    "rc_profile": _FAST,
    "rc_user_directory": _FAST,
    "rc_reports": _FAST,
    "rc_delayed_event_mgmt": _FAST,
    "rc_presence": {"per_user": _FAST},
    "rc_admin_redaction": _FAST,
}


class SynapseError(RuntimeError):
    """Synapse could not be configured, started or asked to do something."""


def free_port(preferred: int | None = None) -> int:
    """Return ``preferred`` if it can be bound on 127.0.0.1, else a port the OS picks."""
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # Synapse binds with SO_REUSEADDR too, so a port left in TIME_WAIT
            # by a previous run of the same server counts as free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise SynapseError("no free port on 127.0.0.1")


class SynapseServer:
    """A throwaway Synapse on 127.0.0.1 for tests.

    SQLite, a generated config, a free port and rate limits raised out of reach.

    Everything lives in ``workdir``: the generated config, the signing key, the
    SQLite database, the media store and the logs (``homeserver.log`` at WARNING,
    ``synapse.out`` for the process's own output). The config is generated on the
    first ``start()`` and kept, so ``stop()`` then ``start()`` brings back the same
    server with its users, devices and rooms.
    """

    server_name = "localhost"

    def __init__(self, workdir: Path, python: Path | None = None) -> None:
        self.workdir = Path(workdir).resolve()
        self.python = Path(python) if python else DEFAULT_PYTHON
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._shared_secret: str | None = None

    # -- paths -------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        """The config Synapse generated (secrets, signing key path, database)."""
        return self.workdir / "homeserver.yaml"

    @property
    def overrides_path(self) -> Path:
        """peerbot's test settings, read after (and winning over) the generated config."""
        # JSON is valid YAML, so no YAML library is needed on this side.
        return self.workdir / "peerbot-overrides.yaml"

    @property
    def log_path(self) -> Path:
        """Synapse's own log (WARNING and above)."""
        return self.workdir / "homeserver.log"

    @property
    def output_path(self) -> Path:
        """The process's stdout and stderr (start-up failures land here)."""
        return self.workdir / "synapse.out"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the client API."""
        if self.port is None:
            raise SynapseError("the server has not been started")
        return f"http://127.0.0.1:{self.port}"

    @staticmethod
    def available() -> bool:
        """True when the Synapse virtual environment exists."""
        return DEFAULT_PYTHON.exists()

    @property
    def running(self) -> bool:
        """True while the Synapse process is alive."""
        return self.process is not None and self.process.poll() is None

    # -- lifecycle ---------------------------------------------------------

    def start(self, timeout: float = 60) -> None:
        """Configure (once), start Synapse and wait until ``/health`` answers."""
        if self.running:
            return
        if not self.python.exists():
            raise SynapseError(f"{self.python} not found: run scripts/install-synapse.sh")
        self.workdir.mkdir(parents=True, exist_ok=True)
        if not self.config_path.exists():
            self._generate_config()
        self._write_overrides()
        with self.output_path.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    str(self.python),
                    "-m",
                    "synapse.app.homeserver",
                    "-c",
                    str(self.config_path),
                    "-c",
                    str(self.overrides_path),
                ],
                cwd=self.workdir,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        try:
            self._wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """SIGTERM the Synapse process and wait; SIGKILL it after 10 s."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()

    def __enter__(self) -> SynapseServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _generate_config(self) -> None:
        result = subprocess.run(
            [
                str(self.python),
                "-m",
                "synapse.app.homeserver",
                "--server-name",
                self.server_name,
                "--config-path",
                str(self.config_path),
                "--generate-config",
                "--report-stats=no",
                "--data-directory",
                str(self.workdir),
            ],
            cwd=self.workdir,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise SynapseError(f"synapse --generate-config failed:\n{result.stdout}{result.stderr}")

    def _write_overrides(self) -> None:
        """Write the test settings; keeps the port and secret of an earlier start."""
        previous: dict[str, Any] = {}
        if self.overrides_path.exists():
            previous = json.loads(self.overrides_path.read_text())
        self._shared_secret = previous.get("registration_shared_secret") or secrets.token_hex(32)
        old_port = previous.get("listeners", [{}])[0].get("port")
        self.port = free_port(old_port)
        log_config = self.workdir / "log.config.yaml"
        log_config.write_text(json.dumps(self._log_config(), indent=2))
        overrides: dict[str, Any] = {
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "public_baseurl": f"http://127.0.0.1:{self.port}/",
            "registration_shared_secret": self._shared_secret,
            "enable_registration": False,
            # Cheap password hashing: every registration and login hashes once.
            "bcrypt_rounds": 4,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "presence": {"enabled": False},
            "report_stats": False,
            "enable_metrics": False,
            "url_preview_enabled": False,
            "log_config": str(log_config),
            "pid_file": str(self.workdir / "homeserver.pid"),
            **RATE_LIMITS,
        }
        self.overrides_path.write_text(json.dumps(overrides, indent=2))

    def _log_config(self) -> dict[str, Any]:
        return {
            "version": 1,
            "formatters": {
                "precise": {
                    "format": "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s"
                    " - %(request)s - %(message)s"
                }
            },
            "handlers": {
                "file": {
                    "class": "logging.FileHandler",
                    "formatter": "precise",
                    "filename": str(self.log_path),
                    "encoding": "utf8",
                }
            },
            "root": {"level": "WARNING", "handlers": ["file"]},
            "disable_existing_loggers": False,
        }

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process is None or self.process.poll() is not None:
                raise SynapseError(f"synapse exited during start-up:\n{self._tail_output()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise SynapseError(
                    f"synapse did not answer /health within {timeout} s:\n{self._tail_output()}"
                )
            time.sleep(0.1)

    def _tail_output(self, lines: int = 40) -> str:
        text = []
        for path in (self.output_path, self.log_path):
            if path.exists():
                text.append(f"--- {path} ---")
                text.extend(path.read_text(errors="replace").splitlines()[-lines:])
        return "\n".join(text)

    # -- users -------------------------------------------------------------

    def user_id(self, username: str) -> str:
        """The full Matrix id of a local ``username``."""
        return f"@{username}:{self.server_name}"

    def register(
        self, username: str, password: str, admin: bool = False, *, exist_ok: bool = False
    ) -> str:
        """Register a user with the shared-secret admin API and return its user id.

        With ``exist_ok`` an already registered ``username`` is not an error (its
        password is left as it was).
        """
        if self._shared_secret is None:
            raise SynapseError("the server has not been started")
        url = f"{self.base_url}/_synapse/admin/v1/register"
        nonce = self._request("GET", url)["nonce"]
        mac = hmac.new(self._shared_secret.encode(), digestmod=hashlib.sha1)
        mac.update(
            b"\x00".join(
                [
                    nonce.encode(),
                    username.encode(),
                    password.encode(),
                    b"admin" if admin else b"notadmin",
                ]
            )
        )
        body = {
            "nonce": nonce,
            "username": username,
            "password": password,
            "admin": admin,
            "mac": mac.hexdigest(),
        }
        try:
            return self._request("POST", url, body)["user_id"]
        except SynapseError as error:
            if exist_ok and "M_USER_IN_USE" in str(error):
                return self.user_id(username)
            raise

    def _request(self, method: str, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise SynapseError(f"{method} {url} -> {error.code}: {detail}") from None
