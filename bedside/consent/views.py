"""Web pages for consent (patients read, sign and revoke) and care relationships (the care team
records and ends them). Reads use selectors and access helpers, writes use services."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from bedside.accounts.models import CARE_TEAM_ROLES, Practice, Role, User
from bedside.audit.services import client_ip
from bedside.consent import selectors, services
from bedside.consent.access import access_consent_document, access_relationship, access_signature
from bedside.consent.forms import EndRelationshipForm, InvitationForm, RelationshipForm, SignForm
from bedside.consent.models import CareRelationship, Scope
from bedside.core.errors import BedsideError, NotFound
from bedside.core.web import current_user, posted, require_care_team, require_patient

PAGE_SIZE = 50

# What revoking each scope means for the patient, said plainly on the confirmation page.
REVOKE_EFFECTS: dict[str, str] = {
    Scope.PORTAL_MESSAGING: (
        "You will no longer be able to send secure messages to {practice} until you sign again. "
        "Your earlier conversations stay in your medical record and you can still read them."
    ),
    Scope.EMAIL_NOTIFICATIONS: (
        "{practice} will stop emailing you when a reply arrives. Check your inbox here instead."
    ),
    Scope.SMS_NOTIFICATIONS: "{practice} will stop sending you text messages about new replies.",
    Scope.PHOTO_SHARING: "You will no longer be able to attach photos to your messages to {practice}.",
    Scope.SPECIALIST_SHARING: (
        "{practice} will no longer share your messages with a specialist you are referred to."
    ),
    Scope.EVISIT_BILLING: "{practice} will no longer bill your secure-message visits as e-visits.",
}


def _user_agent(request: HttpRequest) -> str:
    return request.headers.get("user-agent", "")[:300]


# ---------------------------------------------------------------------------------------------
# patients: consents


@login_required
@require_GET
def consent_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role in CARE_TEAM_ROLES:
        return redirect("consent:relationships")
    require_patient(user)
    practices = [
        {"practice": practice, "rows": selectors.consent_status(patient=user, practice=practice)}
        for practice in selectors.practices_of_patient(patient=user).order_by("name")
    ]
    return render(request, "consent/list.html", {"practices": practices})


@login_required
@require_http_methods(["GET", "POST"])
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the exact text of a consent document; a patient signs it here with their typed name."""
    user = current_user(request)
    try:
        document = access_consent_document(user, pk)
    except NotFound:
        raise Http404() from None
    current = selectors.document_current(practice=document.practice, scope=document.scope)
    is_current = current is not None and current.pk == document.pk
    signature = None
    if user.role == Role.PATIENT:
        signature = selectors.signature_live(patient=user, practice=document.practice, scope=document.scope)
    can_sign = user.role == Role.PATIENT and is_current and signature is None
    form = SignForm(posted(request), account_name=user.full_name) if can_sign else None
    status = 200
    if request.method == "POST":
        if form is None:
            messages.info(request, "There is nothing to sign here: this version is already signed or out of date.")
            return redirect("consent:document", pk=document.pk)
        if form.is_valid():
            try:
                services.consent_sign(
                    patient=user, document=document, typed_name=form.cleaned_data["typed_name"],
                    ip=client_ip(request), user_agent=_user_agent(request),
                )
            except BedsideError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status
            else:
                messages.success(request, f"Thank you. You signed “{document.title}” (version {document.version}).")
                return redirect("consent:list")
        else:
            status = 400
    return render(
        request,
        "consent/document.html",
        {
            "document": document,
            "current": current,
            "is_current": is_current,
            "signature": signature,
            "form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def signature_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then revoke, one of the patient's signatures. Takes effect at once."""
    user = current_user(request)
    require_patient(user)
    try:
        signature = access_signature(user, pk)
    except NotFound:
        raise Http404() from None
    if signature.revoked_at is not None:
        messages.info(request, "This consent was already revoked.")
        return redirect("consent:list")
    if request.method == "POST":
        try:
            services.consent_revoke(patient=user, signature=signature, ip=client_ip(request))
        except BedsideError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"You revoked “{signature.document.title}”. This took effect immediately."
            )
        return redirect("consent:list")
    effect = REVOKE_EFFECTS.get(signature.scope, "").format(practice=signature.practice.name)
    return render(request, "consent/revoke.html", {"signature": signature, "effect": effect})


# ---------------------------------------------------------------------------------------------
# care team: relationships


def _member_practices(user: User) -> QuerySet[Practice]:
    return Practice.objects.filter(memberships__user=user, memberships__is_active=True).distinct().order_by("name")


def _practice_clinicians(practices: QuerySet[Practice]) -> QuerySet[User]:
    return (
        User.objects.filter(
            role=Role.CLINICIAN, is_active=True, memberships__practice__in=practices, memberships__is_active=True
        )
        .select_related("clinician_profile")
        .distinct()
        .order_by("full_name")
    )


def _relationship_or_404(user: User, pk: int) -> CareRelationship:
    try:
        return access_relationship(user, pk)
    except NotFound:
        raise Http404() from None


@login_required
@require_GET
def relationship_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_care_team(user)
    practices = _member_practices(user)
    relationships = (
        CareRelationship.objects.filter(practice__in=practices, ended_at__isnull=True)
        .select_related("patient", "practice", "clinician__clinician_profile")
        .order_by("patient__full_name", "pk")
    )
    page = Paginator(relationships, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consent/relationships.html",
        {"page": page, "several_practices": practices.count() > 1},
    )


_SERVICE_FIELDS = {"patient": "patient_email"}


@login_required
@require_http_methods(["GET", "POST"])
def relationship_new(request: HttpRequest) -> HttpResponse:
    """Record an established relationship (after a visit), which lets the patient message the practice."""
    user = current_user(request)
    require_care_team(user)
    practices = _member_practices(user)
    if not practices.exists():
        raise Http404()
    clinicians = list(_practice_clinicians(practices))
    form = RelationshipForm(posted(request), practices=practices, clinicians=clinicians)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            practice = form.chosen_practice()
            patient = User.objects.filter(
                email__iexact=form.cleaned_data["patient_email"].strip(), role=Role.PATIENT, is_active=True
            ).first()
            clinician = next((c for c in clinicians if c.pk == form.cleaned_data.get("clinician")), None)
            if patient is None:
                form.add_error(
                    "patient_email",
                    "No patient account uses this email address. Ask the patient to create an account first, "
                    "or check the spelling.",
                )
            elif practice is not None:
                try:
                    relationship = services.relationship_create(
                        actor=user, patient=patient, practice=practice, method=form.cleaned_data["method"],
                        established_on=form.cleaned_data["established_on"], clinician=clinician,
                        ip=client_ip(request),
                    )
                except BedsideError as exc:
                    field = _SERVICE_FIELDS.get(exc.field or "", exc.field)
                    form.add_error(field if field in form.fields else None, exc.message)
                    status = exc.status
                else:
                    messages.success(
                        request,
                        f"Recorded the care relationship of {relationship.patient.full_name} with "
                        f"{practice.name}. They can now sign the consents and send messages.",
                    )
                    return redirect("consent:relationships")
    return render(request, "consent/relationship_new.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def relationship_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then end, a relationship; the patient can no longer message the practice."""
    user = current_user(request)
    require_care_team(user)
    relationship = _relationship_or_404(user, pk)
    form = EndRelationshipForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.relationship_end(
                    actor=user, relationship=relationship, reason=form.cleaned_data["reason"], ip=client_ip(request)
                )
            except BedsideError as exc:
                messages.error(request, exc.message)
                return redirect("consent:relationships")
            messages.success(request, f"Ended the care relationship with {relationship.patient.full_name}.")
            return redirect("consent:relationships")
    context: dict[str, Any] = {"relationship": relationship, "form": form}
    return render(request, "consent/relationship_end.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# invitations: the care team invites a new patient; the patient signs up through the link

_INVITATION_SESSION_KEY = "bedside_invitation"
_INVITATION_FIELDS = {"patient": "email"}


@login_required
@require_http_methods(["GET", "POST"])
def invitation_new(request: HttpRequest) -> HttpResponse:
    """Invite a patient by email after the establishing visit; list the invitations still open."""
    user = current_user(request)
    require_care_team(user)
    practices = _member_practices(user)
    if not practices.exists():
        raise Http404()
    clinicians = list(_practice_clinicians(practices))
    form = InvitationForm(posted(request), practices=practices, clinicians=clinicians)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and (practice := form.chosen_practice()) is not None:
            clinician = next((c for c in clinicians if c.pk == form.cleaned_data.get("clinician")), None)
            try:
                invitation, _token = services.invitation_create(
                    actor=user, practice=practice, email=form.cleaned_data["email"],
                    method=form.cleaned_data["method"], established_on=form.cleaned_data["established_on"],
                    clinician=clinician, ip=client_ip(request),
                )
            except BedsideError as exc:
                field = _INVITATION_FIELDS.get(exc.field or "", exc.field)
                form.add_error(field if field in form.fields else None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request,
                    f"Invitation sent to {invitation.email}. The link works once and expires in 7 days.",
                )
                return redirect("consent:invitations")
    pending = selectors.invitations_pending(practices=practices)[:PAGE_SIZE]
    return render(
        request, "consent/invitations.html",
        {"form": form, "pending": pending, "several_practices": practices.count() > 1}, status=status,
    )


def _invitation_problem(request: HttpRequest, exc: BedsideError) -> HttpResponse:
    message = exc.message if not isinstance(exc, NotFound) else (
        "This invitation link is not valid. Check that you opened the whole link from the email, "
        "or ask the practice to send you a new invitation."
    )
    return render(request, "consent/invitation_invalid.html", {"message": message}, status=exc.status)


@require_GET
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """Keep the token from the email link in the session and continue without it in the URL."""
    try:
        invitation = selectors.invitation_pending(token=token)
    except BedsideError as exc:
        return _invitation_problem(request, exc)
    request.session[_INVITATION_SESSION_KEY] = token
    # Pre-fills the sign-up form and counts the address as verified: the link proves the inbox.
    get_adapter(request).stash_verified_email(request, invitation.email)
    if request.user.is_authenticated:
        return redirect("consent:invitation_accept")
    return redirect("consent:invitation_welcome")


@require_GET
def invitation_welcome(request: HttpRequest) -> HttpResponse:
    """Explain the invitation and offer to create an account (or sign in to an existing one)."""
    token = request.session.get(_INVITATION_SESSION_KEY)
    try:
        invitation = selectors.invitation_pending(token=str(token or ""))
    except BedsideError as exc:
        return _invitation_problem(request, exc)
    accept = reverse("consent:invitation_accept")
    return render(
        request, "consent/invitation_welcome.html",
        {
            "practice": invitation.practice,
            "signup_url": reverse("account_signup") + "?next=" + accept,
            "login_url": reverse("account_login") + "?next=" + accept,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest) -> HttpResponse:
    """Show whom the invitation kept in the session connects the patient with; on POST record
    the relationship, then ask for consent. A GET changes nothing: a link or an image on another
    site must not be able to connect a signed-in patient with a practice."""
    user = current_user(request)
    token = str(request.session.get(_INVITATION_SESSION_KEY) or "")
    try:
        if request.method == "GET":
            invitation = selectors.invitation_for(patient=user, token=token)
            return render(request, "consent/invitation_accept.html", {"invitation": invitation})
        relationship = services.invitation_accept(patient=user, token=token, ip=client_ip(request))
    except BedsideError as exc:
        return _invitation_problem(request, exc)
    request.session.pop(_INVITATION_SESSION_KEY, None)
    messages.success(
        request,
        f"Welcome. You are now connected with {relationship.practice.name}. "
        "Please read and sign the messaging consent so you can write to your care team.",
    )
    return redirect("consent:list")

