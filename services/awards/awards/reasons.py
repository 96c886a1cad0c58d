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
    "reason_required": Reason(422, "Cần ghi lý do: khi quyết định khác với đề xuất, hoặc khi đính chính kết quả đã công bố.", "A reason is needed: for a decision that departs from the proposal, or to correct published results."),
    "review_not_closed": Reason(409, "Chỉ công bố kết quả sau khi hội đồng chấm xong.", "Results can be published only once the review has closed."),
    "no_decision": Reason(409, "Chưa có quyết định về danh sách đạt giải để công bố.", "There is no decision on the winners to publish yet."),
    "already_published": Reason(409, "Quyết định này đã được công bố.", "This decision is already published."),
    "results_not_published": Reason(409, "Kết quả chưa được công bố.", "The results are not published yet."),
    # Criteria and scores (domain/ranking.py)
    "criteria_invalid": Reason(422, "Tiêu chí chấm chưa hợp lệ.", "The criteria are not valid."),
    "unknown_criterion": Reason(422, "Có điểm cho tiêu chí không thuộc chương trình.", "A score is given for a criterion the programme does not have."),
    "criterion_not_scored": Reason(422, "Cần chấm điểm mọi tiêu chí.", "Every criterion must be scored."),
    "score_out_of_range": Reason(422, "Có điểm nằm ngoài thang điểm của tiêu chí.", "A score is outside its criterion's scale."),
    # Programmes
    "programme_not_found": Reason(404, "Không tìm thấy chương trình.", "Programme not found."),
    "programme_exists": Reason(409, "Đã có chương trình với mã này.", "A programme with this slug already exists."),
    "categories_invalid": Reason(422, "Danh mục giải thưởng chưa hợp lệ.", "The categories are not valid."),
    "category_in_use": Reason(409, "Không thể bỏ danh mục đã có hồ sơ đăng ký.", "A category that has applications cannot be removed."),
    "applicant_kind_in_use": Reason(409, "Đã có hồ sơ của đối tượng này, không thể loại trừ.", "Applications of this kind exist: they cannot be excluded."),
    "criteria_locked": Reason(409, "Không thể thay đổi tiêu chí sau khi hết hạn nhận hồ sơ.", "The criteria cannot change once applications have closed."),
    # Applications
    "application_not_found": Reason(404, "Không tìm thấy hồ sơ.", "Application not found."),
    "unknown_category": Reason(422, "Chương trình không có danh mục này.", "The programme has no such category."),
    "applicant_kind_not_allowed": Reason(422, "Chương trình không nhận hồ sơ của đối tượng này.", "The programme does not take applications from this kind of applicant."),
    "consent_required": Reason(422, "Cần đồng ý với việc xử lý dữ liệu để nộp hồ sơ.", "Consent is needed to apply."),
    "duplicate_application": Reason(409, "Hồ sơ này đã được nộp (cùng email, danh mục và tên hồ sơ).", "This application was already submitted (same email, category and title)."),
    "application_withdrawn": Reason(409, "Hồ sơ đã được rút.", "The application has been withdrawn."),
    "idempotency_key_reused": Reason(422, "Idempotency-Key đã được dùng cho một yêu cầu khác.", "The Idempotency-Key was used for a different request."),
    # Attachments
    "too_many_attachments": Reason(422, "Mỗi hồ sơ có tối đa 5 tệp đính kèm.", "An application has at most 5 attachments."),
    "attachment_too_large": Reason(413, "Tệp đính kèm vượt quá dung lượng cho phép.", "An attachment is larger than allowed."),
    "attachment_type_not_allowed": Reason(422, "Chỉ nhận tệp PDF, JPEG hoặc PNG.", "Only PDF, JPEG and PNG files are accepted."),
    "attachment_empty": Reason(422, "Tệp đính kèm rỗng.", "An attachment is empty."),
    "attachment_not_found": Reason(404, "Không tìm thấy tệp đính kèm.", "Attachment not found."),
    # The jury (services/jurors.py, assignments.py, reviews.py)
    "juror_exists": Reason(409, "Đã có thành viên hội đồng với email này.", "A juror with this email already exists in the programme."),
    "juror_not_found": Reason(404, "Không tìm thấy thành viên hội đồng.", "Juror not found."),
    "assignment_not_open": Reason(409, "Chỉ phân công chấm sau khi hết hạn nhận hồ sơ.", "The assignment is computed once applications have closed."),
    "review_already_submitted": Reason(409, "Quý vị đã chấm hồ sơ này: không thể khai báo xung đột lợi ích nữa.", "You have scored this application: a conflict can no longer be declared."),
}
