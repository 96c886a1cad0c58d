"""Certificate PDFs: names print exactly, the QR leads to the verification, only the holder and
organisers download, and a kept PDF never outlives a revocation or an erasure."""
import io
import unicodedata

import pypdf
import pypdfium2
import zxingcpp
from sqlalchemy import func, select

from certificates.tables import certificate_pdfs
from forumops_shared.db import readonly

from .conftest import ADMIN, PUBLIC_URL, checked_in, issue, minutes
from .vietnamese_names import as_typed, letters


def lines_read_by_pdfium(pdf: bytes) -> list[str]:
    page = pypdfium2.PdfDocument(pdf)[0]
    return page.get_textpage().get_text_range().splitlines()


def lines_read_by_pypdf(pdf: bytes) -> list[str]:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()


def qr_codes(pdf: bytes) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image)]


def download(service, serial, token):
    return service.get(f"/api/v1/certificates/{serial}/pdf", headers={"Authorization": f"Bearer {token}"})


def kept_pdfs(office) -> int:
    with readonly(office.engine).connect() as conn:
        return conn.execute(select(func.count()).select_from(certificate_pdfs)).scalar()


def test_every_vietnamese_name_reads_back_from_its_pdf_exactly_as_registered(office, service):
    typed = as_typed()
    assert letters() <= set("".join(unicodedata.normalize("NFC", n) for n in typed))  # the corpus is complete
    api = office.api
    slug = api.create_forum(title={"vi": "Diễn đàn Đổi mới sáng tạo trong Giáo dục", "en": "Education Innovation Forum"})
    api.put_point(slug, "HN-01", capacity=len(typed))
    people = [api.register(slug, api.person("HN-01", full_name=name)).json for name in typed]
    office.apply(office.registration_events() + [checked_in(p, slug) for p in people])
    for name, person in zip(typed, people):
        serial = service.get(f"/api/v1/registrations/{person['id']}/certificate", headers=ADMIN).json["serial"]
        answer = download(service, serial, person["manage_token"])
        assert answer.status_code == 200 and answer.mimetype == "application/pdf"
        registered = unicodedata.normalize("NFC", name)
        assert registered in lines_read_by_pdfium(answer.data), name
        assert registered in lines_read_by_pypdf(answer.data), name


def test_the_pdf_says_what_the_certificate_is_in_the_holders_language(office, service):
    _, [vi], [serial_vi] = issue(office, organisation="Sở Giáo dục và Đào tạo Hà Giang")
    pdf = download(service, serial_vi, vi["manage_token"]).data
    lines = lines_read_by_pdfium(pdf)
    assert {"GIẤY CHỨNG NHẬN", "Sở Giáo dục và Đào tạo Hà Giang", "Diễn đàn Giáo dục 2026",
            "đã tham dự trực tiếp Diễn đàn Giáo dục 2026", "ngày 10 tháng 12 năm 2026",
            f"Số hiệu: {serial_vi}"} <= set(lines)
    assert qr_codes(pdf) == [f"{PUBLIC_URL}/verify/{serial_vi}"]

    api = office.api
    slug = api.create_forum(slug="online-forum", certificate_rule={"onsite_checkin": True, "online_min_minutes": 30})
    en = api.register(slug, api.person(language="en", full_name="Trần Minh Đức")).json
    office.apply(office.registration_events() + [minutes(en, slug, 45)])
    serial_en = office.certificates(registration_id=en["id"])[0].serial
    lines = lines_read_by_pdfium(download(service, serial_en, en["manage_token"]).data)
    assert {"CERTIFICATE OF ATTENDANCE", "Trần Minh Đức", "attended Education Forum 2026 online",
            "on 10 December 2026", f"Serial: {serial_en}"} <= set(lines)


def test_only_the_holder_and_organisers_download_a_certificate(office, service):
    _, [mine, theirs], _ = issue(office, n=2)
    serial = office.certificates(registration_id=mine["id"])[0].serial
    assert download(service, serial, mine["manage_token"]).status_code == 200
    assert service.get(f"/api/v1/certificates/{serial}/pdf").status_code == 401
    other = download(service, serial, theirs["manage_token"])
    assert other.status_code == 403 and other.json["reason"] == "forbidden"  # a valid token, not for this
    assert download(service, serial, "not-a-token-of-anyone").json["reason"] == "unauthenticated"
    assert service.get(f"/api/v1/certificates/{serial}/pdf", headers=ADMIN).status_code == 200


def test_a_pdf_is_drawn_once_and_revalidated_by_its_etag(office, service):
    _, [person], [serial] = issue(office)
    first = download(service, serial, person["manage_token"])
    assert kept_pdfs(office) == 1
    again = download(service, serial, person["manage_token"])
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    unchanged = service.get(f"/api/v1/certificates/{serial}/pdf",
                            headers={**ADMIN, "If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and not unchanged.data


def test_revocation_and_erasure_end_the_pdf_and_what_was_kept(office, service):
    _, [one, two], _ = issue(office, n=2)
    [first] = office.certificates(registration_id=one["id"])
    [second] = office.certificates(registration_id=two["id"])
    for person, cert in ((one, first), (two, second)):
        assert download(service, cert.serial, person["manage_token"]).status_code == 200
    assert kept_pdfs(office) == 2
    service.post(f"/api/v1/certificates/{first.serial}/revoke", json={"reason": "Cấp nhầm"}, headers=ADMIN)
    gone = service.get(f"/api/v1/certificates/{first.serial}/pdf", headers=ADMIN)
    assert gone.status_code == 410 and gone.json["reason"] == "certificate_revoked"
    assert kept_pdfs(office) == 1
    office.api.client.post(f"/api/v1/registrations/{two['id']}/erase",
                           headers=office.api.as_holder(two["manage_token"]))
    office.apply(office.registration_events("registration.personal-data-erased.v1"))
    assert kept_pdfs(office) == 0
    assert service.get(f"/api/v1/certificates/{second.serial}/pdf", headers=ADMIN).status_code == 410
