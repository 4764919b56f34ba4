from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_heads_file(settings, tmp_path):
    """Each test exports its tree heads to a file of its own (the database rolls back, files don't)."""
    settings.BEDSIDE_AUDIT_HEADS_FILE = tmp_path / "tree-heads.jsonl"
