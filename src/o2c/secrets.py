"""Secrets from the environment, or from Prefect blocks named in the environment.

A secret setting (`O2C_OPENAI_API_KEY`, `O2C_SENDGRID_API_KEY`, the Slack ones, ...) holds
either the value itself or a reference to a Prefect block:

    O2C_OPENAI_API_KEY=block:secret/openai-api-key        a Secret block's value
    O2C_SLACK_WEBHOOK_URL=block:slack-webhook/ar-team     a block with a `url` (Slack webhook)

A reference is resolved on first use (`get_secret_value()`), not when settings are read, so
commands that never use a secret never ask Prefect for it, and the value is never stored
anywhere but in the process's memory.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

BLOCK_PREFIX = "block:"
VALUE_FIELDS = ("value", "url", "token", "api_key")  # where a block keeps its secret


class SecretUnavailable(RuntimeError):
    """A block reference that cannot be resolved: what was asked for and what to do."""


def is_block_reference(raw: str) -> bool:
    return raw.startswith(BLOCK_PREFIX)


def _plain(value: Any) -> str:
    return value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)


def resolve_block_reference(reference: str) -> str:
    """The secret a `block:<block-type-slug>/<block-name>` reference points at."""
    from prefect.blocks.core import Block

    slug = reference.removeprefix(BLOCK_PREFIX).strip()
    if slug.count("/") != 1:
        raise SecretUnavailable(f"{reference!r} is not a block reference: write "
                                "block:<block-type>/<block-name>, e.g. block:secret/openai-api-key")
    try:
        block = Block.load(slug, _sync=True)
    except ValueError as err:  # Prefect's "Unable to find block document named ..."
        raise SecretUnavailable(
            f"Prefect block {slug!r} not found on the configured Prefect API ({err}); create it "
            f"in the UI (Blocks) or with `prefect block create {slug.split('/')[0]}`") from None
    if hasattr(block, "get") and callable(block.get):  # prefect.blocks.system.Secret
        return _plain(block.get())
    for name in VALUE_FIELDS:
        if getattr(block, name, None) is not None:
            return _plain(getattr(block, name))
    raise SecretUnavailable(f"Prefect block {slug!r} has none of the fields {VALUE_FIELDS}: "
                            "use a Secret block")


class BlockSecret(SecretStr):
    """A secret setting that names a Prefect block; resolved once, on first use."""

    def __init__(self, reference: str) -> None:
        super().__init__(reference)
        self.reference = reference
        self._resolved: str | None = None

    def get_secret_value(self) -> str:
        if self._resolved is None:
            self._resolved = resolve_block_reference(self.reference)
        return self._resolved

    def __repr__(self) -> str:
        return f"BlockSecret({self.reference!r})"


def defer_block_references(model: Any) -> None:
    """Swap every SecretStr field of `model` whose value is a block reference for a
    BlockSecret (the reference itself is not secret; the value it names is)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if (isinstance(value, SecretStr) and not isinstance(value, BlockSecret)
                and is_block_reference(value.get_secret_value())):
            object.__setattr__(model, name, BlockSecret(value.get_secret_value()))


def source_of(value: SecretStr | None) -> str:
    """Where a secret comes from, for messages (never the value)."""
    if value is None:
        return "unset"
    if isinstance(value, BlockSecret):
        return f"Prefect block {value.reference.removeprefix(BLOCK_PREFIX)}"
    return "environment"

