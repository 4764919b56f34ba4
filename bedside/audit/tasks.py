"""Background work for the audit trail: seal new rows into the Merkle tree and sign a tree head."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from bedside.audit.services import tree_head_checkpoint


@db_periodic_task(crontab(minute="*"))
@lock_task("bedside-audit-checkpoint")
def audit_checkpoint() -> None:
    """Every minute: seal settled rows and, when the tree grew, sign and export a new tree head.

    Huey's lock keeps one checkpoint per queue; the sealer's own lock (an advisory lock on
    PostgreSQL) keeps one across queues and command-line runs.
    """
    tree_head_checkpoint()
