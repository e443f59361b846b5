"""Settings for bench/throughput.py: the production settings, with the bare view's URLconf."""

from yorisoi.settings import *  # noqa: F403

ROOT_URLCONF = "throughput_urls"
