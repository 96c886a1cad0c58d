"""A participant sees the forum's programme on their page and signs up for workshops: a full one
puts them in line, overlapping ones are refused, a freed place reaches them."""
import requests
from playwright.sync_api import expect

from .accessibility import assert_accessible
from .conftest import screenshot
from ..support.forums import new_forum, register


def put_session(stack, slug, code, **fields):
    body = {"title": {"vi": f"Hội thảo {code}", "en": f"Workshop {code}"}, "kind": "workshop", "signup": True,
            **fields}
    answer = stack.admin("PUT", "registration", f"/api/v1/forums/{slug}/sessions/{code}", json=body)
    assert answer.status_code == 201, answer.text


def choose(stack, person, codes):
    answer = requests.put(stack.url("registration", f"/api/v1/registrations/{person['id']}/sessions"),
                          json={"codes": codes}, headers={"Authorization": f"Bearer {person['manage_token']}"},
                          timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_participant_signs_up_for_workshops_on_their_page(stack, page):
    slug = new_forum(stack, points_per_province=1)
    put_session(stack, slug, "OPEN", title={"vi": "Khai mạc", "en": "Opening"}, kind="plenary", signup=False,
                starts_at="2026-11-20T01:00:00Z", ends_at="2026-11-20T02:30:00Z")  # 08:00 in Hanoi
    put_session(stack, slug, "W1", capacity=1, starts_at="2026-11-20T10:00:00+07:00",
                ends_at="2026-11-20T11:30:00+07:00")
    put_session(stack, slug, "W2", starts_at="2026-11-20T11:00:00+07:00", ends_at="2026-11-20T12:00:00+07:00")
    put_session(stack, slug, "W3", points=["P05-00"], starts_at="2026-11-20T14:00:00+07:00",
                ends_at="2026-11-20T15:00:00+07:00")
    first = register(stack, slug, "Lê Văn Tám")
    choose(stack, first, ["W1"])  # W1's only place
    person = register(stack, slug, "Nguyễn Thị Ánh Tuyết")

    page.goto(stack.url("registration", f"/registrations/{person['id']}#token={person['manage_token']}"))

    items = page.locator("#sessions-list li")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_contain_text("Khai mạc")
    expect(items.nth(0)).to_contain_text("20/11 08:00–09:30")  # the forum's time, whatever the device's zone
    expect(page.locator("#sessions-list input[name=session]")).to_have_count(2)  # W3 is held elsewhere; OPEN is open
    page.check("#session-W1")
    page.check("#session-W2")
    page.click("#sessions-save")
    expect(page.locator("#message")).to_contain_text("trùng giờ")  # W1 and W2 overlap: nothing saved
    page.uncheck("#session-W2")
    page.click("#sessions-save")
    expect(page.locator("li[data-code=W1] .status")).to_have_text("Danh sách chờ: 1")
    screenshot(page, "programme")
    assert_accessible(page)

    choose(stack, first, [])  # the place frees up: the first in line gets it
    page.reload()
    expect(page.locator("li[data-code=W1] .status")).to_have_text("Đã đăng ký")
    expect(page.locator("#session-W1")).to_be_checked()
