"""Shared set-up of the kernel tests: a kernelspec installed by `m2t kernel install` into a
temporary prefix, and Jupyter's directories pointed there, so nothing global is read or
touched. Import this module before jupyter_client."""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
M2T = os.path.abspath(os.environ.get("M2T", os.path.join(ROOT, ".build", "release", "m2t")))
LESSONS = os.path.join(ROOT, "lessons")

HOME = tempfile.mkdtemp(prefix="m2t-kernel-tests-")
atexit.register(shutil.rmtree, HOME, ignore_errors=True)
PREFIX = os.path.join(HOME, "prefix")
for name, sub in [("JUPYTER_PATH", "prefix/share/jupyter"), ("JUPYTER_DATA_DIR", "data"),
                  ("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime")]:
    os.environ[name] = os.path.join(HOME, sub)
os.environ["JUPYTER_PLATFORM_DIRS"] = "0"
os.environ.pop("M2T_QUICK", None)

if not os.access(M2T, os.X_OK):
    sys.exit(f"{M2T} is not built (make build)")
subprocess.run([M2T, "kernel", "install", "--prefix", PREFIX], check=True, stdout=subprocess.DEVNULL)


def run_suite(module_names):
    """Runs the test modules; prints the plain 'N passed, N failed' line; exits 1 on failure."""
    loader = unittest.TestLoader()
    suite = unittest.TestSuite(loader.loadTestsFromName(name) for name in module_names)
    start = time.time()
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    print(f"kernel tests: {result.testsRun - failed} passed, {failed} failed ({time.time() - start:.1f} s)")
    sys.exit(0 if result.wasSuccessful() else 1)
