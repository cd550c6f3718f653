"""Chat delivery through the official `slack_sdk`: an incoming webhook (one channel, the
recipient is named in the message) or a bot token (a direct message to the Slack user with the
recipient's e-mail). Only a 429 is asked again (Slack processed nothing, Retry-After honoured);
any other answer is final: a 4xx means it was not posted, a 5xx or a broken connection means
it may have been, and the caller must not post it again."""

from __future__ import annotations

from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from o2c.settings import Settings


class ChatRejected(Exception):
    """Slack refused the message: it was not posted."""


class ChatUncertain(Exception):
    """No clear answer: the message may have been posted."""


class Chat(Protocol):
    name: str

    def post(self, recipient: str, text: str) -> str: ...


def _retries(count: int) -> list:
    return [RateLimitErrorRetryHandler(max_retry_count=count)]


class SlackWebhookChat:
    name = "slack-webhook"

    def __init__(self, url: str, timeout: int = 10, rate_limit_retries: int = 3) -> None:
        self._client = WebhookClient(url, timeout=timeout,
                                     retry_handlers=_retries(rate_limit_retries))

    def post(self, recipient: str, text: str) -> str:
        try:
            response = self._client.send(text=f"For {recipient}:\n{text}")
        except Exception as err:  # connection reset, timeout: the post may have landed
            raise ChatUncertain(f"slack webhook: {type(err).__name__}: {err}") from err
        if response.status_code == 200:
            return ""
        detail = f"slack webhook answered {response.status_code}: {response.body[:200]}"
        if response.status_code >= 500 or response.status_code == 429:
            raise ChatUncertain(detail)
        raise ChatRejected(detail)


class SlackBotChat:
    """Direct messages with a bot token (scopes chat:write, users:read.email)."""

    name = "slack-bot"

    def __init__(self, token: str, base_url: str | None = None, timeout: int = 10,
                 rate_limit_retries: int = 3) -> None:
        kwargs = {"base_url": base_url} if base_url else {}
        self._client = WebClient(token=token, timeout=timeout,
                                 retry_handlers=_retries(rate_limit_retries), **kwargs)
        self._users: dict[str, str] = {}

    def _user(self, email: str) -> str:
        if email not in self._users:
            try:
                found = self._client.users_lookupByEmail(email=email)
            except SlackApiError as err:  # a lookup posts nothing: safe to report as rejected
                raise ChatRejected(f"slack users.lookupByEmail: {err.response.get('error')}") \
                    from err
            self._users[email] = found["user"]["id"]
        return self._users[email]

    def post(self, recipient: str, text: str) -> str:
        channel = self._user(recipient)
        try:
            response = self._client.chat_postMessage(channel=channel, text=text)
        except SlackApiError as err:
            status = err.response.status_code
            detail = f"slack chat.postMessage answered {status}: {err.response.get('error')}"
            if status >= 500 or status == 429:
                raise ChatUncertain(detail) from err
            raise ChatRejected(detail) from err
        except Exception as err:
            raise ChatUncertain(f"slack chat.postMessage: {type(err).__name__}: {err}") from err
        return str(response.get("ts") or "")


def chat_from_settings(settings: Settings) -> Chat | None:
    """The configured Slack client, or None when Slack is not set up (e-mail only)."""
    if settings.slack_bot_token is not None:
        return SlackBotChat(settings.slack_bot_token.get_secret_value(),
                            base_url=settings.slack_base_url)
    if settings.slack_webhook_url is not None:
        return SlackWebhookChat(settings.slack_webhook_url.get_secret_value())
    return None
