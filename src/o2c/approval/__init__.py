"""A reusable review in the Prefect UI: items (id, title, markdown, allowed decisions, an
optional edited text) shown in pages of at most 15, one suspend per page, decisions returned.

    decisions = request_decisions(items, "Payment reminders", approvers, timeout_seconds=...)
"""

from o2c.approval.pages import Page, ReviewItem, form_model, page_markdown, paginate
from o2c.approval.suspend import (
    ApprovalError,
    Decision,
    approver_problem,
    decisions_from_input,
    request_decisions,
)

__all__ = ["ApprovalError", "Decision", "Page", "ReviewItem", "approver_problem",
           "decisions_from_input", "form_model", "page_markdown", "paginate",
           "request_decisions"]
