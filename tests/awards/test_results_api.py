"""Publishing the results over HTTP: the decision in force becomes the honour roll (JSON and page)
and `awards.results-published.v1` in the outbox; every applicant is told what it means for them
through a real SMTP server; a correction needs a reason, republishes the whole list and tells
only those whose outcome changed; the honour roll links each winner to their certificate."""
from __future__ import annotations

from forumops_shared.events import decode_event, encode_event, new_event
from forumops_shared.events.registry import CERTIFICATE_ISSUED, CERTIFICATE_REVOKED, RESULTS_PUBLISHED

from ..support.handlers import HandlerFeed
from ..support.smtp import relay  # noqa: F401 - the fixture
from ..support.staged import staged_events
from .jury import REVIEW_CLOSES
from .test_ranking_api import scored_programme
from .test_receipt import send_all

HOA_MAI, LE_LOI, NGUYEN_DU, SEN_HONG = ("Trường Tiểu học Hoa Mai", "Trường THCS Lê Lợi", "Trường THPT Nguyễn Du",
                                        "Trường Mầm non Sen Hồng")


def decide(api, slug, winners, reason=None):
    answer = api.client.put(f"/api/v1/programmes/{slug}/decisions", headers=api.admin,
                            json={"winners": {"doi-moi": winners}, **({"reason": reason} if reason else {})})
    assert answer.status_code == 200, answer.json
    return answer.json


def publish(api, slug, reason=None, headers=None):
    return api.client.post(f"/api/v1/programmes/{slug}/publish", headers=api.admin if headers is None else headers,
                           json={"reason": reason} if reason else {})


def winners_of(roll: dict) -> dict[str, list[str]]:
    return {c["code"]: [w["name"] for w in c["winners"]] for c in roll["categories"]}


def test_publishing_the_decision_stages_the_results_and_opens_the_honour_roll(api):
    slug, ids, _ = scored_programme(api)
    early = publish(api, slug)
    assert (early.status_code, early.json["reason"]) == (409, "review_not_closed")
    api.clock._now = REVIEW_CLOSES
    undecided = publish(api, slug)
    assert (undecided.status_code, undecided.json["reason"]) == (409, "no_decision")
    decide(api, slug, [ids[HOA_MAI], ids[LE_LOI]])
    hidden = api.client.get(f"/api/v1/programmes/{slug}/results")
    assert (hidden.status_code, hidden.json["reason"]) == (409, "results_not_published")
    assert "Hoa Mai" not in api.client.get(f"/programmes/{slug}/results").get_data(as_text=True)
    assert publish(api, slug, headers={}).status_code == 401

    published = publish(api, slug)

    assert published.status_code == 200, published.json
    assert {k: published.json[k] for k in ("version", "decision_version", "winners", "results_url")} == {
        "version": 1, "decision_version": 1, "winners": 2, "results_url": f"/programmes/{slug}/results"}
    [event] = staged_events(api.engine, RESULTS_PUBLISHED)
    assert (event.subject, event.data["version"], event.data["correction_reason"]) == (slug, 1, None)
    assert [(w["application_id"], w["category"], w["name"]) for w in event.data["winners"]] == [
        (ids[HOA_MAI], "doi-moi", HOA_MAI), (ids[LE_LOI], "doi-moi", LE_LOI)]
    assert all(w["email"].endswith("@truong.edu.vn") for w in event.data["winners"])  # for the certificates' email
    assert [c["code"] for c in event.data["categories"]] == ["moi-truong", "doi-moi", "anh-huong"]

    roll = api.client.get(f"/api/v1/programmes/{slug}/results")
    assert roll.status_code == 200
    assert winners_of(roll.json) == {"moi-truong": [], "doi-moi": [HOA_MAI, LE_LOI], "anh-huong": []}
    assert "@" not in roll.get_data(as_text=True)  # public: no contact address
    assert all(w["certificate"] is None for c in roll.json["categories"] for w in c["winners"])
    page = api.client.get(f"/programmes/{slug}/results").get_data(as_text=True)
    assert HOA_MAI in page and LE_LOI in page and NGUYEN_DU not in page and "@" not in page.split("<main")[1]
    assert api.client.get(f"/api/v1/programmes/{slug}").json["phase"] == "published"
    assert f"/programmes/{slug}/results" in api.client.get(f"/programmes/{slug}").get_data(as_text=True)
    again = publish(api, slug)
    assert (again.status_code, again.json["reason"]) == (409, "already_published")
    assert len(staged_events(api.engine, RESULTS_PUBLISHED)) == 1


def test_every_applicant_hears_the_decision_and_a_correction_tells_only_those_it_changes(api, relay):
    slug, ids, _ = scored_programme(api)
    api.clock._now = REVIEW_CLOSES
    send_all(api, relay, at=REVIEW_CLOSES)  # the receipts and the jurors' invitations
    relay.messages.clear()
    decide(api, slug, [ids[HOA_MAI], ids[LE_LOI]])
    assert publish(api, slug).status_code == 200
    send_all(api, relay, at=REVIEW_CLOSES)

    first = {m["To"].addresses[0].display_name: m for m in relay.messages}
    assert sorted(first) == sorted([HOA_MAI, LE_LOI, NGUYEN_DU, SEN_HONG]) and len(relay.messages) == 4
    assert first[HOA_MAI]["Subject"] == "Chúc mừng: hồ sơ được vinh danh tại Giải thưởng Giáo dục 2027"
    assert "danh mục Đổi mới giáo dục tiêu biểu" in first[HOA_MAI].get_body(("plain",)).get_content()
    assert first[NGUYEN_DU]["Subject"] == "Kết quả Giải thưởng Giáo dục 2027"
    assert "chưa có trong danh sách vinh danh" in first[NGUYEN_DU].get_body(("plain",)).get_content()
    results_url = f"{api.context.settings.urls['awards']}/programmes/{slug}/results"
    assert all(results_url in m.get_body(("plain",)).get_content() for m in relay.messages)

    # The tie at the cut decided the other way: the decision needs no reason, the correction does.
    decide(api, slug, [ids[HOA_MAI], ids[NGUYEN_DU]])
    unexplained = publish(api, slug)
    assert (unexplained.status_code, unexplained.json["reason"]) == (422, "reason_required")
    corrected = publish(api, slug, reason="Nhập nhầm điểm của một giám khảo.")
    assert (corrected.status_code, corrected.json["version"], corrected.json["decision_version"]) == (200, 2, 2)
    relay.messages.clear()
    send_all(api, relay, at=REVIEW_CLOSES)

    second = {m["To"].addresses[0].display_name: m for m in relay.messages}
    assert sorted(second) == sorted([LE_LOI, NGUYEN_DU]) and len(relay.messages) == 2
    assert second[LE_LOI]["Subject"] == "Đính chính kết quả Giải thưởng Giáo dục 2027"
    assert "không còn trong danh sách vinh danh" in second[LE_LOI].get_body(("plain",)).get_content()
    assert "sau khi kết quả được đính chính" in second[NGUYEN_DU].get_body(("plain",)).get_content()
    latest = staged_events(api.engine, RESULTS_PUBLISHED)[-1]
    assert (latest.data["version"], latest.data["correction_reason"]) == (2, "Nhập nhầm điểm của một giám khảo.")
    assert [w["name"] for w in latest.data["winners"]] == [HOA_MAI, NGUYEN_DU]
    roll = api.client.get(f"/api/v1/programmes/{slug}/results").json
    assert (roll["version"], roll["decision_version"], roll["corrected"], winners_of(roll)["doi-moi"]) == (
        2, 2, True, [HOA_MAI, NGUYEN_DU])
    assert "Nhập nhầm" not in str(roll)  # the reason goes to the certificates revoked, not the public list


def certificate_event(type_, data):
    event = new_event(type_, data.get("application_id") or data["serial"], data, source="/forumops/certificates")
    return decode_event(encode_event(event), topic=event.topic)


def test_the_honour_roll_links_each_winner_to_their_certificate_once_issued(api):
    from awards import projection

    slug, ids, _ = scored_programme(api)
    api.clock._now = REVIEW_CLOSES
    decide(api, slug, [ids[HOA_MAI], ids[LE_LOI]])
    assert publish(api, slug).status_code == 200
    issued = certificate_event(CERTIFICATE_ISSUED, {
        "serial": "AW7Q2K9X4M", "kind": "award", "forum": "dien-dan-giao-duc-2027", "award_id": "x",
        "programme": slug, "application_id": ids[HOA_MAI], "issued_at": "2027-06-01T02:00:00+00:00"})
    elsewhere = certificate_event(CERTIFICATE_ISSUED, {
        "serial": "AT00000001", "kind": "attendance", "forum": "dien-dan-giao-duc-2027", "registration_id": "r-1",
        "issued_at": "2027-06-01T02:00:00+00:00"})
    feed = HandlerFeed(api.engine, projection.HANDLERS)  # as awards' consumer: the attendance one is not wanted
    feed.apply([issued, elsewhere])

    roll = api.client.get(f"/api/v1/programmes/{slug}/results").json
    linked = {w["name"]: w["certificate"] for w in roll["categories"][1]["winners"]}
    verify = f"{api.context.settings.urls['certificates'].rstrip('/')}/verify/AW7Q2K9X4M"
    assert linked == {HOA_MAI: {"serial": "AW7Q2K9X4M", "verify_url": verify}, LE_LOI: None}
    assert f'href="{verify}"' in api.client.get(f"/programmes/{slug}/results").get_data(as_text=True)

    revoked = certificate_event(CERTIFICATE_REVOKED, {"serial": "AW7Q2K9X4M", "forum": "dien-dan-giao-duc-2027",
                                                      "reason": "results_corrected",
                                                      "revoked_at": "2027-06-02T02:00:00+00:00"})
    feed.apply([revoked])
    roll = api.client.get(f"/api/v1/programmes/{slug}/results").json
    assert roll["categories"][1]["winners"][0]["certificate"] is None
