"""An awards programme's published results become award certificates: one per winner however
often the results arrive; a correction revokes and issues exactly what changed; versions only go
forward; each winner with an address is told once per certificate."""
from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timezone

import pytest

from certificates.domain.results import Held, Listed, Printed, changes
from forumops_shared.events import PoisonMessage, decode_event, encode_event, new_event
from forumops_shared.events.registry import RESULTS_PUBLISHED

from .conftest import ADMIN
from .test_mail import queued
from .test_pdfs import lines_read_by_pdfium

TITLE = {"vi": "Giải thưởng Giáo dục tiêu biểu 2026", "en": "Outstanding Education Awards 2026"}
CATEGORIES = [
    {"code": "environment", "name": {"vi": "Môi trường giáo dục tốt nhất", "en": "Best Education Environment"},
     "awards": 2},
    {"code": "innovation", "name": {"vi": "Đổi mới sáng tạo giáo dục tiêu biểu", "en": "Best Education Innovation"},
     "awards": 2},
]


def winner(application_id: str, category: str = "environment", **overrides) -> dict:
    return {"application_id": application_id, "category": category, "kind": "unit",
            "name": f"Trường THCS Nguyễn Trãi ({application_id})", "organisation": "Phòng GD&ĐT Quận Hoàn Kiếm",
            "province": "Hà Nội", "email": None, "language": "vi", **overrides}


def published(slug: str, version: int, winners: list[dict], *, reason: str | None = None, forum: str | None = None):
    """A results-published event as the awards service publishes it."""
    return new_event(RESULTS_PUBLISHED, slug, {
        "programme": {"slug": slug, "title": TITLE, "forum": forum}, "version": version,
        "published_at": datetime.now(timezone.utc).isoformat(), "categories": CATEGORIES, "winners": winners,
        "correction_reason": reason}, source="/forumops/awards")


def results(slug: str, version: int, winners: list[dict], **more):
    """The same, decoded as a consumer reads it."""
    event = published(slug, version, winners, **more)
    return decode_event(encode_event(event), topic=event.topic)


def programme_slug() -> str:
    return f"giai-thuong-{uuid.uuid4().hex[:8]}"


def held(office, slug: str) -> dict[str, object]:
    """Each application's valid certificate."""
    return {c.award_ref: c for c in office.certificates(programme=slug) if c.revoked_at is None}


def test_a_first_publication_issues_one_award_certificate_per_winner_in_their_language(office, service):
    slug = programme_slug()
    office.apply([results(slug, 1, [winner("A-1"), winner("A-2", "innovation", language="en", kind="person",
                                                                name="Phạm Thị Thuỳ Dương")])])
    certs = held(office, slug)
    assert sorted(certs) == ["A-1", "A-2"]
    shown = service.get(f"/api/v1/certificates/{certs['A-2'].serial}").json["certificate"]
    assert (shown["kind"], shown["status"], shown["programme"], shown["forum"], shown["forum_title"],
            shown["category"], shown["recipient_name"], shown["recipient_kind"], shown["language"]) == (
        "award", "valid", slug, slug, TITLE, CATEGORIES[1]["name"], "Phạm Thị Thuỳ Dương", "person", "en")
    lines = lines_read_by_pdfium(service.get(f"/api/v1/certificates/{certs['A-2'].serial}/pdf", headers=ADMIN).data)
    assert {"AWARD CERTIFICATE", "Best Education Innovation", "Phạm Thị Thuỳ Dương",
            "at Outstanding Education Awards 2026"} <= set(lines)
    announced = {e.data["application_id"]: e.data for e in office.issued()}
    assert {a: (d["programme"], d["serial"]) for a, d in announced.items()} == {
        a: (slug, c.serial) for a, c in certs.items()}


def test_a_programme_given_at_a_forum_lists_its_certificates_with_the_forums_awards(office, service):
    forum = office.api.create_forum(slug=f"dien-dan-{uuid.uuid4().hex[:8]}")
    office.apply(office.registration_events())
    slug = programme_slug()
    office.apply([results(slug, 1, [winner("A-1")], forum=forum)])
    listed = service.get(f"/api/v1/forums/{forum}/certificates", query_string={"kind": "award"}, headers=ADMIN).json
    [only] = listed["certificates"]
    assert (only["programme"], only["forum_title"], only["recipient_name"]) == (slug, TITLE, "Trường THCS Nguyễn Trãi (A-1)")
    office.apply([results(programme_slug(), 1, [winner("B-1")], forum=forum)])  # another programme at the forum
    assert len(service.get(f"/api/v1/forums/{forum}/certificates", query_string={"kind": "award"},
                           headers=ADMIN).json["certificates"]) == 2
    ours = service.get(f"/api/v1/forums/{forum}/certificates", query_string={"programme": slug}, headers=ADMIN).json
    assert [c["serial"] for c in ours["certificates"]] == [only["serial"]]


def test_the_same_results_again_or_under_another_id_issue_nothing_more(office):
    slug = programme_slug()
    first = results(slug, 1, [winner("A-1"), winner("A-2")])
    office.apply([first])
    before = {a: c.serial for a, c in held(office, slug).items()}
    office.redeliver([first])
    office.apply([results(slug, 1, [winner("A-1"), winner("A-2")])])  # republished as it was, a new id
    assert {a: c.serial for a, c in held(office, slug).items()} == before
    assert len(office.certificates(programme=slug)) == 2 and len(office.issued()) == 2


def test_a_correction_revokes_the_removed_winner_with_its_reason_and_issues_the_added_one(office, service):
    slug = programme_slug()
    office.apply([results(slug, 1, [winner("A-1"), winner("A-2"), winner("A-3")])])
    first = held(office, slug)
    reason = "Hồ sơ A-2 không đủ điều kiện; A-3 chuyển sang hạng mục đổi mới"
    office.apply([results(slug, 2, [winner("A-1"), winner("A-3", "innovation"), winner("A-4")], reason=reason)])
    now = held(office, slug)
    assert sorted(now) == ["A-1", "A-3", "A-4"]
    assert now["A-1"].serial == first["A-1"].serial  # unchanged: left alone
    assert now["A-3"].serial != first["A-3"].serial and '"Đổi mới' in now["A-3"].category  # moved: reissued
    for gone in ("A-2", "A-3"):
        shown = service.get(f"/api/v1/certificates/{first[gone].serial}").json["certificate"]
        assert (shown["status"], shown["revoke_reason"]) == ("revoked", reason)
    page = service.get(f"/verify/{first['A-2'].serial}")
    assert page.status_code == 200 and reason in page.get_data(as_text=True)
    revoked = office.issued("certificates.certificate-revoked.v1")
    assert sorted(e.data["serial"] for e in revoked) == sorted([first["A-2"].serial, first["A-3"].serial])


def test_an_older_version_after_a_newer_changes_nothing(office):
    slug = programme_slug()
    office.apply([results(slug, 2, [winner("A-1"), winner("A-4")], reason="A-2 rút hồ sơ")])
    office.apply([results(slug, 1, [winner("A-1"), winner("A-2")])])
    assert sorted(held(office, slug)) == ["A-1", "A-4"]
    assert all(c.revoked_at is None for c in office.certificates(programme=slug))
    office.apply([results(slug, 2, [winner("A-1")], reason="the same version, other content")])
    assert sorted(held(office, slug)) == ["A-1", "A-4"]


def test_each_winner_with_an_address_is_told_once_per_certificate(office):
    slug = programme_slug()
    winners = [winner("A-1", email="a1@truong.edu.vn"), winner("A-2", email="a2@truong.edu.vn"), winner("A-3")]
    first = results(slug, 1, winners)
    office.apply([first])
    office.redeliver([first])
    office.apply([results(slug, 1, winners)])
    serials = {a: c.serial for a, c in held(office, slug).items()}
    assert queued(office) == sorted([(f"certificate:{serials['A-1']}", "a1@truong.edu.vn", "queued"),
                                     (f"certificate:{serials['A-2']}", "a2@truong.edu.vn", "queued")])
    office.apply([results(slug, 2, [winners[0], winner("A-2", "innovation", email="a2@truong.edu.vn")],
                          reason="A-2 đổi hạng mục")])
    reissued = held(office, slug)["A-2"].serial
    assert [key for key, _, _ in queued(office)] == sorted(
        [f"certificate:{serials['A-1']}", f"certificate:{serials['A-2']}", f"certificate:{reissued}"])


def test_an_address_the_results_no_longer_give_is_no_longer_kept(office):
    slug = programme_slug()
    office.apply([results(slug, 1, [winner("A-1", email="a1@truong.edu.vn"), winner("A-2", email="a2@truong.edu.vn"),
                                    winner("A-3", email="a3@truong.edu.vn")])])
    office.apply([results(slug, 2, [winner("A-1"), winner("A-3", email="hieutruong.a3@truong.edu.vn")],
                          reason="A-2 rút hồ sơ; A-1 yêu cầu xoá địa chỉ")])
    assert [recipient for _, recipient, _ in queued(office)] == []  # A-3's certificate was announced already
    office.apply([results(slug, 3, [winner("A-1"), winner("A-3", email="hieutruong.a3@truong.edu.vn"),
                                    winner("A-5", email="a5@truong.edu.vn")], reason="A-5 bổ sung")])
    assert [recipient for _, recipient, _ in queued(office)] == ["a5@truong.edu.vn"]


@pytest.mark.parametrize("change, problem", [
    (lambda d: d["winners"].append(winner("A-9", "influence")), "winners"),
    (lambda d: d["winners"].append(dict(d["winners"][0])), "winners"),
    (lambda d: d.update(version=2), "correction_reason"),
    (lambda d: d["winners"][0].update(kind="school"), "winners"),
])
def test_results_that_break_the_contract_are_refused_on_both_sides(change, problem):
    sent = published("giai-thuong", 1, [winner("A-1")])
    change(sent.data)
    with pytest.raises(PoisonMessage, match=problem):
        decode_event(encode_event(sent), topic=sent.topic)
    with pytest.raises(ValueError, match=problem):
        new_event(RESULTS_PUBLISHED, "giai-thuong", sent.data, source="/forumops/awards")


def test_a_correction_reissues_only_what_would_print_otherwise():
    printed = Printed(CATEGORIES[0]["name"], "Trường Tiểu học Kim Đồng", "Phòng GD&ĐT Ba Đình", "unit", "vi")
    held = [Held(f"S-{n}", f"A-{n}", printed, f"aw-{n}") for n in (1, 2, 3)]
    renamed = dataclasses.replace(printed, name="Trường Tiểu học Kim Đồng (cơ sở 2)")
    plan = changes(held, [Listed("A-1", printed, "new@truong.edu.vn"), Listed("A-2", renamed, None),
                          Listed("A-4", printed, None)])
    assert ([w.application_id for w in plan.issue], plan.revoke, plan.kept) == (["A-2", "A-4"], ("S-2", "S-3"), 1)
