"""The grader's side of a submission's process: start it, send requests, enforce the limits.

Introduced in lesson 00 (how exercises are graded); the process itself is :mod:`causal_course.sandbox`.
"""

from __future__ import annotations

import json
import os
import pickle
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from causal_course.sandbox import FDS_VARIABLE, MAX_FRAME, MEMORY_VARIABLE

INTERRUPT_GRACE = 3.0  # seconds a process gets to stop after an interrupt before it is killed
START_TIMEOUT = 60.0


class SandboxDied(Exception):
    """The submission's process ended (``os._exit``, a crash, or killed by a limit)."""


class RequestTimeout(Exception):
    pass


class Sandbox:
    """One submission's process and the private pipes to it (lesson 00)."""

    def __init__(self, memory_mb: int, workdir: Path):
        self.memory_bytes = memory_mb * 2**20
        self.workdir = workdir
        self.process = None
        self.death = None  # why the process died, when the grader knows it
        self._buffer = bytearray()

    # --------------------------------------------------------------- life cycle
    def start(self) -> None:
        to_child_read, to_child_write = os.pipe()
        from_child_read, from_child_write = os.pipe()
        env = dict(os.environ)
        package_parent = str(Path(__file__).resolve().parent.parent.parent)
        env.update({
            FDS_VARIABLE: f"{to_child_read},{from_child_write}",
            MEMORY_VARIABLE: str(self.memory_bytes),
            "PYTHONPATH": package_parent + os.pathsep + env.get("PYTHONPATH", ""),
            "MPLBACKEND": "Agg",
            "CAUSAL_COURSE_FAST": "1",  # the lessons' demos may shrink; graded functions do not change
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        })
        self.process = subprocess.Popen(
            [sys.executable, "-m", "causal_course.sandbox"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(to_child_read, from_child_write), cwd=self.workdir, env=env, start_new_session=True,
        )
        os.close(to_child_read)
        os.close(from_child_write)
        self._write_fd, self._read_fd = to_child_write, from_child_read
        os.set_blocking(self._read_fd, False)
        os.set_blocking(self._write_fd, False)
        self._buffer = bytearray()
        self.death = None
        try:
            reply = self._read(time.monotonic() + START_TIMEOUT)
        except RequestTimeout:
            self._die(f"the grading process did not start within {START_TIMEOUT:g} s")
        if reply.get("op") != "ready":
            self._die("the grading process did not start")

    def close(self) -> None:
        if self.process is None:
            return
        self._kill_group()  # nothing in the process needs a clean exit; waiting for one costs ~0.2 s per submission
        for fd in (self._write_fd, self._read_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.process = None

    def _kill_group(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # the process and anything it started
        except (ProcessLookupError, PermissionError, OSError):
            pass
        try:
            self.process.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            pass

    # --------------------------------------------------------------- pipes
    def _rss_bytes(self) -> int | None:
        try:
            with open(f"/proc/{self.process.pid}/statm", encoding="ascii") as handle:
                return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return None

    def _die(self, reason: str):
        self.death = reason
        self._kill_group()
        raise SandboxDied(reason)

    def _read(self, deadline: float) -> dict:
        while True:
            if len(self._buffer) >= 4:
                length = int.from_bytes(self._buffer[:4], "big")
                if length > MAX_FRAME:
                    self._die(f"it sent a reply larger than {MAX_FRAME // 2**20} MB")
                if len(self._buffer) >= 4 + length:
                    payload = bytes(self._buffer[4:4 + length])
                    del self._buffer[:4 + length]
                    try:
                        message = json.loads(payload)
                    except (ValueError, RecursionError):
                        self._die("it sent a reply the grader cannot read")
                    if not isinstance(message, dict):
                        self._die("it sent a reply the grader cannot read")
                    return message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RequestTimeout
            ready, _, _ = select.select([self._read_fd], [], [], min(remaining, 0.05))
            if ready:
                try:
                    chunk = os.read(self._read_fd, 1 << 20)
                except BlockingIOError:
                    continue
                if not chunk:
                    self._ended()
                self._buffer.extend(chunk)
            elif self.process.poll() is not None:
                self._ended()
            rss = self._rss_bytes()
            if rss is not None and rss > 1.1 * self.memory_bytes:
                self._die(f"it used more than the memory limit of {self.memory_bytes // 2**20} MB")

    def _ended(self):
        try:
            code = self.process.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            code = None
        self.death = self.death or _describe_exit(code, self.memory_bytes)
        self._kill_group()
        raise SandboxDied(self.death)

    def _write(self, message: dict, deadline: float) -> None:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        data = memoryview(len(payload).to_bytes(4, "big") + payload)
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RequestTimeout
            _, ready, _ = select.select([], [self._write_fd], [], min(remaining, 0.05))
            if ready:
                try:
                    written = os.write(self._write_fd, data)
                except BlockingIOError:
                    continue
                except BrokenPipeError:
                    self._ended()
                data = data[written:]

    def request(self, message: dict, deadline: float) -> tuple[dict, bool]:
        """Send ``message``; return ``(reply, timed_out)``. Past the deadline the work is interrupted;
        a process that will not stop is killed (:class:`SandboxDied`)."""
        try:
            self._write(message, time.monotonic() + 30.0)
        except RequestTimeout:
            self._die("it stopped reading the grader's requests")
        try:
            return self._read(deadline), False
        except RequestTimeout:
            pass
        try:
            os.kill(self.process.pid, signal.SIGINT)
        except ProcessLookupError:
            pass
        try:
            return self._read(time.monotonic() + INTERRUPT_GRACE), True
        except RequestTimeout:
            self._die("it did not stop when interrupted")


def _describe_exit(code, memory_bytes: int) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        if name == "SIGKILL":
            return f"it was killed (SIGKILL; often the system's out-of-memory killer, limit {memory_bytes // 2**20} MB)"
        return f"it was ended by signal {name}"
    return f"it exited with code {code} (os._exit or a crash)"


