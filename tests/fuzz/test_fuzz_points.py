"""Fuzz user point files: .csv / .txt (text) and *.points.npy, read by engine.data.toy2d.load_points_file (and the
engine.data.load_dataset dispatch in front of it).

Text files are valid CSVs with bytes flipped, rows replaced by odd fields (NaN, 1e999, quotes, extra columns,
unicode digits), and random text; .npy files are valid arrays with their header or data mutated. The property: a
DataError naming the file, or a points dataset of finite float32 values.
"""
from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from fuzz_support import expect_user_error, mutated_bytes, no_writes_outside
from hypothesis import example, given
from hypothesis import strategies as st

from engine.config import DataConfig
from engine.data import load_dataset
from engine.errors import DataError

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(300)]

VALID_CSV = "x,y\n" + "".join(f"{i * 0.5:g},{(i * 7) % 5 - 2.5:g}\n" for i in range(12))
FIELDS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                   st.integers().map(str),
                   st.sampled_from(["", "nan", "inf", "-inf", "1e999", "0x10", "'1'", '"2"', "1,5", "١٢", "--1",
                                    "1e-400", "9" * 400, "\x00", "#", " ", "x", "NaN;NaN"]),
                   st.text(max_size=8))


@st.composite
def csv_texts(draw) -> bytes:
    lines = VALID_CSV.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        sep = draw(st.sampled_from([",", ";", " ", "\t", ", "]))
        cells = draw(st.lists(FIELDS, min_size=0, max_size=3))
        lines[i] = sep.join(cells) + draw(st.sampled_from(["", " # note", "\r"]))
    return ("\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))).encode("utf-8", "surrogatepass")


def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


VALID_NPY = _npy(np.arange(24, dtype=np.float32).reshape(12, 2))


def _check(tmp_path_factory, data: bytes, name: str):
    folder = tmp_path_factory.mktemp("points")
    path = folder / name
    path.write_bytes(data)
    with no_writes_outside(folder):
        result = expect_user_error(lambda: load_dataset(DataConfig(dataset=str(path)), seed=0), str(path),
                                   allowed=(DataError,))
    if not isinstance(result, DataError):
        assert result.kind == "points" and result.x.dtype == torch.float32 and result.x.shape[1] == 2
        assert len(result) >= 2 and bool(torch.isfinite(result.x).all())
    return result


@given(st.one_of(csv_texts(), mutated_bytes(VALID_CSV.encode()), st.binary(max_size=200),
                 st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))),
       st.sampled_from(["points.csv", "points.txt"]))
@example(b"x,y\n1e308,1e308\n-1e308,-1e308\n", "points.csv")  # std overflows to inf
@example(b"-1.7e308,0\n-1.7e308,0\n1.7e308,0\n", "points.csv")  # the mean overflows to -inf
@example(b"1,2\n" * 3 + b"1e999,2\n", "points.csv")
@example(b"x,y\n" + b"9" * 5000 + b",1\n2,3\n", "points.csv")
@example(b"\xef\xbb\xbfx;y\n1;2\n3;4\n", "points.csv")
@example(b"1 2\n3 4 5\n", "points.txt")
@example(b"\x00" * 64, "points.csv")
def test_text_points(tmp_path_factory, data, name):
    _check(tmp_path_factory, data, name)


@given(st.one_of(mutated_bytes(VALID_NPY),
                 st.sampled_from([np.float16, np.float64, np.int8, np.uint64, np.int64, np.bool_, np.complex64,
                                  "U3", "V8", "<M8[s]"]).flatmap(
                     lambda dt: st.lists(st.integers(0, 9), min_size=0, max_size=3).map(
                         lambda shape: _npy(np.zeros(shape, dtype=dt)))),
                 st.binary(max_size=200)))
@example(_npy(np.array([[1e308, 1e308], [-1e308, -1e308]])))
@example(_npy(np.array([[np.nan, 1.0], [np.inf, 2.0], [3.0, 4.0]])))
@example(_npy(np.iinfo(np.int64).max * np.ones((3, 2), dtype=np.int64)))
@example(VALID_NPY.replace(b"(12, 2)", b"(99999999999, 2)"))
@example(VALID_NPY.replace(b"'<f4'", b"'|O' "))
def test_npy_points(tmp_path_factory, data):
    _check(tmp_path_factory, data, "data.points.npy")
