"""Organisers issue award certificates in bulk (JSON or CSV); the same list again issues nothing;
awards verify and print like attendance certificates; organisers list and export everything."""
import csv
import io

from .conftest import ADMIN, PUBLIC_URL, issue
from .test_pdfs import lines_read_by_pdfium, qr_codes

CATEGORY = {"vi": "Đơn vị điển hình đổi mới sáng tạo trong giáo dục", "en": "Best Education Innovation of the Year"}
SCHOOLS = [
    {"name": "Trường THPT Chuyên Hà Nội - Amsterdam", "organisation": "Sở GD&ĐT Hà Nội", "kind": "unit", "ref": "HS-001"},
    {"name": "Trường Tiểu học Nguyễn Bỉnh Khiêm", "organisation": "Sở GD&ĐT Đà Nẵng", "kind": "unit", "ref": "HS-002"},
    {"name": "Phạm Thị Thuỳ Dương", "organisation": "Trường THCS Lê Quý Đôn, Ninh Bình"},
]


def award(service, slug, recipients=SCHOOLS, **more):
    return service.post(f"/api/v1/forums/{slug}/awards", headers=ADMIN,
                        json={"category": CATEGORY, "recipients": recipients, **more})


def forum_known(office):
    slug, _, _ = issue(office)  # a published forum, as certificates knows it
    return slug


def test_a_list_of_recipients_is_awarded_once_however_often_it_is_sent(office, service):
    slug = forum_known(office)
    first = award(service, slug)
    assert first.status_code == 200, first.json
    assert (first.json["issued"], first.json["existing"], first.json["refused"]) == (3, 0, 0)
    serials = [row["serial"] for row in first.json["rows"]]
    again = award(service, slug)
    assert (again.json["issued"], again.json["existing"]) == (0, 3)
    assert [row["serial"] for row in again.json["rows"]] == serials
    events = office.issued()
    awarded = [e for e in events if e.data["kind"] == "award"]
    assert sorted(e.data["serial"] for e in awarded) == sorted(serials)
    assert all(e.subject == e.data["award_id"] and e.data["registration_id"] is None for e in awarded)
    shown = service.get(f"/api/v1/certificates/{serials[0]}").json["certificate"]
    assert (shown["kind"], shown["status"], shown["recipient_name"], shown["recipient_kind"], shown["category"]) == (
        "award", "valid", "Trường THPT Chuyên Hà Nội - Amsterdam", "unit", CATEGORY)


def test_an_award_prints_its_category_and_recipient_in_its_language(office, service):
    slug = forum_known(office)
    rows = award(service, slug, language="en").json["rows"]
    pdf = service.get(f"/api/v1/certificates/{rows[1]['serial']}/pdf", headers=ADMIN)
    assert pdf.status_code == 200
    lines = lines_read_by_pdfium(pdf.data)
    assert {"AWARD CERTIFICATE", "Best Education Innovation of the Year", "Trường Tiểu học Nguyễn Bỉnh Khiêm",
            "Sở GD&ĐT Đà Nẵng"} <= set(lines)
    assert qr_codes(pdf.data) == [f"{PUBLIC_URL}/verify/{rows[1]['serial']}"]
    vi = award(service, slug, [{"name": "Lê Văn Hưng", "language": "vi"}]).json["rows"][0]
    lines = lines_read_by_pdfium(service.get(f"/api/v1/certificates/{vi['serial']}/pdf", headers=ADMIN).data)
    assert {"GIẤY CHỨNG NHẬN", CATEGORY["vi"], "Lê Văn Hưng"} <= set(lines)


def test_a_csv_list_reports_each_line_and_issues_the_good_ones(office, service):
    slug = forum_known(office)
    text = ("name,organisation,kind,ref\n"
            "Trường Mầm non Hoa Sen,Phòng GD&ĐT Quận 3,unit,MN-1\n"
            ",Phòng GD&ĐT Quận 5,unit,MN-2\n"
            "Trường Mầm non Sơn Ca,Phòng GD&ĐT Quận 10,school,MN-3\n"
            "Nguyễn Hoàng Yến,Trường Mầm non Sơn Ca,,\n")
    sent = service.post(f"/api/v1/forums/{slug}/awards", headers=ADMIN,
                        query_string={"category_vi": CATEGORY["vi"], "category_en": CATEGORY["en"]},
                        data=text.encode("utf-8-sig"), content_type="text/csv")
    assert sent.status_code == 200, sent.json
    report = {row["line"]: row for row in sent.json["rows"]}
    assert [report[n]["outcome"] for n in (2, 3, 4, 5)] == ["issued", "refused", "refused", "issued"]
    assert "name" in report[3]["errors"] and "kind" in report[4]["errors"]
    renamed = text.replace("Trường Mầm non Hoa Sen", "Trường Mầm non Hoa Sen (cơ sở 2)")
    again = service.post(f"/api/v1/forums/{slug}/awards", headers=ADMIN,
                         data={"file": (io.BytesIO(renamed.encode()), "awards.csv"), "category_vi": CATEGORY["vi"]})
    rows = {row["line"]: row for row in again.json["rows"]}
    assert (rows[2]["outcome"], rows[2]["serial"], rows[2]["reason"]) == ("existing", report[2]["serial"], "details_differ")
    assert (rows[5]["outcome"], rows[5]["serial"]) == ("existing", report[5]["serial"])


def test_bad_award_requests_get_a_clear_reason(office, service):
    slug = forum_known(office)
    cases = [
        (service.post(f"/api/v1/forums/{slug}/awards", json={"category": CATEGORY, "recipients": SCHOOLS}), 401,
         "unauthenticated"),
        (award(service, "khong-co-dien-dan"), 404, "forum_not_found"),
        (award(service, slug, [{"name": "A", "phone": "0912345678"}]), 422, "validation_failed"),
        (award(service, slug, []), 422, "validation_failed"),
        (service.post(f"/api/v1/forums/{slug}/awards", headers=ADMIN, data="name\nA\n", content_type="text/csv"), 422,
         "validation_failed"),  # no category
        (service.post(f"/api/v1/forums/{slug}/awards", headers=ADMIN, query_string={"category_vi": "Giải"},
                      data="name,organization\nA,B\n", content_type="text/csv"), 422, "invalid_csv"),
        (service.post(f"/api/v1/forums/{slug}/awards", headers=ADMIN, data="A", content_type="text/plain"), 415,
         "unsupported_media_type"),
    ]
    for answer, status, reason in cases:
        assert (answer.status_code, answer.json["reason"]) == (status, reason)


def test_award_pdfs_are_for_organisers_to_hand_out(office, service):
    slug, [person], _ = issue(office)
    serial = award(service, slug).json["rows"][0]["serial"]
    other = service.get(f"/api/v1/certificates/{serial}/pdf", headers={"Authorization": f"Bearer {person['manage_token']}"})
    assert (other.status_code, other.json["reason"]) == (403, "forbidden")


def test_organisers_filter_the_list_and_export_it_as_csv(office, service):
    slug, [person], [attendance_serial] = issue(office)
    awarded = [row["serial"] for row in award(service, slug, SCHOOLS + [{"name": "=HYPERLINK(\"x\")"}]).json["rows"]]
    only_awards = service.get(f"/api/v1/forums/{slug}/certificates", query_string={"kind": "award"}, headers=ADMIN).json
    assert sorted(c["serial"] for c in only_awards["certificates"]) == sorted(awarded)
    onsite = service.get(f"/api/v1/forums/{slug}/certificates", query_string={"mode": "onsite"}, headers=ADMIN).json
    assert [c["serial"] for c in onsite["certificates"]] == [attendance_serial]
    export = service.get(f"/api/v1/forums/{slug}/certificates/export", headers=ADMIN)
    assert export.status_code == 200 and export.mimetype == "text/csv"
    text = export.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted(r["serial"] for r in rows) == sorted(awarded + [attendance_serial])
    by_serial = {r["serial"]: r for r in rows}
    listed = service.get(f"/api/v1/forums/{slug}/certificates", headers=ADMIN).json["certificates"]
    assert {c["serial"]: (c["registration_id"], c["award_id"]) for c in listed} == {
        serial: (row["registration_id"] or None, row["award_id"] or None) for serial, row in by_serial.items()}
    assert by_serial[attendance_serial]["registration_id"] == person["id"]
    assert by_serial[awarded[0]]["category"] == CATEGORY["vi"]
    assert by_serial[awarded[0]]["verify_url"] == f"{PUBLIC_URL}/verify/{awarded[0]}"
    assert by_serial[awarded[-1]]["recipient_name"].startswith("'=")  # not a formula in a spreadsheet
    assert service.get(f"/api/v1/forums/{slug}/certificates/export").status_code == 401
    bad = service.get(f"/api/v1/forums/{slug}/certificates/export", query_string={"kind": "x"}, headers=ADMIN)
    assert bad.status_code == 422


def test_an_export_named_after_any_slug_has_a_valid_download_header(service):
    """Found by fuzzing: a slug with non-Latin characters once broke the header (gunicorn answered 500)."""
    export = service.get("/api/v1/forums/di%E1%BB%85n-%C2%97%0Bđàn/certificates/export", headers=ADMIN)
    assert export.status_code == 200
    header = export.headers["Content-Disposition"]
    header.encode("ascii")  # HTTP headers are bytes: anything else is refused on the way out
    assert header.endswith("filename*=UTF-8''di%E1%BB%85n-%C2%97%0B%C4%91%C3%A0n-certificates.csv")
