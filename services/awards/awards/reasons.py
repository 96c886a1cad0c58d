"""The one list of reasons the awards API refuses with: HTTP status and human texts.

Reasons are data: clients and tests match the code, people read the text.
"""
from __future__ import annotations

from forumops_shared.refusals import COMMON_REASONS, Reason

REASONS: dict[str, Reason] = {
    **COMMON_REASONS,
    # The timetable (domain/phases.py)
    "dates_out_of_order": Reason(422, "Các mốc thời gian của chương trình không theo đúng thứ tự.", "The programme's dates are not in order."),
    "applications_not_open": Reason(409, "Chương trình chưa mở nhận hồ sơ.", "Applications are not open yet."),
    "applications_closed": Reason(409, "Chương trình đã hết hạn nhận hồ sơ.", "Applications are closed."),
    "withdrawal_closed": Reason(409, "Hội đồng đã chấm xong, không thể rút hồ sơ.", "The review is over: applications can no longer be withdrawn."),
    "review_not_open": Reason(409, "Chưa đến thời gian chấm hồ sơ.", "The review has not started yet."),
    "review_closed": Reason(409, "Đã hết thời gian chấm hồ sơ.", "The review is closed."),
    "review_not_closed": Reason(409, "Chỉ công bố kết quả sau khi hội đồng chấm xong.", "Results can be published only once the review has closed."),
    "results_not_published": Reason(409, "Kết quả chưa được công bố.", "The results are not published yet."),
    # Criteria and scores (domain/ranking.py)
    "criteria_invalid": Reason(422, "Tiêu chí chấm chưa hợp lệ.", "The criteria are not valid."),
    "unknown_criterion": Reason(422, "Có điểm cho tiêu chí không thuộc chương trình.", "A score is given for a criterion the programme does not have."),
    "criterion_not_scored": Reason(422, "Cần chấm điểm mọi tiêu chí.", "Every criterion must be scored."),
    "score_out_of_range": Reason(422, "Có điểm nằm ngoài thang điểm của tiêu chí.", "A score is outside its criterion's scale."),
}
