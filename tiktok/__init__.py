"""The TikTok Shop connection: the signed Open API client, tokens, sync and webhooks."""
