"""Blind review: nothing a juror can look at names the applicant — the queue, the application,
the attachments' names in their download headers."""
from __future__ import annotations

import json

from .conftest import image_bytes, pdf_bytes
from .jury import close_applications, compute, invite, juror_body, queue, token_of

SCHOOL = {"kind": "unit", "name": "Trường THPT Chuyên Lương Văn Tụy", "organisation": "Trường THPT Chuyên Lương Văn Tụy",
          "province": "Ninh Bình", "email": "luongvantuy@ninhbinh.edu.vn"}
NAMING = ("Lương Văn Tụy", "Luong Van Tuy", "Ninh Bình", "luongvantuy", "ninhbinh")


def applied_and_assigned(api, blind: bool):
    slug = api.create_programme(slug=f"blind-{str(blind).lower()}", blind=blind)
    api.open()
    token = token_of(api, invite(api, slug, juror_body("Hoàng Thu Trang", "Sở GD&ĐT Hà Nội")))
    for name in ("Trần Văn Cường", "Mai Thị Lan"):
        invite(api, slug, juror_body(name, f"Đại học {name}"))
    created = api.applied(slug, {"applicant": SCHOOL, "category": "doi-moi", "title": "Câu lạc bộ khoa học trẻ",
                                 "summary": "Học sinh tự thiết kế thí nghiệm.", "consent": True, "language": "vi"},
                          files=[("Báo cáo Lương Văn Tụy 2027.pdf", pdf_bytes()), ("luongvantuy-ninhbinh.png", image_bytes())])
    close_applications(api)
    compute(api, slug)
    return created, token


def everything_a_juror_sees(api, created, token) -> str:
    """The queue, the application and both downloads' headers, as one text."""
    me = api.bearer(token)
    seen = [json.dumps(queue(api, token), ensure_ascii=False)]
    application = api.client.get(f"/api/v1/applications/{created['id']}", headers=me)
    assert application.status_code == 200
    seen.append(json.dumps(application.json, ensure_ascii=False))
    for file in created["attachments"]:
        download = api.client.get(f"/api/v1/applications/{created['id']}/attachments/{file['id']}", headers=me)
        assert download.status_code == 200 and len(download.data) == file["size"]
        seen.append(str(download.headers))
    return "\n".join(seen)


def test_in_a_blind_review_nothing_a_juror_can_look_at_names_the_applicant(api):
    created, token = applied_and_assigned(api, blind=True)
    seen = everything_a_juror_sees(api, created, token)
    assert [word for word in NAMING if word.casefold() in seen.casefold()] == []
    assert "Câu lạc bộ khoa học trẻ" in seen and "Học sinh tự thiết kế thí nghiệm." in seen  # the work itself shows
    item = queue(api, token)["assignments"][0]
    assert "applicant" not in item and [a["file_name"] for a in item["attachments"]] == ["attachment-1.pdf", "attachment-2.png"]
    assert "attachment-1.pdf" in seen and "attachment-2.png" in seen  # the download's name too
    # organisers and the holder still see everything
    organiser = api.client.get(f"/api/v1/applications/{created['id']}", headers=api.admin).json
    assert organiser["applicant"]["name"] == SCHOOL["name"]
    assert organiser["attachments"][0]["file_name"] == "Báo cáo Lương Văn Tụy 2027.pdf"


def test_when_the_review_is_not_blind_jurors_see_who_applied_but_never_their_email(api):
    created, token = applied_and_assigned(api, blind=False)
    seen = everything_a_juror_sees(api, created, token)
    assert "Lương Văn Tụy" in seen and "Báo cáo Lương Văn Tụy 2027.pdf" in json.dumps(queue(api, token), ensure_ascii=False)
    assert SCHOOL["email"] not in seen
    assert queue(api, token)["assignments"][0]["applicant"]["organisation"] == SCHOOL["organisation"]
