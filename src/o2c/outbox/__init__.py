"""The outbox: every outgoing message as a state machine over the append-only `app.outbox`
journal, so a message is never sent twice (see `machine`), delivered through
`o2c.adapters.email` (SendGrid or a folder of .eml files)."""
