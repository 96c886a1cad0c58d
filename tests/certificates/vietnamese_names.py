"""Real-looking Vietnamese names that between them use every vowel with every tone mark
(a ă â e ê i o ô ơ u ư y × level, huyền, sắc, hỏi, ngã, nặng) and đ, in lower case; typed in
capitals too (as many people fill in forms), they cover the upper case. Some are given in
decomposed form (NFD), as some keyboards and phones send them: registration stores NFC."""
import unicodedata

NAMES = [
    "Nguyễn Thị Ánh Tuyết", "Trần Văn Tài", "Lê Thị Thảo", "Lã Văn Hạnh", "Đặng Văn Hằng",
    "Phạm Đắc Khẳng", "Lò Thị Ẵm", "Huỳnh Tấn Tân", "Vũ Thị Cầm", "Thẩm Văn Thận",
    "Nguyễn Thị Mẫn", "Hoàng Thị Sen", "Nguyễn Thị Hoè", "Trương Thị Bé", "Nguyễn Văn Khoẻ",
    "Hà Thị Vẽ", "Nguyễn Thị Đẹp", "Lê Thị Hiền", "Đinh Thế Quế", "Hoàng Văn Thể",
    "Bùi Thị Huệ Việt", "Mai Thị Thìn", "Đoàn Minh Trí", "Lương Văn Chỉnh", "Trịnh Hữu Nghĩa",
    "Phó Đức Phương", "Nguyễn Văn Nhỏ", "Võ Thị Ngọc Hoa", "Lò Văn Hòa", "Tô Thị Hồng",
    "Khổng Minh Tố", "Đỗ Văn Lộc", "Mạc Văn Sơn", "Ngô Thị Thơ", "Trần Văn Mười",
    "Đàm Thị Phước", "Lưu Văn Hưởng", "Kiều Văn Lưỡng", "Cao Văn Lợi", "Quách Thị Thu",
    "Âu Văn Tùng", "Lâm Thị Cúc", "Nguyễn Thị Thủy", "Vũ Thị Lụa", "Châu Văn Hưng",
    "Từ Văn Thừa", "Ông Văn Đức", "Nguyễn Văn Tử", "Ứng Văn Thực", "Lực Thị Ngữ",
    "Nguyễn Duy Huy", "Phan Thị Quỳnh", "Lý Thị Thuý", "Nguyễn Thị Thuỷ", "Trần Thị Mỹ",
    "Nguỵ Văn Ẩn", "Ưng Thị Ơn", "Âu Cơ Ngọc Ửng",
    "đỗ đình đạt", "lò văn ẵm",  # typed in lower case, as some people do
]

DECOMPOSED = {2, 17, 38, 61, 80}  # these are sent as NFD


def as_typed() -> list[str]:
    """Every name as someone types it: as written, in capitals; a few decomposed (NFD)."""
    names = NAMES + [name.upper() for name in NAMES]
    return [unicodedata.normalize("NFD", n) if i in DECOMPOSED else n for i, n in enumerate(names)]


def letters() -> set[str]:
    """Every Vietnamese vowel with every tone, and đ, in both cases (NFC)."""
    tones = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    vowels = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")
    lower = {unicodedata.normalize("NFC", v + t) for v in vowels for t in tones} | {"đ"}
    return lower | {c.upper() for c in lower}
