"""The process a submission runs in during batch grading (``causal-course grade``).

The grader starts one such process per
submission (``python -m causal_course.grading.worker``) and talks to it over two private pipes:

* it sends the notebook's code cells one at a time; the process runs each in an IPython shell
  (magics work as in Jupyter), with a memory limit, and with stdout/stderr captured into a
  capped buffer;
* then, for each exercise, it asks the process to *call* the student's function on arguments
  that the grader's own check code made. The check itself (the data-generating truth, the
  tolerances, the verdict) runs in the grader, where the student's code cannot reach it.

Frames are a 4-byte big-endian length and a payload. The grader sends pickles (the grader is
trusted); this process answers in JSON, with numpy arrays as ``.npy`` bytes in base64, which the
grader decodes with :func:`decode` without ever unpickling anything a submission produced.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import struct
import sys

FDS_VARIABLE = "CAUSAL_COURSE_SANDBOX_FDS"
MEMORY_VARIABLE = "CAUSAL_COURSE_SANDBOX_MEMORY"
OUTPUT_HEAD = 2_000  # characters of a cell's output kept for feedback
MAX_FRAME = 16 * 2**20  # the grader refuses replies larger than this (bounds its own memory)


class UnreadableReply(Exception):
    """A reply from a submission's process that the grader cannot or will not decode."""


# ------------------------------------------------------------------------------- framing
def write_frame(fd: int, payload: bytes) -> None:
    data = struct.pack(">I", len(payload)) + payload
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exactly(fd: int, n: int) -> bytes:
    chunks, remaining = [], n
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("pipe closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> bytes:
    (length,) = struct.unpack(">I", _read_exactly(fd, 4))
    return _read_exactly(fd, length)


# ------------------------------------------------------------------------------- the value codec
def encode(value, depth: int = 0):
    """Turn a student's return value into JSON-able data (numbers, strings, lists, dicts, arrays)."""
    import numpy as np

    if depth > 20:
        return {"__unsupported__": "a structure nested more than 20 levels deep"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else {"__bigint__": str(value)} if abs(value) < 2**1024 else {
            "__unsupported__": "an integer too large for the grader"}
    if isinstance(value, (np.generic, np.ndarray)):
        array = np.asarray(value)
        if array.dtype.hasobject:
            try:
                return {"__list__": [encode(item, depth + 1) for item in array.tolist()], "__as_array__": True}
            except Exception:
                return {"__unsupported__": "a numpy array of Python objects"}
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        return {"__npy__": base64.b64encode(buffer.getvalue()).decode("ascii"), "__scalar__": isinstance(value, np.generic)}
    if isinstance(value, float):
        return {"__float__": float.__repr__(value)}  # keeps nan and inf
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        encoded = encode(value.detach().cpu().numpy(), depth)
        if getattr(value, "requires_grad", False) is True and "__npy__" in encoded:
            encoded["__requires_grad__"] = True  # a loss that still carries its gradient (exercise 5.5) says so
        return encoded
    if isinstance(value, tuple):
        return {"__tuple__": [encode(item, depth + 1) for item in value]}
    if isinstance(value, list):
        return {"__list__": [encode(item, depth + 1) for item in value]}
    if _is_worlds(value):  # lesson 08's exercise returns renumbered worlds: their arrays and env, field by field
        return {"__worlds__": [encode(getattr(value, name, None), depth + 1) for name in WORLDS_FIELDS]}
    if _is_course_class(value, "EpisodeBatch"):  # lesson 04's exercise 4.4 returns logged episodes, field by field
        return {"__episodes__": [encode(getattr(value, name, None), depth + 1) for name in EPISODE_FIELDS]}
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                return {"__unsupported__": f"a dict with {type(key).__name__} keys"}
            items.append([encode(key, depth + 1), encode(item, depth + 1)])
        return {"__dict__": items}
    return {"__unsupported__": f"a {type(value).__module__}.{type(value).__qualname__}"}


WORLDS_FIELDS = ("weights", "noise_sd", "hidden_weights", "env", "effects")
EPISODE_FIELDS = ("weights", "effects", "target", "actions", "values", "goal_action", "worlds", "source", "cue")


def _is_course_class(value, name: str) -> bool:
    """True for the course's class ``name`` of the episode environment, recognised without importing it here."""
    kind = type(value)
    return kind.__name__ == name and kind.__module__ == "causal_course.worlds.dag_episodes"


def _is_worlds(value) -> bool:
    """True for the course's ``Worlds`` (episode worlds)."""
    return _is_course_class(value, "Worlds")


def _decode_worlds(fields):
    """A ``Worlds`` from its decoded fields: plain arrays and a short env name, else :class:`UnreadableReply`.

    Built without the class's validation (its effects are passed), so that a check can judge a
    wrong world by its properties (shapes, a cycle) instead of the grader refusing to read it.
    """
    import numpy as np

    from causal_course.worlds.dag_episodes import Worlds

    if len(fields) != len(WORLDS_FIELDS):
        raise UnreadableReply("a malformed Worlds")
    weights, noise_sd, hidden_weights, env, effects = fields
    if not isinstance(env, str) or len(env) > 40:
        raise UnreadableReply("a Worlds whose env is not a short name")
    arrays = (weights, noise_sd, hidden_weights, effects)
    if not all(isinstance(array, np.ndarray) and array.dtype.kind in "biuf" for array in arrays):
        raise UnreadableReply("a Worlds whose fields are not numeric arrays")
    return Worlds(weights, noise_sd, hidden_weights, env, effects)


def _decode_episodes(fields):
    """An ``EpisodeBatch`` from its decoded fields: numeric arrays (``None`` where optional), else :class:`UnreadableReply`.

    Built without any validation (the class has none), so that the check judges shapes and dtypes with its own hints.
    """
    import numpy as np

    from causal_course.worlds.dag_episodes import EpisodeBatch, Worlds

    if len(fields) != len(EPISODE_FIELDS):
        raise UnreadableReply("a malformed EpisodeBatch")
    *arrays, worlds, source, cue = fields
    if not all(isinstance(array, np.ndarray) and array.dtype.kind in "biuf" for array in arrays):
        raise UnreadableReply("an EpisodeBatch whose fields are not numeric arrays")
    if not (worlds is None or isinstance(worlds, Worlds)) or not all(
            part is None or (isinstance(part, np.ndarray) and part.dtype.kind in "biuf") for part in (source, cue)):
        raise UnreadableReply("an EpisodeBatch whose worlds, source or cue are not what the course writes")
    return EpisodeBatch(*arrays, worlds, source, cue)


def _tensor_requiring_grad(array):
    """A returned tensor that required gradients comes back as a tensor that requires them (a leaf: its graph stays
    in the submission's process), so that a check can tell a loss that can train from a detached one (exercise 5.5).
    Tensors without gradients still come back as arrays."""
    import numpy as np

    if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
        raise UnreadableReply("a tensor requiring gradients that does not hold floats")
    from causal_course.torch_setup import torch

    return torch.from_numpy(np.array(array)).requires_grad_(True)


class Unsupported:
    """Stands in for a returned value the grader cannot read (checks then report a wrong type)."""

    def __init__(self, what: str):
        self.what = what

    def __repr__(self) -> str:
        return f"<{self.what}>"


def decode(data, depth: int = 0):
    """The inverse of :func:`encode`, safe on hostile input: only plain data and ``np.load`` without pickle."""
    import numpy as np

    if depth > 25:
        raise UnreadableReply("nested too deeply")
    if data is None or isinstance(data, (bool, int, str)):
        return data
    if isinstance(data, float):
        return data
    if isinstance(data, list):  # never produced by encode, but harmless
        return [decode(item, depth + 1) for item in data]
    if not isinstance(data, dict) or len(data) == 0:
        raise UnreadableReply(f"unexpected {type(data).__name__}")
    if "__float__" in data:
        try:
            return float(data["__float__"])
        except (TypeError, ValueError):
            raise UnreadableReply("a malformed float") from None
    if "__bigint__" in data:
        text = data["__bigint__"]
        if not isinstance(text, str) or len(text) > 320 or not re.fullmatch(r"-?[0-9]+", text):
            raise UnreadableReply("a malformed integer")
        return int(text)
    if "__npy__" in data:
        try:
            raw = base64.b64decode(data["__npy__"], validate=True)
            stream = io.BytesIO(raw)
            version = np.lib.format.read_magic(stream)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}[version]
            shape, _, dtype = read_header(stream)
        except Exception as error:
            raise UnreadableReply(f"a malformed array ({type(error).__name__})") from None
        _check_array_header(shape, dtype, len(raw) - stream.tell())
        try:
            array = np.load(io.BytesIO(raw), allow_pickle=False)
        except Exception as error:
            raise UnreadableReply(f"a malformed array ({type(error).__name__})") from None
        if data.get("__requires_grad__") is True:
            return _tensor_requiring_grad(array)
        return array[()] if data.get("__scalar__") and array.ndim == 0 else array
    if "__tuple__" in data:
        return tuple(decode(item, depth + 1) for item in _as_list(data["__tuple__"]))
    if "__list__" in data:
        items = [decode(item, depth + 1) for item in _as_list(data["__list__"])]
        if data.get("__as_array__"):
            array = np.empty(len(items), dtype=object)
            array[:] = items
            return array
        return items
    if "__dict__" in data:
        result = {}
        for pair in _as_list(data["__dict__"]):
            if not isinstance(pair, list) or len(pair) != 2:
                raise UnreadableReply("a malformed dict")
            key = decode(pair[0], depth + 1)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise UnreadableReply("a dict key that is not a plain value")
            result[key] = decode(pair[1], depth + 1)
        return result
    if "__worlds__" in data:
        return _decode_worlds([decode(item, depth + 1) for item in _as_list(data["__worlds__"])])
    if "__episodes__" in data:
        return _decode_episodes([decode(item, depth + 1) for item in _as_list(data["__episodes__"])])
    if "__unsupported__" in data:
        return Unsupported(str(data["__unsupported__"])[:200])
    raise UnreadableReply("an unknown kind of value")


MAX_ELEMENTS = 50_000_000  # elements of one returned array the grader accepts


def _check_array_header(shape, dtype, data_bytes: int) -> None:
    """Refuse, before allocating anything, an array the grader should not build.

    Only plain numbers, booleans and text (no object, void or structured types, which can claim
    gigabytes of elements in a few bytes), at most :data:`MAX_ELEMENTS` elements, and exactly as
    many data bytes as the header promises.
    """
    import numpy as np

    if dtype.kind not in "biufcUS" or dtype.fields is not None or dtype.subdtype is not None or dtype.itemsize == 0:
        raise UnreadableReply(f"an array of type {str(dtype)[:40]}; the grader reads numbers, booleans and text")
    count = 1
    for size in shape:
        if not isinstance(size, int) or size < 0:
            raise UnreadableReply("an array with a malformed shape")
        count *= size
        if count > MAX_ELEMENTS:
            raise UnreadableReply(f"an array of more than {MAX_ELEMENTS:,} elements")
    if count * dtype.itemsize != data_bytes:
        raise UnreadableReply("an array whose data do not match its header")
    del np


def _as_list(value) -> list:
    if not isinstance(value, list):
        raise UnreadableReply("a malformed sequence")
    return value


# ------------------------------------------------------------------------------- the worker
class CappedWriter(io.TextIOBase):
    """A text stream that keeps the first ``OUTPUT_HEAD`` characters and counts the rest."""

    def __init__(self):
        self.head, self.size = [], 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        kept = sum(len(part) for part in self.head)
        if kept < OUTPUT_HEAD:
            self.head.append(text[: OUTPUT_HEAD - kept])
        self.size += len(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def text(self) -> str:
        return "".join(self.head)


class _Worker:
    def __init__(self, read_fd: int, write_fd: int):
        import signal

        self.read_fd, self.write_fd = read_fd, write_fd
        self.in_user_code = False
        self.shell = None
        signal.signal(signal.SIGINT, self._on_interrupt)

    def _on_interrupt(self, signum, frame):
        # The grader interrupts a cell or a call that ran past its timeout. Outside student code
        # (between requests) an interrupt is a late one and is ignored.
        if self.in_user_code:
            raise KeyboardInterrupt

    def reply(self, message: dict) -> None:
        write_frame(self.write_fd, json.dumps(message).encode("utf-8"))

    def _ensure_shell(self):
        if self.shell is None:
            from IPython.core.interactiveshell import InteractiveShell

            self.shell = InteractiveShell.instance()
            self.shell.user_ns["__name__"] = "__main__"
        return self.shell

    def run_cell(self, request: dict) -> dict:
        shell = self._ensure_shell()
        capture = CappedWriter()
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = capture
        error = None
        try:
            self.in_user_code = True
            result = shell.run_cell(request["source"], store_history=False, silent=False)
            error = result.error_before_exec or result.error_in_exec
        except BaseException as caught:  # SystemExit and friends that escape IPython
            error = caught
        finally:
            self.in_user_code = False
            sys.stdout, sys.stderr = saved
        reply = {"op": "cell_done", "output_size": capture.size, "output_head": capture.text()}
        if error is not None:
            reply.update(ename=type(error).__name__, evalue=_short(error))
        return reply

    def describe(self, request: dict) -> dict:
        namespace = self._ensure_shell().user_ns
        found = {}
        for name in request["names"]:
            if name in namespace:
                value = namespace[name]
                found[name] = {"callable": callable(value), "type": type(value).__name__}
        return {"op": "described", "found": found}

    def call(self, request: dict) -> dict:
        import numpy as np

        function = self._ensure_shell().user_ns.get(request["name"])
        args, kwargs = request["args"], request["kwargs"]
        before = {i: a.copy() for i, a in enumerate(args) if isinstance(a, np.ndarray)}
        generators = [i for i, a in enumerate(args) if isinstance(a, np.random.Generator)]
        capture = CappedWriter()
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = capture
        try:
            self.in_user_code = True
            value = function(*args, **kwargs)
        except BaseException as error:
            return {"op": "raised", "ename": type(error).__name__, "evalue": _short(error)}
        finally:
            self.in_user_code = False
            sys.stdout, sys.stderr = saved
        try:
            encoded = encode(value)
        except Exception as error:
            encoded = {"__unsupported__": f"a value the grader could not read ({type(error).__name__})"}
        mutated = {}
        for i, original in before.items():
            current = args[i]
            if current.shape != original.shape or not np.array_equal(current, original, equal_nan=original.dtype.kind in "fc"):
                mutated[str(i)] = encode(current)
        # The caller's generators advance as if the function had run in the caller's process.
        states = {str(i): encode(args[i].bit_generator.state) for i in generators}
        return {"op": "returned", "value": encoded, "mutated": mutated, "generators": states}

    def serve(self) -> None:
        import pickle

        while True:
            try:
                request = pickle.loads(read_frame(self.read_fd))
            except KeyboardInterrupt:
                continue
            except EOFError:
                return
            op = request.get("op")
            if op == "exit":
                return
            try:
                if op == "run_cell":
                    reply = self.run_cell(request)
                elif op == "describe":
                    reply = self.describe(request)
                elif op == "call":
                    reply = self.call(request)
                else:
                    reply = {"op": "error", "message": f"unknown request {op!r}"}
            except KeyboardInterrupt:
                reply = {"op": "raised", "ename": "KeyboardInterrupt", "evalue": ""}
            except Exception as error:  # a value the codec cannot handle, and the like
                reply = {"op": "error", "message": f"{type(error).__name__}: {_short(error)}"}
            reply["id"] = request.get("id")
            try:
                self.reply(reply)
            except KeyboardInterrupt:
                self.reply(reply)


def _short(error: BaseException, limit: int = 300) -> str:
    try:
        text = str(error)
    except Exception:
        text = "(unprintable)"
    return text if len(text) <= limit else text[:limit] + "..."


def _limit_memory(limit_bytes: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: the grader's watchdog is the only limit
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    except (ValueError, OSError):
        pass


MAX_NEW_PROCESSES = 32  # processes a submission may start (RLIMIT_NPROC; the grader's watchdog counts too)


def _limit_processes(extra: int = MAX_NEW_PROCESSES) -> None:
    """RLIMIT_NPROC: the user's processes now plus ``extra`` (Linux; root is exempt, there the pids cgroup
    and the grader's watchdog are the limits)."""
    try:
        import resource
    except ImportError:
        return
    if not os.path.isdir("/proc") or os.getuid() == 0:
        return
    uid, count = os.getuid(), 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += 1
            except OSError:
                continue
    try:
        resource.setrlimit(resource.RLIMIT_NPROC, (count + extra, count + extra))
    except (ValueError, OSError):
        pass


def main() -> None:
    """Entry point of ``python -m causal_course.grading.worker`` (started by the grader, not by hand)."""
    fds = os.environ.get(FDS_VARIABLE)
    if not fds:
        sys.exit("causal_course.grading.worker is started by `causal-course grade`, not by hand.")
    read_fd, write_fd = (int(x) for x in fds.split(","))
    memory = int(os.environ.get(MEMORY_VARIABLE, "0"))
    if memory > 0:
        _limit_memory(memory)
    _limit_processes()
    worker = _Worker(read_fd, write_fd)
    worker.reply({"op": "ready", "pid": os.getpid()})
    worker.serve()


if __name__ == "__main__":
    main()
