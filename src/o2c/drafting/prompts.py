"""Versioned prompt templates from `prompts/<purpose>/v<N>.md.j2`, rendered with StrictUndefined.

A template holds named blocks (`system`, `user`, ...); the version is its path without the
suffix (`reminder/v1`), and the hash is the sha256 of exactly what is sent.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

# The repository's prompts/ folder; a built wheel carries the same files as o2c/_prompts.
_REPO_PROMPTS = Path(__file__).resolve().parents[3] / "prompts"
PROMPTS_DIR = _REPO_PROMPTS if _REPO_PROMPTS.is_dir() else Path(__file__).parents[1] / "_prompts"
SUFFIX = ".md.j2"


class PromptTemplate:
    def __init__(self, version: str = "reminder/v1", root: Path = PROMPTS_DIR) -> None:
        path = root / f"{version}{SUFFIX}"
        if not path.is_file():
            raise FileNotFoundError(f"prompt template {path} not found; the prompts folder is "
                                    f"{root}")
        self.version = version
        env = Environment(loader=FileSystemLoader(root), undefined=StrictUndefined,
                          autoescape=False, keep_trailing_newline=False)
        self._template = env.get_template(f"{version}{SUFFIX}")

    def render(self, block: str, **variables: object) -> str:
        """One block rendered; a variable the block uses but is not given raises UndefinedError."""
        if block not in self._template.blocks:
            raise KeyError(f"prompt {self.version} has no block {block!r} "
                           f"(has {sorted(self._template.blocks)})")
        context = self._template.new_context(dict(variables))
        return "".join(self._template.blocks[block](context)).strip()


def prompt_hash(messages: list[dict[str, str]]) -> str:
    """sha256 over the messages as sent (role and content, in order)."""
    text = json.dumps(messages, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
