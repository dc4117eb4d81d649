"""Outbound webhooks: subscriptions, the events they receive, signed deliveries and their retries."""
