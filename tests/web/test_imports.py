"""The organisers' import page tells each refusal as a sentence in the page's language, with
its line: a refused row, or a file refused whole (as Excel on a Vietnamese Windows saved it)."""
import uuid

import pytest
from playwright.sync_api import expect

from ..support.excel_files import csv_windows_1258
from ..support.forums import new_forum
from ..support.system import ADMIN_TOKEN


@pytest.fixture(scope="module")
def forum(stack):
    return new_forum(stack, points_per_province=1)


def send(page, stack, forum, path, raw, tmp_path, lang="vi"):
    page.goto(stack.url("registration", f"/organiser/{forum}/imports?lang={lang}"))
    page.fill("#token", ADMIN_TOKEN)
    upload = tmp_path / "tep.csv"
    upload.write_bytes(raw)
    page.set_input_files(f"form[data-path='{path}'] input[type=file]", str(upload))
    page.click(f"form[data-path='{path}'] button")


def test_a_refused_point_reads_as_a_vietnamese_sentence_with_its_line(stack, forum, page, tmp_path):
    code = f"HUE-{uuid.uuid4().hex[:6]}"
    raw = csv_windows_1258([["Code", "Name", "Province", "Capacity"], [code, "Sở GD&ĐT Thừa Thiên Huế", "Huế", "40"],
                            [f"{code}-X", "", "Huế", "-1"]], sep=";")
    send(page, stack, forum, "points/import", raw, tmp_path)
    expect(page.locator("#message")).to_contain_text("Đã tạo: 1")
    expect(page.locator("#message")).to_contain_text("Bị từ chối: 1")
    refused = page.locator("#report tr[data-outcome=refused] td").nth(2)
    expect(refused).to_have_text(f"Dòng 3 ({code}-X): Một số trường chưa hợp lệ. Tên điểm cầu: cần điền. "
                                 "Sức chứa: ngoài khoảng cho phép.")
    points = stack.admin("GET", "registration", f"/api/v1/forums/{forum}/points").json()["points"]
    assert ("Sở GD&ĐT Thừa Thiên Huế", "Huế", 40) in {(p["name"], p["province"], p["capacity"])
                                                      for p in points if p["code"] == code}


def test_a_list_refused_whole_names_each_bad_line_in_english_on_the_english_page(stack, forum, page, tmp_path):
    raw = ("full_name,email\nNguyễn Văn Anh,anh@x.vn\nTrần\rThị Bình,binh@x.vn\nLê, Văn Cường,cuong@x.vn\n").encode()
    send(page, stack, forum, "registrations/import", raw, tmp_path, lang="en")
    expect(page.locator("#message")).to_have_text("The file was refused; no row was imported:")
    rows = page.locator("#report tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Line 3: a line break (CR) inside a cell that is not in quotes.")
    expect(rows.nth(1)).to_contain_text("Line 4: 3 cells for 2 columns; a value holding the delimiter must be in quotes.")
    expect(page.locator("#report")).not_to_contain_text("stray_line_break")


def test_a_file_in_an_unknown_encoding_says_which_to_choose(stack, forum, page, tmp_path):
    send(page, stack, forum, "points/import", "code;name;province;capacity\r\nX;Groß;Y;1\r\n".encode("cp1252"), tmp_path)
    expect(page.locator("#report tbody")).to_contain_text("CSV UTF-8 (Comma delimited)")
    expect(page.locator("#report tbody")).to_contain_text("Không nhận ra bảng mã")
    send(page, stack, forum, "points/import", b"Code;Name\r\nX;Y\r\n", tmp_path, lang="en")
    expect(page.locator("#report tbody")).to_have_text(
        "—RefusedMissing column(s): province, capacity. The first line must name these columns.")
