"""The Merkle functions against RFC 6962's recursive definitions and an independent verifier."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bedside.audit import merkle

# --- an independent reference: RFC 6962 §2.1 written out literally --------------------------


def ref_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def ref_mth(leaves: list[bytes]) -> bytes:
    """MTH over leaf *hashes* (RFC 6962 §2.1, recursion on the largest power of two below n)."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + ref_mth(leaves[:k]) + ref_mth(leaves[k:])).digest()


def ref_root_from_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes]) -> bytes | None:
    """Recompute the root from an audit path by replaying RFC 6962's recursion (not RFC 9162's loop)."""

    def walk(m: int, n: int, path: list[bytes]) -> tuple[bytes, list[bytes]] | None:
        if n == 1:
            return leaf, path
        k = 1
        while k * 2 < n:
            k *= 2
        if m < k:
            inner = walk(m, k, path)
            if inner is None or not inner[1]:
                return None
            node, rest = inner
            return hashlib.sha256(b"\x01" + node + rest[0]).digest(), rest[1:]
        inner = walk(m - k, n - k, path)
        if inner is None or not inner[1]:
            return None
        node, rest = inner
        return hashlib.sha256(b"\x01" + rest[0] + node).digest(), rest[1:]

    # The path lists the deepest sibling first: walk consumes from the leaf upwards.
    result = walk(index, size, list(proof))
    if result is None or result[1]:
        return None
    return result[0]


def leaves_of(n: int) -> list[bytes]:
    return [ref_leaf(f"event {i}".encode()) for i in range(n)]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 9, 31, 64, 100, 1000])
def test_root_matches_the_rfc_recursion(n):
    leaves = leaves_of(n)
    levels = merkle.build_levels(b"".join(leaves))
    assert merkle.root_of(levels) == ref_mth(leaves)
    for size in range(1, n + 1):
        assert merkle.root_of(levels, size) == ref_mth(leaves[:size])


def test_empty_tree_root_is_hash_of_nothing():
    assert merkle.root_of(merkle.build_levels(b""), 0) == hashlib.sha256(b"").digest()


def test_known_vector_of_rfc6962_test_data():
    # The CT reference implementation's test vector: leaves "" then 0x00, root of the 2-tree.
    leaves = [ref_leaf(b""), ref_leaf(b"\x00")]
    assert leaves[0].hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    levels = merkle.build_levels(b"".join(leaves))
    assert merkle.root_of(levels).hex() == "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 33])
def test_inclusion_proofs_verify_both_ways_and_fail_when_altered(n):
    leaves = leaves_of(n)
    levels = merkle.build_levels(b"".join(leaves))
    for size in range(1, n + 1):
        root = ref_mth(leaves[:size])
        for index in range(size):
            proof = merkle.inclusion_proof(levels, index, size)
            assert merkle.verify_inclusion(leaves[index], index, size, proof, root)
            assert ref_root_from_inclusion(leaves[index], index, size, proof) == root
            assert not merkle.verify_inclusion(ref_leaf(b"forged"), index, size, proof, root)
            if proof:
                bad = [*proof[:-1], hashlib.sha256(proof[-1]).digest()]
                assert not merkle.verify_inclusion(leaves[index], index, size, bad, root)
                assert ref_root_from_inclusion(leaves[index], index, size, bad) != root
            if size > 1:
                other = (index + 1) % size
                assert not merkle.verify_inclusion(leaves[index], other, size, proof, root) or leaves[other] == leaves[index]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6, 7, 8, 10, 17])
def test_consistency_proofs_verify_and_fail_when_altered(n):
    leaves = leaves_of(n)
    levels = merkle.build_levels(b"".join(leaves))
    for second in range(1, n + 1):
        for first in range(1, second + 1):
            proof = merkle.consistency_proof(levels, first, second)
            a, b = ref_mth(leaves[:first]), ref_mth(leaves[:second])
            assert merkle.verify_consistency(first, second, a, b, proof)
            if first < second:
                assert not merkle.verify_consistency(first, second, ref_leaf(b"x"), b, proof)
                assert not merkle.verify_consistency(first, second, a, ref_leaf(b"x"), proof)
                if proof:
                    bad = [hashlib.sha256(proof[0]).digest(), *proof[1:]]
                    assert not merkle.verify_consistency(first, second, a, b, bad)
                # A tree whose early leaf changed is not consistent with the old head.
                changed = [ref_leaf(b"changed"), *leaves[1:second]]
                changed_levels = merkle.build_levels(b"".join(changed))
                assert not merkle.verify_consistency(
                    first, second, a, ref_mth(changed), merkle.consistency_proof(changed_levels, first, second))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=300), st.data())
def test_compact_range_equals_mth(n, data):
    leaves = leaves_of(n)
    stack: list[tuple[int, bytes]] = []
    cut = data.draw(st.integers(min_value=1, max_value=n))
    for i, leaf in enumerate(leaves, start=1):
        merkle.compact_push(stack, leaf)
        if i == cut:
            assert merkle.compact_root(stack) == ref_mth(leaves[:cut])
    assert merkle.compact_root(stack) == ref_mth(leaves)


# --- canonical bytes: the fast path writes exactly what json.dumps writes ---------------------

_ints = st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1))
_texts = st.text(max_size=20)


@settings(max_examples=200, deadline=None)
@given(st.tuples(st.integers(min_value=1, max_value=2**63 - 1), st.integers(min_value=0, max_value=2**60), _ints,
                 _texts, _texts, _texts, _texts, _texts, _ints, _ints, st.one_of(st.none(), _texts), _texts,
                 st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.booleans(), st.none(), _texts),
                                 max_size=4),
                 _texts, _texts))
def test_canonical_fast_path_equals_json(row):
    import json

    from bedside.audit.canonical import canonical_bytes

    expected = json.dumps([*row[:12], json.dumps(row[12], sort_keys=True, separators=(",", ":")), *row[13:]],
                          separators=(",", ":"))
    assert canonical_bytes(row) == expected.encode("ascii")
    # A type change alone (the string "5" where the id 5 was) changes the bytes.
    if row[2] is not None:
        assert canonical_bytes((*row[:2], str(row[2]), *row[3:])) != canonical_bytes(row)
