"""Flow: tell account owners, CSMs and collectors about AR events (`fct_ar_events`) by Slack
and e-mail digest, each delivery once (`app.notifications`), with an artifact of what was sent
to whom; then push the changed AR fields to the CRM (`app.crm_sync`), when one is configured.
Runs after the pipeline and on its own schedule; `send_digest=False` runs send only the
real-time (severe) events and keep the rest for the daily digest."""

from __future__ import annotations

from datetime import date

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from o2c.adapters.chat import chat_from_settings
from o2c.adapters.crm import CrmUnavailable, crm_from_settings
from o2c.adapters.email import mailer_from_settings
from o2c.crm.config import load_field_map
from o2c.crm.run import sync as sync_crm
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


@task(cache_policy=NO_CACHE)  # no task retries: each batch is retried inside; a stopped sync
def push_crm_fields(as_of: date) -> dict:  # resumes on the next run from the journal
    settings = Settings()
    if settings.crm_system == "none":
        return {"crm_system": "none", "skipped": "no CRM configured (O2C_CRM_SYSTEM)"}
    field_map = load_field_map(settings.crm_system, settings.crm_field_map_path)
    crm = crm_from_settings(settings, field_map.object_name)
    run_id = str(flow_run.get_id()) if flow_run.get_id() else None
    report = sync_crm(settings, crm, field_map, run_id)
    create_table_artifact(report.rows or [{"result": "nothing changed since the last push"}],
                          key="crm-fields-pushed",
                          description=f"AR fields pushed to {settings.crm_system} on {as_of}, "
                                      "by account")
    if report.stopped:
        raise CrmUnavailable(f"{report.stopped}. Batches the CRM took are journaled; the next "
                             "run sends the rest.")
    return report.summary()


@flow(name="notify", log_prints=True)
def notify(as_of: date | None = None, send_digest: bool = True) -> dict:
    as_of = as_of or Settings().today()
    summary = deliver_notifications(as_of, send_digest)
    print(f"notifications {as_of}: {summary}")
    crm = push_crm_fields(as_of)
    print(f"CRM sync {as_of}: {crm}")
    return {**summary, "crm": crm}
