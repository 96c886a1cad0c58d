"""The public registration: what is stored, what is refused and why, retries, tickets."""
import unicodedata

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, func, select

from forumops_shared.events.registry import PARTICIPANT_REGISTERED
from forumops_shared.ratelimit import DatabaseCounts, RateLimit, rate_counts
from forumops_shared.tickets import TicketError, b64, unb64, verify

from ..support.openapi_check import undescribed_routes
from ..support.waiting import wait_until
from ..support.writers import database_held


@pytest.fixture
def forum(api):
    slug = api.create_forum()
    api.put_point(slug, "HN-01", capacity=100)
    return slug


def published_keys(api) -> dict[str, bytes]:
    from forumops_shared.events.registry import FORUM_PUBLISHED

    latest = api.events(FORUM_PUBLISHED)[-1]
    return {k["kid"]: unb64(k["public_key"]) for k in latest.data["ticket_keys"]}


def test_registering_in_person_confirms_and_returns_ticket_and_manage_token(api, forum):
    response = api.register(forum, api.person("HN-01"))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "confirmed" and body["attendance"] == "onsite" and body["point"] == "HN-01"
    assert len(body["ticket"]["code"]) == 10 and body["ticket"]["qr_payload"].startswith("FO1.")
    assert len(body["manage_token"]) >= 43  # 32 random bytes
    assert body["full_name"] == "Nguyễn Thị Ánh Tuyết"


def test_online_registration_needs_no_point(api, forum):
    body = api.register(forum, api.person()).json
    assert (body["status"], body["attendance"], body["point"]) == ("confirmed", "online", None)


def test_names_are_stored_nfc_and_trimmed_and_otherwise_as_written(api, forum):
    decomposed = unicodedata.normalize("NFD", "  Đặng Thị Ngọc Hân ")
    email = "  Ngoc.Han@Truong.EDU.vn "
    body = api.register(forum, api.person(full_name=decomposed, email=email, organisation=" Sở GD&ĐT  Huế ")).json
    assert body["full_name"] == "Đặng Thị Ngọc Hân" and unicodedata.is_normalized("NFC", body["full_name"])
    assert body["email"] == "Ngoc.Han@Truong.EDU.vn"  # kept as written, compared case-insensitively
    assert body["organisation"] == "Sở GD&ĐT  Huế"


def test_the_same_email_in_any_case_is_already_registered(api, forum):
    assert api.register(forum, api.person(email="co.giao@truong.edu.vn")).status_code == 201
    again = api.register(forum, api.person(email="CO.GIAO@Truong.Edu.VN"))
    assert again.status_code == 409 and again.json["reason"] == "already_registered"


def test_after_cancelling_the_same_email_may_register_again(api, forum):
    first = api.register(forum, api.person(email="lai@truong.edu.vn")).json
    api.client.delete(f"/api/v1/registrations/{first['id']}", headers=api.as_holder(first["manage_token"]))
    assert api.register(forum, api.person(email="lai@truong.edu.vn")).status_code == 201


@pytest.mark.parametrize("change, reason, field", [
    ({"consent": False}, "consent_required", "consent"),
    ({"attendance": "onsite"}, "point_required", "point"),
    ({"point": "NOWHERE"}, "unknown_point", "point"),
    ({"attendance": "online", "point": "HN-01"}, "point_not_allowed", "point"),
    ({"email": "not-an-email"}, "validation_failed", "email"),
    ({"full_name": "   "}, "validation_failed", "full_name"),
    ({"attendance": "by-post"}, "validation_failed", "attendance"),
    ({"language": "fr"}, "validation_failed", "language"),
    ({"phone": "call me"}, "validation_failed", "phone"),
    ({"favourite_colour": "blue"}, "validation_failed", "favourite_colour"),
])
def test_each_refusal_has_its_reason_and_field(api, forum, change, reason, field):
    body = {**api.person("HN-01"), **change}
    if change.get("attendance") == "onsite":
        body.pop("point")
    response = api.register(forum, body)
    assert response.status_code == 422 and response.json["reason"] == reason
    assert field in response.json["errors"]
    assert api.events(PARTICIPANT_REGISTERED) == []


def test_missing_consent_field_is_a_validation_error(api, forum):
    body = api.person()
    del body["consent"]
    response = api.register(forum, body)
    assert response.status_code == 422 and "consent" in response.json["errors"]


def test_a_language_the_forum_does_not_offer_is_refused(api):
    slug = api.create_forum("chi-tieng-viet", languages=["vi"])
    response = api.register(slug, api.person(language="en"))
    assert response.status_code == 422 and response.json["reason"] == "language_not_offered"


def test_not_json_and_too_large_bodies_are_refused(api, forum):
    as_form = api.client.post(f"/api/v1/forums/{forum}/registrations", data={"full_name": "x"})
    assert as_form.status_code == 415 and as_form.json["reason"] == "unsupported_media_type"
    huge = api.register(forum, api.person(organisation="x" * 70_000))
    assert huge.status_code == 413 and huge.json["reason"] == "body_too_large"
    assert api.register(forum, ["not", "an", "object"]).json["reason"] == "validation_failed"


def test_a_retried_submit_with_the_same_idempotency_key_returns_the_first_answer(api, forum):
    person = api.person("HN-01")
    first = api.register(forum, person, headers={"Idempotency-Key": "abc-123"})
    again = api.register(forum, person, headers={"Idempotency-Key": "abc-123"})
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert len(api.events(PARTICIPANT_REGISTERED)) == 1


def test_an_idempotency_key_reused_for_another_body_is_refused(api, forum):
    api.register(forum, api.person(), headers={"Idempotency-Key": "k-1"})
    response = api.register(forum, api.person(), headers={"Idempotency-Key": "k-1"})
    assert response.status_code == 422 and response.json["reason"] == "idempotency_key_reused"


def test_submits_arriving_together_are_stored_in_one_commit_each_with_its_own_answer(api, forum):
    engine = api.context.engine
    api.put_point(forum, "DN-01", capacity=1, province="Đà Nẵng")
    retried, taken = api.person("HN-01"), api.person("HN-01")
    api.register(forum, taken)
    sent = [(api.person("DN-01"), None), (api.person("DN-01"), None), (api.person("DN-01"), None),  # one place
            (retried, "retry-1"), (retried, "retry-1"),  # a retry while the first is still queued
            (api.person(), None),  # online
            ({**api.person("HN-01"), "email": taken["email"].upper()}, None),  # already registered
            (api.person(), "reused"), (api.person(), "reused")]  # one key, two different people
    commits, queue = [], api.context.commits._queue
    event.listen(engine, "commit", lambda conn: commits.append(1))

    def submit(item):
        body, key = item
        return api.app.test_client().post(f"/api/v1/forums/{forum}/registrations", json=body,
                                          headers={"Idempotency-Key": key} if key else {})

    with ThreadPoolExecutor(max_workers=len(sent)) as pool:
        with database_held(engine):  # another writer holds the database meanwhile
            futures = [pool.submit(submit, item) for item in sent]
            wait_until(lambda: len(queue) == len(sent), timeout_s=10, message="nine queued submits")
        answers = [f.result(timeout=30) for f in futures]
    # The duplicate email failed the shared transaction: each was then stored alone, with its own outcome.
    assert [a.status_code for a in answers[:7]] == [201] * 6 + [409]
    assert answers[6].json["reason"] == "already_registered"
    assert sorted((a.status_code, a.json.get("reason")) for a in answers[7:]) == [
        (201, None), (422, "idempotency_key_reused")]
    da_nang = sorted((a.json["status"], a.json["waitlist_position"]) for a in answers[:3])
    assert da_nang == [("confirmed", None), ("waitlisted", 1), ("waitlisted", 2)]
    assert answers[3].json == answers[4].json and answers[5].json["status"] == "confirmed"
    assert len(api.events(PARTICIPANT_REGISTERED)) == 1 + 5 + 1
    commits.clear()
    twice = api.person("HN-01")
    more = [(api.person("DN-01"), None), (api.person("DN-01"), None), (api.person(), None), (retried, "retry-1"),
            (twice, "twice"), (twice, "twice")]  # a key claimed and sent again within one batch
    with ThreadPoolExecutor(max_workers=len(more)) as pool:  # and without a failure: one commit for all
        with database_held(engine):
            futures = [pool.submit(submit, item) for item in more]
            wait_until(lambda: len(queue) == len(more), timeout_s=10, message="six queued submits")
        again = [f.result(timeout=30) for f in futures]
    assert len(commits) == 1 and [a.status_code for a in again] == [201] * 6  # their rate counts too
    assert sorted(a.json["waitlist_position"] for a in again[:2]) == [3, 4]
    assert again[3].json == answers[3].json  # the key's first answer, still
    assert again[4].json == again[5].json and len(api.events(PARTICIPANT_REGISTERED)) == 7 + 4


def test_the_ticket_verifies_with_the_published_key_and_fails_when_one_byte_changes(api, forum):
    body = api.register(forum, api.person("HN-01")).json
    keys = published_keys(api)
    claims = verify(body["ticket"]["qr_payload"], keys)
    assert (claims.forum, claims.registration_id, claims.attendance, claims.point, claims.code) == (
        forum, body["id"], "onsite", "HN-01", body["ticket"]["code"])
    prefix, payload, signature = body["ticket"]["qr_payload"].split(".")
    raw = bytearray(unb64(payload))
    raw[len(raw) // 2] ^= 0x01
    with pytest.raises(TicketError) as tampered:
        verify(f"{prefix}.{b64(bytes(raw))}.{signature}", keys)
    assert tampered.value.reason in ("invalid_signature", "malformed_ticket")
    sig = bytearray(unb64(signature))
    sig[0] ^= 0x01
    with pytest.raises(TicketError) as bad_sig:
        verify(f"{prefix}.{payload}.{b64(bytes(sig))}", keys)
    assert bad_sig.value.reason == "invalid_signature"


def test_a_ticket_signed_by_an_unknown_key_is_refused(api, forum):
    body = api.register(forum, api.person("HN-01")).json
    with pytest.raises(TicketError) as unknown:
        verify(body["ticket"]["qr_payload"], {"someone-else": b"\x00" * 32})
    assert unknown.value.reason == "unknown_key"


def test_ticket_codes_use_only_the_unambiguous_alphabet_and_differ(api, forum):
    codes = {api.register(forum, api.person()).json["ticket"]["code"] for _ in range(30)}
    assert len(codes) == 30
    assert not set("".join(codes)) & set("01OILU")


def test_registering_emits_exactly_one_event_with_the_documented_schema(api, forum):
    body = api.register(forum, api.person("HN-01", phone="+84 912 345 678")).json
    [event] = api.events(PARTICIPANT_REGISTERED)  # decoded and validated by its schema
    assert event.subject == body["id"]
    assert event.data["email"] == body["email"] and event.data["point"] == "HN-01"
    assert event.data["ticket_code"] == body["ticket"]["code"] and event.data["ticket_version"] == 1


def test_the_longest_values_a_submit_accepts_make_an_event_consumers_accept(api, forum):
    """The event's schema is checked once per process (new_events): what people write must never
    pass the request's schema and then fail the event's, or consumers would dead-letter it."""
    longest = api.person("HN-01", full_name="Ậ" * 200, organisation="Trường " + "Ữ" * 293, role="Ổ" * 200,
                         phone="+84 " + "9" * 21, email="a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".vn")
    assert api.register(forum, longest).status_code == 201
    for field, value in (("full_name", "Ậ" * 201), ("organisation", "Ữ" * 301), ("role", "Ổ" * 201)):
        assert api.register(forum, {**api.person("HN-01"), field: value}).json["errors"][field]
    [event] = api.events(PARTICIPANT_REGISTERED)  # decoded and validated as a consumer does
    assert event.data["full_name"] == longest["full_name"] and event.data["email"] == longest["email"]


def test_the_public_registration_is_rate_limited_per_client(reg_settings):
    from forumops_shared.service_app import close_service_app
    from registration.app import create_app

    from .conftest import Api

    app = create_app(reg_settings(REGISTRATION_RATE_LIMIT="3/minute"))
    api = Api(app, None)
    slug = api.create_forum("gioi-han")
    answers = [api.register(slug, api.person()).status_code for _ in range(4)]
    limited = api.register(slug, api.person())
    close_service_app(app)
    assert answers[:3] == [201, 201, 201] and answers[3] == 429
    assert limited.json["reason"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1


def test_submits_over_their_limit_in_a_batch_are_refused_alone_and_the_rest_stored(api, forum):
    engine = api.context.engine
    api.context.rate_limit = RateLimit("4/minute", api.context.clock, DatabaseCounts(engine, "register"))
    assert [api.register(forum, api.person()).status_code for _ in range(2)] == [201, 201]
    queue = api.context.commits._queue

    def submit(address):
        return api.app.test_client().post(f"/api/v1/forums/{forum}/registrations", json=api.person(),
                                          environ_base={"REMOTE_ADDR": address})
    sent = ["127.0.0.1"] * 3 + ["10.0.0.7"]  # room for two more from the first address
    with ThreadPoolExecutor(max_workers=len(sent)) as pool:
        with database_held(engine):
            futures = [pool.submit(submit, address) for address in sent]
            wait_until(lambda: len(queue) == len(sent), timeout_s=10, message="four queued submits")
        answers = [f.result(timeout=30) for f in futures]
    assert sorted(a.status_code for a in answers[:3]) == [201, 201, 429] and answers[3].status_code == 201
    [refused] = [a for a in answers if a.status_code == 429]
    assert refused.json["reason"] == "rate_limited" and int(refused.headers["Retry-After"]) >= 1
    assert len(api.events(PARTICIPANT_REGISTERED)) == 2 + 3  # nothing of the refused one
    with engine.connect() as conn:  # each stored submit counted once, the refused one not at all
        assert dict(conn.execute(select(rate_counts.c.client, func.sum(rate_counts.c.hits))
                                 .group_by(rate_counts.c.client)).all()) == {"127.0.0.1": 4, "10.0.0.7": 1}

    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    again = api.register(forum, api.person())  # refused by this process's memory of the refusal
    assert (again.status_code, again.json["reason"], statements) == (429, "rate_limited", [])


def test_a_submit_refused_while_stored_counts_against_its_limit(api, forum):
    api.context.rate_limit = RateLimit("3/minute", api.context.clock,
                                       DatabaseCounts(api.context.engine, "register"))
    key = {"Idempotency-Key": "k-limit"}
    answers = [api.register(forum, api.person(), headers=key).status_code for _ in range(4)]
    # The first stored, the next two refused as the key's reuse (and counted), the fourth over the limit.
    assert answers == [201, 422, 422, 429]


def test_the_openapi_document_describes_every_route_from_the_schemas(api):
    doc = api.client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    register = doc["paths"]["/api/v1/forums/{slug}/registrations"]["post"]
    schema_ref = register["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert {"full_name", "email", "attendance", "consent"} <= set(schema["required"])
    assert schema["additionalProperties"] is False
    assert undescribed_routes(api.app) == []


def test_a_nul_character_anywhere_in_a_body_is_a_field_error(api):
    """PostgreSQL text cannot hold NUL: refused as the field's error, never stored or a 500."""
    slug = api.create_forum()
    api.put_point(slug, "HN-01")
    response = api.register(slug, api.person("HN-01", full_name="Lê\x00Văn"))
    assert response.status_code == 422 and response.json["errors"] == {"full_name": ["Must not contain the NUL character."]}
    changed = api.client.patch(f"/api/v1/forums/{slug}", headers=api.admin, json={"title": {"vi": "x\x00"}})
    assert changed.status_code == 422 and "title" in changed.json["errors"]
