"""A JupyterLab server for the tests that need a real one (the browser test, `causal-course lab`)."""

from __future__ import annotations

import secrets
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_jupyterlab(command: list[str], log_path: Path, timeout: float = 90, **popen):
    """Start ``command`` (a JupyterLab command line) on a free local port with a fresh token, wait until
    ``/api/status`` answers, yield ``(url, token)``, then stop the server. Fails with the end of the log."""
    port, token = free_port(), secrets.token_hex(16)
    command = [*command, "--ServerApp.ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}"]
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **popen)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise AssertionError(f"JupyterLab did not answer within {timeout:.0f} s:\n"
                                             + Path(log_path).read_text()[-3000:]) from None
                    time.sleep(0.5)
            yield url, token
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
