"""Notifications: AR events (`fct_ar_events`) to account owners, CSMs and collectors by Slack
and e-mail digest, each delivery once (journal `app.notifications`, see `o2c.domain.notify`)."""
