"""Flow: tell account owners, CSMs and collectors about AR events (`fct_ar_events`) by Slack
and e-mail digest, each delivery once (`app.notifications`), with an artifact of what was sent
to whom. Runs after the pipeline and on its own schedule; `send_digest=False` runs send only
the real-time (severe) events and keep the rest for the daily digest."""

from __future__ import annotations

from datetime import date

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from o2c.adapters.chat import chat_from_settings
from o2c.adapters.email import mailer_from_settings
from o2c.notify.run import notify as run_notify
from o2c.settings import Settings


@task(cache_policy=NO_CACHE)  # no retries: a provider call is never repeated blindly
def deliver_notifications(as_of: date, send_digest: bool) -> dict:
    settings = Settings()
    run_id = str(flow_run.get_id()) if flow_run.get_id() else None
    report = run_notify(settings, chat_from_settings(settings), mailer_from_settings(settings),
                        as_of, run_id, send_digest=send_digest)
    create_table_artifact(report.rows or [{"state": "nothing new to deliver"}],
                          key="notifications-sent",
                          description=f"AR notifications delivered on {as_of}, by recipient")
    return report.summary()


@flow(name="notify", log_prints=True)
def notify(as_of: date | None = None, send_digest: bool = True) -> dict:
    as_of = as_of or Settings().today()
    summary = deliver_notifications(as_of, send_digest)
    print(f"notifications {as_of}: {summary}")
    return summary
