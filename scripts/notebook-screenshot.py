#!/usr/bin/env python3
"""A real browser on a real Jupyter: serves Jupyter Notebook on 127.0.0.1 with the M2T
kernel, opens lesson 06 as a notebook in headless Chromium, runs every cell there, and
saves a screenshot of the momentum-BN plot (and one of the whole page).

    scripts/notebook-screenshot.py [--quick] [-o runs/screenshots]

Needs the built m2t (make build) and, from Debian, jupyter-notebook, chromium,
chromium-driver and python3-selenium: installed here when missing (as root). Not part of
CI: it takes a minute and a browser. Everything Jupyter writes goes to a temporary folder."""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEBS = ["jupyter-notebook", "chromium", "chromium-driver", "python3-selenium"]


def ensure_packages():
    missing = [p for p in DEBS if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit("missing Debian packages: " + " ".join(missing) + "\nrun: sudo apt-get install -y " + " ".join(missing))
    subprocess.run(["apt-get", "install", "-y", "-qq"] + missing, check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    # Selenium was just installed for Debian's Python: run again with it.
    os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception:
            pass
        time.sleep(0.5)
    sys.exit(f"timed out waiting for {what}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="run the lesson's reduced size (M2T_QUICK=1)")
    parser.add_argument("-o", "--output", default=os.path.join(ROOT, "runs", "screenshots"), help="folder for the PNG files")
    parser.add_argument("--lesson", default="06-momentum-bn", help="lesson to open (default 06-momentum-bn)")
    parser.add_argument("--plot", default="BN momentum", help="text in the title of the plot to capture")
    args = parser.parse_args()
    ensure_packages()
    if sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    m2t = os.path.join(ROOT, ".build", "release", "m2t")
    if not os.access(m2t, os.X_OK):
        sys.exit(f"{m2t} is not built: make build")
    home = tempfile.mkdtemp(prefix="m2t-screenshot-")
    env = {**os.environ, "JUPYTER_PATH": f"{home}/prefix/share/jupyter", "JUPYTER_DATA_DIR": f"{home}/data",
           "JUPYTER_CONFIG_DIR": f"{home}/config", "JUPYTER_RUNTIME_DIR": f"{home}/runtime", "HOME": home}
    if args.quick:
        env["M2T_QUICK"] = "1"
    subprocess.run([m2t, "kernel", "install", "--prefix", f"{home}/prefix"], check=True, env=env)
    notebooks = os.path.join(home, "notebooks")
    os.makedirs(notebooks)
    name = args.lesson + ".ipynb"
    subprocess.run([m2t, "notebook", os.path.join(ROOT, "lessons", args.lesson + ".m2t"), "--format", "ipynb", "--no-execute",
                    "-o", os.path.join(notebooks, name)], check=True, env=env)

    port, token = free_port(), "m2t-screenshot"
    server = subprocess.Popen(["jupyter-notebook", "--no-browser", "--ip=127.0.0.1", f"--port={port}", f"--NotebookApp.token={token}",
                               f"--notebook-dir={notebooks}", "--allow-root"], env=env,
                              stdout=open(os.path.join(home, "server.log"), "w"), stderr=subprocess.STDOUT)
    driver = None
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: urllib.request.urlopen(f"{base}/api/status?token={token}").status == 200, 60, "the Jupyter server")
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1600", "--force-device-scale-factor=1"]:
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        driver.get(f"{base}/notebooks/{name}?token={token}")
        wait_for(lambda: driver.execute_script("return Jupyter.notebook.kernel.is_connected() && Jupyter.notebook.kernel.info_reply.language_info.name"),
                 60, "the M2T kernel in the page")
        start = time.time()
        driver.execute_script("Jupyter.notebook.execute_all_cells()")
        done = ("return Jupyter.notebook.get_cells().filter(c => c.cell_type == 'code')"
                ".every(c => c.input_prompt_number !== '*' && c.input_prompt_number != null)")
        wait_for(lambda: driver.execute_script(done), 600, "the cells to run")
        print(f"ran {args.lesson} in the browser in {time.time() - start:.1f} s")
        errors = driver.find_elements(By.CSS_SELECTOR, ".output_error")
        if errors:
            print("a cell failed:\n" + errors[0].text)
        os.makedirs(args.output, exist_ok=True)
        plot = driver.find_element(By.XPATH, f"//*[local-name()='svg'][*[local-name()='title' and contains(., '{args.plot}')]]")
        area = plot.find_element(By.XPATH, "./ancestor::div[contains(@class, 'output_area')][1]")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", area)
        time.sleep(0.5)
        shot = os.path.join(args.output, f"{args.lesson}-plot.png")
        area.screenshot(shot)
        page = os.path.join(args.output, f"{args.lesson}-page.png")
        driver.save_screenshot(page)
        print(f"wrote {shot}\nwrote {page}")
        return 1 if errors else 0
    finally:
        if driver:
            driver.quit()
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
