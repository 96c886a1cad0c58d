"""The juror's pages as the service renders them (their scripts run in tests/web/test_jury_pages.py),
and what the queue says of the conflicts a juror declared."""
from .jury import close_applications, compute, invite, juror_body, queue, school, token_of

PAGES = ("/jury", "/jury/applications/abc123")


def test_the_jury_pages_are_the_same_for_anyone_until_their_script_reads_the_token(api):
    for path in PAGES:
        page = api.client.get(f"{path}?lang=en")
        assert page.status_code == 200 and page.mimetype == "text/html"
        html = page.get_data(as_text=True)
        assert "jury.js" in html and '"lang": "en"' in html and "No applications are assigned to you yet." in html


def test_only_the_jury_pages_may_frame_what_their_script_fetched_and_nothing_else(api):
    policies = {path: api.client.get(path).headers["Content-Security-Policy"] for path in PAGES}
    for policy in policies.values():
        assert policy.endswith("; frame-src blob:") and "object-src 'none'" in policy
        assert "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy
    slug = api.create_programme()
    assert "frame-src" not in api.client.get(f"/programmes/{slug}").headers["Content-Security-Policy"]


def test_the_queue_lists_the_conflicts_the_juror_declared_with_their_reason(api):
    slug = api.create_programme(reviews_per_application=1)
    api.open()
    juror = invite(api, slug, juror_body("Lê Thị Hoa", "Sở GD&ĐT Huế"))
    application = api.applied(slug, school("Trường THCS Nguyễn Du"))
    close_applications(api)
    compute(api, slug)
    token = token_of(api, juror)
    assert queue(api, token)["conflicts"] == []
    declared = api.client.put(f"/api/v1/applications/{application['id']}/reviews/me", headers=api.bearer(token),
                              json={"conflict": True, "reason": "Tôi từng công tác ở trường."})
    assert declared.status_code == 200, declared.json
    after = queue(api, token)
    assert after["assignments"] == [] and after["counts"] == {"assigned": 0, "submitted": 0}
    assert [{k: c[k] for k in ("application", "category", "title", "reason")} for c in after["conflicts"]] == [
        {"application": application["id"], "category": "doi-moi", "title": application["title"],
         "reason": "Tôi từng công tác ở trường."}]
    assert "Trường THCS Nguyễn Du" not in str(after)  # blind: the applicant is in none of it
