"""For the tests of TikTok's own shipping: tasks run at once, documents are asked again
without waiting, and the simulator never answers "still being generated" unless a test says."""

import pytest
from django.core.cache import cache

from demo.tiktok_simulator import documents as sim_documents


@pytest.fixture
def documents_at_once(eager, settings, monkeypatch):
    settings.TIKTOK_DOCUMENT_RETRY_SECONDS = 0
    monkeypatch.setattr(sim_documents, "STILL_GENERATING_ONE_IN", 0)
    cache.clear()
