"""Transcript downloads for the care team: a fresh PDF of the thread, or a stored one.

Only the thread's care team (access_thread + is_care_team_of) may download; everyone else,
patients included, gets the same 404 as for a missing thread. Every export is audited.
"""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from bedside.audit.services import client_ip
from bedside.core.errors import NotFound
from bedside.core.web import current_user
from bedside.messaging.access import access_thread, is_care_team_of
from bedside.messaging.attachments import blob_read
from bedside.messaging.models import Thread
from bedside.records import services
from bedside.records.models import Transcript, TranscriptReason


def _care_team_thread(request: HttpRequest, pk: int) -> Thread:
    user = current_user(request)
    try:
        thread = access_thread(user, pk)
    except NotFound:
        raise Http404() from None
    if not is_care_team_of(user, thread):
        raise Http404()
    return thread


def _send(transcript: Transcript, data: bytes) -> FileResponse:
    response = FileResponse(io.BytesIO(data), as_attachment=True, content_type="application/pdf",
                            filename=f"thread-{transcript.thread_id}-transcript-{transcript.pk}.pdf")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def transcript_new(request: HttpRequest, pk: int) -> FileResponse:
    thread = _care_team_thread(request, pk)
    user = current_user(request)
    transcript = services.transcript_create(thread=thread, actor=user, reason=TranscriptReason.DOWNLOAD)
    data = blob_read(transcript.storage_name)
    services.transcript_exported(user=user, transcript=transcript, ip=client_ip(request))
    return _send(transcript, data)


@login_required
@require_GET
def transcript_stored(request: HttpRequest, pk: int, tid: int) -> FileResponse:
    thread = _care_team_thread(request, pk)
    transcript = Transcript.objects.filter(pk=tid, thread=thread).select_related("thread").first()
    if transcript is None:
        raise Http404()
    try:
        data = blob_read(transcript.storage_name)
    except OSError:
        raise Http404() from None
    services.transcript_exported(user=current_user(request), transcript=transcript, ip=client_ip(request))
    return _send(transcript, data)
