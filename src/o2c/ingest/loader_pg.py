"""`python -m o2c.ingest.loader_pg DSN LANDING_DIR`: one loader worker for a PostgreSQL
warehouse. It loads every pending ERP file, then every pending bank file; start as many as you
like, on as many machines (datasets and bank accounts fan out across them, each file loads
once). Prints its load time and outcomes as JSON."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from o2c.adapters.landing import LocalLanding
from o2c.adapters.warehouse_pg import connect, ensure_schema
from o2c.ingest import bank_pg, erp_pg


def main(argv: list[str] | None = None) -> None:
    conninfo, landing_dir = argv or sys.argv[1:3]
    landing = LocalLanding(Path(landing_dir))
    with connect(conninfo) as conn:
        ensure_schema(conn)
        started = time.perf_counter()
        erp = erp_pg.load_all(conn, landing)
        erp_seconds = time.perf_counter() - started
        bank = bank_pg.load_all(conn, landing)
    print(json.dumps({"seconds": time.perf_counter() - started, "erp_seconds": erp_seconds,
                      "outcomes": [[o.key, o.status, o.source_file_id] for o in erp + bank]}))


if __name__ == "__main__":
    main()
