"""Inbound webhooks: integrations that map a sender's payload (feed, CMS, Standard Webhooks) to ingest requests."""
