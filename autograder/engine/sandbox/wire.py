"""The wire protocol between the trusted parent and the sandboxed child.

A *message* is a JSON header frame followed by ``header["n_arrays"]`` array frames. Each
frame is an 8-byte big-endian length and that many bytes. Arrays travel in NumPy's ``.npy``
format and are read back with ``allow_pickle=False``, so only plain numeric arrays can cross:
never objects, never code.

Values (arguments, returned structures) are encoded as JSON with arrays replaced by
``{"$a": index}``; tuples/lists become ``{"$seq": [...]}`` and string-keyed dicts
``{"$map": {...}}``. Floats that JSON cannot carry (NaN, inf) travel as 0-d arrays.
"""
from __future__ import annotations

import io
import json
import math
import os
import socket
import struct

import numpy as np

MAX_FRAME = 256 * 1024 * 1024  # bytes; a larger frame is a corrupted or hostile stream
MAX_DEPTH = 20  # nesting of tuples/dicts in a value

_LEN = struct.Struct(">Q")


class ProtocolError(Exception):
    """The peer sent something that is not a well-formed message."""


class PeerClosed(ProtocolError):
    """The peer closed the channel (usually: the process ended)."""


# --- values ---------------------------------------------------------------------------

def encode_value(value, arrays: list, depth: int = 0):
    """Encode ``value`` as JSON-able data, appending arrays to ``arrays``."""
    if depth > MAX_DEPTH:
        raise ValueError("value is nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        arrays.append(np.asarray(value))
        return {"$a": len(arrays) - 1}
    if isinstance(value, np.ndarray):
        arrays.append(value)
        return {"$a": len(arrays) - 1}
    if isinstance(value, np.generic):
        arrays.append(np.asarray(value))
        return {"$a": len(arrays) - 1}
    if isinstance(value, (tuple, list)):
        return {"$seq": [encode_value(v, arrays, depth + 1) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError("only dicts with string keys can be sent")
        return {"$map": {k: encode_value(v, arrays, depth + 1) for k, v in value.items()}}
    raise ValueError(f"cannot send a value of type {type(value).__name__}")


def decode_value(data, arrays: list, depth: int = 0):
    """Inverse of :func:`encode_value`; sequences come back as tuples."""
    if depth > MAX_DEPTH:
        raise ProtocolError("value is nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, dict) and len(data) == 1:
        (key, inner), = data.items()
        if key == "$a" and isinstance(inner, int) and 0 <= inner < len(arrays):
            return arrays[inner]
        if key == "$seq" and isinstance(inner, list):
            return tuple(decode_value(v, arrays, depth + 1) for v in inner)
        if key == "$map" and isinstance(inner, dict):
            return {str(k): decode_value(v, arrays, depth + 1) for k, v in inner.items()}
    raise ProtocolError("malformed value")


# --- frames and messages --------------------------------------------------------------

def _array_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def _load_array(data: bytes) -> np.ndarray:
    try:
        return np.load(io.BytesIO(data), allow_pickle=False)
    except Exception as exc:  # malformed .npy, object dtype, truncated data
        raise ProtocolError(f"bad array frame: {exc}") from None


def send_message(fd: int, header: dict, arrays: list | tuple = ()) -> None:
    """Write one message (header + arrays) to file descriptor ``fd``."""
    header = dict(header, n_arrays=len(arrays))
    frames = [json.dumps(header).encode()] + [_array_bytes(a) for a in arrays]
    payload = b"".join(_LEN.pack(len(f)) + f for f in frames)
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(reader, n: int) -> bytes:
    chunks, remaining = [], n
    while remaining:
        chunk = reader(min(remaining, 1 << 20))
        if not chunk:
            raise PeerClosed("channel closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class TooLarge(ProtocolError):
    """A frame header announced more bytes than the reader allows; nothing of it was read."""


def _read_frame(reader, limit: int = MAX_FRAME) -> bytes:
    (length,) = _LEN.unpack(_read_exact(reader, _LEN.size))
    if length > min(limit, MAX_FRAME):
        # Checked before a single byte of the frame is read: the caller kills the peer.
        raise TooLarge(f"a frame of {length} bytes (at most {min(limit, MAX_FRAME)} expected)")
    return _read_exact(reader, length)


def read_message(reader, max_header: int = MAX_FRAME, max_arrays_bytes: int = MAX_FRAME,
                 max_arrays: int = 10_000) -> tuple[dict, list[np.ndarray]]:
    """Read one message with ``reader(n) -> bytes`` (``b''`` at end of stream).

    The header frame may hold at most ``max_header`` bytes and the array frames at most
    ``max_arrays_bytes`` together; each frame's length is checked before it is read, so a
    hostile peer can never make the reader buffer more than these bounds.
    """
    try:
        header = json.loads(_read_frame(reader, max_header))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ProtocolError("bad header frame") from None
    if not isinstance(header, dict) or type(header.get("n_arrays")) is not int:
        raise ProtocolError("bad header")
    if not 0 <= header["n_arrays"] <= max_arrays:
        raise ProtocolError("too many arrays")
    arrays, budget = [], max_arrays_bytes
    for _ in range(header["n_arrays"]):
        frame = _read_frame(reader, budget)
        budget -= len(frame)
        arrays.append(_load_array(frame))
    return header, arrays


def fd_reader(fd: int):
    """A reader for :func:`read_message` on a raw file descriptor (used in the child)."""
    return lambda n: os.read(fd, n)


def socket_reader(sock: socket.socket):
    """A reader on a socket that honours the socket's timeout (used in the parent)."""
    return sock.recv
