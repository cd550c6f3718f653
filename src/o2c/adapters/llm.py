"""The LLM behind a small Protocol: chat completions with a JSON-schema response format, through
the official `openai` SDK. `base_url` points it at any OpenAI-compatible server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import openai
from openai import OpenAI
from pydantic import SecretStr

DEFAULT_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class LLMConfig:
    api_key: SecretStr | None
    base_url: str | None = None
    model: str = DEFAULT_MODEL
    concurrency: int = 4
    max_retries: int = 3  # the SDK retries 408/409/429/5xx and connection errors with backoff
    timeout_seconds: float = 60.0
    temperature: float = 0.3
    pseudonymise_names: bool = True  # the model sees {customer}/{contact}, code fills them in

    @classmethod
    def from_settings(cls, settings: Any) -> LLMConfig:
        """From o2c Settings: `openai_api_key`, `llm_base_url`, `llm_model`, `llm_concurrency`."""
        return cls(api_key=settings.openai_api_key, base_url=settings.llm_base_url,
                   model=settings.llm_model or DEFAULT_MODEL,
                   concurrency=settings.llm_concurrency)

    @property
    def enabled(self) -> bool:
        return self.api_key is not None and bool(self.api_key.get_secret_value())


@dataclass(frozen=True)
class Completion:
    content: str | None
    refusal: str | None
    response_id: str | None
    model: str


class LLMUnavailable(Exception):
    """The LLM gave no usable answer after the SDK's retries (HTTP error, timeout, no choice)."""


class ChatModel(Protocol):
    model: str

    def complete(self, messages: list[dict[str, str]], schema: dict[str, Any],
                 schema_name: str) -> Completion: ...


class OpenAIChat:
    def __init__(self, config: LLMConfig) -> None:
        if not config.enabled:
            raise ValueError("no OpenAI API key: set O2C_OPENAI_API_KEY, or use the template "
                             "drafter")
        assert config.api_key is not None
        self.model = config.model
        self._temperature = config.temperature
        self._client = OpenAI(api_key=config.api_key.get_secret_value(),
                              base_url=config.base_url, max_retries=config.max_retries,
                              timeout=config.timeout_seconds)

    def complete(self, messages: list[dict[str, str]], schema: dict[str, Any],
                 schema_name: str) -> Completion:
        try:
            response = self._client.chat.completions.create(
                model=self.model, messages=messages,  # type: ignore[arg-type]
                temperature=self._temperature,
                response_format={"type": "json_schema", "json_schema": {
                    "name": schema_name, "strict": True, "schema": schema}},
            )
        except openai.APIError as err:
            raise LLMUnavailable(_describe(err)) from err
        if not response.choices:
            raise LLMUnavailable(f"response {response.id} has no choices")
        message = response.choices[0].message
        return Completion(content=message.content, refusal=getattr(message, "refusal", None),
                          response_id=response.id, model=response.model or self.model)

    def close(self) -> None:
        self._client.close()


def _describe(err: openai.APIError) -> str:
    status = getattr(err, "status_code", None)
    kind = type(err).__name__
    return f"{kind} (HTTP {status})" if status else f"{kind}: {err.message}"
