"""Avatar initials on the TV (wallboard/static/js/tv/people.js, run in Node): letters of the first two words."""
import json
import shutil
import subprocess

import pytest

from leaderboard.config import PROJECT_ROOT

NODE = shutil.which("node")
MODULE = PROJECT_ROOT / "wallboard" / "static" / "js" / "tv" / "people.js"
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
NAMES = {"Julie Lefèvre": "JL", "Paris – Rive Gauche": "PR", "Tom & Jerry": "TJ", "zoë": "Z",
         "محمد عبد الله": "مع", "– –": "·", "": "·"}


def test_initials_skip_words_without_a_letter():
    script = (f"import {{ initials }} from {json.dumps(MODULE.as_uri())};"
              f"console.log(JSON.stringify({json.dumps(list(NAMES))}.map(initials)));")
    done = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == list(NAMES.values())
