"""The reasons the example API refuses with, and their texts (vi, en)."""
from __future__ import annotations

from forumops_shared.refusals import COMMON_REASONS, Reason

REASONS: dict[str, Reason] = {
    **COMMON_REASONS,
    "notice_not_found": Reason(404, "Không tìm thấy thông báo.", "Notice not found."),
}
