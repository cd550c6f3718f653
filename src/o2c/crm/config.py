"""The CRM field map: the packaged `fields.yaml` or a file that replaces it."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import yaml

from o2c.domain.crm import FIELD_KINDS

DEFAULT_FIELD_MAP = "fields.yaml"


@dataclass(frozen=True)
class FieldMap:
    fields: dict[str, str]  # o2c field -> CRM field
    object_name: str | None = None  # Salesforce sObject; HubSpot is always Company


def load_field_map(crm_system: str, path: Path | str | None = None) -> FieldMap:
    """The mapping for one CRM. Errors name the file and the entry to fix."""
    if path is None:
        source, text = DEFAULT_FIELD_MAP, (files(__package__) / DEFAULT_FIELD_MAP).read_text()
    else:
        source, text = str(path), Path(path).read_text()
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        raise ValueError(f"{source}: not valid YAML: {err}") from None
    section = data.get(crm_system)
    if not isinstance(section, dict) or not isinstance(section.get("fields"), dict):
        raise ValueError(f"{source}: no `{crm_system}: fields:` mapping; add one that maps o2c "
                         f"fields ({', '.join(FIELD_KINDS)}) to {crm_system} field names")
    fields = {str(k): str(v) for k, v in section["fields"].items() if v}
    unknown = sorted(set(fields) - set(FIELD_KINDS))
    if unknown:
        raise ValueError(f"{source}: {crm_system}.fields: unknown o2c field(s) {unknown}; "
                         f"use {', '.join(FIELD_KINDS)}")
    targets = list(fields.values())
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        raise ValueError(f"{source}: {crm_system}.fields: {twice} mapped from more than one "
                         "o2c field")
    return FieldMap(fields, section.get("object"))
