from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_bob_creates_thread_and_alice_reads_it(api, pat_bob, dr_alice, staff_erin, dr_charlie, pat_dana):
    bob = api(pat_bob)
    r = bob.post("/api/v1/threads", {"subject": "Refill", "category": "medical_question", "body": "My knee hurts"}, content_type="application/json")
    assert r.status_code == 201, r.content
    tid = r.json()["id"]
    assert r.json()["urgency"] == "routine"
    assert "911" in r.json()["auto_reply"]
    assert api(staff_erin).get(f"/api/v1/threads/{tid}").status_code == 200
    assert api(dr_alice).get(f"/api/v1/threads/{tid}").status_code == 200
    assert api(dr_charlie).get(f"/api/v1/threads/{tid}").status_code == 404
    assert api(pat_dana).get(f"/api/v1/threads/{tid}").status_code == 404
