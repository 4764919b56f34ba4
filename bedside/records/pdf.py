"""Render a thread as a PDF transcript: participants, times, every message, attachments with hashes.

fpdf2 is pure Python. A Unicode TrueType font (DejaVu Sans, Debian's fonts-dejavu-core) is
used when installed so that any text a patient wrote prints as written; without it the PDF
core font is used and characters outside Latin-1 print as "?" (the count is shown on the page).
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bedside.messaging.models import Message, MessageKind, Thread

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
BOLD_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
)


def _first(paths: tuple[Path, ...]) -> Path | None:
    return next((p for p in paths if p.is_file()), None)


class _Doc(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.doc_title = title
        regular, bold = _first(FONT_CANDIDATES), _first(BOLD_CANDIDATES)
        self.unicode = regular is not None
        if regular is not None:
            self.add_font("body", "", str(regular))
            self.add_font("body", "B", str(bold or regular))
            self.family_name = "body"
        else:
            self.family_name = "helvetica"
        self.replaced = 0
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(title)
        self.set_creator("bedside")

    def clean(self, text: str) -> str:
        text = text.replace("\r\n", "\n").replace("\t", "    ")
        if self.unicode:
            return text
        out = text.encode("latin-1", "replace").decode("latin-1")
        self.replaced += sum(1 for a, b in zip(text, out, strict=True) if a != b)
        return out

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family_name, "", 8)
        self.cell(0, 6, f"{self.doc_title} - page {self.page_no()}/{{nb}}", align="C")

    def line_of(self, text: str, *, size: float = 10, bold: bool = False, height: float = 5.5) -> None:
        self.set_font(self.family_name, "B" if bold else "", size)
        self.multi_cell(0, height, self.clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _who(message: Message, thread: Thread) -> str:
    if message.kind == MessageKind.AUTO_REPLY or message.author is None:
        return f"{thread.practice.name} (automatic reply)"
    role = "patient" if message.kind == MessageKind.PATIENT else message.author.get_role_display().lower()
    return f"{message.author.display_name} ({role})"


def _when(value: object, tz: str) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if not isinstance(value, datetime):
        return "-"
    return timezone.localtime(value, ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z")


def render(thread: Thread, messages: list[Message]) -> bytes:
    """Return the PDF bytes of THREAD with MESSAGES (in order, attachments prefetched)."""
    tz = thread.practice.timezone
    title = f"Transcript of secure-message thread {thread.pk}"
    pdf = _Doc(title)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.line_of(thread.practice.name, size=15, bold=True, height=8)
    pdf.line_of(title, size=12, bold=True, height=7)
    pdf.ln(2)
    participants = {thread.patient.full_name + " (patient)"}
    for m in messages:
        if m.author is not None and m.kind == MessageKind.CARE_TEAM:
            participants.add(_who(m, thread))
    rows = [
        ("Subject", thread.subject),
        ("Patient", f"{thread.patient.full_name} <{thread.patient.email}>"),
        ("Participants", "; ".join(sorted(participants))),
        ("Category", thread.get_category_display()),
        ("Urgency", thread.get_urgency_display()),
        ("Status", thread.get_status_display()
         + (f" (closed {_when(thread.closed_at, tz)})" if thread.closed_at else "")),
        ("Started", _when(thread.created_at, tz)),
        ("Messages", str(len(messages))),
        ("Generated", _when(timezone.now(), tz)),
    ]
    for label, value in rows:
        pdf.line_of(f"{label}: {value}", size=10)
    for index, m in enumerate(messages, start=1):
        pdf.ln(3)
        pdf.set_draw_color(180, 180, 180)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(1.5)
        urgency = f" - screened {m.get_urgency_display().lower()}" if m.urgency else ""
        pdf.line_of(f"#{index}  {_who(m, thread)}  -  {_when(m.sent_at, tz)}{urgency}", size=10, bold=True)
        pdf.line_of(m.body, size=10)
        for att in m.attachments.all():
            pdf.line_of(
                f"Attachment: {att.filename} ({att.content_type}, {att.size:,} bytes) SHA-256 {att.sha256}",
                size=8, height=4.5,
            )
    if pdf.replaced:
        pdf.ln(3)
        pdf.line_of(f"Note: {pdf.replaced} character(s) could not be printed with the built-in font and show as '?'.",
                    size=8)
    return bytes(pdf.output())
