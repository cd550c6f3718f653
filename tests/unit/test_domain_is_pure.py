"""o2c.domain holds business rules only: no I/O, SDK or orchestration import may creep in."""

import ast
from pathlib import Path

import o2c.domain

FORBIDDEN = {"prefect", "duckdb", "boto3", "botocore", "openai", "sendgrid", "httpx", "requests",
             "slack_sdk", "simple_salesforce", "hubspot", "sqlalchemy", "urllib", "socket",
             "subprocess", "pandas", "dbt", "o2c.adapters", "o2c.settings", "flows"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_imports_no_io_sdk_or_orchestration_library():
    root = Path(o2c.domain.__file__).parent
    offenders = {
        f"{path.relative_to(root)}: {name}"
        for path in root.rglob("*.py")
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    }
    assert not offenders, offenders


def test_the_check_sees_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from prefect import flow\nimport duckdb.typing\n")
    assert _imports(bad) == {"prefect", "duckdb.typing"}
