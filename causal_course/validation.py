"""Argument checks shared by the package: clear errors that name the problem and the fix.

Every check raises a ``ValueError`` (a wrong value) or a ``TypeError`` (a wrong kind of thing)
whose message follows **one template** (:func:`error_message`)::

    {name} must be {expected}, got {got}; {fix}.

so a message always says what was wrong, what was expected and how to fix it. Each check
returns the cleaned value (an ``int``, a ``float``, a numpy array, ...), so a function starts
with lines such as ``n_episodes = check_n_samples(n_episodes, "n_episodes")``. Checks run once,
at the entry of a public function, never inside its loops; the ones on arrays are vectorised.

>>> check_seed(3)
3
>>> check_probability(1.5, "share")
Traceback (most recent call last):
...
ValueError: share must be between 0 and 1 (a probability), got 1.5; pass a fraction such as share=0.25.
>>> check_acyclic([[0, 1], [1, 0]])
Traceback (most recent call last):
...
ValueError: weights must be acyclic (a DAG: no directed path returns to where it started), got the cycle X0 -> X1 -> X0; remove one edge of the cycle (set its weight to 0).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np

PROBABILITY_TOLERANCE = 1e-9  # probabilities may stray this far outside [0, 1] by rounding
SUM_TOLERANCE = 1e-6  # a distribution's sum may stray this far from 1 by rounding


# ---------------------------------------------------------------------------------- the template
def error_message(name: str, expected: str, got, fix: str) -> str:
    """The one template of every error message: what was wrong, what was expected, the fix.

    >>> error_message("n_seeds", "a positive integer", 0, "pass n_seeds=5")
    'n_seeds must be a positive integer, got 0; pass n_seeds=5.'
    """
    return f"{name} must be {expected}, got {got}; {str(fix).rstrip('.')}."


def invalid(name: str, expected: str, got, fix: str, error: type = ValueError) -> Exception:
    """The exception (``ValueError`` unless ``error`` says otherwise) for :func:`error_message`; ``raise`` it."""
    return error(error_message(name, expected, got, fix))


def describe(value, limit: int = 60) -> str:
    """A short ``repr`` of ``value`` with its type, for messages: ``'3' (str)``."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{text} ({type(value).__name__})"


def short_repr(value, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters, for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def example(name: str, value) -> str:
    """``name=value`` for a parameter name, or just ``value`` for a description such as "each share"."""
    return f"{name}={value}" if name.isidentifier() else str(value)


def is_integer(value) -> bool:
    """True for an integer that is not a bool (``True`` is no count)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


# ---------------------------------------------------------------------------------- numbers
def check_integer(value, name: str, minimum: int | None = None, maximum: int | None = None,
                  expected: str | None = None, fix: str | None = None) -> int:
    """``value`` as an ``int`` from ``minimum`` to ``maximum`` (either may be None), or a clear error."""
    if expected is None:
        if minimum is not None and maximum is not None:
            expected = f"an integer from {minimum} to {maximum}"
        elif minimum in (0, 1):
            expected = "a non-negative integer" if minimum == 0 else "a positive integer"
        elif minimum is not None:
            expected = f"an integer of at least {minimum}"
        elif maximum is not None:
            expected = f"an integer of at most {maximum}"
        else:
            expected = "an integer"
    if fix is None:
        start = minimum if minimum is not None else (maximum if maximum is not None else 0)
        fix = f"pass a whole number such as {example(name, start)}"
    if not is_integer(value):
        raise invalid(name, expected, describe(value), fix, TypeError)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise invalid(name, expected, value, fix)
    return int(value)


def _check_count(value, name: str, minimum: int, expected: str, below: str, typical: int) -> int:
    """The one body of the three count checks below: an integer of at least ``minimum``."""
    if not is_integer(value):
        raise invalid(name, expected, describe(value), f"pass a whole number such as {example(name, typical)}",
                      TypeError)
    if value < minimum:
        raise invalid(name, expected, value, f"{below} such as {example(name, typical)}")
    return int(value)


def check_n_samples(n_samples, name: str = "n_samples", typical: int = 1000) -> int:
    """Return ``n_samples`` as an ``int`` (a count, 0 allowed) or raise a clear error."""
    return _check_count(n_samples, name, 0, "a non-negative integer", "pass a count", typical)


def check_positive_count(value, name: str, typical: int = 5) -> int:
    """``value`` as an ``int`` of at least 1, or a clear error."""
    return _check_count(value, name, 1, "a positive integer", "pass at least 1,", typical)


def check_seed(seed, name: str = "seed") -> int:
    """``seed`` as a non-negative ``int`` (what ``np.random.default_rng`` takes), or a clear error."""
    return _check_count(seed, name, 0, "a non-negative integer (a random seed)", "pass a seed", 0)


def check_bool(value, name: str) -> bool:
    """``value`` as a ``bool`` (``True``/``False`` only, not ``"no"`` or 0), or a TypeError."""
    if not isinstance(value, (bool, np.bool_)):
        raise invalid(name, "True or False", describe(value), f"pass {name}=True or {name}=False", TypeError)
    return bool(value)


def check_finite_number(value, what: str) -> float:
    """Return ``value`` as a finite ``float`` or raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise invalid(what, "a real number", describe(value), "pass a number such as 1.0", TypeError)
    value = float(value)
    if not np.isfinite(value):
        raise invalid(what, "a finite number", value, "replace NaN or inf by a real value")
    return value


def check_number(value, name: str, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False, expected: str | None = None,
                 fix: str | None = None) -> float:
    """``value`` as a finite ``float`` within ``[low, high]`` (``(`` with ``low_open``), or a clear error."""
    value = check_finite_number(value, name)
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        if expected is None:
            left = "" if low is None else f"{'>' if low_open else '>='} {low:g}"
            right = "" if high is None else f"{'<' if high_open else '<='} {high:g}"
            expected = "a number " + " and ".join(part for part in (left, right) if part)
        raise invalid(name, expected, value, fix or f"pass a number in that range to {name}")
    return value


def check_positive_number(value, name: str, typical: float = 1.0) -> float:
    """``value`` as a finite ``float`` > 0, or a clear error."""
    return check_number(value, name, low=0.0, low_open=True, expected="a positive finite number",
                        fix=f"pass a number above 0 such as {example(name, f'{typical:g}')}")


def check_non_negative_number(value, name: str, typical: float = 0.0) -> float:
    """``value`` as a finite ``float`` >= 0, or a clear error."""
    return check_number(value, name, low=0.0, expected="a non-negative finite number",
                        fix=f"pass a number of at least 0 such as {example(name, f'{typical:g}')}")


def check_probability(value, name: str, fix: str | None = None) -> float:
    """``value`` as a ``float`` between 0 and 1, or a clear error."""
    return check_number(value, name, 0.0, 1.0, expected="between 0 and 1 (a probability)",
                        fix=fix or f"pass a fraction such as {example(name, 0.25)}")


# ---------------------------------------------------------------------------------- arrays
def check_finite_array(array, what: str) -> np.ndarray:
    """Return ``array`` as a float array, raising if it holds NaN or inf."""
    array = as_float_array(array, what)
    if not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))
        first = tuple(int(i) for i in bad[0])
        fix = "replace them by finite numbers" + (" (0 means 'no edge')" if "weight" in what else "")
        raise invalid(what, "finite numbers", f"{len(bad)} NaN or inf entries, the first at index {first}", fix)
    return array


def as_float_array(array, what: str) -> np.ndarray:
    """``array`` as a float numpy array (NaN allowed), or a TypeError."""
    try:
        return np.asarray(array, dtype=float)
    except (TypeError, ValueError) as error:
        raise invalid(what, "numeric (an array of numbers)", f"something numpy cannot convert ({error})",
                      "pass numbers, one per entry, with equal-length rows", TypeError) from None


def shape_text(shape) -> str:
    """``(n, 5)`` for a shape spec whose free dimensions are None or names."""
    parts = ["n" if d is None else str(d) for d in shape]  # a name stands for itself: (n_episodes, n_steps)
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def check_shape(array: np.ndarray, name: str, shape, fix: str | None = None, described: str | None = None) -> np.ndarray:
    """``array`` if its shape matches ``shape`` (a tuple; ``None`` or a string matches any length), else raise.

    A string dimension must have the same length wherever it appears, so ``("n", "n")`` asks
    for a square matrix.
    """
    seen = {}
    ok = np.ndim(array) == len(shape)
    if ok:
        for size, want in zip(np.shape(array), shape):
            if isinstance(want, str):
                if seen.setdefault(want, size) != size:
                    ok = False
            elif want is not None and size != want:
                ok = False
    if not ok:
        raise invalid(name, f"an array of shape {described or shape_text(shape)}", f"shape {np.shape(array)}",
                      fix or "check which array you passed and its dimensions")
    return array


def check_square(array, name: str, fix: str | None = None, batch: bool = False, size: int | None = None) -> np.ndarray:
    """``array`` as a float square matrix ``(n, n)`` (``(..., n, n)`` with ``batch``), finite, or a clear error."""
    array = as_float_array(array, name)
    n = size if size is not None else "n"
    square = (array.ndim == 2 or (batch and array.ndim >= 2)) and array.shape[-1] == array.shape[-2]
    if not square or (size is not None and array.shape[-1] != size):
        described = f"{'(..., ' if batch else '('}{n}, {n})"
        raise invalid(name, f"a square {described} matrix with {name}[i, j] for the edge i -> j",
                      f"shape {array.shape}", fix or "pass one row and one column per variable")
    return check_finite_array(array, name)


def check_probabilities(array, name: str, distribution: bool = False) -> np.ndarray:
    """``array`` as floats in [0, 1]; with ``distribution``, each row along the last axis also sums to 1."""
    array = check_finite_array(array, name)
    outside = (array < -PROBABILITY_TOLERANCE) | (array > 1 + PROBABILITY_TOLERANCE)
    if outside.any():
        first = tuple(int(i) for i in np.argwhere(outside)[0])
        where = f" at index {first}" if first else ""
        raise invalid(name, "values between 0 and 1 (probabilities)", f"{array[first]:g}{where}",
                      "pass probabilities, not percentages or scores (normalise_log turns log scores into them)")
    if distribution:
        if array.ndim == 0 or array.shape[-1] == 0:
            raise invalid(name, "a probability distribution along its last axis", f"shape {array.shape}",
                          "pass at least one probability per row")
        sums = np.atleast_1d(array.sum(axis=-1))
        off = np.abs(sums - 1.0) > SUM_TOLERANCE
        if off.any():
            row = tuple(int(i) for i in np.argwhere(off)[0])
            where = f" in row {row if len(row) > 1 else row[0]}" if array.ndim > 1 else ""
            raise invalid(name, "a probability distribution (summing to 1 along its last axis)",
                          f"a sum of {sums[row]:g}{where}",
                          f"divide by the sum first: {name} / {name}.sum(axis=-1, keepdims=True)")
    return array


def check_index_array(values, name: str, size: int, shape=None, what: str = "an index", fix: str | None = None) -> np.ndarray:
    """``values`` as an integer array with every entry from 0 to ``size - 1`` (and ``shape`` if given)."""
    array = np.asarray(values)
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer) or array.size == 0):
        raise invalid(name, f"integers ({what} from 0 to {size - 1})", f"dtype {array.dtype}",
                      fix or "pass whole numbers, e.g. with np.asarray(values, dtype=int)", TypeError)
    if shape is not None:
        check_shape(array, name, shape, fix)
    outside = (array < 0) | (array >= size)
    if outside.any():
        first = tuple(int(i) for i in np.argwhere(outside)[0])
        raise invalid(name, f"{what} from 0 to {size - 1} in every entry", f"{array[first]} at index {first}",
                      fix or "pass only valid indices")
    return array.astype(np.int64, copy=False)


# ---------------------------------------------------------------------------------- choices and kinds
def check_choice(value, choices, name: str, fix: str | None = None):
    """``value`` if it is one of ``choices``, else a ValueError listing them."""
    choices = tuple(choices)
    try:
        known = bool(value in choices)
    except (TypeError, ValueError):  # an array compared with strings
        known = False
    if not known:
        raise invalid(name, f"one of {choices}", short_repr(value), fix or f"for example {example(name, repr(choices[0]))}")
    return value


def check_callable(value, name: str, fix: str) -> object:
    """``value`` if it can be called, else a TypeError."""
    if not callable(value):
        raise invalid(name, "callable (a function)", describe(value), fix, TypeError)
    return value


def check_instance(value, kinds, name: str, expected: str, fix: str):
    """``value`` if it is an instance of ``kinds``, else a TypeError."""
    if not isinstance(value, kinds):
        raise invalid(name, expected, describe(value), fix, TypeError)
    return value


def check_rng(rng) -> np.random.Generator:
    """Return ``rng`` if it is a ``numpy.random.Generator``, else raise."""
    if not isinstance(rng, np.random.Generator):
        raise invalid("rng", "a numpy.random.Generator", type(rng).__name__,
                      "make one from a seed with rng = np.random.default_rng(0)", TypeError)
    return rng


# ---------------------------------------------------------------------------------- graphs
def find_cycle(adjacency) -> list[int] | None:
    """One directed cycle of the graph ``adjacency[i, j]`` (edge ``i -> j``) as ``[a, b, ..., a]``, or None."""
    adjacency = np.asarray(adjacency) != 0
    n = adjacency.shape[0]
    state = [0] * n  # 0 unseen, 1 on the current path, 2 done
    for start in range(n):
        if state[start]:
            continue
        path, children = [start], [iter(np.flatnonzero(adjacency[start]).tolist())]
        state[start] = 1
        while path:
            child = next(children[-1], None)
            if child is None:
                state[path.pop()] = 2
                children.pop()
            elif state[child] == 1:
                return path[path.index(child):] + [child]
            elif state[child] == 0:
                state[child] = 1
                path.append(child)
                children.append(iter(np.flatnonzero(adjacency[child]).tolist()))
    return None


def has_cycle(weights) -> np.ndarray:
    """For a batch of weight or adjacency matrices ``(..., n, n)``: True where the graph has a directed cycle.

    Vectorised: a graph on n variables is acyclic exactly when its adjacency matrix is
    nilpotent, i.e. no walk of n or more edges exists; squaring the 0/1 matrix k times with
    2**k >= n tests that in k matrix products.
    """
    reach = (np.asarray(weights) != 0).astype(np.float64)
    n = reach.shape[-1]
    length = 1
    while length < n:
        reach = np.minimum(reach @ reach, 1.0)
        length *= 2
    return reach.any(axis=(-2, -1))


def check_acyclic(weights, name: str = "weights", names=None) -> np.ndarray:
    """``weights`` (one matrix ``(n, n)`` or a batch ``(..., n, n)``) if every graph is a DAG, else say which cycle.

    ``names`` label the variables in the message (default ``X0, X1, ...``).
    """
    array = np.asarray(weights)
    cyclic = has_cycle(array)
    if np.any(cyclic):
        where = tuple(int(i) for i in np.argwhere(np.atleast_1d(cyclic))[0]) if np.ndim(cyclic) else ()
        matrix = array[where] if where else array
        labels = list(names) if names is not None else [f"X{i}" for i in range(matrix.shape[-1])]
        cycle = " -> ".join(str(labels[i]) for i in find_cycle(matrix))
        label = name + ("[" + ", ".join(map(str, where)) + "]" if where else "")
        count = f" ({int(np.sum(cyclic))} of {np.size(cyclic)} graphs have a cycle)" if np.ndim(cyclic) else ""
        raise invalid(label, "acyclic (a DAG: no directed path returns to where it started)",
                      f"the cycle {cycle}{count}", "remove one edge of the cycle (set its weight to 0)")
    return weights


# ---------------------------------------------------------------------------------- variables of a model
def _index_like(label, n: int):
    """The index in range(n) that ``label`` equals (1, 1.0, np.int64(1), True), or None."""
    if isinstance(label, (numbers.Real, np.bool_)) and not isinstance(label, str):
        value = float(label)
        if np.isfinite(value) and value.is_integer() and 0 <= value < n:
            return int(value)
    return None


def check_variable_names(names, name: str = "names") -> list:
    """``names`` as a list of unique, hashable variable names that cannot be mistaken for indices.

    Variables are asked for by name or by index (their position), so a number is a name only
    where it equals its own position (``[0, 1, 2]`` is fine); ``[1, 0, 2]`` is refused, because
    ``do={0: 5}`` could then mean the variable named 0 or the variable at position 0.
    """
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        raise invalid(name, "a list of variable names", describe(names), "pass a list such as ['Z', 'T', 'Y']",
                      TypeError)
    names = list(names)
    for position, label in enumerate(names):
        try:
            hash(label)
        except TypeError:
            raise invalid(name, "hashable labels such as strings", f"{describe(label)} at position {position}",
                          "use strings such as 'X0'", TypeError) from None
    seen = {}
    for position, label in enumerate(names):
        if label in seen:
            raise invalid(name, "unique (one name per variable)",
                          f"{label!r} at positions {seen[label]} and {position} in {short_repr(names, 80)}",
                          "rename one of the two variables")
        seen[label] = position
    for position, label in enumerate(names):
        index = _index_like(label, len(names))
        if index is not None and index != position:
            raise invalid(name, "strings, or integers equal to their own positions (a variable is asked for by "
                          "name or by index)", f"{label!r} at position {position}",
                          f"rename it (e.g. 'X{index}'), so that {label!r} cannot be mistaken for the index of the "
                          f"variable at position {index}")
    return names


def variable_index(variable, names, lookup: Mapping | None = None, name: str = "variable") -> int:
    """The position of ``variable`` (a name in ``names`` or an index from 0) among ``names``."""
    lookup = lookup if lookup is not None else {label: i for i, label in enumerate(names)}
    n = len(names)
    expected = f"one of this model's variables: a name in {short_repr(list(names), 80)} or an index from 0 to {n - 1}"
    try:
        if variable in lookup and not isinstance(variable, (bool, np.bool_)):
            return lookup[variable]
    except TypeError:
        raise invalid(name, expected, describe(variable), "pass a name (such as a string) or an integer index",
                      TypeError) from None
    if is_integer(variable) and 0 <= variable < n:
        return int(variable)
    raise invalid(name, expected, f"unknown variable {variable!r}", "check the spelling, or look at model.names")


def check_do(do, names, lookup: Mapping | None = None, name: str = "do") -> dict:
    """``do`` (a dict ``{variable: value}``, each variable a name or an index) as ``{index: value}``.

    Two keys for the same variable (``{0: 1, "X0": 2}``) are refused: which value was meant?
    The values are returned as they are (the caller checks them).
    """
    if do is None:
        return {}
    if not isinstance(do, Mapping):
        raise invalid(name, "a dict {variable: value}", describe(do), "for instance do={'T': 1.0} or do={1: 1.0}",
                      TypeError)
    lookup = lookup if lookup is not None else {label: i for i, label in enumerate(names)}
    checked, keys = {}, {}
    for variable, value in do.items():
        i = variable_index(variable, names, lookup, name=f"the key {variable!r} of {name}")
        if i in checked:
            raise invalid(name, "a dict that names each variable once (by name or by index, not both)",
                          f"the keys {keys[i]!r} and {variable!r} for the same variable {names[i]!r}",
                          "keep one key per variable")
        checked[i], keys[i] = value, variable
    return checked
