"""B6's peer: the board under test, powered on once for the session.

Run as a labgrid user runs it: pytest --lg-env env.yaml (labgrid's pytest
plugin provides the ``target`` fixture from env.yaml).
"""
import os

import pytest


@pytest.fixture(scope="session")
def board(target):
    power = target.get_driver("PowerProtocol")
    power.on()
    yield target
    power.off()


@pytest.fixture(scope="session")
def serial():
    return os.environ.get("LG_PROBE_SERIAL", "BE000000")
