"""The parent's checks of what a sandboxed child sends back: sizes, schema, strings.

The child is assumed hostile: student code can reach the child's socket and the current
request id and write any bytes it likes. So every reply is checked here, in the parent,
against what an honest child sends for *this* request, and rebuilt from the checked parts:

- sizes are bounded before anything is read (``reply_bounds``; ``wire.read_message``
  refuses a frame whose announced length is over the bound without reading it);
- the header has exactly the expected fields with the expected types; a load report has one
  entry per cell sent and one flag per graded function; a run reply at most one result per
  case sent;
- a returned value must have the structure of the reference's result (its template):
  ``None`` where the reference returned ``None``, a numeric array where it returned an
  array, tuples and dicts of the same length and keys;
- every string (output, messages, tracebacks, warnings) is cut to a fixed length.

Anything else raises :class:`Malformed`; the caller kills the child and fails the check
with :data:`MALFORMED`.
"""
from __future__ import annotations

import math

import numpy as np

from autograder.engine.i18n import N_

MALFORMED = N_("the submission's process sent a malformed reply")  # translated where used

MAX_TEXT = 4000          # characters of captured output kept per request
MAX_MESSAGE = 1600       # characters of an error message
MAX_TRACEBACK = 3000     # characters of a traceback
MAX_SHORT = 300          # a warning, a blocked action, a function name
MAX_LIST = 20            # entries of a list of short strings
HEADER_BASE = 256 * 1024  # bytes of a header frame besides the per-cell/per-case allowance
HEADER_PER_ITEM = 32 * 1024
ARRAY_MARGIN = 64 * 1024  # bytes of .npy headers and small arrays per case
ERROR_KINDS = frozenset({"forbidden", "not_implemented", "missing", "bad_return", "exception"})


class Malformed(Exception):
    """The child's reply is not what an honest child sends for this request."""


def clip(text, limit: int) -> str:
    if type(text) is not str:
        raise Malformed("a string was expected")
    return text if len(text) <= limit else text[:limit] + " ... [cut]"


def reply_bounds(n_items: int, expected_bytes: int = 0) -> dict:
    """``read_message`` keyword bounds for a reply about ``n_items`` cells or cases whose
    reference values hold ``expected_bytes`` bytes of arrays. A returned array may be up to
    twice the reference's size (float64 where float32 was expected) plus a margin; an
    honest child reports a larger one as an error instead of sending it."""
    return {"max_header": HEADER_BASE + HEADER_PER_ITEM * n_items,
            "max_arrays_bytes": 2 * expected_bytes + ARRAY_MARGIN * max(n_items, 1),
            "max_arrays": 64 * max(n_items, 1) + 64}


def case_limit(expected_bytes: int) -> int:
    """The most bytes of numbers one case may return, for a reference value of ``expected_bytes``."""
    return 2 * expected_bytes + ARRAY_MARGIN // 2


def too_large(size: int) -> str:
    """Why a returned value of ``size`` bytes is refused (raised as a ReturnValueError)."""
    return (f"returned {size} bytes of numbers, far more than expected "
            "(check the shape of what you return)")


def value_bytes(value) -> int:
    """Bytes of the arrays in a (reference) value."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, (tuple, list)):
        return sum(value_bytes(v) for v in value)
    if isinstance(value, dict):
        return sum(value_bytes(v) for v in value.values())
    return 0


def _fields(data, required: dict, optional: dict = None) -> dict:
    """``data`` as a dict whose keys are among ``required`` + ``optional``, with those types."""
    optional = optional or {}
    if type(data) is not dict:
        raise Malformed("a dict was expected")
    for key, value in data.items():
        kinds = required.get(key, optional.get(key))
        if kinds is None:
            raise Malformed(f"unexpected field {key!r}"[:80])
        if type(value) not in kinds:
            raise Malformed(f"field {key!r} has the wrong type")
    if any(key not in data for key in required):
        raise Malformed("a field is missing")
    return data


def check_error(error) -> dict:
    _fields(error, {"kind": (str,), "message": (str,)},
            {"traceback": (str,), "where": (str, type(None))})
    if error["kind"] not in ERROR_KINDS:
        raise Malformed("unknown error kind")
    clean = {"kind": error["kind"], "message": clip(error["message"], MAX_MESSAGE)}
    if "traceback" in error:
        clean["traceback"] = clip(error["traceback"], MAX_TRACEBACK)
    if error.get("where") is not None:
        clean["where"] = clip(error["where"], MAX_SHORT)
    return clean


def _short_list(items) -> list[str]:
    if type(items) is not list or len(items) > MAX_LIST:
        raise Malformed("a short list of strings was expected")
    return [clip(item, MAX_SHORT) for item in items]


def check_load_report(reply: dict, cells: list[dict], functions: list[str]) -> dict:
    """The load report, rebuilt from checked parts (labels are the parent's own)."""
    _fields(reply, {"cells": (list,), "defined": (dict,), "seccomp": (bool,),
                    "landlock": (bool,), "id": (int,), "n_arrays": (int,)})
    if len(reply["cells"]) != len(cells) or set(reply["defined"]) != set(functions):
        raise Malformed("the load report does not match the cells and functions sent")
    report_cells = []
    for sent, cell in zip(cells, reply["cells"]):
        _fields(cell, {"label": (str,), "error": (dict, type(None)), "output": (str,)})
        report_cells.append({"label": sent["label"],
                             "error": None if cell["error"] is None else check_error(cell["error"]),
                             "output": clip(cell["output"], MAX_TEXT)})
    defined = {}
    for name in functions:
        if type(reply["defined"][name]) is not bool:
            raise Malformed("a flag of the load report is not a boolean")
        defined[name] = reply["defined"][name]
    return {"cells": report_cells, "defined": defined,
            "seccomp": reply["seccomp"], "landlock": reply["landlock"]}


def check_value(value, template):
    """``value`` (decoded) if it has the structure of ``template``, else ``Malformed``."""
    if template == "none":
        if value is not None:
            raise Malformed("a value where the reference has none")
        return None
    if template == "array":
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "biufc" or value.dtype.hasobject:
            raise Malformed("a non-numeric array")
        return value
    if type(template) is dict and "seq" in template:
        if type(value) is not tuple or len(value) != len(template["seq"]):
            raise Malformed("a sequence of the wrong length")
        return tuple(check_value(v, t) for v, t in zip(value, template["seq"]))
    if type(template) is dict and "map" in template:
        if type(value) is not dict or set(value) != set(template["map"]):
            raise Malformed("a dict with the wrong keys")
        return {k: check_value(value[k], t) for k, t in template["map"].items()}
    raise Malformed("unknown template")


def check_run_reply(reply: dict, arrays: list, templates: list, decode) -> dict:
    """``{"results": [...], "output": str}`` rebuilt from checked parts; ``decode`` is
    ``wire.decode_value`` (passed in to keep this module free of the wire format)."""
    _fields(reply, {"results": (list,), "output": (str,), "id": (int,), "n_arrays": (int,)})
    if not 0 < len(reply["results"]) <= len(templates):
        raise Malformed("a wrong number of results")
    results = []
    for result, template in zip(reply["results"], templates):
        _fields(result, {"ok": (bool,), "warnings": (list,), "forbidden": (list,),
                         "seconds": (float, int), "blocked": (list,)},
                {"value": (dict, list, str, int, float, bool, type(None)), "error": (dict,)})
        clean = {"ok": result["ok"], "warnings": _short_list(result["warnings"]),
                 "forbidden": _short_list(result["forbidden"]),
                 "blocked": _short_list(result["blocked"]),
                 "seconds": float(result["seconds"]) if math.isfinite(result["seconds"]) else 0.0}
        if result["ok"]:
            if "value" not in result or "error" in result:
                raise Malformed("a passing result without exactly a value")
            try:
                clean["value"] = check_value(decode(result["value"], arrays), template)
            except Malformed:
                raise
            except Exception:  # wire.ProtocolError, or a hostile structure
                raise Malformed("an undecodable value") from None
        else:
            if "error" not in result or "value" in result:
                raise Malformed("a failing result without exactly an error")
            clean["error"] = check_error(result["error"])
        results.append(clean)
        if not clean["ok"]:
            break
    if len(results) < len(reply["results"]):
        raise Malformed("results after a failing case")
    return {"results": results, "output": clip(reply["output"], MAX_TEXT)}
