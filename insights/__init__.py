"""Sales insights (docs/insights.md): the figures of a period against another."""
