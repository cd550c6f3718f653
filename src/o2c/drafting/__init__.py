"""Reminder drafts: code renders the facts, a drafter (LLM or template) writes the prose
around them, and guardrails check the final text before it is stored for approval."""
