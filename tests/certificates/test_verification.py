"""Anyone can check a certificate; organisers revoke; holders fetch their own."""
import copy

from ..support.openapi_check import undescribed_routes
from ..support.verification import checks_out
from .conftest import ADMIN, issue


def test_the_verification_document_is_signed_and_fails_when_tampered(office, service):
    _, [person], [serial] = issue(office, full_name="Hoàng Thị Ngọc Ánh")
    answer = service.get(f"/api/v1/certificates/{serial.lower()}").json  # serials read in any case
    assert answer["certificate"]["status"] == "valid"
    assert answer["certificate"]["recipient_name"] == "Hoàng Thị Ngọc Ánh"
    keys = service.get("/.well-known/forumops-certificate-keys.json").json["keys"]
    assert checks_out(answer, keys)
    for field, value in (("recipient_name", "Hoàng Thị Ngọc Anh"), ("status", "revoked"), ("serial", "X")):
        forged = copy.deepcopy(answer)
        forged["certificate"][field] = value
        assert not checks_out(forged, keys), field


def test_revocation_shows_at_once_on_the_document_and_the_page(office, service):
    _, _, [serial] = issue(office)
    assert "HỢP LỆ" in service.get(f"/verify/{serial}").get_data(as_text=True)
    assert service.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "x"}).status_code == 401
    revoked = service.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "Cấp nhầm người"}, headers=ADMIN)
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    answer = service.get(f"/api/v1/certificates/{serial}").json["certificate"]
    assert (answer["status"], answer["revoke_reason"]) == ("revoked", "Cấp nhầm người")
    page = service.get(f"/verify/{serial}").get_data(as_text=True)
    assert "ĐÃ THU HỒI" in page and "Cấp nhầm người" in page
    again = service.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "again"}, headers=ADMIN)
    assert again.status_code == 409 and again.json["reason"] == "already_revoked"
    [event] = office.issued("certificates.certificate-revoked.v1")
    assert event.data["serial"] == serial


def test_the_holder_and_organisers_fetch_the_certificate_nobody_else(office, service):
    _, [mine, theirs], serials = issue(office, n=2)
    own = service.get(f"/api/v1/registrations/{mine['id']}/certificate",
                      headers={"Authorization": f"Bearer {mine['manage_token']}"})
    assert own.status_code == 200 and own.json["serial"] in serials
    other = service.get(f"/api/v1/registrations/{mine['id']}/certificate",
                        headers={"Authorization": f"Bearer {theirs['manage_token']}"})
    assert other.status_code == 403 and other.json["reason"] == "forbidden"
    assert service.get(f"/api/v1/registrations/{mine['id']}/certificate", headers=ADMIN).status_code == 200


def test_organisers_list_certificates_a_page_at_a_time(office, service):
    slug, _, serials = issue(office, n=3)
    first = service.get(f"/api/v1/forums/{slug}/certificates", query_string={"limit": 2}, headers=ADMIN).json
    rest = service.get(f"/api/v1/forums/{slug}/certificates", query_string={"limit": 2, "after": first["next_after"]},
                       headers=ADMIN).json
    assert [c["serial"] for c in first["certificates"] + rest["certificates"]] == sorted(serials)
    assert rest["next_after"] is None
    service.post(f"/api/v1/certificates/{serials[0]}/revoke", json={"reason": "thử"}, headers=ADMIN)
    valid = service.get(f"/api/v1/forums/{slug}/certificates", query_string={"status": "valid"}, headers=ADMIN).json
    assert len(valid["certificates"]) == 2
    assert service.get(f"/api/v1/forums/{slug}/certificates").status_code == 401


def test_an_unknown_serial_is_a_clear_404(service):
    missing = service.get("/api/v1/certificates/AAAA-BBBB-CCCC")
    assert missing.status_code == 404 and missing.json["reason"] == "certificate_not_found"
    assert service.get("/verify/AAAA-BBBB-CCCC").status_code == 404


def test_the_openapi_document_describes_every_certificates_route(service):
    assert undescribed_routes(service.application) == []


def test_only_the_registration_pages_origin_may_read_a_holders_certificate_from_a_browser(office, service):
    _, [person], _ = issue(office)
    path = f"/api/v1/registrations/{person['id']}/certificate"
    ours, other = "http://127.0.0.1:8001", "https://trang-gia-mao.example"  # the default registration URL
    preflight = service.options(path, headers={"Origin": ours, "Access-Control-Request-Method": "GET",
                                               "Access-Control-Request-Headers": "authorization"})
    assert preflight.headers.get("Access-Control-Allow-Origin") == ours
    assert "authorization" in preflight.headers.get("Access-Control-Allow-Headers", "").lower()
    answer = service.get(path, headers={"Origin": ours, "Authorization": f"Bearer {person['manage_token']}"})
    assert answer.status_code == 200 and answer.headers.get("Access-Control-Allow-Origin") == ours
    elsewhere = service.get(path, headers={"Origin": other, "Authorization": f"Bearer {person['manage_token']}"})
    assert "Access-Control-Allow-Origin" not in elsewhere.headers
    organisers = service.get("/api/v1/forums/x/certificates", headers={"Origin": ours, **ADMIN})
    assert "Access-Control-Allow-Origin" not in organisers.headers  # organisers' routes are not shared
