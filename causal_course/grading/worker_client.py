"""The grader's side of a submission's process: start it, send requests, enforce the limits.

The process itself is :mod:`causal_course.grading.worker`.
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

from causal_course.grading.sandbox import MAX_PROCESSES, ControlGroup, sealed_command, tree_pids, tree_usage
from causal_course.grading.worker import FDS_VARIABLE, MAX_FRAME, MEMORY_VARIABLE

INTERRUPT_GRACE = 3.0  # seconds a process gets to stop after an interrupt before it is killed
START_TIMEOUT = 60.0
WATCH_EVERY = 0.2  # seconds between two looks at the process tree's memory and size



def platform_problem() -> str | None:
    """None where grading can run, else why not. Each submission runs in a POSIX process of its own, talking to the
    grader over inherited pipes, which Windows does not offer."""
    if os.name == "posix":
        return None
    return ("grading runs each submission in a process of its own over POSIX pipes, which Windows does not offer; "
            "grade on Linux (or in WSL), or in the Linux container shown in docs/instructor.md (Other systems).")

class WorkerDied(BaseException):
    """The submission's process ended (``os._exit``, a crash, or killed by a limit).

    A ``BaseException``, like :class:`~causal_course.grading.grader.CheckTimeout`, so that no check's
    ``except Exception`` can take it for an ordinary error of the student's function: the grader
    must see it to restart the process and grade the remaining exercises.
    """


class RequestTimeout(Exception):
    pass


class WorkerProcess:
    """One submission's process and the private pipes to it."""

    def __init__(self, memory_mb: int, workdir: Path, sealed: bool = True):
        self.memory_bytes = memory_mb * 2**20
        self.workdir = workdir
        self.sealed = sealed  # run under bubblewrap (causal_course.grading.sandbox)
        self.process = None
        self.group = None  # the cgroup of the process tree, where one could be made
        self.death = None  # why the process died, when the grader knows it
        self._buffer = bytearray()
        self._next_watch = 0.0

    # --------------------------------------------------------------- life cycle
    def start(self) -> None:
        problem = platform_problem()
        if problem:
            raise RuntimeError(problem)
        to_child_read, to_child_write = os.pipe()
        from_child_read, from_child_write = os.pipe()
        package_parent = str(Path(__file__).resolve().parent.parent.parent)
        if self.sealed:  # nothing of the grader's environment but what Python needs
            env = {name: os.environ[name] for name in ("PATH", "LANG", "LC_ALL", "TZ") if name in os.environ}
        else:
            env = dict(os.environ)
        env.update({
            FDS_VARIABLE: f"{to_child_read},{from_child_write}",
            MEMORY_VARIABLE: str(self.memory_bytes),
            "PYTHONPATH": package_parent + os.pathsep + env.get("PYTHONPATH", ""),
            "MPLBACKEND": "Agg",
            "CAUSAL_COURSE_FAST": "1",  # the lessons' demos may shrink; graded functions do not change
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        })
        argv = [sys.executable, "-m", "causal_course.grading.worker"]
        if self.sealed:
            argv = sealed_command(argv, self.workdir)
            self.group = ControlGroup(self.memory_bytes)
            argv = self.group.wrap(argv)
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(to_child_read, from_child_write), cwd=self.workdir, env=env, start_new_session=True,
        )
        os.close(to_child_read)
        os.close(from_child_write)
        self._write_fd, self._read_fd = to_child_write, from_child_read
        os.set_blocking(self._read_fd, False)
        os.set_blocking(self._write_fd, False)
        self._buffer = bytearray()
        self._sequence = 0
        self.death = None
        try:
            reply = self._read(time.monotonic() + START_TIMEOUT)
        except RequestTimeout:
            self._die(f"the grading process did not start within {START_TIMEOUT:g} s")
        if reply.get("op") != "ready":
            self._die("the grading process did not start")
        self._worker = self.process.pid
        if self.sealed:  # the worker's PID as the grader sees it (inside, bubblewrap's init is 1)
            self._worker = _outer_pid(self.process.pid, reply.get("pid")) or self.process.pid

    def _worker_pid(self) -> int:
        return self._worker

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
        # Sealed, killing the outer process ends its PID namespace and so every descendant; unsealed,
        # the process group and the tree as it is now (a setsid-ed orphan may escape: docs/instructor.md).
        pids = [] if self.sealed else tree_pids(self.process.pid)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            pass
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, OSError):
                pass
        try:
            self.process.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            pass
        if self.group is not None:
            for _ in range(100):  # the kernel empties the group a moment after the namespace ends
                if self.group.remove():
                    break
                time.sleep(0.02)

    # --------------------------------------------------------------- pipes
    def _watch(self) -> None:
        """The watchdog over the whole process tree: its memory and its number of processes."""
        now = time.monotonic()
        if now < self._next_watch:
            return
        self._next_watch = now + WATCH_EVERY
        if not sys.platform.startswith("linux"):
            return
        rss, count = tree_usage(self.process.pid)
        if rss > 1.1 * self.memory_bytes:
            self._die(f"it used more than the memory limit of {self.memory_bytes // 2**20} MB "
                      "(all its processes together)")
        if count > MAX_PROCESSES + 3:  # + the sandbox's own launcher processes
            self._die(f"it started more than {MAX_PROCESSES} processes")

    def _die(self, reason: str):
        self.death = reason
        self._kill_group()
        raise WorkerDied(reason)

    def _read(self, deadline: float, expect: int | None = None) -> dict:
        """The next reply; with ``expect``, the next one that answers request number ``expect``
        (frames a submission wrote to the pipe by itself are skipped)."""
        while True:
            message = self._read_frame(deadline)
            if expect is None or message.get("id") == expect:
                return message

    def _read_frame(self, deadline: float) -> dict:
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
            self._watch()

    def _ended(self):
        try:
            code = self.process.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            code = None
        if self.sealed and code is not None and code > 128:  # bubblewrap reports a signal as 128 + its number
            code = -(code - 128)
        if self.group is not None and self.group.oom_killed():
            self.death = self.death or (f"it used more than the memory limit of {self.memory_bytes // 2**20} MB "
                                        "(all its processes together)")
        self.death = self.death or _describe_exit(code, self.memory_bytes)
        self._kill_group()
        raise WorkerDied(self.death)

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
        a process that will not stop is killed (:class:`WorkerDied`)."""
        self._sequence += 1
        message = {**message, "id": self._sequence}
        try:
            self._write(message, time.monotonic() + 30.0)
        except RequestTimeout:
            self._die("it stopped reading the grader's requests")
        try:
            return self._read(deadline, self._sequence), False
        except RequestTimeout:
            pass
        try:
            os.kill(self._worker_pid(), signal.SIGINT)
        except ProcessLookupError:
            pass
        try:
            return self._read(time.monotonic() + INTERRUPT_GRACE, self._sequence), True
        except RequestTimeout:
            self._die("it did not stop when interrupted")


def _outer_pid(root: int, inner) -> int | None:
    """The PID, as seen from outside, of the process in ``root``'s tree that is ``inner`` in its namespace."""
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("NSpid:"):
                        fields = line.split()[1:]
                        if len(fields) > 1 and fields[-1] == str(inner):
                            return pid
        except OSError:
            continue
    return None


def _describe_exit(code, memory_bytes: int) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        if name == "SIGKILL":
            return f"it was killed (SIGKILL; often the system's out-of-memory killer, limit {memory_bytes // 2**20} MB)"
        if name == "SIGSEGV":
            return "it crashed (segmentation fault, SIGSEGV)"
        return f"it was ended by signal {name}"
    return f"it exited with code {code} (os._exit or a crash)"


