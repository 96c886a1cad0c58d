"""The awards API's OpenAPI document, generated from its marshmallow schemas."""
from __future__ import annotations

from forumops_shared.mail_api import MAIL_ROUTE
from forumops_shared.openapi import Route, openapi_blueprint

from .. import jury_schemas as j, schemas as s
from ..reasons import REASONS

CALLERS = {"admin": "Organiser token.",
           "holder": "The application's manage token (given once, at submission).",
           "reader": "The application's manage token, the organiser token, or the token of a juror it is "
                     "assigned to (a blind review shows a juror nothing that names the applicant).",
           "juror": "The juror's personal token (sent by email with the invitation)."}
ROUTES = [
    Route("/api/v1/programmes", "post", "Create a programme", "admin", s.ProgrammeSchema, 201, s.ProgrammeOut),
    Route("/api/v1/programmes/{slug}", "get", "The programme (organisers also see reviews per application and counts)",
          answer=s.ProgrammeOut),
    Route("/api/v1/programmes/{slug}", "patch", "Change a programme (audited)", "admin", s.ProgrammeChangeSchema,
          answer=s.ProgrammeOut),
    Route("/api/v1/programmes/{slug}/applications", "post",
          "Apply while applications are open: a JSON part `application` and up to 5 files (PDF, JPEG, PNG); "
          "honours Idempotency-Key", body=("multipart", s.ApplicationSchema), status=201,
          answer=s.ApplicationCreatedOut),
    Route("/api/v1/programmes/{slug}/applications", "get", "The programme's applications, a page at a time", "admin",
          answer=s.ApplicationsOut, query=s.PageQuerySchema),
    Route("/api/v1/applications/{application_id}", "get", "One application", "reader", answer=s.ApplicationOut),
    Route("/api/v1/applications/{application_id}", "patch", "Edit the application until applications close",
          "holder", s.ApplicationChangeSchema, answer=s.ApplicationOut),
    Route("/api/v1/applications/{application_id}/withdraw", "post", "Withdraw the application", "holder",
          answer=s.ApplicationOut),
    Route("/api/v1/applications/{application_id}/attachments", "post",
          "Add files until applications close (multipart; 5 in all at most)", "holder", "multipart", 201,
          s.AttachmentsOut),
    Route("/api/v1/applications/{application_id}/attachments/{attachment_id}", "get",
          "An attachment, under its original name (a neutral one for a juror in a blind review)", "reader",
          answer="application/octet-stream"),
    Route("/api/v1/applications/{application_id}/attachments/{attachment_id}", "delete",
          "Remove an attachment until applications close", "holder", status=204),
    Route("/api/v1/programmes/{slug}/jurors", "post", "Invite a juror: their token goes by email only (audited)",
          "admin", j.JurorSchema, 201, j.CreatedOut),
    Route("/api/v1/programmes/{slug}/jurors", "get", "The jurors with their loads", "admin", answer=j.JurorsOut),
    Route("/api/v1/programmes/{slug}/jurors/{juror_id}/invitation", "post",
          "Invite a juror again: a new token by email, the old one stops working (audited)", "admin", status=202,
          answer=j.CreatedOut),
    Route("/api/v1/programmes/{slug}/assignments", "post",
          "Compute or recompute the assignment once applications have closed (audited)", "admin",
          answer=j.AssignmentOut),
    Route("/api/v1/programmes/{slug}/assignments", "get", "The assignment with each juror's load", "admin",
          answer=j.AssignmentOut),
    Route("/api/v1/programmes/{slug}/ranking", "get",
          "Per category: weighted means and medians, reviews done, disagreement, the proposed winners", "admin",
          answer=j.RankingOut),
    Route("/api/v1/programmes/{slug}/decisions", "put",
          "Decide the winners per category (a departure from the proposal needs a reason; audited)", "admin",
          j.DecisionSchema, answer=j.DecisionsOut),
    Route("/api/v1/programmes/{slug}/decisions", "get", "The decision in force and every version before it",
          "admin", answer=j.DecisionsOut),
    Route("/api/v1/programmes/{slug}/publish", "post",
          "Publish the decision in force as awards.results-published.v1, once the review has closed; again, with a "
          "reason, to correct it (certificates revokes and issues what changed; applicants are told)", "admin",
          j.PublishSchema, answer=j.PublishedOut),
    Route("/api/v1/programmes/{slug}/results", "get",
          "The published honour roll by category, each winner linked to their certificate's verification page",
          answer=j.ResultsOut),
    Route("/api/v1/jurors/me/assignments", "get", "The juror's queue", "juror", answer=j.QueueOut),
    Route("/api/v1/applications/{application_id}/reviews/me", "get", "The juror's review of an application",
          "juror", answer=j.ReviewOut),
    Route("/api/v1/applications/{application_id}/reviews/me", "put",
          "Score every criterion (changeable until the review closes), or declare a conflict: the review goes "
          "to another juror", "juror", j.ReviewSchema, answer=j.ReviewOut),
    MAIL_ROUTE,  # {slug}: the programme's (receipts are filed under it)
]
bp = openapi_blueprint("ForumOps awards API", ROUTES, REASONS, CALLERS)
