"""Review pages: items in pages of at most `page_size`, one Prefect `RunInput` form per page.

The form has, per item, a decision (a select) and, where allowed, an edited text; then the
approver's name and a comment. The page's markdown (every item in full) is the form's
description, which the Prefect UI shows above the form when the run is resumed.

The model is built with `pydantic.create_model` with titles and descriptions on every field:
`RunInput.with_initial_data()` would drop that field metadata.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pydantic
from prefect.input import RunInput

DEFAULT_DECISIONS = ("approve", "reject", "hold")


@dataclass(frozen=True)
class ReviewItem:
    id: str
    title: str  # one line: who and what, e.g. "Globex Ltd · EUR · reminder_2"
    description: str  # markdown: everything the reviewer needs to decide
    decisions: tuple[str, ...] = DEFAULT_DECISIONS
    default: str = "hold"  # what an untouched select means
    editable: str | None = None  # the text an edit replaces (e.g. the body); None: no edit


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    of: int
    items: tuple[ReviewItem, ...]

    @property
    def key(self) -> str:
        """Names the page by its items, so a resumed run finds the same page again."""
        digest = hashlib.sha256("\x1f".join(i.id for i in self.items).encode()).hexdigest()
        return f"review-{digest[:16]}"


def paginate(items: Sequence[ReviewItem], page_size: int = 15) -> list[Page]:
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, got {page_size}")
    chunks = [tuple(items[i:i + page_size]) for i in range(0, len(items), page_size)]
    return [Page(n, len(chunks), chunk) for n, chunk in enumerate(chunks, 1)]


def decision_field(n: int) -> str:
    return f"item_{n:02d}_decision"


def edit_field(n: int) -> str:
    return f"item_{n:02d}_edited_text"


def form_model(page: Page, subject: str, approvers: Sequence[str],
               notice: str | None = None) -> type[RunInput]:
    """The page's `RunInput` class, with the page markdown as its description."""
    fields: dict[str, Any] = {}
    for n, item in enumerate(page.items, 1):
        choice = Literal[tuple(item.decisions)]  # type: ignore[valid-type]
        fields[decision_field(n)] = (choice, pydantic.Field(
            item.default, title=f"{n}. {item.title}",
            description=f"{' / '.join(item.decisions)}; {item.default} leaves it for later"))
        if item.editable is not None:
            fields[edit_field(n)] = (str, pydantic.Field(
                "", title=f"{n}. Edited text",
                description="Leave empty to send the text as shown; text here replaces it"))
    listed = ", ".join(approvers) if approvers else "(none configured: set O2C_APPROVERS)"
    fields["approver"] = (str, pydantic.Field(
        title="Your name", description=f"One of the configured approvers: {listed}"))
    fields["comment"] = (str, pydantic.Field("", title="Comment"))
    model = pydantic.create_model(f"ReviewPage{page.number}", __base__=RunInput, **fields)
    model._description = page_markdown(page, subject, approvers, notice)  # type: ignore[attr-defined]
    return model


def page_markdown(page: Page, subject: str, approvers: Sequence[str],
                  notice: str | None = None) -> str:
    head = [f"## {subject} — page {page.number} of {page.of}", ""]
    if notice:
        head += [f"> **{notice}**", ""]
    head += [f"{len(page.items)} item(s). For each, choose **{' / '.join(DEFAULT_DECISIONS)}** "
             "in the form below; an edited text replaces the shown one. Untouched items stay "
             "on hold. Approvers: " + (", ".join(approvers) or "none configured") + ".", ""]
    parts = [f"### {n}. {item.title}\n\n{item.description.strip()}\n"
             for n, item in enumerate(page.items, 1)]
    return "\n".join(head) + "\n---\n\n".join(parts)
