"""The dunning policy as configured: the packaged `policy.yaml` or a file that replaces it."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import ValidationError

from o2c.domain.dunning_policy import DunningPolicy

DEFAULT_POLICY = "policy.yaml"


def load_policy(path: Path | str | None = None) -> DunningPolicy:
    """Read and check a policy file; None reads the packaged default.

    Errors name the file and the field, e.g. `policy.yaml: stages.1.offset_days: ...`.
    """
    if path is None:
        source, text = DEFAULT_POLICY, (files(__package__) / DEFAULT_POLICY).read_text()
    else:
        source, text = str(path), Path(path).read_text()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ValueError(f"{source}: not valid YAML: {err}") from None
    try:
        return DunningPolicy.model_validate(data)
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}"
                             for e in err.errors())
        raise ValueError(f"{source}: invalid dunning policy: {problems}") from None
