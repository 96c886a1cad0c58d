"""Award lists as organisers' spreadsheets save them: the names printed exactly as typed."""
import io

from .conftest import ADMIN
from .test_awards import CATEGORY, forum_known
from ..support.excel_files import csv_utf8, csv_windows_1258, unicode_text

LIST = [["Name", "ORGANISATION", "Kind", "Ref"],
        ["Trường Mầm non Hoa Sen; cơ sở 2", "Phòng GD&ĐT Quận 3", "unit", "MN-1"],
        ["Nguyễn Thị Ánh Tuyết", "Trường THCS Lê Quý Đôn, Ninh Bình", "", ""],
        ["Nguỵ Văn Ẩn", "Sở GD&ĐT Thừa Thiên Huế", "", "GV-3"]]


def post(service, slug, raw, **headers):
    return service.post(f"/api/v1/forums/{slug}/awards", headers={**ADMIN, **headers},
                        data={"file": (io.BytesIO(raw), "giai-thuong.csv"), "category_vi": CATEGORY["vi"]})


def test_an_award_list_from_excel_in_any_of_its_formats_issues_each_award_once_with_names_exact(office, service):
    slug = forum_known(office)
    first = post(service, slug, csv_windows_1258(LIST, sep=";"))
    assert first.status_code == 200, first.json
    assert first.json["issued"] == 3 and [r["name"] for r in first.json["rows"]] == [row[0] for row in LIST[1:]]
    shown = service.get(f"/api/v1/certificates/{first.json['rows'][1]['serial']}").json["certificate"]
    assert (shown["recipient_name"], shown["organisation"]) == (LIST[2][0], LIST[2][1])
    for raw in (unicode_text(LIST), csv_utf8(LIST, sep=",")):  # the same list, saved otherwise: nothing new
        again = post(service, slug, raw)
        assert (again.json["issued"], again.json["existing"]) == (0, 3)
        assert "reason" not in again.json["rows"][1]  # same name and organisation, to the character


def test_a_damaged_award_list_is_refused_before_anything_is_issued(office, service):
    slug = forum_known(office)
    raw = b"name,organisation\nA,B\n\"Tr\xc6\xb0\xe1\xbb\x9dng C,D\n"
    refused = post(service, slug, raw, **{"Accept-Language": "en"})
    assert refused.status_code == 422 and refused.json["detail"] == {"problems": [{"code": "unclosed_quote", "line": 3}]}
    assert refused.json["message"] == "Line 3: a quote is opened and never closed."
    unknown = post(service, slug, b"name,organization\nA,B\n")
    assert unknown.json["detail"]["problems"] == [{"code": "unknown_columns", "columns": ["organization"]}]
    listed = service.get(f"/api/v1/forums/{slug}/certificates", headers=ADMIN, query_string={"kind": "award"})
    assert listed.json["certificates"] == []
