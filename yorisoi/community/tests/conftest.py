"""The community app's small world: the city's programs and sites, loaded from the shipped file."""

import pytest

from yorisoi.community import loader
from yorisoi.community.models import CommunityProgram, Site


@pytest.fixture
def community(master):
    loader.load()
    return {
        "kaigo": CommunityProgram.objects.get(code="kaigo-yobou"),
        "kosodate": CommunityProgram.objects.get(code="kosodate-kyoten"),
        "konkyu": CommunityProgram.objects.get(code="konkyu-chiiki"),
        "salon": Site.objects.get(code="kaigo-yobou-01"),  # 富洲原 → 北部
        "centre": Site.objects.get(code="kosodate-20"),  # 日永 → 南部
    }
