"""The sales side of the event log: ingesting sales (single, batched, grouped), cancellations, KPI samples
and confirmations."""
