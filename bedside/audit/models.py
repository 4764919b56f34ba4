"""The audit trail: one append-only row per read or write of PHI and per authentication event.

Rows carry ids, never PHI. The table is append-only at the database level (triggers refuse
UPDATE and DELETE, see migration 0002). Tamper evidence comes from a Merkle tree (RFC 6962):
the sealer appends one `AuditLeaf` per event, in a stable order of its own, and signed tree
heads (`AuditTreeHead`, also exported outside the database) pin the tree's size and root.
`prev_hash`/`hash` are kept (empty) and covered by the leaf hash like every other column.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Action(models.TextChoices):
    AUTH_LOGIN = "auth.login", "signed in"
    AUTH_LOGIN_FAILED = "auth.login_failed", "sign-in failed"
    AUTH_LOGOUT = "auth.logout", "signed out"
    AUTH_MFA_USED = "auth.mfa_used", "MFA code accepted"
    AUTH_MFA_FAILED = "auth.mfa_failed", "MFA code refused"
    AUTH_MFA_ADDED = "auth.mfa_added", "MFA authenticator added"
    AUTH_MFA_REMOVED = "auth.mfa_removed", "MFA authenticator removed"
    AUTH_PASSWORD_CHANGED = "auth.password_changed", "password changed"
    AUTH_PASSWORD_RESET = "auth.password_reset", "password reset"
    AUTH_SESSION_EXPIRED = "auth.session_expired", "session expired (idle)"
    AUTH_TOKEN_ISSUED = "auth.token_issued", "API token issued"
    AUTH_TOKEN_REFUSED = "auth.token_refused", "API token refused"
    AUTH_TOKEN_REVOKED = "auth.token_revoked", "API token revoked"
    THREAD_CREATE = "thread.create", "thread created"
    THREAD_VIEW = "thread.view", "thread viewed"
    THREAD_LIST = "thread.list", "thread list viewed"
    THREAD_ASSIGN = "thread.assign", "thread assigned"
    THREAD_CLOSE = "thread.close", "thread closed"
    THREAD_REOPEN = "thread.reopen", "thread reopened"
    MESSAGE_SEND = "message.send", "message sent"
    MESSAGE_REFUSED = "message.refused", "message refused by policy"
    ATTACHMENT_ADD = "attachment.add", "attachment added"
    ATTACHMENT_DOWNLOAD = "attachment.download", "attachment downloaded"
    CONSENT_SIGN = "consent.sign", "consent signed"
    CONSENT_REVOKE = "consent.revoke", "consent revoked"
    CONSENT_VIEW = "consent.view", "consent viewed"
    RELATIONSHIP_CREATE = "relationship.create", "care relationship recorded"
    RELATIONSHIP_END = "relationship.end", "care relationship ended"
    NOTIFICATION_SENT = "notification.sent", "notification sent"
    AUDIT_VIEW = "audit.view", "audit trail viewed"
    AUDIT_EXPORT = "audit.export", "audit trail exported"
    AUDIT_VERIFY = "audit.verify", "audit trail verified"
    AUDIT_PROOF = "audit.proof", "audit proof requested"
    MAIL_RECEIVED = "mail.received", "patient email brought into the record"
    MAIL_REFUSED = "mail.refused", "inbound email refused (not stored)"
    TRIAGE_ALERT = "triage.alert", "on-call clinician alerted"
    TRIAGE_ESCALATE = "triage.escalate", "overdue thread escalated"
    COVERAGE_SET = "coverage.set", "coverage while away set"
    COVERAGE_CANCEL = "coverage.cancel", "coverage while away cancelled"
    METRICS_VIEW = "metrics.view", "response-time metrics viewed"
    FHIR_READ = "fhir.read", "FHIR resources read"
    FHIR_TOKEN_ISSUED = "fhir.token_issued", "FHIR client token issued"
    FHIR_TOKEN_REFUSED = "fhir.token_refused", "FHIR client token refused"
    EHR_PUSH = "ehr.push", "record pushed to the EHR"
    EHR_PUSH_RETRY = "ehr.push_retry", "EHR push retried"
    TRANSCRIPT_CREATE = "transcript.create", "transcript filed"
    TRANSCRIPT_EXPORT = "transcript.export", "transcript exported"
    BREAK_GLASS_OPEN = "breakglass.open", "emergency access opened"
    BREAK_GLASS_END = "breakglass.end", "emergency access ended"
    BREAK_GLASS_REVIEW = "breakglass.review", "emergency access reviewed"
    BREAK_GLASS_LIST = "breakglass.list", "emergency access uses viewed"
    # Actions of the publishing, moderation, billing, follow-up, reputation and invitation apps.
    BILLING_GLOBAL_RECORD = "billing.global_record", "post-operative global period recorded"
    BILLING_PROVIDER_SET = "billing.provider_set", "billing class set"
    BILLING_REPORT_EXPORT = "billing.report_export", "billing report exported"
    BILLING_REPORT_VIEW = "billing.report_view", "billing report viewed"
    BILLING_TIME_ADD = "billing.time_add", "e-visit time logged"
    BILLING_TIME_DELETE = "billing.time_delete", "e-visit time deleted"
    BILLING_TIME_EDIT = "billing.time_edit", "e-visit time changed"
    BILLING_TIMER_CANCEL = "billing.timer_cancel", "e-visit timer cancelled"
    BILLING_TIMER_START = "billing.timer_start", "e-visit timer started"
    BILLING_VISIT_RECORD = "billing.visit_record", "E/M visit recorded"
    COMMENT_APPROVE = "comment.approve", "comment approved"
    COMMENT_NOTICE = "comment.notice", "private reply to a commenter sent"
    COMMENT_QUEUE_VIEW = "comment.queue_view", "moderation queue viewed"
    COMMENT_REJECT = "comment.reject", "comment rejected"
    COMMENT_REPLY = "comment.reply", "public reply posted"
    COMMENT_SUBMIT = "comment.submit", "comment submitted"
    COMMENT_VIEW = "comment.view", "held comment viewed"
    ECONSULT_ANSWER = "econsult.answer", "e-consult answered"
    ECONSULT_CLOSE = "econsult.close", "e-consult closed"
    ECONSULT_CREATE = "econsult.create", "e-consult sent"
    ECONSULT_DECLINE = "econsult.decline", "e-consult declined"
    ECONSULT_DOWNLOAD = "econsult.download", "e-consult file downloaded"
    ECONSULT_VIEW = "econsult.view", "e-consult viewed"
    FOLLOWUP_ANSWER = "followup.answer", "check-in answered"
    FOLLOWUP_CHECKIN_SEND = "followup.checkin_send", "check-in sent"
    FOLLOWUP_CHECKIN_SKIP = "followup.checkin_skip", "check-in skipped"
    FOLLOWUP_ENROL = "followup.enrol", "follow-up plan started"
    FOLLOWUP_REMIND = "followup.remind", "check-in reminder sent"
    FOLLOWUP_STOP = "followup.stop", "follow-up plan stopped"
    FOLLOWUP_TEAM_ALERT = "followup.team_alert", "missed check-in: team alerted"
    FOLLOWUP_VIEW = "followup.view", "follow-up viewed"
    INVITATION_ACCEPT = "invitation.accept", "invitation accepted"
    INVITATION_CREATE = "invitation.create", "patient invited"
    PUBLISHING_ARTICLE_APPROVE = "publishing.article_approve", "article approved"
    PUBLISHING_ARTICLE_ARCHIVE = "publishing.article_archive", "article archived"
    PUBLISHING_ARTICLE_CHANGES = "publishing.article_changes", "article sent back for changes"
    PUBLISHING_ARTICLE_CREATE = "publishing.article_create", "article drafted"
    PUBLISHING_ARTICLE_PUBLISH = "publishing.article_publish", "article published"
    PUBLISHING_ARTICLE_SUBMIT = "publishing.article_submit", "article submitted for review"
    PUBLISHING_ARTICLE_UPDATE = "publishing.article_update", "article draft changed"
    PUBLISHING_ARTICLE_WITHDRAW = "publishing.article_withdraw", "article withdrawn"
    PUBLISHING_CHANNEL_CHANGE = "publishing.channel_change", "editorial calendar changed"
    PUBLISHING_CHANNEL_REMINDED = "publishing.channel_reminded", "stale channel reminder sent"
    PUBLISHING_PROFILE_UPDATE = "publishing.profile_update", "public profile changed"
    PUBLISHING_RESOURCE_CHANGE = "publishing.resource_change", "trusted resources changed"
    PUBLISHING_SETTINGS_UPDATE = "publishing.settings_update", "publishing settings changed"
    REPUTATION_FEED_ADD = "reputation.feed_add", "watched feed added"
    REPUTATION_FEED_REMOVE = "reputation.feed_remove", "watched feed removed"
    REPUTATION_SELF_AUDIT = "reputation.self_audit", "self-audit recorded"
    REPUTATION_TERM_ADD = "reputation.term_add", "watched name added"
    REPUTATION_TERM_REMOVE = "reputation.term_remove", "watched name removed"


_ACTION_LABELS: dict[str, str] = dict(Action.choices)


class Outcome(models.TextChoices):
    SUCCESS = "success", "success"
    FAILURE = "failure", "failure"
    DENIED = "denied", "denied"


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now)
    actor_id = models.BigIntegerField(null=True, help_text="User id; null for anonymous.")
    actor_role = models.CharField(max_length=20, blank=True)
    # No `choices`: every app adds its own actions, and a label is not worth a migration each time.
    action = models.CharField(max_length=40)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    patient_id = models.BigIntegerField(null=True, help_text="Whose record was touched.")
    practice_id = models.BigIntegerField(null=True)
    ip = models.GenericIPAddressField(null=True)
    channel = models.CharField(max_length=10, default="web", help_text="web, api, worker, cli")
    # Ids and codes only (e.g. {"reason": "consent_required"}); never text a person wrote.
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["patient_id", "at"], name="audit_patient_at"),
            models.Index(fields=["actor_id", "at"], name="audit_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} by {self.actor_id} on {self.object_type}:{self.object_id}"

    @property
    def action_label(self) -> str:
        return _ACTION_LABELS.get(self.action, self.action)


class AuditLeaf(models.Model):
    """One leaf of the Merkle tree: the event at `leaf_index` and the hash it had when sealed.

    Leaves are appended by one sealer at a time (see `audit_seal`), so the index order is fixed
    once written even when PostgreSQL commits audit rows out of id order. Append-only: triggers
    refuse UPDATE and DELETE (migration 0004).
    """

    leaf_index = models.BigIntegerField(primary_key=True, help_text="0-based position in the tree.")
    event_id = models.BigIntegerField(unique=True)
    leaf_hash = models.BinaryField(max_length=32)
    sealed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"leaf {self.leaf_index} = event #{self.event_id}"


class AuditTreeHead(models.Model):
    """A signed tree head (checkpoint): the tree had `tree_size` leaves and this root.

    The signature (Ed25519, key outside the database) covers `statement()`. `compact` holds the
    roots of the perfect subtrees at this size, so the next head is computed without re-reading
    every leaf; it is not trusted by verification.
    """

    id = models.BigAutoField(primary_key=True)
    tree_size = models.BigIntegerField()
    root_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(null=True)
    signed_at = models.DateTimeField()
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=100)
    compact = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tree_size"], name="audit_head_size")]

    def __str__(self) -> str:
        return f"tree head size {self.tree_size} root {self.root_hash[:12]}"
