"""Sealing a submission's process off from everything but itself: bubblewrap namespaces (Linux).

The guarantees are listed in ``docs/instructor.md``.

Each submission's process runs under ``bwrap`` (bubblewrap, the sandboxing tool of Flatpak,
packaged as ``bubblewrap`` by Debian, Ubuntu and Fedora), in the spirit of IOI's ``isolate``:

* **its own PID namespace**: it sees no other process (not the grader's command line either),
  and when the grader kills it, the kernel ends every descendant, whatever it forked or ``setsid``-ed;
* **its own view of the file system**: the operating system, the Python environment and the course
  package are mounted read-only; a private, empty temporary folder is its home and working
  directory. ``solutions/``, other submissions, the instructor's files, the hidden checks and the
  output paths are not in its view at all;
* **no network** (its own, empty network namespace), no capabilities, a new session (no terminal);
* nothing it writes outlives it, so no bytecode, ``sitecustomize.py`` or other file it plants is
  ever read by another submission or by the grader.

Memory is limited per process (``RLIMIT_AS``, set inside) and over the whole process tree by the
grader's watchdog (:func:`tree_usage`), which also caps the number of processes.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

HOME = "/home/student"  # the submission's home and working directory, inside its view
MAX_PROCESSES = 32  # processes one submission may run at once (its tree, counted by the watchdog)
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf install "
                "bubblewrap`), or run the grader inside a container (docs/instructor.md), or pass --no-sandbox "
                "to grade without isolation if you trust every submission")


class SandboxUnavailable(RuntimeError):
    """The sealed run cannot be set up on this machine; the message says why and what to do."""


def _read_only_roots() -> list[str]:
    """Folders the submission may read: the system's programs and libraries, Python, the package."""
    from causal_course.paths import PACKAGE_DIR

    roots = ["/usr", "/etc"]
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                   str(Path(sys.executable).resolve().parent.parent)}:
        roots.append(str(Path(prefix).resolve()))
    roots.append(str(PACKAGE_DIR))
    # The site-packages of the environment (normally inside sys.prefix; not always, with --user installs)
    import site

    for folder in [*getattr(site, "getsitepackages", lambda: [])(), site.getusersitepackages()]:
        if folder and os.path.isdir(folder):
            roots.append(str(Path(folder).resolve()))
    kept = []
    for root in sorted(set(roots), key=len):  # parents first; a folder inside one already kept adds nothing
        if not any(root == k or root.startswith(k.rstrip("/") + "/") for k in kept) and os.path.isdir(root):
            kept.append(root)
    return kept


def sealed_command(argv: list[str], workdir: Path) -> list[str]:
    """``argv`` wrapped in ``bwrap`` with the view described in the module docstring."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(f"the grading sandbox needs bubblewrap (`bwrap`), which is not installed: {INSTALL_HINT}.")
    command = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
               "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/run"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            command += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            command += ["--ro-bind", str(path), str(path)]
    for root in _read_only_roots():
        command += ["--ro-bind", root, root]
    command += ["--bind", str(workdir), HOME, "--chdir", HOME, "--setenv", "HOME", HOME,
                "--setenv", "TMPDIR", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
                "--setenv", "IPYTHONDIR", "/tmp/ipython", "--"]
    return command + list(argv)


@functools.lru_cache(maxsize=1)
def probe() -> str | None:
    """None if a sealed process starts on this machine, else why not (checked once per grader)."""
    if not sys.platform.startswith("linux"):
        return f"the grading sandbox needs Linux namespaces; this is {sys.platform}: {INSTALL_HINT}."
    import tempfile

    with tempfile.TemporaryDirectory(prefix="causal-course-probe-") as workdir:
        try:
            command = sealed_command([sys.executable, "-c", "import causal_course, os; print(os.getpid())"],
                                     Path(workdir))
        except SandboxUnavailable as error:
            return str(error)
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"bubblewrap could not start a sealed process ({error}): {INSTALL_HINT}."
        if done.returncode != 0:
            reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
            return (f"bubblewrap could not start a sealed process ({reason[0][:200]}); user namespaces may be "
                    f"disabled on this machine: {INSTALL_HINT}.")
    return None


def check_available() -> None:
    """Raise :class:`SandboxUnavailable` (with the fix) unless sealed processes work here."""
    reason = probe()
    if reason is not None:
        raise SandboxUnavailable(reason)


# --------------------------------------------------------------------------- the process tree
def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # the command name (field 2) may hold spaces and parentheses: parse after the last ')'
        fields = stat[stat.rfind(b")") + 2:].split()
        try:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
        except (IndexError, ValueError):
            continue
    return children


def tree_pids(root: int) -> list[int]:
    """``root`` and all its descendants (Linux ``/proc``); orphans of a PID namespace stay inside it."""
    if not os.path.isdir("/proc"):
        return [root]
    children = _children_map()
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found


def tree_usage(root: int) -> tuple[int, int]:
    """``(resident bytes, number of processes)`` of ``root``'s whole process tree."""
    page = os.sysconf("SC_PAGE_SIZE")
    total, count = 0, 0
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
                total += int(handle.read().split()[1]) * page
            count += 1
        except (OSError, ValueError, IndexError):
            continue
    return total, count


# --------------------------------------------------------------------------- a cgroup per submission
class ControlGroup:
    """A memory and process-count limit on a whole process tree, where the machine lets us make one.

    Uses the unified hierarchy (cgroup v2, ``memory.max`` and ``pids.max``) or the v1 ``memory`` and
    ``pids`` controllers, under the grader's own group. Where neither can be created (no rights, no
    cgroup file system) :attr:`active` is False and the grader's watchdog is the only tree-wide limit.
    A process joins by writing its own PID (:meth:`wrap` does that before ``exec``), so everything it
    starts is inside from its first instruction.
    """

    ROOT = Path("/sys/fs/cgroup")

    def __init__(self, memory_bytes: int, max_processes: int = MAX_PROCESSES):
        import uuid

        self.folders: list[Path] = []
        name = f"{_group_prefix()}{uuid.uuid4().hex[:12]}"
        try:
            if (self.ROOT / "cgroup.controllers").exists():  # v2
                parent = self.ROOT / _own_cgroup("")
                enabled = (parent / "cgroup.subtree_control").read_text().split()
                if {"memory", "pids"} <= set(enabled):
                    folder = parent / name
                    folder.mkdir()
                    self.folders.append(folder)
                    (folder / "memory.max").write_text(str(memory_bytes))
                    (folder / "memory.swap.max").write_text("0") if (folder / "memory.swap.max").exists() else None
                    (folder / "pids.max").write_text(str(max_processes))
            else:  # v1
                memory = self.ROOT / "memory" / _own_cgroup("memory") / name
                pids = self.ROOT / "pids" / _own_cgroup("pids") / name
                memory.mkdir()
                self.folders.append(memory)
                pids.mkdir()
                self.folders.append(pids)
                (memory / "memory.limit_in_bytes").write_text(str(memory_bytes))
                (pids / "pids.max").write_text(str(max_processes))
        except OSError:
            self.remove()
        self.active = bool(self.folders)

    def wrap(self, argv: list[str]) -> list[str]:
        """``argv`` started by a shell that first moves itself into this group (no-op if inactive)."""
        if not self.active:
            return list(argv)
        joins = " && ".join(f"echo $$ > '{folder / 'cgroup.procs'}'" for folder in self.folders)
        return ["/bin/sh", "-c", f'{joins} && exec "$@"', "causal-course-sandbox", *argv]

    def oom_killed(self) -> bool:
        """Did the memory limit kill a process of the group?"""
        for folder in self.folders:
            for name, key in (("memory.events", "oom_kill"), ("memory.oom_control", "oom_kill")):
                try:
                    for line in (folder / name).read_text().splitlines():
                        field, _, value = line.partition(" ")
                        if field == key and int(value) > 0:
                            return True
                except (OSError, ValueError):
                    continue
        return False

    def remove(self) -> bool:
        """Delete the group once its processes are gone; True when nothing of it is left.

        Any process still listed in the group is killed first: only the submission's processes
        ever join it.
        """
        left = []
        for folder in reversed(self.folders):
            _kill_members(folder)
            try:
                folder.rmdir()
            except FileNotFoundError:
                pass
            except OSError:  # still holds a dying process
                left.append(folder)
        self.folders = list(reversed(left))
        return not self.folders

    @classmethod
    def parents(cls) -> list[Path]:
        """The folders this grader's groups are made in (v2: its own group; v1: its memory and pids groups)."""
        if (cls.ROOT / "cgroup.controllers").exists():
            return [cls.ROOT / _own_cgroup("")]
        return [cls.ROOT / "memory" / _own_cgroup("memory"), cls.ROOT / "pids" / _own_cgroup("pids")]

    @classmethod
    def sweep(cls, patience: float = 10.0) -> None:
        """Delete leftover groups of this grader, killing what is still in them, for up to ``patience`` s."""
        try:
            parents = cls.parents()
        except OSError:
            return
        import time

        deadline = time.monotonic() + patience
        while True:
            left = []
            for parent in parents:
                for folder in parent.glob(f"{_group_prefix()}*"):  # only this grader's groups
                    _kill_members(folder)
                    try:
                        folder.rmdir()
                    except FileNotFoundError:
                        pass
                    except OSError:
                        left.append(folder)
            if not left or time.monotonic() > deadline:
                return
            time.sleep(0.05)


def _group_prefix() -> str:
    """Groups are named after the grader's PID, so that a sweep never touches another grader's."""
    return f"causal-course-{os.getpid()}-"


def _kill_members(folder: Path) -> None:
    import signal

    try:
        members = (folder / "cgroup.procs").read_text().split()
    except OSError:
        return
    for pid in members:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ValueError, OSError):
            pass


def _own_cgroup(controller: str) -> str:
    """The grader's own group in a hierarchy ('' for v2), from /proc/self/cgroup, relative to its root."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if (controller == "" and controllers == "") or controller in controllers.split(","):
            return path.lstrip("/")
    return ""
