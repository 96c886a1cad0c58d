"""Refusals of the certificates API, with their Vietnamese and English texts."""
from __future__ import annotations

from forumops_shared.refusals import COMMON_REASONS, Reason

REASONS: dict[str, Reason] = {
    **COMMON_REASONS,
    "certificate_not_found": Reason(404, "Không tìm thấy chứng nhận.", "Certificate not found."),
    "certificate_revoked": Reason(410, "Chứng nhận đã bị thu hồi, không còn bản in.",
                                  "The certificate is revoked; it can no longer be downloaded."),
    "forum_not_found": Reason(404, "Không tìm thấy diễn đàn.", "Forum not found."),
    "already_revoked": Reason(409, "Chứng nhận đã bị thu hồi.", "The certificate is already revoked."),
}
