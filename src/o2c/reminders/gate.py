"""No drafting before the day's data is in: every landed ERP and bank file loaded, and the AR
layer (which nets bank cash applications into open amounts) built for the drafting day."""

from __future__ import annotations

from datetime import date

import duckdb

from o2c.adapters.landing import LandingZone
from o2c.reminders.facts import ar_layer_as_of

PREFIXES = ("erp/", "bank/")


class NotReady(RuntimeError):
    pass


def readiness(con: duckdb.DuckDBPyConnection, landing: LandingZone, as_of: date) -> list[str]:
    """What is missing before reminders for `as_of` may be drafted (empty: ready)."""
    problems = []
    seen = set(con.execute("select path, landing_version from raw.file_deliveries").fetchall())
    waiting = [f.key for prefix in PREFIXES for f in landing.list(prefix)
               if (f.key, f.version) not in seen]
    if waiting:
        shown = ", ".join(waiting[:5]) + (f" and {len(waiting) - 5} more" if len(waiting) > 5
                                          else "")
        problems.append(f"{len(waiting)} landed file(s) not loaded yet ({shown}): run the "
                        f"pipeline for {as_of} first")
    built = ar_layer_as_of(con)
    if built != as_of:
        problems.append(f"the AR layer is built for {built or 'no day yet'}, not {as_of}: run "
                        f"the pipeline for {as_of} (bank load and cash application) first")
    return problems
