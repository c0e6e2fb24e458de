# html_drive.py - drives mprof's HTML page in headless chromium (Selenium, chromium-driver): zooming
# changes the visible time range, a click on a flame frame zooms into it, the search marks the right
# frames. Usage: html_drive.py SITES.html BIG.html (pages of tests/progs/sites and of a long run).
import os
import shutil
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


SHOTS = os.environ.get("HTML_DRIVE_SHOTS")  # a directory: screenshots of each step, to look at


def shot(d, name):
    if SHOTS:
        d.save_screenshot(os.path.join(SHOTS, name + ".png"))


def fail(msg):
    print("html_drive: " + msg)
    sys.exit(1)


def wait(what, cond, limit=20):
    end = time.time() + limit
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    fail("timed out waiting for " + what)


def open_page(d, path):
    d.get("file://" + os.path.abspath(path))
    body = d.find_element(By.TAG_NAME, "body")
    wait("data-mprof-ready on " + path, lambda: body.get_attribute("data-mprof-ready") == "1")
    errors(d)


def errors(d):
    e = d.find_element(By.TAG_NAME, "html").get_attribute("data-mprof-errors")
    if e:
        fail("JavaScript error: " + e)
    for entry in d.get_log("browser"):
        if entry.get("level") == "SEVERE":
            fail("browser console: " + entry.get("message", ""))


def rng(chart):
    a, b = chart.get_attribute("data-range").split(",")
    return float(a), float(b)


def drag_zoom(d, chart, f0, f1):
    canvas = chart.find_elements(By.TAG_NAME, "canvas")[-1]
    w = canvas.size["width"]
    h = canvas.size["height"]
    # offsets are from the element's centre
    x0, x1 = int(w * (f0 - 0.5)), int(w * (f1 - 0.5))
    for c in chart.find_elements(By.TAG_NAME, "canvas"):
        if c.size["height"] > 100:
            canvas = c
            h = c.size["height"]
            w = c.size["width"]
            x0, x1 = int(w * (f0 - 0.5)), int(w * (f1 - 0.5))
            break
    ActionChains(d).move_to_element_with_offset(canvas, x0, 0).click_and_hold().move_by_offset(
        (x1 - x0) // 2, 0).move_by_offset((x1 - x0) - (x1 - x0) // 2, 0).release().perform()


def main():
    sites, big = sys.argv[1], sys.argv[2]
    o = webdriver.ChromeOptions()
    profile = tempfile.mkdtemp(prefix="mprof-drive-")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1300,1000",
              "--user-data-dir=" + profile):
        o.add_argument(a)
    o.binary_location = "/usr/bin/chromium"
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    try:
        open_page(d, sites)
        chart = d.find_element(By.ID, "memchart")
        a0, a1 = rng(chart)
        drag_zoom(d, chart, 0.3, 0.6)
        b0, b1 = wait("the zoomed range", lambda: rng(chart) if rng(chart) != (a0, a1) else None)
        if not (a0 < b0 < b1 < a1) or (b1 - b0) > 0.6 * (a1 - a0):
            fail("zoom: range %s -> %s" % ((a0, a1), (b0, b1)))
        print("zoom: %.3f-%.3f s -> %.3f-%.3f s" % (a0, a1, b0, b1))
        shot(d, "zoomed")
        d.find_element(By.XPATH, "//div[@id='memory' or true()]//button[text()='reset zoom']").click()
        wait("the reset range", lambda: rng(chart) == (a0, a1))

        # search: every frame whose name holds "hold", and only those
        search = d.find_element(By.ID, "flame-peak-search")
        search.send_keys("hold")
        flame = d.find_element(By.ID, "flame-peak")
        hits = wait("search hits", lambda: flame.find_elements(By.CSS_SELECTOR, ".fr.hit"))
        names = sorted(h.get_attribute("data-name") for h in hits)
        if any("hold" not in n for n in names) or "hold_big" not in names or "hold_mid" not in names:
            fail("search marked " + repr(names))
        others = [f.get_attribute("data-name") for f in flame.find_elements(By.CSS_SELECTOR, ".fr:not(.hit)")]
        if any("hold" in n for n in others):
            fail("search left unmarked " + repr(others))
        share = float(d.find_element(By.ID, "flame-peak-found").get_attribute("data-share"))
        if not 90 <= share <= 100:
            fail("search share %.2f%%" % share)
        d.execute_script("arguments[0].scrollIntoView()", flame)
        shot(d, "search")
        print("search: %d frames %s, %.1f%% of the heap peak" % (len(names), names, share))
        search.send_keys(Keys.CONTROL, "a")
        search.send_keys(Keys.DELETE)
        wait("no hits", lambda: not flame.find_elements(By.CSS_SELECTOR, ".fr.hit"))

        # click: hold_big fills the width, its ancestors stay above it
        frame = flame.find_element(By.CSS_SELECTOR, ".fr[data-name='hold_big']")
        w0 = frame.size["width"]
        frame.click()
        wait("the zoomed flame", lambda: flame.get_attribute("data-root") == "hold_big")
        frame = [f for f in flame.find_elements(By.CSS_SELECTOR, ".fr[data-name='hold_big']")][0]
        if frame.size["width"] < 0.95 * flame.size["width"] or w0 >= frame.size["width"]:
            fail("flame click: hold_big %d px -> %d px of %d" % (w0, frame.size["width"], flame.size["width"]))
        if flame.find_elements(By.CSS_SELECTOR, ".fr[data-name='hold_mid']"):
            fail("flame click: hold_mid still shown")
        shot(d, "flame-click")
        print("flame click: hold_big %d px -> %d px" % (w0, frame.size["width"]))
        errors(d)

        # a long run: zooming in swaps in a finer level of the pyramid
        open_page(d, big)
        chart = d.find_element(By.ID, "memchart")
        a0, a1 = rng(chart)
        drag_zoom(d, chart, 0.4, 0.6)
        wait("a finer level", lambda: int(chart.get_attribute("data-level")) > 0)
        shot(d, "big-zoomed")
        print("big: zoomed to %s, level %s" % (chart.get_attribute("data-range"), chart.get_attribute("data-level")))
        errors(d)
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)


main()
