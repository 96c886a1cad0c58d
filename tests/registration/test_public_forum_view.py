"""The meeting's address goes only through the join path: the forum's public view and pages say
whether there is an online meeting, never where it is."""
from forumops_shared.events.registry import FORUM_PUBLISHED

MEETING = "https://meet.example.vn/forum"


def test_the_public_view_says_there_is_an_online_meeting_without_its_address(api):
    slug = api.create_forum()
    public = api.client.get(f"/api/v1/forums/{slug}")
    assert public.status_code == 200
    assert public.json["online"] is True
    assert "online_url" not in public.json and MEETING not in public.get_data(as_text=True)


def test_a_forum_without_a_meeting_is_public_as_not_online(api):
    slug = api.create_forum(slug="khong-truc-tuyen", online_url=None)
    assert api.client.get(f"/api/v1/forums/{slug}").json["online"] is False


def test_a_participant_token_does_not_open_the_address_either(api):
    slug = api.create_forum()
    api.put_point(slug, "HN-01")
    person = api.register(slug, api.person(point="HN-01")).json
    seen = api.client.get(f"/api/v1/forums/{slug}", headers=api.as_holder(person["manage_token"]))
    assert "online_url" not in seen.json and MEETING not in seen.get_data(as_text=True)


def test_organisers_still_read_and_change_the_address(api):
    slug = api.create_forum()
    assert api.client.get(f"/api/v1/forums/{slug}", headers=api.admin).json["online_url"] == MEETING
    changed = api.client.patch(f"/api/v1/forums/{slug}", headers=api.admin,
                               json={"online_url": "https://meet.example.vn/moi"})
    assert changed.json["online_url"] == "https://meet.example.vn/moi" and changed.json["online"] is True


def test_check_in_still_learns_the_address_from_the_forum_event(api):
    slug = api.create_forum()
    assert api.events(FORUM_PUBLISHED)[-1].data["online_url"] == MEETING


def test_the_forum_page_does_not_carry_the_address(api):
    slug = api.create_forum()
    page = api.client.get(f"/forums/{slug}?lang=en")
    assert page.status_code == 200
    assert MEETING not in page.get_data(as_text=True)
    assert 'value="online"' in page.get_data(as_text=True)  # the online choice is offered
