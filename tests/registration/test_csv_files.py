"""Organisers import points and participant lists as their spreadsheets save them: semicolons,
Windows-1258, UTF-16, headers in capitals; a file that cannot be read safely is refused whole,
each bad line named in the organiser's language."""
import csv
import io

import pytest

from forumops_shared.events.registry import PARTICIPANT_REGISTERED
from forumops_shared.refusals import Refusal
from registration.import_cli import chunks

from ..support.excel_files import csv_utf8, csv_windows_1258, unicode_text

POINTS = [["Code", "Name", "Province", "Capacity"],
          ["HN-01", "Bộ Giáo dục và Đào tạo, 35 Đại Cồ Việt", "Hà Nội", "120"],
          ["HUE-02", "Sở GD&ĐT Thừa Thiên Huế", "Thừa Thiên Huế", "40"],
          ["CT-03", "Trường THPT Chuyên Lý Tự Trọng", "Cần Thơ", "35"]]
TEACHERS = [["FULL_NAME", "Email", "Organisation", "Point"],
            ["Nguyễn Văn Anh", "anh@sgd-hue.edu.vn", "Trường THPT Quốc Học; tổ Toán", "HUE-02"],
            ["Trần Thị Hồng Nhung", "nhung@sgd-hue.edu.vn", "Trường THCS Nguyễn Tri Phương", "HUE-02"],
            ["Nguỵ Văn Ẩn", "an@sgd-hue.edu.vn", "Phòng GD&ĐT Phú Vang", ""]]


def post(api, path, raw, **headers):
    return api.client.post(f"/api/v1/forums/{api.slug}/{path}", headers={**api.admin, **headers},
                           data=raw, content_type="text/csv")


def names_registered(api):
    items = api.client.get(f"/api/v1/forums/{api.slug}/registrations", headers=api.admin).json["items"]
    return sorted(r["full_name"] for r in items)


def test_points_saved_by_excel_on_vietnamese_windows_import_with_their_names_exact(api):
    api.slug = api.create_forum()
    answer = post(api, "points/import", csv_windows_1258(POINTS, sep=";"))
    assert answer.status_code == 200, answer.json
    assert answer.json["created"] == 3 and [r["line"] for r in answer.json["rows"]] == [2, 3, 4]
    points = api.client.get(f"/api/v1/forums/{api.slug}/points").json["points"]
    assert sorted((p["code"], p["name"], p["province"], p["capacity"]) for p in points) == sorted(
        (code, name, province, int(capacity)) for code, name, province, capacity in POINTS[1:])
    again = post(api, "points/import", csv_utf8(POINTS, sep=";"))  # the same list as CSV UTF-8: nothing changes
    assert again.json["unchanged"] == 3


def test_a_participant_list_saved_as_unicode_text_registers_everyone_with_their_names_exact(api):
    api.slug = api.create_forum()
    post(api, "points/import", csv_utf8(POINTS))
    answer = post(api, "registrations/import", unicode_text(TEACHERS))
    assert answer.status_code == 200, answer.json
    assert (answer.json["created"], answer.json["refused"]) == (3, 0)
    assert names_registered(api) == sorted(row[0] for row in TEACHERS[1:])
    assert sorted(e.data["organisation"] for e in api.events(PARTICIPANT_REGISTERED)) == sorted(
        row[2] for row in TEACHERS[1:])


def test_a_list_with_a_stray_carriage_return_is_refused_whole_with_its_line_in_the_readers_language(api):
    api.slug = api.create_forum()
    raw = csv_utf8(TEACHERS, sep=",").replace("Trần Thị".encode(), "Trần\rThị".encode())
    refused = post(api, "registrations/import", raw, **{"Accept-Language": "en"})
    assert refused.status_code == 422 and refused.json["reason"] == "invalid_csv"
    assert refused.json["detail"] == {"problems": [{"code": "stray_line_break", "line": 3}]}
    assert refused.json["message"].startswith("Line 3:")
    assert post(api, "registrations/import", raw).json["message"].startswith("Dòng 3:")  # Vietnamese by default
    assert names_registered(api) == []  # the row was not split, and nothing else of the file was kept


def test_a_list_in_another_code_page_is_refused_with_the_encoding_to_choose(api):
    api.slug = api.create_forum()
    refused = post(api, "registrations/import", "full_name;email\r\nJürgen Groß;j@x.de\r\n".encode("cp1252"))
    assert refused.status_code == 422 and refused.json["detail"]["problems"] == [{"code": "unknown_encoding"}]
    assert "CSV UTF-8" in refused.json["message"] and refused.json["message"].startswith("Không nhận ra bảng mã")
    workbook = post(api, "points/import", b"PK\x03\x04" + b"\x00" * 30, **{"Accept-Language": "en"})
    assert workbook.json["detail"]["problems"] == [{"code": "spreadsheet_not_csv"}]
    assert "Excel workbook" in workbook.json["message"]


def test_cells_shifted_by_an_unquoted_separator_are_refused_naming_each_line(api):
    api.slug = api.create_forum()
    raw = "code,name,province,capacity\nA-1,Sở GD&ĐT, Hà Nội,Hà Nội,10\nA-2,Điểm 2,Huế,5\nA-3,Điểm, 3,Huế,5\n"
    refused = post(api, "points/import", raw.encode())
    assert [(p["code"], p["line"]) for p in refused.json["detail"]["problems"]] == [("extra_cells", 2), ("extra_cells", 4)]
    assert api.client.get(f"/api/v1/forums/{api.slug}/points").json["points"] == []


def test_the_import_command_sends_excel_files_as_the_service_reads_them_with_the_files_line_numbers():
    raw = csv_windows_1258(TEACHERS[:2] + [["Lê Thị\nMai", "mai@x.vn", "Sở", ""]] + TEACHERS[2:], sep=";")
    parts = list(chunks(raw, 2))
    assert [(start, total) for start, total, _, _ in parts] == [(0, 4), (2, 4)]
    first = list(csv.reader(io.StringIO(parts[0][2])))
    assert first == [["full_name", "email", "organisation", "point"], TEACHERS[1], ["Lê Thị\nMai", "mai@x.vn", "Sở", ""]]
    assert [lines for _, _, _, lines in parts] == [{2: 2, 3: 3}, {2: 5, 3: 6}]  # the quoted line break takes a line
    with pytest.raises(Refusal) as refused:
        list(chunks(b"full_name,email\nA\rB,a@x.vn\n", 2))
    assert refused.value.detail == {"problems": [{"code": "stray_line_break", "line": 2}]}
