"""No N+1 on the lists: the queue, the inbox, the API lists and a thread's messages take the same
number of statements whether they show two rows or twelve (bench/inbox.py measures the time)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bedside.accounts.models import Practice, User
from bedside.messaging import services
from bedside.messaging.models import Thread

pytestmark = pytest.mark.django_db


def add_threads(bob: User, alice: User, count: int) -> list[Thread]:
    """Start COUNT threads for Bob, each answered by Alice (so rows have authors and read states)."""
    practice = Practice.objects.get(name="Riverside Family Medicine")
    threads = []
    for i in range(count):
        category = ("medical_question", "prescription", "other")[i % 3]
        thread = services.thread_create(patient=bob, practice=practice, subject=f"Question {i}", category=category,
                                        body="My knee is stiff in the mornings.").thread
        services.message_send(author=alice, thread=thread, body="Please try the stretches we discussed.")
        threads.append(thread)
    return threads


def statements(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries.captured_queries)


def assert_flat(client: Client, url: str, grow: Callable[[], object], django_assert_num_queries) -> None:
    """Assert that URL runs the same number of statements after GROW added rows to it."""
    client.get(url)  # first request: session, token last-used and the like settle
    before = statements(client, url)
    grow()
    with django_assert_num_queries(before):
        response = client.get(url)
    assert response.status_code == 200


def test_queue_is_flat(web_login, dr_alice, pat_bob, django_assert_num_queries):
    add_threads(pat_bob, dr_alice, 2)
    alice = web_login(dr_alice)
    assert_flat(alice, "/queue/", lambda: add_threads(pat_bob, dr_alice, 10), django_assert_num_queries)
    assert statements(alice, "/queue/") <= 16


def test_patient_inbox_is_flat(web_login, dr_alice, pat_bob, django_assert_num_queries):
    add_threads(pat_bob, dr_alice, 2)
    bob = web_login(pat_bob)
    assert_flat(bob, "/inbox/", lambda: add_threads(pat_bob, dr_alice, 10), django_assert_num_queries)
    assert statements(bob, "/inbox/") <= 12


@pytest.mark.parametrize("who", ["patient", "clinician"])
def test_api_list_is_flat(api, dr_alice, pat_bob, who, django_assert_num_queries):
    add_threads(pat_bob, dr_alice, 2)
    client = api(pat_bob if who == "patient" else dr_alice)
    assert_flat(client, "/api/v1/threads", lambda: add_threads(pat_bob, dr_alice, 10), django_assert_num_queries)
    # token, rows, audit row (plus a savepoint pair): a page is a handful of statements
    assert statements(client, "/api/v1/threads") <= 6


def test_api_thread_messages_are_flat(api, dr_alice, pat_bob, django_assert_num_queries):
    thread = add_threads(pat_bob, dr_alice, 1)[0]
    client = api(pat_bob)

    def more_messages() -> None:
        for i in range(8):
            services.message_send(author=pat_bob, thread=thread, body=f"One more detail, number {i}.")

    assert_flat(client, f"/api/v1/threads/{thread.pk}", more_messages, django_assert_num_queries)


def test_strangers_are_refused(web_login, api, dr_alice, pat_bob, dr_charlie, pat_dana):
    """Charlie and Dana see none of Bob's threads in any of the measured lists."""
    add_threads(pat_bob, dr_alice, 2)
    assert "Question 0" not in web_login(dr_charlie).get("/queue/").content.decode()
    assert "Question 0" not in web_login(pat_dana).get("/inbox/").content.decode()
    for user in (dr_charlie, pat_dana):
        assert api(user).get("/api/v1/threads").json()["items"] == []


def test_care_team_api_list_is_exactly_what_access_allows(api, dr_alice, pat_bob, staff_erin, staff_nora,
                                                          dr_charlie):
    """The API list's practice-first walk (selectors.thread_list_api) shows what access.py allows."""
    from bedside.messaging.access import threads_visible

    add_threads(pat_bob, dr_alice, 6)  # three categories: routed to two pools and unrouted
    for user in (dr_alice, staff_erin, staff_nora, dr_charlie):
        listed = {item["id"] for item in api(user).get("/api/v1/threads?limit=100").json()["items"]}
        assert listed == set(threads_visible(user).values_list("pk", flat=True)), user.email


# The message path (bench/message_send.py measures it): a routine patient message through the API,
# the second of two (the first also stamps the token's last use). It was 20 statements before the
# consent gate became one (relationship, current document with its body, signature) and the
# EHR-push check stopped looking up the practice it is handed; the business-hours and holiday
# reads of the response target are two of the 17 here (triage's cache holds them in production).
SEND_STATEMENTS = 17


def test_patient_message_send_statements(api, dr_alice, pat_bob):
    thread = add_threads(pat_bob, dr_alice, 1)[0]
    client = api(pat_bob)

    def send():
        return client.post(f"/api/v1/threads/{thread.pk}/messages", {"body": "The stiffness is a bit better."},
                           content_type="application/json")

    assert send().status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = send()
    assert response.status_code == 201, response.content
    assert response.json()["urgency"] == "routine"
    assert len(queries.captured_queries) <= SEND_STATEMENTS, "\n".join(q["sql"][:90] for q in queries.captured_queries)
