"""Secret settings may name a Prefect block; the block is read when the secret is used."""

from __future__ import annotations

import pytest

from o2c import secrets
from o2c.secrets import BlockSecret, SecretUnavailable, resolve_block_reference, source_of


@pytest.fixture
def blocks(monkeypatch):
    asked: list[str] = []

    def resolve(reference: str) -> str:
        asked.append(reference)
        return "sk-from-the-block"

    monkeypatch.setattr(secrets, "resolve_block_reference", resolve)
    return asked


def test_a_block_reference_is_resolved_on_first_use_only(monkeypatch, blocks):
    from o2c.settings import Settings

    monkeypatch.setenv("O2C_OPENAI_API_KEY", "block:secret/openai-api-key")
    monkeypatch.setenv("O2C_SENDGRID_API_KEY", "SG.plain")
    settings = Settings()
    assert isinstance(settings.openai_api_key, BlockSecret) and blocks == []
    assert "sk-from-the-block" not in repr(settings) + str(settings.openai_api_key)
    assert settings.openai_api_key.get_secret_value() == "sk-from-the-block"
    assert settings.openai_api_key.get_secret_value() == "sk-from-the-block"
    assert blocks == ["block:secret/openai-api-key"]
    assert settings.sendgrid_api_key.get_secret_value() == "SG.plain"
    assert source_of(settings.openai_api_key) == "Prefect block secret/openai-api-key"
    assert source_of(settings.sendgrid_api_key) == "environment"


def test_a_malformed_reference_says_how_to_write_one():
    with pytest.raises(SecretUnavailable, match="block:<block-type>/<block-name>"):
        resolve_block_reference("block:openai-api-key")

