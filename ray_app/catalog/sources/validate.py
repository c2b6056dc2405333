"""Identifier checks for converted rows: a bad code is rejected with a reason and counted, never dropped silently.

SNOMED CT identifiers (SCTIDs) follow the SNOMED CT Technical Implementation Guide: 6-18 digits, no leading
zero, a two-digit partition identifier before the last digit that says what the component is, and a last
digit that is a Verhoeff check digit over the others. RxNorm RXCUIs are plain integers.
Checks are vectorised (numpy over a digit matrix) because a full release has millions of codes.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Verhoeff dihedral-group multiplication (D) and position permutation (P) tables.
_D = np.array([
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]], dtype=np.int8)
_P = np.array([
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]], dtype=np.int8)

# Partition identifiers: short format (00/01/02) and long, namespaced format (10/11/12).
PARTITIONS = {"concept": ("00", "10"), "description": ("01", "11"), "relationship": ("02", "12")}
MAX_DIGITS = 18

OK = ""
NOT_DIGITS = "snomed: not digits only"
BAD_LENGTH = "snomed: not 6-18 digits"
LEADING_ZERO = "snomed: leading zero"
BAD_PARTITION = "snomed: partition identifier is not a {kind}"
BAD_CHECK = "snomed: bad Verhoeff check digit"
RX_NOT_NUMERIC = "rxnorm: code is not numeric"
EMPTY_CODE = "empty CODE"
EMPTY_STR = "empty STR"


def verhoeff_ok(code: str) -> bool:
    """True when the last digit of ``code`` is its Verhoeff check digit (scalar reference implementation)."""
    c = 0
    for i, ch in enumerate(reversed(code)):
        c = _D[c][_P[i % 8][ord(ch) - 48]]
    return c == 0


_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def verhoeff_check_digit(body: str) -> str:
    """The digit to append to ``body`` so that verhoeff_ok holds (for test data and benchmarks)."""
    c = 0
    for i, ch in enumerate(reversed(body)):
        c = _D[c][_P[(i + 1) % 8][ord(ch) - 48]]
    return str(_INV[c])


def _verhoeff_vec(codes: list[str]) -> np.ndarray:
    """Vectorised Verhoeff over digit-only strings of 1..18 digits: right-aligned digit matrix, one pass per position."""
    n = len(codes)
    if n == 0:
        return np.zeros(0, dtype=bool)
    lens = np.fromiter((len(s) for s in codes), dtype=np.int8, count=n)
    buf = "".join(s.rjust(MAX_DIGITS, "0") for s in codes).encode("ascii")
    digits = (np.frombuffer(buf, dtype=np.uint8).reshape(n, MAX_DIGITS) - 48).astype(np.int8)
    c = np.zeros(n, dtype=np.int8)
    for i in range(MAX_DIGITS):  # i counts from the right; padded positions (i >= len) leave c alone
        step = _D[c, _P[i % 8, digits[:, MAX_DIGITS - 1 - i]]]
        c = np.where(i < lens, step, c)
    return c == 0


def _as_arrow(codes) -> pa.Array:
    arr = pa.array(codes, type=pa.string()) if not isinstance(codes, (pa.Array, pa.ChunkedArray)) else codes
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def snomed_reasons(codes, kind: str = "concept") -> np.ndarray:
    """Reason per code ('' = valid SCTID of ``kind``: concept, description or relationship)."""
    arr = _as_arrow(codes)
    out = np.full(len(arr), OK, dtype=object)
    digits = pc.fill_null(pc.match_substring_regex(arr, r"^[0-9]+$"), False).to_numpy(zero_copy_only=False)
    length = pc.fill_null(pc.utf8_length(arr), 0).to_numpy(zero_copy_only=False)
    out[~digits] = NOT_DIGITS
    bad_len = digits & ((length < 6) | (length > MAX_DIGITS))
    out[bad_len] = BAD_LENGTH
    rest = digits & ~bad_len
    lead0 = rest & pc.fill_null(pc.starts_with(arr, "0"), False).to_numpy(zero_copy_only=False)
    out[lead0] = LEADING_ZERO
    rest &= ~lead0
    part = pc.utf8_slice_codeunits(arr, -3, -1)
    part_ok = pc.fill_null(pc.is_in(part, value_set=pa.array(PARTITIONS[kind])), False).to_numpy(zero_copy_only=False)
    out[rest & ~part_ok] = BAD_PARTITION.format(kind=kind)
    rest &= part_ok
    idx = np.flatnonzero(rest)
    if idx.size:
        check = _verhoeff_vec(arr.take(pa.array(idx)).to_pylist())
        out[idx[~check]] = BAD_CHECK
    return out


def rxnorm_reasons(codes) -> np.ndarray:
    """Reason per code ('' = a plain non-negative integer, as RXCUIs are)."""
    arr = _as_arrow(codes)
    ok = pc.fill_null(pc.match_substring_regex(arr, r"^[0-9]{1,18}$"), False).to_numpy(zero_copy_only=False)
    return np.where(ok, OK, RX_NOT_NUMERIC).astype(object)


def row_reasons(system: str, codes, strs) -> np.ndarray:
    """Reason per catalog row of ``system``: empty CODE/STR first, then the system's identifier rule."""
    codes, strs = _as_arrow(codes), _as_arrow(strs)
    out = snomed_reasons(codes) if system == "SNOMEDCT_US" else rxnorm_reasons(codes)
    empty_str = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(strs), ""), True).to_numpy(zero_copy_only=False)
    empty_code = pc.fill_null(pc.equal(codes, ""), True).to_numpy(zero_copy_only=False)
    out[empty_str] = EMPTY_STR
    out[empty_code] = EMPTY_CODE
    return out
