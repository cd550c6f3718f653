"""Outgoing e-mail behind a small Protocol: SendGrid v3 through the official `sendgrid` SDK, or
a folder of .eml files when no SendGrid key is set. Also reads bounces and other suppressions
back, so a bad address reaches the outbox and the account owner.

`send` either returns the provider's message id, or raises `SendRejected` (the provider surely
did not accept the message: safe to record as failed) or `SendUncertain` (it may have been
sent: a person must check before anything is resent).
"""

from __future__ import annotations

import os
import time
import urllib.error
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from o2c.settings import Settings

CUSTOM_ARG = "o2c_message_id"  # echoed by SendGrid in events: which outbox message it was
SUPPRESSION_KINDS = ("bounces", "invalid_emails", "blocks")


@dataclass(frozen=True)
class OutgoingEmail:
    message_id: str  # ours; also sent as custom_args[o2c_message_id]
    from_addr: str
    to: tuple[str, ...]
    subject: str
    body: str
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    reply_to: str | None = None
    rfc_message_id: str = ""  # the Message-ID header, "<...@...>"
    in_reply_to: str | None = None  # the previous message of this customer's thread
    references: tuple[str, ...] = ()  # the thread so far, oldest first
    from_name: str | None = None


@dataclass(frozen=True)
class Suppression:
    """An address the provider will not deliver to, and why."""

    email: str
    kind: str  # bounces | invalid_emails | blocks
    reason: str
    created: datetime


class SendRejected(Exception):
    """The provider did not take the message (4xx, refused connection): nothing was sent."""


class SendUncertain(Exception):
    """No clear answer (5xx, timeout, connection lost mid-request): it may have been sent."""


class Mailer(Protocol):
    name: str

    def send(self, message: OutgoingEmail) -> str: ...

    def suppressions(self, since: datetime) -> list[Suppression]: ...


def threading_headers(message: OutgoingEmail) -> dict[str, str]:
    headers = {"Message-ID": message.rfc_message_id} if message.rfc_message_id else {}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = " ".join(message.references)
    return headers


class SendGridMailer:
    """SendGrid v3 `mail/send` and the suppression lists, through `SendGridAPIClient`."""

    name = "sendgrid"

    def __init__(self, api_key: str, host: str | None = None, sandbox: bool = False,
                 timeout: float = 30.0, rate_limit_retries: int = 3) -> None:
        from sendgrid import SendGridAPIClient

        kwargs = {"host": host.rstrip("/")} if host else {}
        self.client = SendGridAPIClient(api_key=api_key, **kwargs)
        self.client.client.timeout = timeout
        self.sandbox = sandbox
        self.rate_limit_retries = rate_limit_retries

    def payload(self, message: OutgoingEmail) -> dict:
        from sendgrid.helpers.mail import (
            Bcc,
            Cc,
            CustomArg,
            Header,
            Mail,
            MailSettings,
            ReplyTo,
            SandBoxMode,
        )

        mail = Mail(from_email=(message.from_addr, message.from_name) if message.from_name
                    else message.from_addr,
                    to_emails=list(message.to), subject=message.subject,
                    plain_text_content=message.body)
        personalization = mail.personalizations[0]
        for address in message.cc:
            personalization.add_cc(Cc(address))
        for address in message.bcc:
            personalization.add_bcc(Bcc(address))
        if message.reply_to:
            mail.reply_to = ReplyTo(message.reply_to)
        for key, value in threading_headers(message).items():
            mail.add_header(Header(key, value))
        mail.add_custom_arg(CustomArg(CUSTOM_ARG, message.message_id))
        if self.sandbox:
            mail.mail_settings = MailSettings(sandbox_mode=SandBoxMode(True))
        return mail.get()

    def send(self, message: OutgoingEmail) -> str:
        from python_http_client.exceptions import HTTPError

        body = self.payload(message)
        for attempt in range(self.rate_limit_retries + 1):
            try:
                response = self.client.client.mail.send.post(request_body=body)
            except HTTPError as err:
                status = int(err.status_code)
                if status == 429 and attempt < self.rate_limit_retries:
                    time.sleep(_retry_after(err.headers, attempt))
                    continue  # a 429 is a refusal: nothing was accepted, asking again is safe
                detail = f"SendGrid answered {status}: {_text(err.body)[:300]}"
                if status >= 500:
                    raise SendUncertain(detail) from None
                raise SendRejected(detail) from None
            except urllib.error.URLError as err:
                if isinstance(err.reason, ConnectionRefusedError):
                    raise SendRejected(f"SendGrid not reachable: {err.reason}") from None
                raise SendUncertain(f"no answer from SendGrid: {err.reason}") from None
            except (TimeoutError, ConnectionError, OSError) as err:
                raise SendUncertain(f"no answer from SendGrid: {err!r}") from None
            if response.status_code not in (200, 202):
                raise SendUncertain(f"SendGrid answered {response.status_code}")
            return response.headers.get("X-Message-Id") or ""
        raise AssertionError("unreachable")

    def suppressions(self, since: datetime) -> list[Suppression]:
        found = []
        start = int(since.timestamp())
        for kind in SUPPRESSION_KINDS:
            endpoint = getattr(self.client.client.suppression, kind)
            response = endpoint.get(query_params={"start_time": start})
            for row in response.to_dict or []:
                found.append(Suppression(
                    email=str(row["email"]).lower(), kind=kind,
                    reason=str(row.get("reason") or row.get("status") or kind),
                    created=datetime.fromtimestamp(int(row.get("created", start)), UTC)))
        return found


def _retry_after(headers: object, attempt: int) -> float:
    try:
        value = headers.get("Retry-After")  # type: ignore[attr-defined]
        return min(float(value), 30.0) if value else 0.5 * 2 ** attempt
    except (TypeError, ValueError):
        return 0.5 * 2 ** attempt


def _text(body: object) -> str:
    return body.decode(errors="replace") if isinstance(body, bytes) else str(body)


@dataclass
class FileMailer:
    """Writes each message as `<folder>/<message_id>.eml`: the outbox of the embedded demo."""

    folder: Path
    name: str = "file"
    sent: list[str] = field(default_factory=list)

    def render(self, message: OutgoingEmail) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = (f"{message.from_name} <{message.from_addr}>" if message.from_name
                        else message.from_addr)
        mail["To"] = ", ".join(message.to)
        if message.cc:
            mail["Cc"] = ", ".join(message.cc)
        if message.bcc:
            mail["Bcc"] = ", ".join(message.bcc)
        if message.reply_to:
            mail["Reply-To"] = message.reply_to
        mail["Subject"] = message.subject
        mail["Date"] = format_datetime(datetime.now(UTC))
        for key, value in threading_headers(message).items():
            mail[key] = value
        mail["X-O2C-Message-Id"] = message.message_id
        mail.set_content(message.body)
        return mail

    def send(self, message: OutgoingEmail) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{message.message_id}.eml"
        tmp = target.with_suffix(".eml.part")
        tmp.write_bytes(bytes(self.render(message)))
        os.replace(tmp, target)
        self.sent.append(message.message_id)
        return f"file:{target.name}"

    def suppressions(self, since: datetime) -> list[Suppression]:
        return []  # a folder does not bounce


def mailer_from_settings(settings: Settings) -> Mailer:
    key = settings.sendgrid_api_key
    if key is not None and key.get_secret_value():
        return SendGridMailer(key.get_secret_value(), host=settings.sendgrid_host,
                              sandbox=settings.sendgrid_sandbox)
    return FileMailer(settings.outbox_dir)


def addresses(values: Sequence[str | None]) -> tuple[str, ...]:
    """Distinct, non-empty addresses in order (case-insensitive)."""
    seen: dict[str, str] = {}
    for value in values:
        if value and value.strip():
            seen.setdefault(value.strip().lower(), value.strip())
    return tuple(seen.values())
