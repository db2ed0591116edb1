"""One supervised unoserver process with its own ports, profile and temp directory."""

from __future__ import annotations

import contextlib
import http.client
import logging
import os
import signal
import subprocess
import time
import xmlrpc.client
from pathlib import Path

from trygg.pdf.client import ConverterAddress, server_proxy
from trygg.pdf.offline import write_profile_settings

log = logging.getLogger(__name__)


class Instance:
    """An unoserver (and the LibreOffice it starts) in a process group of its own.

    The process group matters: unoserver forks soffice → soffice.bin, and killing only
    the Python process would leave LibreOffice holding the uno port and the profile.
    """

    def __init__(
        self,
        *,
        address: ConverterAddress,
        uno_port: int,
        workdir: Path,
        uno_python: Path,
        soffice: str,
        conversion_timeout: int,
    ) -> None:
        self.address = address
        self.uno_port = uno_port
        self.profile = workdir / f"profile-{address.port}"
        self.temp_dir = workdir / f"tmp-{address.port}"
        self.log_path = workdir / f"unoserver-{address.port}.log"
        self.uno_python = uno_python
        self.soffice = soffice
        self.conversion_timeout = conversion_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.ready = False
        self.restarts = 0

    def command(self) -> list[str]:
        return [
            str(self.uno_python),
            "-m",
            "unoserver.server",
            "--interface",
            self.address.host,
            "--port",
            str(self.address.port),
            "--uno-port",
            str(self.uno_port),
            # unoserver 3.7 turns this into a file:// URI itself; giving it one crashes it.
            "--user-installation",
            str(self.profile),
            "--temp-dir",
            str(self.temp_dir),
            "--conversion-timeout",
            str(self.conversion_timeout),
            "--executable",
            self.soffice,
        ]

    def spawn(self) -> None:
        self.temp_dir.mkdir(parents=True, exist_ok=True)
        # A LibreOffice killed with SIGKILL leaves its profile lock behind.
        (self.profile / ".lock").unlink(missing_ok=True)
        # Before every start: LibreOffice must never fetch what a document links to.
        write_profile_settings(self.profile)
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started_at = time.monotonic()
        self.ready = False
        log.info("unoserver %s started (pid %s)", self.address, self.process.pid)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self, grace: float = 1.0) -> None:
        """Stop unoserver and everything it started; SIGKILL what ignores SIGTERM.

        The grace is short on purpose: unoserver 3.7's SIGTERM handler sometimes never
        returns, and a converter has nothing worth saving.
        """
        process = self.process
        if process is None:
            return
        self.ready = False
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            log.info("unoserver %s ignored SIGTERM; killing it", self.address)
        # Also reaps a soffice.bin left in the group after unoserver itself exited.
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()

    def ping(self, timeout: float) -> bool:
        """True if the XML-RPC server answers; it only listens once LibreOffice is up.

        Because the server is single-threaded, this also fails when a conversion hangs.
        """
        try:
            with server_proxy(self.address, timeout) as proxy:
                proxy.system.listMethods()
        except (OSError, xmlrpc.client.Error, http.client.HTTPException, ValueError):
            return False
        return True


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)
