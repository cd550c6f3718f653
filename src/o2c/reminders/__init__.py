"""Payment reminders around the dunning policy and the drafting library: read the day's facts
from the warehouse, store drafts for approval, review them in the Prefect UI, and hand the
approved ones to the outbox after a last check that their facts still hold."""
