"""Standard texts of the consent documents a practice publishes (a practice may edit them,
which publishes a new version)."""

from __future__ import annotations

from bedside.accounts.models import Practice
from bedside.consent.models import Scope


def standard_document(practice: Practice, scope: str) -> tuple[str, str]:
    """Return (title, body) of the standard document for SCOPE at PRACTICE."""
    name = practice.name
    emergency = practice.emergency_number
    promise = practice.response_promise
    office = f" at {practice.phone}" if practice.phone else ""
    if scope == Scope.PORTAL_MESSAGING:
        return (
            f"Secure messaging with {name}",
            f"""By signing, I agree to use secure messaging with {name} under these terms.

1. Not for emergencies. Secure messages are not monitored around the clock. If I have an
   emergency I will call {emergency} or go to the nearest emergency department. If I am thinking
   about suicide or harming myself I will call or text 988.
2. Response times. The practice answers routine messages {promise} (Monday to Friday,
   office hours). Messages that look urgent are screened and flagged for a faster answer, but
   I will call the office{office} for anything that cannot wait.
3. Who reads my messages. My clinician and the members of the care team who help them
   (nurses, medical assistants and front-desk staff in the pool for my message's category) read
   my messages. Nobody outside the care team reads them, except auditors checking that my
   record is handled correctly.
4. Medical record. Every message, reply and attachment becomes part of my medical record.
5. Appropriate use. Messaging is for non-urgent questions, refills, appointments, billing and
   follow-up. It does not replace a visit; my clinician may ask me to come in.
6. Privacy. Messages are encrypted. Email notifications never contain the content of a
   message, only a reminder to sign in.
7. Withdrawal. I can revoke this consent at any time from the Consents page; messaging stops
   at once. Revoking does not affect messages already sent.""",
        )
    if scope == Scope.EMAIL_NOTIFICATIONS:
        return (
            f"Email notifications from {name}",
            f"""By signing, I agree that {name} may email me when I have a new secure message.
The email says only that a message is waiting and where to sign in. It never contains the
subject or text of the message, my clinician's name or specialty, or any diagnosis. I can revoke
this consent at any time; I will then have to sign in to check for messages.""",
        )
    if scope == Scope.SMS_NOTIFICATIONS:
        return (
            f"Text-message notifications from {name}",
            f"""By signing, I agree that {name} may send a text message to my phone when I have a
new secure message. Texts never contain medical information. Message and data rates may apply.
I can revoke this consent at any time.""",
        )
    if scope == Scope.PHOTO_SHARING:
        return (
            f"Sharing photos with {name}",
            """By signing, I agree to send photos (for example of a rash or a wound) through secure
messaging. Photos become part of my medical record. bedside removes location and camera data
from photos before storing them encrypted. A photo may not be enough for a diagnosis; my
clinician may ask me to come in. I will not send photos of other people. I can revoke this
consent at any time.""",
        )
    if scope == Scope.SPECIALIST_SHARING:
        return (
            f"Sharing my record with a referred specialist ({name})",
            f"""By signing, I agree that my clinicians at {name} may share the parts of my record
needed for a referral or e-consult with the specialist they refer me to, through secure
store-and-forward. The specialist sees only what is shared. I can revoke this consent at any time;
shares already made stay in the specialist's record.""",
        )
    if scope == Scope.EMAIL_MESSAGING:
        crisis = getattr(practice, "crisis_line", "") or "988"
        return (
            f"Writing to {name} by email",
            f"""By signing, I agree that {name} may bring email I send to the practice's address into
my medical record, under these terms.

1. Email is less secure. Ordinary email is not encrypted end to end: it can be read, changed or
   misdelivered on its way, and it stays in my mailbox and my email provider's systems. The secure
   portal is the safer channel; I choose email knowingly.
2. Only my verified address. Only email from the address verified on my account is accepted. Email
   from any other address is not stored and gets an automatic answer pointing to the portal.
3. Replies never come by email. The care team answers in the secure portal. I receive only a
   notification that a message is waiting, which never contains the content of my email, the reply,
   my clinician's name or any diagnosis.
4. Not for emergencies. Email is screened like any secure message, but it is not monitored around
   the clock. If I have an emergency I will call {emergency} or go to the nearest emergency
   department. If I am thinking about suicide or harming myself I will call or text {crisis}. I
   will call the office{office} for anything that cannot wait.
5. Medical record. Every email I send, and the photos and PDF documents attached to it, becomes
   part of my medical record. Other kinds of attachments are refused and not stored.
6. Withdrawal. I can revoke this consent at any time from the Consents page; email is refused at
   once. Revoking does not affect email already brought into my record.""",
        )
    return (
        f"Billed online visits (e-visits) with {name}",
        """By signing, I agree that clinical conversations started by me through secure messaging
that take my clinician 5 minutes or more over 7 days may be billed as an online digital
evaluation (e-visit) to my insurance, and that I may owe a copay. This consent lasts one year.""",
    )
