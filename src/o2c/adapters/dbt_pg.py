"""dbt's `postgres` target (dbt_project/profiles.yml) filled in from O2C_POSTGRES_DSN."""

from __future__ import annotations

from psycopg.conninfo import conninfo_to_dict

from o2c.adapters.warehouse_pg import dsn
from o2c.settings import Settings


def postgres_target_env(settings: Settings) -> dict[str, str]:
    """The O2C_PG_* variables the profile reads, from the one connection string."""
    parts = conninfo_to_dict(dsn(settings))
    missing = [name for name in ("user", "dbname") if not parts.get(name)]
    if missing:
        raise ValueError(f"O2C_POSTGRES_DSN has no {' or '.join(missing)}: dbt's postgres "
                         "target needs both, e.g. 'host=db port=5432 dbname=o2c user=o2c'")
    return {
        "O2C_PG_HOST": str(parts.get("host") or "127.0.0.1"),
        "O2C_PG_PORT": str(parts.get("port") or "5432"),
        "O2C_PG_USER": str(parts.get("user") or ""),
        "O2C_PG_PASSWORD": str(parts.get("password") or ""),
        "O2C_PG_DBNAME": str(parts.get("dbname") or ""),
        "O2C_PG_SCHEMA": settings.postgres_dbt_schema,
    }
