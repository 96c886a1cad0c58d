"""What the demo awards programme is made of: its categories and six criteria, 28 applications
from Vietnamese schools, units and teachers, eight jurors, the files the applicants attach, and
the scores the jurors give (deterministic: the same ranking at every `up`)."""
from __future__ import annotations

import io
import random
from dataclasses import dataclass
from functools import cache

from .paths import ROOT

SLUG = "giai-thuong-giao-duc-tieu-bieu-2026"
TITLE = {"vi": "Giải thưởng Giáo dục tiêu biểu 2026", "en": "Outstanding Education Awards 2026"}
MAIL_DOMAIN = "giaoduc.example"  # the forum demo's: every address lands in the local inbox
SEED = 2026

CATEGORIES = [
    {"code": "moi-truong", "awards": 4,
     "name": {"vi": "Môi trường giáo dục tốt nhất", "en": "Best Education Environment"}},
    {"code": "doi-moi", "awards": 3,
     "name": {"vi": "Đổi mới sáng tạo giáo dục tiêu biểu", "en": "Best Education Innovation"}},
    {"code": "anh-huong", "awards": 3,
     "name": {"vi": "Ảnh hưởng giáo dục của năm", "en": "Best Education Influence of the Year"}},
]
_CATEGORY_NAMES = {c["code"]: c["name"]["vi"] for c in CATEGORIES}
CRITERIA = [  # the showcase schools' six, weighted; each scored 0–10
    {"code": "moi-truong-hoc-tap", "weight": 20, "max": 10,
     "name": {"vi": "Môi trường học tập an toàn, thân thiện", "en": "A safe, friendly place to learn"}},
    {"code": "phuong-phap", "weight": 20, "max": 10,
     "name": {"vi": "Đổi mới phương pháp dạy và học", "en": "New ways of teaching and learning"}},
    {"code": "chuyen-doi-so", "weight": 15, "max": 10,
     "name": {"vi": "Ứng dụng công nghệ và chuyển đổi số", "en": "Technology and digital transformation"}},
    {"code": "chat-luong", "weight": 20, "max": 10,
     "name": {"vi": "Chất lượng và kết quả giáo dục", "en": "Quality and results of education"}},
    {"code": "lan-toa", "weight": 15, "max": 10,
     "name": {"vi": "Sức lan tỏa trong cộng đồng", "en": "Reach into the community"}},
    {"code": "ben-vung", "weight": 10, "max": 10,
     "name": {"vi": "Tính bền vững và khả năng nhân rộng", "en": "Sustainability and replicability"}},
]


@dataclass(frozen=True)
class Entry:
    """An application as its applicant fills it in, and how good the jury will find it."""

    category: str
    kind: str  # unit or person
    name: str
    organisation: str
    province: str
    mailbox: str  # the address's local part
    title: str
    summary: str
    quality: float  # around which its jurors' scores fall (0–10)
    photo: bool = False  # a PNG beside its PDF
    tie_with: int | None = None  # scored exactly as the entry at this index: a tie at the cut
    dissent: bool = False  # one juror scores it far lower: the ranking flags the disagreement

    @property
    def email(self) -> str:
        return f"{self.mailbox}@{MAIL_DOMAIN}"


def _unit(category, name, province, mailbox, title, summary, quality, **more) -> Entry:
    return Entry(category, "unit", name, name, province, mailbox, title, summary, quality, **more)


def _person(category, name, organisation, province, mailbox, title, summary, quality, **more) -> Entry:
    return Entry(category, "person", name, organisation, province, mailbox, title, summary, quality, **more)


ENTRIES = [
    _unit("moi-truong", "Trường Tiểu học Kim Đồng", "Hà Nội", "tieuhoc.kimdong", "Trường học xanh – hạnh phúc",
          "Sân trường thành vườn cây, mỗi lớp chăm một góc xanh; giờ ra chơi không điện thoại.", 8.9, photo=True),
    _unit("moi-truong", "Trường THCS Nguyễn Du", "TP. Hồ Chí Minh", "thcs.nguyendu", "Thư viện mở giữa sân trường",
          "Những kệ sách không khóa dưới tán cây; học sinh tự quản, mượn và trả không cần thẻ.", 8.2),
    _unit("moi-truong", "Trường Mầm non Hoa Sen", "Đà Nẵng", "mamnon.hoasen", "Khu vui chơi từ vật liệu tái chế",
          "Phụ huynh và giáo viên dựng khu vận động cho trẻ từ lốp xe, thùng gỗ và ống tre.", 7.4, photo=True),
    _unit("moi-truong", "Trường THPT Chuyên Lê Quý Đôn", "Khánh Hòa", "thpt.lequydon",
          "Khuôn viên không rác thải nhựa", "Ba năm không chai nhựa dùng một lần; học sinh đo và công bố lượng rác mỗi tháng.", 7.9),
    _unit("moi-truong", "Trường Phổ thông Dân tộc Nội trú tỉnh Lào Cai", "Lào Cai", "ptdtnt.laocai",
          "Mái nhà thứ hai của học sinh vùng cao", "Ký túc xá có bếp ăn do học sinh cùng quản lý và phòng học tiếng mẹ đẻ.", 8.6, photo=True),
    _unit("moi-truong", "Trường Tiểu học Trần Quốc Toản", "Cần Thơ", "tieuhoc.tranquoctoan",
          "Lớp học hòa nhập cho học sinh khuyết tật", "Lối đi, bàn học và giáo viên hỗ trợ để mọi em học cùng lớp.", 8.4),
    _unit("moi-truong", "Trường THCS Lý Tự Trọng", "Huế", "thcs.lytutrong", "Vườn trường và góc học tập ngoài trời",
          "Tiết Sinh học và Công nghệ học ngay trong vườn thuốc nam của trường.", 6.9),
    _unit("moi-truong", "Trường THPT Trần Quốc Tuấn", "Quảng Ngãi", "thpt.tranquoctuan", "Phòng tư vấn tâm lý học đường",
          "Một phòng riêng, hai chuyên viên và lịch hẹn bí mật cho học sinh cần chia sẻ.", 7.6),
    _unit("moi-truong", "Trường Tiểu học Võ Thị Sáu", "Cà Mau", "tieuhoc.vothisau", "Trường học an toàn trước thiên tai",
          "Diễn tập mùa mưa bão, lớp học bơi cho mọi học sinh và nhà trường làm nơi tránh trú.", 7.1),
    _unit("moi-truong", "Trường Mầm non Sơn Ca", "Điện Biên", "mamnon.sonca", "Góc đọc song ngữ Việt – Thái",
          "Truyện tranh song ngữ do giáo viên và già làng cùng viết cho trẻ 4–5 tuổi.", 6.4),
    # Best Education Innovation: the entries at 11 and 15 (from 0) tie at the third place, the cut
    _unit("doi-moi", "Trường THPT Chuyên Hà Nội – Amsterdam", "Hà Nội", "thpt.hanoiams",
          "Phòng thí nghiệm STEM mở cho học sinh toàn thành phố",
          "Mỗi thứ Bảy, phòng thí nghiệm mở cửa cho học sinh mọi trường đăng ký làm dự án.", 9.0, photo=True),
    _unit("doi-moi", "Trường THCS Chu Văn An", "Thái Nguyên", "thcs.chuvanan", "Lớp học đảo ngược với bài giảng số",
          "Học sinh xem bài giảng ngắn ở nhà, giờ trên lớp dành cho thảo luận và thực hành.", 8.1),
    _unit("doi-moi", "Trường Tiểu học Lê Văn Tám", "Hải Phòng", "tieuhoc.levantam", "Dạy học qua dự án cộng đồng",
          "Mỗi học kỳ một dự án cho khu phố: bản đồ cây xanh, tuyến đường an toàn đến trường.", 7.6),
    _unit("doi-moi", "Sở Giáo dục và Đào tạo Đồng Tháp", "Đồng Tháp", "sogd.dongthap",
          "Kho học liệu số dùng chung toàn tỉnh", "Hơn 12.000 bài giảng, đề kiểm tra và video do giáo viên trong tỉnh đóng góp.", 8.7),
    _unit("doi-moi", "Trường Đại học Sư phạm – Đại học Đà Nẵng", "Đà Nẵng", "dhsp.danang",
          "Trường thực hành sư phạm gắn với trường phổ thông",
          "Sinh viên sư phạm dạy cùng giáo viên phổ thông suốt năm cuối, có người hướng dẫn.", 7.0),
    _person("doi-moi", "Nguyễn Thị Thu Trang", "Trường THPT Nguyễn Huệ", "Phú Thọ", "thutrang.nguyen",
            "Trí tuệ nhân tạo hỗ trợ nhận xét bài viết Ngữ văn",
            "Công cụ gợi ý nhận xét cho từng đoạn văn; giáo viên luôn là người chấm điểm cuối cùng.", 8.1, tie_with=11),
    _person("doi-moi", "Trần Văn Hùng", "Trường THCS Lê Lợi", "Thanh Hóa", "hung.tran",
            "Robot giáo dục tự chế từ vật liệu rẻ tiền", "Bộ robot dưới 300.000 đồng, hướng dẫn lắp ráp cho 60 trường vùng núi.", 7.3, photo=True),
    _unit("doi-moi", "Trường THPT Lương Thế Vinh", "Đồng Nai", "thpt.luongthevinh", "Ngân hàng câu hỏi tự thích ứng",
          "Đề luyện tập tự điều chỉnh độ khó theo câu trả lời của từng học sinh.", 6.6),
    _unit("doi-moi", "Trường Tiểu học Hòa Bình", "Lâm Đồng", "tieuhoc.hoabinh", "Tiếng Anh qua âm nhạc và trò chơi",
          "Tiết tiếng Anh bằng bài hát và trò chơi vận động cho học sinh lớp 1 và lớp 2.", 6.1),
    # Best Education Influence of the Year: people and units whose work travelled far
    _person("anh-huong", "Phạm Thị Hạnh", "Trường Phổ thông Dân tộc Bán trú Tiểu học Mường Tè", "Lai Châu", "hanh.pham",
            "Mười năm mang con chữ lên bản", "Cô giáo cắm bản mở lớp ghép ở ba điểm trường, vận động 140 em trở lại lớp.", 9.1, photo=True),
    _person("anh-huong", "Lê Minh Khôi", "Trường THPT Chuyên Lê Hồng Phong", "TP. Hồ Chí Minh", "khoi.le",
            "Kênh video Toán miễn phí cho học sinh cả nước", "Hơn 600 video bài giảng, 2 triệu lượt xem, phụ đề cho học sinh khiếm thính.", 8.3,
            dissent=True),
    _unit("anh-huong", "Hội Khuyến học tỉnh Quảng Trị", "Quảng Trị", "khuyenhoc.quangtri", "Quỹ học bổng “Tiếp sức đến trường”",
          "Mỗi năm 500 suất học bổng cho học sinh vùng lũ, do cựu học sinh khắp nơi đóng góp.", 8.0),
    _unit("anh-huong", "Trường THCS Nguyễn Trãi", "Gia Lai", "thcs.nguyentrai", "Câu lạc bộ đọc sách lan ra 40 trường",
          "Từ một câu lạc bộ của trường, mô hình đọc sách được 40 trường trong tỉnh làm theo.", 7.7),
    _person("anh-huong", "Đặng Thu Hương", "Sở Giáo dục và Đào tạo Quảng Ninh", "Quảng Ninh", "huong.dang",
            "Bồi dưỡng giáo viên trực tuyến cho vùng biển đảo", "Khóa học trực tuyến buổi tối cho 900 giáo viên ở các đảo xa.", 7.4),
    _unit("anh-huong", "Trường Tiểu học Đoàn Thị Điểm", "Hưng Yên", "tieuhoc.doanthidiem",
          "Mô hình “Trường học mở” được 12 tỉnh học tập", "Nhà trường mở cửa cho phụ huynh dự giờ và cùng thiết kế hoạt động.", 7.0),
    _unit("anh-huong", "Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên tỉnh Sơn La", "Sơn La", "gdnn.sonla",
          "Lớp xóa mù chữ cho phụ nữ dân tộc thiểu số", "Lớp học buổi tối bằng tiếng Thái và tiếng Việt; 320 học viên đã biết đọc, viết.", 8.6),
    _person("anh-huong", "Hoàng Văn Nam", "Trường THPT Hàn Thuyên", "Bắc Ninh", "nam.hoang",
            "Phong trào “Mỗi ngày một việc tốt” trên mạng xã hội", "Học sinh kể việc tốt đã làm; phong trào có 50.000 người tham gia.", 6.5),
    _unit("anh-huong", "Trường THCS Tô Hiến Thành", "An Giang", "thcs.tohienthanh", "Ngày hội STEM vùng sông nước",
          "Ngày hội thường niên cho học sinh 11 xã, với thuyền năng lượng mặt trời tự làm.", 6.8),
]


@dataclass(frozen=True)
class Juror:
    name: str
    organisation: str
    province: str
    mailbox: str
    categories: tuple[str, ...]

    @property
    def email(self) -> str:
        return f"{self.mailbox}@{MAIL_DOMAIN}"


# Four jurors at least in each category, so that a declared conflict can be handed over. One
# comes from an applicant's organisation (Đà Nẵng's university of education): the assignment
# never gives her its application.
JURORS = [
    Juror("Nguyễn Văn Minh", "Trường Đại học Sư phạm Hà Nội", "Hà Nội", "minh.nguyen.hd", ("moi-truong", "doi-moi")),
    Juror("Trần Thị Lan", "Viện Khoa học Giáo dục Việt Nam", "Hà Nội", "lan.tran.hd", ("moi-truong", "anh-huong")),
    Juror("Lê Hoàng Phúc", "Sở Giáo dục và Đào tạo TP. Hồ Chí Minh", "TP. Hồ Chí Minh", "phuc.le.hd", ("moi-truong",)),
    Juror("Phạm Ngọc Ánh", "Trường Đại học Sư phạm – Đại học Đà Nẵng", "Đà Nẵng", "anh.pham.hd", ("moi-truong", "doi-moi")),
    Juror("Võ Thanh Tùng", "Trường Đại học Cần Thơ", "Cần Thơ", "tung.vo.hd", ("doi-moi",)),
    Juror("Đỗ Thị Mai", "Hội Cựu giáo chức Việt Nam", "Hà Nội", "mai.do.hd", ("doi-moi", "anh-huong")),
    Juror("Bùi Quang Huy", "Báo Giáo dục và Thời đại", "Hà Nội", "huy.bui.hd", ("anh-huong",)),
    Juror("Hồ Thị Bích Ngọc", "Trường Cao đẳng Sư phạm Trung ương", "Hà Nội", "ngoc.ho.hd", ("anh-huong", "moi-truong")),
]
CONFLICTED = "Bùi Quang Huy"  # a journalist who wrote about one of the applications he was given
CONFLICT_REASON = "Tôi đã viết bài về dự án này và quen biết người nộp hồ sơ."


def scores(index: int, reviewer: int) -> dict[str, int]:
    """The `reviewer`-th review (0, 1, 2 by the assignment's order) of the entry at `index`: each
    criterion within a point or so of the entry's quality."""
    entry = ENTRIES[index]
    twin = entry.tie_with if entry.tie_with is not None else index
    rng = random.Random(f"{SEED}:{twin}:{reviewer}")  # a tied pair draws the same reviews
    quality = ENTRIES[twin].quality - (4.5 if entry.dissent and reviewer == 0 else 0)
    return {c["code"]: max(0, min(10, round(quality + rng.gauss(0, 0.8)))) for c in CRITERIA}


def comment(index: int, reviewer: int) -> str | None:
    if ENTRIES[index].dissent and reviewer == 0:
        return "Số liệu lượt xem chưa được kiểm chứng; cần thêm minh chứng về hiệu quả học tập."
    return "Hồ sơ đầy đủ, minh chứng rõ ràng." if reviewer == 1 else None


def attachments(entry: Entry) -> list[tuple[str, bytes, str]]:
    """The files the entry sends: its nomination as a PDF, and for some a photo (PNG)."""
    files = [("ho-so-de-cu.pdf", nomination_pdf(entry), "application/pdf")]
    if entry.photo:
        files.append(("hinh-anh-hoat-dong.png", photo_png(entry.name), "image/png"))
    return files


@cache
def _font() -> str:
    """Noto Serif (every Vietnamese letter), the certificates' own; Helvetica if it is not there."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = ROOT / "services" / "certificates" / "certificates" / "fonts" / "NotoSerif-Regular.ttf"
    if not path.exists():
        return "Helvetica"
    pdfmetrics.registerFont(TTFont("NotoSerif", str(path)))
    return "NotoSerif"


def nomination_pdf(entry: Entry) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    out, font = io.BytesIO(), _font()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)  # the same bytes at every run
    page.setTitle(f"Hồ sơ đề cử – {entry.title}")
    lines = [(16, "HỒ SƠ ĐỀ CỬ"), (12, TITLE["vi"]), (12, ""), (13, entry.title), (11, ""),
             (11, f"Hạng mục: {_CATEGORY_NAMES[entry.category]}"), (11, f"Người/đơn vị nộp hồ sơ: {entry.name}"),
             (11, f"Đơn vị: {entry.organisation} – {entry.province}"),
             (11, ""), *((11, line) for line in simpleSplit(entry.summary, font, 11, 440))]
    y = 770
    for size, text in lines:
        page.setFont(font, size)
        page.drawString(72, y, text)
        y -= size + 8
    page.save()
    return out.getvalue()


def photo_png(caption: str) -> bytes:
    """A small picture: sky, a schoolyard and the school's name."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (480, 270), (140, 196, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 180, 480, 270), fill=(96, 160, 80))
    draw.rectangle((150, 100, 330, 190), fill=(235, 200, 120), outline=(120, 70, 40), width=3)
    draw.polygon([(140, 100), (240, 50), (340, 100)], fill=(180, 50, 40))
    path = ROOT / "services" / "certificates" / "certificates" / "fonts" / "NotoSerif-Regular.ttf"
    font = ImageFont.truetype(str(path), 16) if path.exists() else ImageFont.load_default()
    draw.text((240, 240), caption, fill=(255, 255, 255), font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
