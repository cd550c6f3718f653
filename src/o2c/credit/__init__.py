"""Credit risk: point-in-time features (dbt), the late-payment model and its baselines, the
cash forecast, and the `o2c credit` commands."""
