"""The wire protocol carries plain data only and rejects malformed or hostile streams."""
from __future__ import annotations

import io
import json
import os
import struct

import numpy as np
import pytest

from autograder.engine.sandbox import wire


def roundtrip(header, arrays=()):
    r, w = os.pipe()
    try:
        wire.send_message(w, header, arrays)
        os.close(w)
        return wire.read_message(wire.fd_reader(r))
    finally:
        os.close(r)


def test_values_roundtrip_with_arrays_tuples_dicts_and_nonfinite_floats():
    value = (np.arange(6.0).reshape(2, 3), {"b": np.int64(3), "c": None}, "same", 2, float("nan"),
             np.array(5.0))
    arrays: list = []
    encoded = wire.encode_value(value, arrays)
    header, out = roundtrip({"v": encoded}, arrays)
    decoded = wire.decode_value(header["v"], out)
    np.testing.assert_array_equal(decoded[0], value[0])
    assert decoded[1]["b"] == 3 and decoded[1]["c"] is None and decoded[2:4] == ("same", 2)
    assert np.isnan(decoded[4]) and decoded[5].shape == ()


def test_objects_and_deep_nesting_cannot_be_encoded():
    with pytest.raises(ValueError):
        wire.encode_value(object(), [])
    deep = ()
    for _ in range(50):
        deep = (deep,)
    with pytest.raises(ValueError):
        wire.encode_value(deep, [])


def _reader(data: bytes):
    stream = io.BytesIO(data)
    return stream.read


def frame(payload: bytes) -> bytes:
    return struct.pack(">Q", len(payload)) + payload


def test_garbage_truncation_oversize_and_pickles_are_protocol_errors():
    with pytest.raises(wire.ProtocolError):
        wire.read_message(_reader(frame(b"not json")))
    with pytest.raises(wire.PeerClosed):
        wire.read_message(_reader(b"\x00\x00"))
    with pytest.raises(wire.ProtocolError):
        wire.read_message(_reader(struct.pack(">Q", wire.MAX_FRAME + 1)))
    buffer = io.BytesIO()
    np.save(buffer, np.array([object()], dtype=object), allow_pickle=True)
    header = frame(json.dumps({"n_arrays": 1}).encode())
    with pytest.raises(wire.ProtocolError):
        wire.read_message(_reader(header + frame(buffer.getvalue())))


def test_malformed_values_are_rejected():
    for bad in ({"$a": 5}, {"$x": 1}, {"$seq": 3}, [1, 2]):
        with pytest.raises(wire.ProtocolError):
            wire.decode_value(bad, [])


def test_an_oversized_frame_is_refused_before_it_is_read():
    header = json.dumps({"n_arrays": 1}).encode()
    stream = io.BytesIO(struct.pack(">Q", len(header)) + header + struct.pack(">Q", 1 << 28)
                        + b"\0" * (1 << 20))
    with pytest.raises(wire.TooLarge):
        wire.read_message(stream.read, max_header=1024, max_arrays_bytes=4096)
    assert stream.tell() == 8 + len(header) + 8  # nothing of the announced frame was read
    big_header = json.dumps({"n_arrays": 0, "x": "a" * 5000}).encode()
    with pytest.raises(wire.TooLarge):
        wire.read_message(io.BytesIO(struct.pack(">Q", len(big_header)) + big_header).read,
                          max_header=1024)
