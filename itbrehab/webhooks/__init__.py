"""Webhooks (SPEC §10, Standard Webhooks 1.0): a clinic's endpoints, the outbox, deliveries."""
