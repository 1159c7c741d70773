"""Every lesson as a notebook: `m2t notebook --format ipynb --no-execute` writes it, nbclient
runs it through the kernel with M2T_QUICK=1 (no cell may fail), and `m2t run` runs the
notebook file as a script."""

import os
import subprocess
import time
import unittest

import nbformat
import support
from nbclient import NotebookClient

LESSONS = sorted(f for f in os.listdir(support.LESSONS) if f.endswith(".m2t"))


def notebook_of(lesson):
    path = os.path.join(support.HOME, lesson.replace(".m2t", ".ipynb"))
    subprocess.run([support.M2T, "notebook", os.path.join(support.LESSONS, lesson), "--format", "ipynb", "--no-execute", "-o", path],
                   check=True, stderr=subprocess.DEVNULL)
    return path


class LessonNotebookTests(unittest.TestCase):
    def test_every_lesson_runs_as_a_notebook(self):
        self.assertGreaterEqual(len(LESSONS), 8)
        os.environ["M2T_QUICK"] = "1"
        try:
            for lesson in LESSONS:
                with self.subTest(lesson=lesson):
                    nb = nbformat.read(notebook_of(lesson), as_version=4)
                    nbformat.validate(nb)
                    kinds = {c.cell_type for c in nb.cells}
                    self.assertEqual(kinds, {"markdown", "code"})
                    start = time.time()
                    NotebookClient(nb, kernel_name="m2t", timeout=120, resources={"metadata": {"path": support.HOME}}).execute()
                    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
                    self.assertFalse([o for o in outputs if o.output_type == "error"])
                    self.assertTrue(any("image/svg+xml" in o.get("data", {}) for o in outputs), "no plot")
                    last = [o.text for o in outputs if o.output_type == "stream"][-1].strip().split("\n")[-1]
                    self.assertTrue(last.startswith("ok"), f"{lesson} does not end on its check: {last!r}")
                    print(f"\n  {lesson}: {len(nb.cells)} cells, {len(outputs)} outputs, {time.time() - start:.1f} s", end="")
        finally:
            os.environ.pop("M2T_QUICK", None)

    def test_run_a_notebook_file(self):
        path = notebook_of("01-tensors.m2t")
        done = subprocess.run([support.M2T, "run", path], capture_output=True, text=True, env={**os.environ, "M2T_QUICK": "1"})
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(done.stdout.strip().split("\n")[-1].startswith("ok"))

    def test_run_reports_the_cell(self):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell("# t"), nbformat.v4.new_code_cell("let a = 1"),
                    nbformat.v4.new_code_cell("print(a)\nlet b = a +")]
        path = os.path.join(support.HOME, "broken.ipynb")
        nbformat.write(nb, path)
        done = subprocess.run([support.M2T, "run", path], capture_output=True, text=True)
        self.assertEqual(done.returncode, 1)
        self.assertIn("broken.ipynb:cell 3:2:", done.stderr)


if __name__ == "__main__":
    unittest.main()
