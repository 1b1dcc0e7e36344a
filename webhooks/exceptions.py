"""Webhook domain errors: one-line messages the views show."""


class WebhookError(Exception):
    """Something asked of an endpoint that cannot be done; the message says why."""
