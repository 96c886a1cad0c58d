"""Long names, organisations and titles fit the page: every character is printed, inside the
border, clear of the QR code and the footer (read back from the PDF with pdfium's glyph boxes)."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pypdfium2
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from certificates.printing import Certificate, render
from certificates.printing.layout import wrap
from certificates.printing.sheet import BOLD, HEIGHT, QR_SIZE, TEXT_WIDTH, WIDTH, _fonts

from .conftest import checked_in
from .test_pdfs import download, lines_read_by_pypdf

WORDS = ("Nguyễn Thị Ánh Tuyết Hoàng Phước Đặng Quỳnh Hương Trịnh Hữu Nghĩa Lưỡng Khổng Thuỷ Ứng Thực "
         "Trường Trung học Phổ thông Chuyên Lê Quý Đôn Sở Giáo dục và Đào tạo tỉnh Bà Rịa Vũng Tàu").split()
INNER_BORDER = (26, 26, WIDTH - 26, HEIGHT - 26)
QR_CODE = (WIDTH - 60 - QR_SIZE, 50, WIDTH - 60, 50 + QR_SIZE)
FOOTER_STARTS = ("Số hiệu:", "Ngày cấp:", "Kiểm tra tính xác thực:", "Serial:", "Issued:", "Verify this", "https://")
LOWEST_BODY_LINE = 145  # the footer's texts and QR code are below; the body stays above


def vietnamese(length: int, start: int = 0) -> str:
    """`length` characters of Vietnamese words, diacritics throughout."""
    words, i = [], start
    while len(" ".join(words)) < length + 1:
        words.append(WORDS[i % len(WORDS)])
        i += 1
    text = " ".join(words)[:length]
    return text if not text.endswith(" ") else text[:-1] + "x"


def printed(pdf: bytes) -> list[tuple[str, tuple, str]]:
    """Every visible character on the page: itself, its glyph box (left, bottom, right, top), its line."""
    page = pypdfium2.PdfDocument(pdf)[0].get_textpage()
    text = page.get_text_range()
    lines = text.split("\r\n")
    found, line = [], 0
    for i, ch in enumerate(text):
        if ch == "\n":
            line += 1
        if not ch.isspace():
            found.append((ch, page.get_charbox(i), lines[line]))
    return found


def inside(box, area) -> bool:
    return area[0] <= box[0] and box[2] <= area[2] and area[1] <= box[1] and box[3] <= area[3]


def overlaps(box, area) -> bool:
    return box[0] < area[2] and area[0] < box[2] and box[1] < area[3] and area[1] < box[3]


def without_spaces(text: str) -> str:
    return "".join(text.split())


def assert_fits(pdf: bytes, *texts: str) -> None:
    characters = printed(pdf)
    on_page = "".join(ch for ch, _, _ in characters)
    for text in texts:  # every character, in order (wrapping turns a space into a line break)
        assert without_spaces(text) in on_page
    for ch, box, line in characters:
        assert inside(box, INNER_BORDER), (ch, box, line)
        assert not overlaps(box, QR_CODE), (ch, box, line)
        assert box[1] >= LOWEST_BODY_LINE or line.startswith(FOOTER_STARTS), (ch, box, line)
    assert without_spaces(texts[0]) in without_spaces("".join(lines_read_by_pypdf(pdf)))


def test_a_200_character_name_and_organisation_print_whole_within_the_page(office, service):
    name, organisation = vietnamese(200), vietnamese(200, start=7)
    assert (len(name), len(organisation)) == (200, 200)
    api = office.api
    slug = api.create_forum()
    api.put_point(slug, "HN-01", capacity=10)
    person = api.register(slug, api.person("HN-01", full_name=name, organisation=organisation)).json
    office.apply(office.registration_events() + [checked_in(person, slug)])
    [certificate] = office.certificates(registration_id=person["id"])
    answer = download(service, certificate.serial, person["manage_token"])
    assert answer.status_code == 200
    assert_fits(answer.data, name, organisation)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_award_at_the_longest_the_api_accepts_still_fits_the_page(language):
    """Title, category and name of 300 characters and an organisation of 500 (the awards' limits)."""
    title, category, name, organisation = vietnamese(300), vietnamese(300, 3), vietnamese(300, 5), vietnamese(500, 9)
    day = datetime(2026, 12, 10, tzinfo=timezone.utc)
    pdf = render(Certificate(serial="K7QM-4XRT-9PLW", kind="award", language=language, forum_title=title,
                             recipient_name=name, organisation=organisation, mode=None, category=category,
                             starts_on=day, ends_on=day, issued_on=date(2026, 12, 10),
                             verify_url="https://chungnhan.example.vn/verify/K7QM-4XRT-9PLW"))
    assert_fits(pdf, name, organisation, category, title)


def test_a_word_wider_than_the_page_breaks_between_letters_never_inside_one():
    _fonts()
    word = "Nguye\u0302\u0303n" * 40  # one 320-character "word", its tone marks decomposed
    lines = wrap(word, BOLD, 20, TEXT_WIDTH)
    assert len(lines) > 1 and "".join(lines) == word
    assert all(stringWidth(line, BOLD, 20) <= TEXT_WIDTH for line in lines)
    assert not any(line[0] in "\u0302\u0303" for line in lines)


def test_twelve_long_session_titles_and_the_hours_fit_beside_a_long_name_each_title_whole_where_it_can():
    """A two-day programme's sessions (titles of 120 characters) on the attendance certificate."""
    titles = tuple(f"{i}. {vietnamese(116, i)}" for i in range(1, 13))
    name, organisation = vietnamese(120), vietnamese(200, start=7)
    day = datetime(2026, 12, 10, tzinfo=timezone.utc)
    pdf = render(Certificate(serial="K7QM-4XRT-9PLW", kind="attendance", language="vi",
                             forum_title="Diễn đàn Giáo dục 2026", recipient_name=name, organisation=organisation,
                             mode="onsite", category=None, starts_on=day, ends_on=day, issued_on=date(2026, 12, 10),
                             verify_url="https://chungnhan.example.vn/verify/K7QM-4XRT-9PLW", sessions=titles,
                             hours=Decimal("14.5")))
    assert_fits(pdf, name, organisation, *titles)
    lines = {line for _, _, line in printed(pdf)}
    assert "Tổng thời lượng tham dự: 14,5 giờ" in lines
    assert all(any(title in line for line in lines) for title in titles)  # none broken across lines
