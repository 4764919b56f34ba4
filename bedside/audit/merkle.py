"""Merkle tree hashing of RFC 6962 / RFC 9162 (Certificate Transparency), pure Python.

leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right), and the tree of n leaves is
the RFC's MTH: split at the largest power of two below n. Computed level by level over one
bytes buffer per level (a lone last node moves up unchanged, which gives exactly the RFC's
tree), so a million leaves need no per-node Python objects. Proofs follow RFC 6962 §2.1.1
(PATH) and §2.1.2 (SUBPROOF); the verifiers follow RFC 9162 §2.1.3.2 and §2.1.4.2.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_LEAF = b"\x00"
_NODE = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 6962 hash of one leaf's bytes."""
    return hashlib.sha256(_LEAF + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 hash of an interior node."""
    return hashlib.sha256(_NODE + left + right).digest()


def build_levels(leaves: bytes | bytearray) -> list[bytes]:
    """Return every level of the tree over concatenated 32-byte leaf hashes, leaves first.

    levels[h] holds the nodes of height h; the last level holds the root alone.
    """
    if len(leaves) % HASH_SIZE:
        raise ValueError("leaf hashes must be 32 bytes each")
    sha = hashlib.sha256
    levels = [bytes(leaves)]
    current = levels[0]
    while len(current) > HASH_SIZE:
        view = memoryview(current)
        pairs = len(current) // (2 * HASH_SIZE)
        out = [sha(_NODE + view[i : i + 2 * HASH_SIZE]).digest() for i in range(0, pairs * 2 * HASH_SIZE, 2 * HASH_SIZE)]
        if len(current) % (2 * HASH_SIZE):
            out.append(bytes(view[-HASH_SIZE:]))  # a lone right node moves up unchanged
        current = b"".join(out)
        levels.append(current)
    return levels


def _node(levels: Sequence[bytes], height: int, index: int) -> bytes:
    return levels[height][index * HASH_SIZE : (index + 1) * HASH_SIZE]


def tree_size_of(levels: Sequence[bytes]) -> int:
    return len(levels[0]) // HASH_SIZE if levels else 0


def root_of(levels: Sequence[bytes], size: int | None = None) -> bytes:
    """Return MTH of the first `size` leaves (all when None), using the perfect subtrees only."""
    total = tree_size_of(levels)
    size = total if size is None else size
    if size < 0 or size > total:
        raise ValueError(f"tree size {size} is outside 0..{total}")
    if size == 0:
        return EMPTY_ROOT
    # The prefix is a run of perfect, aligned subtrees, largest first (the bits of `size`).
    parts: list[bytes] = []
    start = 0
    for height in range(size.bit_length() - 1, -1, -1):
        if size & (1 << height):
            parts.append(_node(levels, height, start >> height))
            start += 1 << height
    root = parts[-1]
    for part in reversed(parts[:-1]):
        root = node_hash(part, root)
    return root


def _subtree(levels: Sequence[bytes], start: int, end: int) -> bytes:
    """Return MTH(D[start:end]) where `start` is aligned as in RFC 6962's recursion."""
    size = end - start
    if size & (size - 1) == 0:  # perfect and aligned: stored in the levels
        height = size.bit_length() - 1
        return _node(levels, height, start >> height)
    k = 1 << ((size - 1).bit_length() - 1)
    return node_hash(_subtree(levels, start, start + k), _subtree(levels, start + k, end))


def inclusion_proof(levels: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """Return PATH(index, D[0:size]) of RFC 6962 §2.1.1."""
    if not 0 <= index < size <= tree_size_of(levels):
        raise ValueError(f"no leaf {index} in a tree of size {size}")

    def path(m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = 1 << ((n - 1).bit_length() - 1)
        if m < k:
            return [*path(m, start, start + k), _subtree(levels, start + k, end)]
        return [*path(m - k, start + k, end), _subtree(levels, start, start + k)]

    return path(index, 0, size)


def consistency_proof(levels: Sequence[bytes], first: int, second: int) -> list[bytes]:
    """Return PROOF(first, D[0:second]) of RFC 6962 §2.1.2."""
    if not 0 < first <= second <= tree_size_of(levels):
        raise ValueError(f"no consistency proof from size {first} to {second}")

    def subproof(m: int, start: int, end: int, complete: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if complete else [_subtree(levels, start, end)]
        k = 1 << ((n - 1).bit_length() - 1)
        if m <= k:
            return [*subproof(m, start, start + k, complete), _subtree(levels, start + k, end)]
        return [*subproof(m - k, start + k, end, False), _subtree(levels, start, start + k)]

    return subproof(first, 0, second, True)


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Return whether `proof` shows the leaf hash at `index` in the tree of `size` with `root` (RFC 9162 §2.1.3.2)."""
    if index >= size or index < 0:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]) -> bool:
    """Return whether `proof` shows the tree of `second` leaves extends the one of `first` (RFC 9162 §2.1.4.2)."""
    if first <= 0 or first > second:
        return False
    if first == second:
        return not proof and first_root == second_root
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


# --- compact range: the roots of the perfect subtrees of a prefix, to extend a tree cheaply ----


def compact_push(stack: list[tuple[int, bytes]], leaf: bytes) -> None:
    """Append one leaf hash to a compact range of (height, hash) perfect-subtree roots."""
    height, node = 0, leaf
    while stack and stack[-1][0] == height:
        _, left = stack.pop()
        node = node_hash(left, node)
        height += 1
    stack.append((height, node))


def compact_root(stack: Sequence[tuple[int, bytes]]) -> bytes:
    """Return MTH of the prefix the compact range describes."""
    if not stack:
        return EMPTY_ROOT
    root = stack[-1][1]
    for _, node in reversed(stack[:-1]):
        root = node_hash(node, root)
    return root
