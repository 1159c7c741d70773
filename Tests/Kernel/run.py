#!/usr/bin/env python3
"""`make test-kernel`: the kernel driven through Jupyter's own client library
(python3-jupyter-client) and every lesson run as a notebook by nbclient."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402  (sets up the kernelspec and Jupyter's directories first)

support.run_suite(sys.argv[1:] or ["test_protocol", "test_bad_input", "test_lessons"])
