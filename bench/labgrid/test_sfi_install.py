"""B6's peer: the same SFI installs as B2's campaign, as a pytest suite.

Each test draws a licence from HSM slot 1 and installs the image with it
through STM32_Programmer_CLI (the calls sfi-harness makes per install),
checking the tool's exit status and its success line. LG_SFI_INSTALLS
tests (default 200), one per install.
"""
import os
import subprocess

import pytest

INSTALLS = int(os.environ.get("LG_SFI_INSTALLS", "200"))


def cli(target, serial, *args):
    tool = target.env.config.get_tool("stm32_programmer_cli")
    return subprocess.run([tool, "-c", "port=swd", f"sn={serial}", *args],
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("install", range(1, INSTALLS + 1))
def test_sfi_install(board, serial, install, tmp_path):
    licence = tmp_path / "licence.bin"
    draw = cli(board, serial, "mode=UR", "reset=HWrst", "-hsmgetlicense", str(licence),
               "slot=1", "protocol=static")
    assert draw.returncode == 0, draw.stdout
    assert "Succeed to get License for Firmware from HSM" in draw.stdout, draw.stdout

    image = board.env.config.get_image_path("sbsfu")
    sfi = cli(board, serial, "mode=HOTPLUG", "-sfi", "protocol=static", image, "hsm=0",
              str(licence))
    assert sfi.returncode == 0, sfi.stdout
    assert "SFI Process Finished!" in sfi.stdout, sfi.stdout
