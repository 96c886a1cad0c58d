"""Zoom and Teams reports as organisers have them after a spreadsheet: re-saved by Excel on a
Vietnamese Windows (semicolons, Windows-1258), or damaged (a stray carriage return)."""
from ..support.excel_files import csv_windows_1258, unicode_text
from .conftest import ADMIN
from .test_online import online_person

ZOOM_HEADER = ["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest"]


def post(door, raw, **headers):
    return door.client.post(f"/api/v1/forums/{door.slug}/online/attendance/import", data=raw,
                            headers={**ADMIN, "Content-Type": "text/csv", **headers})


def test_a_zoom_report_re_saved_by_excel_on_vietnamese_windows_counts_the_minutes(door):
    an = online_person(door, email="an.le@truong.edu.vn")
    door.deliver()
    raw = csv_windows_1258([["Meeting ID", "Topic"], ["812 3456 7890", "Diễn đàn Giáo dục 2026; phiên sáng"], [],
                            ZOOM_HEADER,
                            ["Lê Thị Ấn", "an.le@truong.edu.vn", "11/23/2026 09:00:00 AM", "11/23/2026 09:40:00 AM", "40", "No"],
                            ["Khách", "", "11/23/2026 09:00:00 AM", "11/23/2026 10:00:00 AM", "60", "Yes"]], sep=";")
    answer = post(door, raw)
    assert answer.status_code == 200, answer.json
    assert answer.json["participants"] == [{"registration_id": an["id"], "minutes": 40, "changed": True}]
    assert answer.json["unmatched"] == [{"row": 6, "email": None, "reason": "no_email"}]


def test_a_report_saved_as_unicode_text_with_headers_in_capitals_is_read(door):
    binh = online_person(door, email="binh@x.vn")
    door.deliver()
    raw = unicode_text([[h.upper() for h in ZOOM_HEADER],
                        ["Trần Văn Bình", "binh@x.vn", "11/23/2026 09:00:00 AM", "11/23/2026 09:30:00 AM", "30", "No"]])
    assert post(door, raw).json["participants"] == [{"registration_id": binh["id"], "minutes": 30, "changed": True}]


def test_a_join_row_split_by_a_stray_carriage_return_refuses_the_report_with_its_line(door):
    online_person(door, email="binh@x.vn")
    door.deliver()
    raw = ("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
           "Trần Văn Bình,binh@x.vn,11/23/2026 09:00:00 AM,11/23/2026 09:30:00 AM,30,No\n"
           "Trần\rVăn Bình,binh@x.vn,11/23/2026 10:00:00 AM,11/23/2026 11:30:00 AM,90,No\n").encode()
    refused = post(door, raw, **{"Accept-Language": "en"})
    assert refused.status_code == 422 and refused.json["reason"] == "invalid_csv"
    assert refused.json["detail"] == {"problems": [{"code": "stray_line_break", "line": 3}]}
    assert refused.json["message"].startswith("Line 3:")
    unknown = post(door, "Join Time;Leave Time;Email\r\nJürgen;x;y\r\n".encode("cp1252"))
    assert unknown.json["detail"]["problems"] == [{"code": "unknown_encoding"}]
    assert "CSV UTF-8" in unknown.json["message"]
